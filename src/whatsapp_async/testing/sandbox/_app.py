"""``Sandbox``: the fake Cloud API plus a web page, a control API and a request log."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from .._server import FakeCloudAPI
from .._webhooks import WebhookDelivery
from ._control import ControlRoutes
from ._handshake import Verification, keep_verifying
from ._inbox import (
    InboundRecord,
    InboundRequest,
    inbound_item,
    out_item,
    read_item,
    status_item,
)
from ._log import RequestLog, SendStats
from ._template_status import apply_status, prepare_definitions
from ._templates import fake_settings

__all__ = ["Sandbox"]


class Sandbox(FakeCloudAPI):
    """A :class:`FakeCloudAPI` you can see and talk to, on one port.

    Besides the Cloud API it serves a page at ``/`` (the inbox, the request
    log, the faults panel and the broadcast dashboard) and the control API
    under ``/_sandbox/`` (documented in the sandbox guide)::

        async with Sandbox(webhook_url="http://127.0.0.1:8080/webhook",
                           app_secret="s3cret", verify_token="t0ken") as sandbox:
            print("open", sandbox.page_url)

    Args:
        verify_token: With a ``webhook_url``, the token of Meta's GET
            verification handshake, made at start and retried until the
            endpoint answers; None skips the handshake.
        template_definitions: Template definitions (see ``--templates``) the
            page renders template sends with; the fake then knows only these.
        **settings: Everything :class:`FakeCloudAPI` takes.
    """

    def __init__(self, *, verify_token: str | None = None,
                 template_definitions: Sequence[dict[str, Any]] | None = None,
                 **settings: Any) -> None:
        definitions = [dict(d) for d in template_definitions or ()]
        prepare_definitions(definitions)
        super().__init__(**{**fake_settings(definitions), **settings})
        for definition in definitions:
            # The page shows the ids the fake's registry (and its webhooks) use.
            definition["id"] = self.template(definition["name"], definition["language"]).id
        self.verify_token = verify_token
        self.template_definitions = definitions
        self.stats = SendStats()
        self.request_log = RequestLog(self.stats, self.changed)
        self.inbound: list[InboundRecord] = []
        #: The status webhooks posted about business messages, as timeline items.
        self.delivery_statuses: list[dict[str, Any]] = []
        self.verification = Verification(
            detail="" if verify_token else "no verify token: handshake skipped")
        self.epoch = 0
        self.closing = False
        self._change = asyncio.Event()
        self._verifier: asyncio.Task[Verification] | None = None

    @property
    def page_url(self) -> str:
        """The address of the page."""
        return f"{self.url}/"

    # ----------------------------------------------------------- live changes

    def changed(self) -> None:
        """Wake every live page: something new is recorded."""
        self._change.set()
        self._change = asyncio.Event()

    def next_change(self) -> asyncio.Event:
        """The event the next :meth:`changed` sets (take it before reading records)."""
        return self._change

    async def wait_change(self, event: asyncio.Event, timeout: float) -> bool:
        """Wait until ``event`` is set or ``timeout`` passes; True if it was set."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)
        return event.is_set()

    # ----------------------------------------------------------------- inbox

    async def send_inbound(self, request: InboundRequest) -> InboundRecord:
        """Post a customer message to the webhook and record it in the inbox.

        Args:
            request: What the customer sends (see ``POST /_sandbox/inbound``).

        Returns:
            The recorded message, with the webhook's answer.

        Raises:
            RuntimeError: The sandbox has no ``webhook_url``.
            ValidationError: ``phone_number_id`` is not a business number.
        """
        from ...errors import ValidationError

        number = request.phone_number_id or self.phone_number_id
        if number not in self.numbers:
            raise ValidationError("phone_number_id", f"{number} is not a business number "
                                  f"of the sandbox ({', '.join(self.numbers)})")
        delivery = await self.simulate_inbound(
            from_=request.from_, text=request.text, message=request.message,
            name=request.name, reply_to=request.reply_to, phone_number_id=number,
        )
        record = InboundRecord.of(delivery, request, number, self.now())
        self.inbound.append(record)
        self.changed()
        return record

    def _note_delivery(self, delivery: WebhookDelivery) -> None:
        item = status_item(delivery, self.now())
        if item is not None:
            self.delivery_statuses.append(item)
            self.changed()

    def timeline(self, wa_id: str | None = None) -> list[dict[str, Any]]:
        """Every timeline item (of one customer, if given), oldest first."""
        items = [*map(out_item, self.sent), *map(inbound_item, self.inbound)]
        if wa_id is not None:
            items = [item for item in items if item["wa_id"] == wa_id]
            ids = {item["id"] for item in items}
            reads = [read_item(m) for m in self.read_marks if m.message_id in ids]
            statuses = [s for s in self.delivery_statuses if s["message_id"] in ids]
        else:
            reads = [read_item(m) for m in self.read_marks]
            statuses = list(self.delivery_statuses)
        merged = items + reads + statuses
        merged.sort(key=lambda item: item["time"])
        return merged

    def conversations(self) -> list[dict[str, Any]]:
        """One summary per customer: ``wa_id``, ``name``, ``messages``, ``last_time``."""
        summary: dict[str, dict[str, Any]] = {}
        for item in [*map(out_item, self.sent), *map(inbound_item, self.inbound)]:
            entry = summary.setdefault(item["wa_id"], {"wa_id": item["wa_id"], "name": None,
                                                       "messages": 0, "last_time": 0.0})
            entry["messages"] += 1
            entry["last_time"] = max(entry["last_time"], item["time"])
            if item.get("name"):
                entry["name"] = item["name"]
        return sorted(summary.values(), key=lambda e: e["last_time"], reverse=True)

    # ------------------------------------------------------------- templates

    def review_template(self, name: str, status: str, *, language: str | None = None,
                        reason: str | None = None) -> list[dict[str, Any]]:
        """Approve, reject or pause a template in every language (or one), for the page.

        See :func:`apply_status`; :meth:`FakeCloudAPI.set_template_status` changes one.
        """
        changed = apply_status(self, name, status, language=language, reason=reason)
        self.changed()
        return changed

    def info(self) -> dict[str, Any]:
        """The sandbox's settings, as the page's header shows them."""
        return {
            "base_url": self.base_url, "access_token": self.access_token,
            "business_account_id": self.waba_id,
            "phone_numbers": list(self.numbers), "webhook_url": self.webhook_url,
            "signed": self.app_secret is not None,
            "verification": self.verification.to_json(),
            "templates": [{"name": d["name"], "language": d["language"], "status": d["status"]}
                          for d in self.template_definitions],
        }

    def reset(self) -> None:
        """Forget everything, as :meth:`FakeCloudAPI.reset`, and the page's records too."""
        super().reset()
        self.inbound.clear()
        self.delivery_statuses.clear()
        self.request_log.reset()
        self.stats.reset()
        self.epoch += 1
        self.changed()

    # -------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start serving; with a webhook and a verify token, begin the handshake."""
        self.closing = False
        await super().start()
        if self._store.sender is not None:
            self._store.sender.listener = self._note_delivery
        if self.webhook_url is not None and self.verify_token is not None \
                and self._verifier is None:
            self._verifier = asyncio.create_task(self.verify())

    async def verify(self) -> Verification:
        """Make Meta's verification handshake now (retried until the endpoint answers)."""
        assert self.webhook_url is not None and self.verify_token is not None
        await keep_verifying(self.webhook_url, self.verify_token, self.verification)
        self.changed()
        return self.verification

    async def aclose(self) -> None:
        """Stop serving: live pages are closed, then the fake stops."""
        self.closing = True
        self.changed()
        if self._verifier is not None:
            self._verifier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._verifier
            self._verifier = None
        await super().aclose()

    def _add_routes(self, app: web.Application) -> None:
        # The page, the control API and the log go first: the fake's table
        # ends with a catch-all that refuses every other path.
        app.middlewares.append(self.request_log.middleware)

        async def end_streams(_: web.Application) -> None:
            self.closing = True
            self.changed()

        app.on_shutdown.append(end_streams)
        ControlRoutes(self).add(app)
        super()._add_routes(app)
