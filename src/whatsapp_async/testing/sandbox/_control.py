"""The page and the control API (``/_sandbox/...``) the page and scripts use.

Every answer is JSON; bad input gets 400 with ``{"error": {"field", "message"}}``.
The routes are listed in the sandbox guide (docs/guides/sandbox.md).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...errors import ValidationError
from ._events import stream_events
from ._faults_spec import plan_from_mapping, plan_from_spec, plan_to_dict
from ._handshake import verify_webhook
from ._inbox import inbound_item, out_item, parse_inbound
from ._log import as_json
from ._simulate import SIMULATIONS, simulate

if TYPE_CHECKING:
    from ._app import Sandbox

__all__ = ["ControlRoutes"]

#: The page's files, by the name they are served under, with their type.
_STATIC = {
    "sandbox.css": "text/css",
    "sandbox.js": "text/javascript",
    "render.js": "text/javascript",
    "dashboard.js": "text/javascript",
    "simulate.js": "text/javascript",
}
_MAX_LOG = 1000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status,
                             dumps=lambda o: json.dumps(o, separators=(",", ":")))


def _refuse(exc: ValidationError) -> web.Response:
    return _json({"error": {"field": exc.field, "message": str(exc)}}, status=400)


async def _body(request: web.Request) -> Any:
    raw = await request.read()
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise ValidationError("body", "must be JSON") from None


def _no_webhook() -> web.Response:
    message = ("the sandbox has no webhook to post to: start it with --webhook-url "
               "(your bot's webhook endpoint)")
    return _json({"error": {"field": "webhook_url", "message": message}}, status=409)


def _int(request: web.Request, name: str, default: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 0 <= int(raw) <= high:
        raise ValidationError(name, f"must be a whole number from 0 to {high}")
    return int(raw)


def _static_file(name: str) -> bytes:
    return resources.files(__package__).joinpath("static").joinpath(name).read_bytes()


class ControlRoutes:
    """The page's routes and the control API of one sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    def add(self, app: web.Application) -> None:
        """Register the routes (before the fake's catch-all)."""
        get, post = "GET", "POST"
        table = [
            (get, "/", self.page),
            (get, "/static/{name}", self.static),
            (get, "/favicon.ico", self.favicon),
            (get, "/_sandbox/info", self.info),
            (get, "/_sandbox/events", self.events),
            (post, "/_sandbox/inbound", self.inbound),
            (get, "/_sandbox/simulate", self.simulations),
            (post, "/_sandbox/simulate/{kind}", self.simulate),
            (get, "/_sandbox/sent", self.sent),
            (get, "/_sandbox/conversations", self.conversations),
            (get, "/_sandbox/conversations/{wa_id}", self.conversation),
            (get, "/_sandbox/requests", self.requests),
            (get, "/_sandbox/stats", self.stats),
            (get, "/_sandbox/faults", self.faults),
            (post, "/_sandbox/faults", self.set_faults),
            (get, "/_sandbox/templates", self.templates),
            (post, "/_sandbox/templates/{name}/status", self.template_status),
            (get, "/_sandbox/media/{media_id}", self.media),
            (post, "/_sandbox/verify", self.verify),
            (post, "/_sandbox/reset", self.reset),
        ]
        for method, path, handler in table:
            app.router.add_route(method, path, self._guard(handler))

    @staticmethod
    def _guard(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except ValidationError as exc:
                return _refuse(exc)
        return guarded

    async def page(self, _: web.Request) -> web.Response:
        return web.Response(body=_static_file("index.html"), content_type="text/html",
                            charset="utf-8", headers={"Cache-Control": "no-cache"})

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in _STATIC:
            raise web.HTTPNotFound()
        return web.Response(body=_static_file(name), content_type=_STATIC[name],
                            charset="utf-8", headers={"Cache-Control": "no-cache"})

    async def favicon(self, _: web.Request) -> web.Response:
        # Browsers ask for it; without this route the fake's catch-all refuses it.
        return web.Response(status=204)

    async def info(self, _: web.Request) -> web.Response:
        return _json(self._sandbox.info())

    async def events(self, request: web.Request) -> web.StreamResponse:
        return await stream_events(self._sandbox, request)

    async def inbound(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/inbound``: a customer message, posted to the bot's webhook."""
        parsed = parse_inbound(await _body(request))
        try:
            record = await self._sandbox.send_inbound(parsed)
        except RuntimeError:
            return _no_webhook()
        return _json(inbound_item(record))

    async def simulations(self, _: web.Request) -> web.Response:
        """``GET /_sandbox/simulate``: every kind with its body fields (for the page)."""
        return _json({kind: {"field": sim.field, "fields": [
            {"name": a.name, "type": a.kind.__name__, "required": a.required}
            for a in sim.arguments]} for kind, sim in SIMULATIONS.items()})

    async def simulate(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/simulate/{kind}``: another webhook field, posted to the bot."""
        kind = request.match_info["kind"]
        try:
            delivery = await simulate(self._sandbox, kind, await _body(request))
        except RuntimeError:
            return _no_webhook()
        self._sandbox.changed()
        payload = delivery.payload
        change = payload["entry"][0]["changes"][0]
        return _json({"kind": kind, "field": change["field"], "value": change["value"],
                      "webhook": {"status": delivery.status, "error": delivery.error,
                                  "signed": delivery.signature is not None}})

    async def sent(self, request: web.Request) -> web.Response:
        """``GET /_sandbox/sent[?to=&since=]``: what the business sent."""
        since = _int(request, "since", 0, 10**9)
        to = request.query.get("to")
        messages = self._sandbox.sent[since:]
        wa_id = "".join(c for c in to if c.isdigit()) if to else None
        return _json([out_item(m) for m in messages if wa_id is None or m.wa_id == wa_id])

    async def conversations(self, _: web.Request) -> web.Response:
        return _json(self._sandbox.conversations())

    async def conversation(self, request: web.Request) -> web.Response:
        return _json(self._sandbox.timeline(request.match_info["wa_id"]))

    async def requests(self, request: web.Request) -> web.Response:
        """``GET /_sandbox/requests[?status=&code=&method=&path=&limit=]``."""
        limit = _int(request, "limit", 200, _MAX_LOG)
        return _json(as_json(self._sandbox.request_log.filtered(request.query, limit)))

    async def stats(self, _: web.Request) -> web.Response:
        return _json(self._sandbox.stats.snapshot())

    async def faults(self, _: web.Request) -> web.Response:
        return _json(plan_to_dict(self._sandbox.faults.plan))

    async def set_faults(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/faults``: ``{"spec": "..."}`` or the fields; ``{}`` turns faults off."""
        body = await _body(request)
        if not isinstance(body, dict):
            raise ValidationError("body", "must be a JSON object")
        spec = body.get("spec")
        if spec is not None:
            if not isinstance(spec, str) or len(body) > 1:
                raise ValidationError("spec", "must be a string, given alone")
            plan = plan_from_spec(spec)
        else:
            plan = plan_from_mapping(body)
        self._sandbox.set_faults(plan)
        self._sandbox.changed()
        return _json(plan_to_dict(plan))

    async def templates(self, _: web.Request) -> web.Response:
        return _json(self._sandbox.template_definitions)

    async def template_status(self, request: web.Request) -> web.Response:
        """``POST /_sandbox/templates/{name}/status``: ``{"status", "language"?, "reason"?}``."""
        body = await _body(request)
        if not isinstance(body, dict):
            raise ValidationError("body", "must be a JSON object")
        status, language, reason = body.get("status"), body.get("language"), body.get("reason")
        for field, value in (("status", status), ("language", language), ("reason", reason)):
            if value is not None and not isinstance(value, str):
                raise ValidationError(field, "must be a string")
        changed = self._sandbox.review_template(
            request.match_info["name"], str(status), language=language, reason=reason)
        return _json(changed)

    async def media(self, request: web.Request) -> web.Response:
        """``GET /_sandbox/media/{id}``: an uploaded file, for the page's previews."""
        stored = self._sandbox.media.get(request.match_info["media_id"])
        if stored is None:
            raise web.HTTPNotFound()
        headers = {"Content-Disposition": "inline",
                   "X-Content-Type-Options": "nosniff"}
        return web.Response(body=stored.data, content_type=stored.mime_type, headers=headers)

    async def verify(self, _: web.Request) -> web.Response:
        """``POST /_sandbox/verify``: make the webhook handshake again, now."""
        sandbox = self._sandbox
        if sandbox.webhook_url is None or sandbox.verify_token is None:
            return _json({"error": {"field": "webhook_url",
                                    "message": "start the sandbox with --webhook-url and "
                                    "--verify-token"}}, status=409)
        await verify_webhook(sandbox.webhook_url, sandbox.verify_token, sandbox.verification)
        sandbox.changed()
        return _json(sandbox.verification.to_json())

    async def reset(self, _: web.Request) -> web.Response:
        self._sandbox.reset()
        return _json({"reset": True})
