"""``FakeCloudAPI``: a stateful WhatsApp Cloud API on loopback, built on aiohttp.web."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from aiohttp import web

from . import _graph
from ._faults import SEND, Fault, FaultInjector, FaultPlan
from ._graph import GraphError, invalid, unknown_object
from ._state import (
    Ids,
    PairLimit,
    PhoneNumberState,
    ReadMark,
    RecordedMessage,
    Refusal,
    StoredMedia,
    StoredQrCode,
    TokenBucket,
)
from ._validate import MEDIA_TYPES, check_send
from ._validate_numbers import (
    check_business_profile,
    check_code_request,
    check_deregister,
    check_pin,
    check_qr_image_format,
    check_qr_message,
    check_register,
    check_verification_code,
)
from ._webhooks import (
    InboundButtonReply,
    InboundListReply,
    InboundLocation,
    InboundReaction,
    Media,
    QuickReply,
    SimulatedMessage,
    WebhookDelivery,
    WebhookSender,
    envelope,
    inbound_value,
    status_value,
)

__all__ = ["FakeCloudAPI"]

log = logging.getLogger("whatsapp_async.testing")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_JSON = "application/json"
_SUCCESS = b'{"success":true}'
_DAY = 86400.0

#: Media the Cloud API accepts, by MIME type: (message kind, max bytes).
_MEDIA_LIMITS: dict[str, tuple[str, int]] = {
    "image/jpeg": ("image", 5 * 2**20),
    "image/png": ("image", 5 * 2**20),
    "image/webp": ("sticker", 500 * 2**10),
    "video/mp4": ("video", 16 * 2**20),
    "video/3gpp": ("video", 16 * 2**20),
    "audio/aac": ("audio", 16 * 2**20),
    "audio/amr": ("audio", 16 * 2**20),
    "audio/mpeg": ("audio", 16 * 2**20),
    "audio/mp4": ("audio", 16 * 2**20),
    "audio/ogg": ("audio", 16 * 2**20),
    "text/plain": ("document", 100 * 2**20),
    "application/pdf": ("document", 100 * 2**20),
    "application/msword": ("document", 100 * 2**20),
    "application/vnd.ms-excel": ("document", 100 * 2**20),
    "application/vnd.ms-powerpoint": ("document", 100 * 2**20),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        ("document", 100 * 2**20),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        ("document", 100 * 2**20),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation":
        ("document", 100 * 2**20),
}

_PHONE_FIELDS = frozenset({
    "id", "display_phone_number", "verified_name", "quality_rating",
    "code_verification_status", "platform_type", "throughput", "name_status", "status",
    "is_official_business_account", "account_mode", "is_pin_enabled", "messaging_limit_tier",
})
_PHONE_DEFAULT_FIELDS = ("id", "display_phone_number", "verified_name", "quality_rating")
_PROFILE_FIELDS = ("about", "address", "description", "email", "profile_picture_url",
                   "websites", "vertical")

# A 1x1 transparent PNG and a tiny SVG stand in for QR images.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


class FakeCloudAPI:
    """A local, stateful stand-in for Meta's WhatsApp Cloud API.

    It serves every operation of the library's API on loopback, remembers what
    was sent and uploaded, refuses bad requests with Graph-shaped errors and the
    real codes, enforces the real limits, injects faults on demand, and posts
    signed webhooks::

        async with FakeCloudAPI() as fake:
            async with WhatsAppClient(fake.access_token, fake.phone_number_id,
                                      base_url=fake.base_url) as wa:
                await wa.messages.send_text("+15551234567", "Hi")
            assert fake.sent[0].text == "Hi"

    Args:
        host: Interface to listen on (keep it loopback).
        port: TCP port; 0 picks a free one.
        access_token: The only bearer token accepted.
        phone_numbers: Business phone number ids the fake knows; the first is
            :attr:`phone_number_id`.
        api_version: The version in :attr:`base_url` (any ``vNN.N`` is served).
        messages_per_second: Throughput limit of each number (token bucket
            holding one second of sends); over it sends get 130429.
        pair_limit: Limit per (number, recipient) (131056); None turns it off.
        register_budget: Register + deregister calls allowed per number in
            ``register_window`` seconds (72 h); the next one gets 133016.
        register_window: The moving window of ``register_budget``.
        media_url_ttl: Seconds a media download URL stays valid (Meta: 5 min).
        webhook_url: Where to POST notifications (statuses, simulated inbound).
        app_secret: Signs webhook bodies (``X-Hub-Signature-256``).
        statuses: Status notifications posted for each accepted message.
        enforce_service_window: Deliver non-template messages only within 24 h
            of the user's last (simulated) inbound message; others fail with
            131047 in a status webhook, as on the real platform.
        templates: Template names that exist; None accepts every name,
            otherwise an unknown name gets 132001.
        waba_id: WhatsApp Business Account id used in webhook envelopes.
        faults: Random fault rates (see :class:`FaultPlan`).
        seed: Seeds ids and fault draws, so runs are reproducible.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_token: str = "test-token",
        phone_numbers: Sequence[str] = ("1234567890",),
        api_version: str = "v21.0",
        messages_per_second: float = 80.0,
        pair_limit: PairLimit | None = PairLimit(),  # noqa: B008 - frozen, shared safely
        register_budget: int = 10,
        register_window: float = 72 * 3600.0,
        media_url_ttl: float = 300.0,
        webhook_url: str | None = None,
        app_secret: str | None = None,
        statuses: Sequence[str] = ("sent", "delivered", "read"),
        enforce_service_window: bool = False,
        templates: Collection[str] | None = None,
        waba_id: str = "102290129340398",
        faults: FaultPlan | None = None,
        seed: int = 0,
    ) -> None:
        if not phone_numbers:
            raise ValueError("phone_numbers must name at least one business number")
        if not messages_per_second > 0:
            raise ValueError("messages_per_second must be > 0")
        self.host = host
        self._port = port
        self.access_token = access_token
        self.api_version = api_version
        self.messages_per_second = float(messages_per_second)
        self.pair_limit = pair_limit
        self.register_budget = register_budget
        self.register_window = register_window
        self.media_url_ttl = media_url_ttl
        self.webhook_url = webhook_url
        self.app_secret = app_secret
        self.statuses = tuple(statuses)
        self.enforce_service_window = enforce_service_window
        self.templates = frozenset(templates) if templates is not None else None
        self.waba_id = waba_id
        self.faults = FaultInjector(faults, seed=seed)
        self._seed = seed
        self._auth = f"Bearer {access_token}"
        self._number_ids = tuple(phone_numbers)
        self._first = phone_numbers[0]
        self._reset_records()
        self._clock_offset = 0.0
        self._runner: web.AppRunner | None = None
        self._sender: WebhookSender | None = None
        self._origin = ""

    def _reset_records(self) -> None:
        self._numbers: dict[str, PhoneNumberState] = {
            number_id: PhoneNumberState(
                id=number_id,
                display_phone_number=f"+1 555-010-{i:04d}",
                profile={"about": "Hey there! I am using WhatsApp.", "vertical": "OTHER"},
            )
            for i, number_id in enumerate(self._number_ids)
        }
        self.sent: list[RecordedMessage] = []
        self.read_marks: list[ReadMark] = []
        self.refusals: list[Refusal] = []
        self.media: dict[str, StoredMedia] = {}
        self.qr_codes: dict[str, StoredQrCode] = {}
        self.dropped = 0
        self._ids = Ids(self._seed)
        self._download_tokens: dict[str, tuple[str, float]] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._rates: dict[str, float] = {}
        self._pairs: dict[tuple[str, str], TokenBucket] = {}
        self._last_sent: dict[tuple[str, str], str] = {}
        self._last_inbound: dict[tuple[str, str], float] = {}
        self._failing: dict[str, int] = {}

    # ------------------------------------------------------------ public state

    @property
    def base_url(self) -> str:
        """What ``WhatsAppClient(base_url=...)`` takes, e.g. ``http://127.0.0.1:PORT/v21.0``."""
        return f"{self.url}/{self.api_version}"

    @property
    def url(self) -> str:
        """Scheme, host and port of the running fake (no version)."""
        if not self._origin:
            raise RuntimeError("the fake is not running: use 'async with FakeCloudAPI()'")
        return self._origin

    @property
    def port(self) -> int:
        """The TCP port the fake listens on."""
        return int(self.url.rsplit(":", 1)[1])

    @property
    def phone_number_id(self) -> str:
        """The first business number id."""
        return self._first

    @property
    def numbers(self) -> Mapping[str, PhoneNumberState]:
        """State of every business number, by id."""
        return self._numbers

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook POST made so far, in order."""
        return self._sender.deliveries if self._sender is not None else []

    def sent_to(self, recipient: str) -> list[RecordedMessage]:
        """Messages accepted for ``recipient`` (compared by digits)."""
        digits = "".join(c for c in recipient if c.isdigit())
        return [m for m in self.sent if m.wa_id == digits]

    def count_refusals(self, code: int) -> int:
        """How many answers carried Graph error ``code``."""
        return sum(1 for r in self.refusals if r.code == code)

    def verification_code(self, phone_number_id: str | None = None) -> str | None:
        """The code the last ``request_code`` "sent by SMS" to the number, if pending."""
        return self._numbers[phone_number_id or self._first].pending_code

    # ---------------------------------------------------------------- controls

    def inject(self, *faults: Fault, operation: str = SEND) -> None:
        """Queue scripted faults for the next requests of ``operation``.

        Args:
            *faults: One fault per coming request, in order.
            operation: A seed-spec ``operationId`` (``"sendMessage"``,
                ``"getMediaUrl"``, ...), ``"downloadMedia"``, or ``"*"`` for any.
        """
        self.faults.inject(faults, operation)

    def set_faults(self, plan: FaultPlan | None) -> None:
        """Replace the random fault rates (None: no random faults)."""
        self.faults.configure(plan)

    def set_throughput(self, phone_number_id: str, messages_per_second: float) -> None:
        """Change one number's throughput limit (e.g. to model an upgrade to 1000/s)."""
        self._rates[phone_number_id] = float(messages_per_second)
        self._buckets.pop(phone_number_id, None)
        if messages_per_second >= 1000:
            self._numbers[phone_number_id].throughput_level = "HIGH"

    def fail_deliveries_to(self, recipient: str, code: int = 131026) -> None:
        """Make messages to ``recipient`` end with a ``failed`` status carrying ``code``."""
        self._failing["".join(c for c in recipient if c.isdigit())] = code

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward: expires URLs, refills budgets and buckets."""
        self._clock_offset += seconds

    def now(self) -> float:
        """The fake's wall clock (Unix seconds, :meth:`advance` included)."""
        return time.time() + self._clock_offset

    def _mono(self) -> float:
        return asyncio.get_running_loop().time() + self._clock_offset

    def reset(self) -> None:
        """Start afresh, as if the fake had just been started.

        Forgets messages, media, QR codes, refusals, number state (registration,
        PIN, profile), limit state and scripted faults. Ids keep counting:
        webhook receivers dedupe on wamids, so a reissued one would be dropped.
        """
        ids = self._ids
        self._reset_records()
        self._ids = ids
        self.faults.clear()

    async def flush_webhooks(self) -> None:
        """Wait until every queued webhook has been posted."""
        if self._sender is not None:
            await self._sender.drain()

    # --------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start serving (``async with`` does this)."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=110 * 2**20)
        self._routes(app)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        host = f"[{host}]" if ":" in host else host
        self._origin = f"http://{host}:{port}"
        if self.webhook_url is not None:
            self._sender = WebhookSender(self.webhook_url, self.app_secret)
            await self._sender.start()

    async def aclose(self) -> None:
        """Stop serving; queued webhooks are posted first. Safe to call twice."""
        if self._sender is not None:
            await self._sender.drain()
            await self._sender.aclose()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeCloudAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        where = self._origin or "not running"
        return f"<FakeCloudAPI {where} numbers={list(self._numbers)} sent={len(self.sent)}>"

    # ------------------------------------------------------------------ routes

    def _routes(self, app: web.Application) -> None:
        v = r"/{version:v\d+\.\d+}"
        node = v + "/{node}"
        add = app.router.add_route
        add("GET", node, self._op(("getPhoneNumber", "getMediaUrl"), self._get_node,
                                  bound=False))
        add("POST", node, self._op("setTwoStepVerification", self._set_pin))
        add("DELETE", node, self._op("deleteMedia", self._delete_node, bound=False))
        add("POST", node + "/messages", self._op(SEND, self._send))
        add("POST", node + "/media", self._op("uploadMedia", self._upload))
        add("GET", node + "/whatsapp_business_profile",
            self._op("getBusinessProfile", self._get_profile))
        add("POST", node + "/whatsapp_business_profile",
            self._op("updateBusinessProfile", self._update_profile))
        add("POST", node + "/request_code",
            self._op("requestVerificationCode", self._request_code))
        add("POST", node + "/verify_code", self._op("verifyCode", self._verify_code))
        add("POST", node + "/register", self._op("registerPhoneNumber", self._register))
        add("POST", node + "/deregister", self._op("deregisterPhoneNumber", self._deregister))
        add("GET", node + "/message_qrdls", self._op("listQrCodes", self._list_qr))
        add("POST", node + "/message_qrdls", self._op("createQrCode", self._create_qr))
        add("GET", node + "/message_qrdls/{code}", self._op("getQrCode", self._get_qr))
        add("POST", node + "/message_qrdls/{code}", self._op("updateQrCode", self._update_qr))
        add("DELETE", node + "/message_qrdls/{code}",
            self._op("deleteQrCode", self._delete_qr))
        add("GET", "/whatsapp_business/attachments/", self._download)
        add("GET", "/_fake/qr/{name}", self._qr_image)
        add("*", "/{tail:.*}", self._unknown_path)

    def _op(
        self,
        operations: str | tuple[str, str],
        handler: Callable[[web.Request, PhoneNumberState | None], Awaitable[web.StreamResponse]],
        *,
        bound: bool = True,
    ) -> Handler:
        """Wrap a handler with auth, number lookup, faults and error answers.

        ``operations`` is a seed-spec ``operationId``, or a pair (when the node is
        a phone number, otherwise) for ``/{id}`` paths shared by two operations.
        """
        on_number, on_other = (
            operations if isinstance(operations, tuple) else (operations, operations)
        )

        async def serve(request: web.Request) -> web.StreamResponse:
            number: PhoneNumberState | None = None
            node = request.match_info["node"]
            operation = on_number
            try:
                if request.headers.get("Authorization") != self._auth:
                    raise _graph.bad_token()
                number = self._numbers.get(node)
                if number is None:
                    if bound:
                        raise unknown_object(request.method, node)
                    operation = on_other
                fault = self.faults.draw(operation)
                delay = self.faults.latency(operation)
                if fault is not None and fault.kind == "delay":
                    delay += fault.seconds
                    fault = None
                if delay > 0:
                    if not request.content_type.startswith("multipart/"):
                        # Read the body first (aiohttp keeps it): a client that
                        # gives up during the delay must not stop the processing.
                        await request.read()
                    await asyncio.sleep(delay)
                if fault is not None:
                    return await self._apply_fault(request, fault, operation, handler, number)
                return await handler(request, number)
            except GraphError as exc:
                return self._refuse(exc, operation, number)

        return serve

    async def _apply_fault(
        self,
        request: web.Request,
        fault: Fault,
        operation: str,
        handler: Callable[[web.Request, PhoneNumberState | None], Awaitable[web.StreamResponse]],
        number: PhoneNumberState | None,
    ) -> web.StreamResponse:
        if fault.kind == "error":
            raise GraphError(fault.code, status=fault.status)
        if fault.kind == "server_error":
            status = fault.status or 502
            self._note_refusal(operation, None, status, number)
            return web.Response(
                status=status, content_type="text/html",
                text=f"<html><body><h1>{status}</h1>Server Error</body></html>",
            )
        if fault.kind == "drop_after":
            # Refused or not, the caller learns nothing either way.
            with contextlib.suppress(GraphError):
                await handler(request, number)
        self.dropped += 1
        transport = request.transport
        if transport is not None:
            transport.abort()
        return web.Response(status=204)

    def _note_refusal(self, operation: str, code: int | None, status: int,
                      number: PhoneNumberState | None) -> None:
        self.refusals.append(
            Refusal(operation, code, status, number.id if number else None, self.now())
        )

    def _refuse(self, exc: GraphError, operation: str,
                number: PhoneNumberState | None) -> web.Response:
        self._note_refusal(operation, exc.code, exc.status, number)
        trace = self._ids.fbtrace_id()
        headers = {"x-fb-trace-id": trace, "facebook-api-version": self.api_version}
        if exc.code == 190:
            headers["WWW-Authenticate"] = (
                'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"'
            )
        return web.Response(
            body=msgspec.json.encode(exc.body(trace)), status=exc.status,
            content_type=_JSON, headers=headers,
        )

    @staticmethod
    def _ok(payload: Any) -> web.Response:
        body = payload if isinstance(payload, bytes) else msgspec.json.encode(payload)
        return web.Response(body=body, content_type=_JSON)

    async def _unknown_path(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != self._auth:
            return self._refuse(_graph.bad_token(), "unknown", None)
        return self._refuse(
            invalid(f"Unknown path components: {request.path}"), "unknown", None
        )

    @staticmethod
    async def _json(request: web.Request) -> Any:
        raw = await request.read()
        if not raw:
            return {}
        if request.content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(raw.decode()))
        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            raise invalid("The request body could not be parsed as JSON") from None

    # -------------------------------------------------------------- messages

    async def _send(self, request: web.Request, number: PhoneNumberState | None
                    ) -> web.Response:
        assert number is not None
        body = await self._json(request)
        kind = check_send(body)
        if kind == "read":
            typing = isinstance(body.get("typing_indicator"), dict)
            self.read_marks.append(ReadMark(number.id, body["message_id"], typing, self.now()))
            return self._ok(_SUCCESS)
        if not number.registered:
            raise GraphError(133010, "The phone number is not registered on the Cloud API.")
        if kind == "template" and self.templates is not None:
            template = body["template"]
            if template["name"] not in self.templates:
                raise GraphError(
                    132001, f"template name ({template['name']}) does not exist in "
                    f"{template['language']['code']}",
                )
        now = self._mono()
        bucket = self._buckets.get(number.id)
        if bucket is None:
            rate = self._rates.get(number.id, self.messages_per_second)
            # At least one token of room, or a rate below 1/s could never send.
            bucket = self._buckets[number.id] = TokenBucket(rate, max(rate, 1.0), now)
        if not bucket.take(now):
            raise GraphError(130429)
        to: str = body["to"]
        wa_id = "".join(c for c in to if c.isdigit())
        if self.pair_limit is not None:
            key = (number.id, wa_id)
            pair = self._pairs.get(key)
            if pair is None:
                limit = self.pair_limit
                pair = self._pairs[key] = TokenBucket(1.0 / limit.interval, limit.burst, now)
            if not pair.take(now):
                raise GraphError(131056)
        wamid = self._ids.wamid(wa_id)
        self.sent.append(
            RecordedMessage(wamid, number.id, to, wa_id, kind, body, self.now(),
                            await request.read())
        )
        self._last_sent[(number.id, wa_id)] = wamid
        if self._sender is not None:
            self._queue_statuses(number, wamid, wa_id, kind, body)
        message: dict[str, str] = {"id": wamid}
        if kind == "template":
            message["message_status"] = "accepted"
        return self._ok({
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": wa_id}],
            "messages": [message],
        })

    def _queue_statuses(self, number: PhoneNumberState, wamid: str, wa_id: str, kind: str,
                        body: dict[str, Any]) -> None:
        assert self._sender is not None
        failure = self._delivery_failure(number, wa_id, kind, body)
        if failure is not None:
            sequence: Sequence[str] = ("failed",)
        elif kind == "reaction":
            sequence = ("sent",)  # reactions only ever get "sent"
        else:
            sequence = self.statuses
        callback = body.get("biz_opaque_callback_data")
        category = "utility" if kind == "template" else "service"
        conversation = _version_tuple(self.api_version) < (24, 0)
        stamp = int(self.now())
        for status in sequence:
            value = status_value(
                wamid=wamid, status=status, recipient_id=wa_id, timestamp=stamp,
                category=category, callback_data=callback, conversation=conversation,
                error=failure if status == "failed" else None,
            )
            self._sender.enqueue("status", self._envelope(number, value), wamid, wa_id)

    def _delivery_failure(self, number: PhoneNumberState, wa_id: str, kind: str,
                          body: dict[str, Any]) -> tuple[int, str, str] | None:
        code = self._failing.get(wa_id)
        if code is not None:
            return code, _graph.title_for(code), "Message failed to send."
        if kind in MEDIA_TYPES:
            media_id = body[kind].get("id")
            if media_id is not None and media_id not in self.media:
                return (131053, "Media upload error",
                        f"Media id {media_id} was not found or has been deleted.")
        if self.enforce_service_window and kind != "template":
            last = self._last_inbound.get((number.id, wa_id))
            if last is None or self.now() - last > _DAY:
                return (131047, "Re-engagement message",
                        "Message failed to send because more than 24 hours have passed "
                        "since the customer last replied to this number.")
        return None

    def _envelope(self, number: PhoneNumberState, value: dict[str, Any]) -> dict[str, Any]:
        display = "".join(c for c in number.display_phone_number if c.isdigit())
        return envelope(self.waba_id, number.id, display, value)

    # ------------------------------------------------------------------ media

    async def _upload(self, request: web.Request, number: PhoneNumberState | None
                      ) -> web.Response:
        assert number is not None
        if not request.content_type.startswith("multipart/"):
            raise invalid("Param file must be sent as multipart/form-data")
        form = await request.post()
        product = form.get("messaging_product")
        if product is None:
            raise invalid("The parameter messaging_product is required.")
        if product != "whatsapp":
            raise invalid("Param messaging_product must be one of {whatsapp}")
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise invalid("The parameter file is required.")
        mime = form.get("type")
        if not isinstance(mime, str) or not mime:
            raise invalid("The parameter type is required.")
        base = mime.split(";", 1)[0].strip().lower()
        if base not in _MEDIA_LIMITS:
            raise invalid(
                f"Param file must be a file with one of the following types: "
                f"{', '.join(_MEDIA_LIMITS)}. Received file of type '{mime}'."
            )
        data = file.file.read() if not isinstance(file, bytes) else file
        kind, limit = _MEDIA_LIMITS[base]
        if len(data) > limit:
            raise GraphError(131053, f"{kind} file is too big: {len(data)} bytes, the "
                             f"limit for {base} is {limit} bytes.")
        if not data:
            raise GraphError(131053, "The uploaded file is empty.")
        media_id = self._store_media(number.id, data, mime, getattr(file, "filename", None))
        return self._ok({"id": media_id})

    def _store_media(self, number_id: str, data: bytes, mime: str, filename: str | None
                     ) -> str:
        media_id = self._ids.media_id()
        while media_id in self.media or media_id in self._numbers:
            media_id = self._ids.media_id()
        self.media[media_id] = StoredMedia.create(
            media_id, number_id, data, mime, filename, self.now()
        )
        return media_id

    def _download_url(self, media: StoredMedia) -> str:
        token = self._ids.url_token()
        expires = self._mono() + self.media_url_ttl
        if len(self._download_tokens) > 1000:
            now = self._mono()
            self._download_tokens = {
                k: v for k, v in self._download_tokens.items() if v[1] > now
            }
        self._download_tokens[token] = (media.id, expires)
        return (f"{self.url}/whatsapp_business/attachments/?mid={media.id}"
                f"&ext={int(self.now() + self.media_url_ttl)}&hash={token}")

    async def _get_node(self, request: web.Request, number: PhoneNumberState | None
                        ) -> web.Response:
        node = request.match_info["node"]
        if number is not None:
            return self._ok(self._phone_info(number, request.query.get("fields")))
        media = self._owned_media(request, node)
        return self._ok({
            "messaging_product": "whatsapp",
            "url": self._download_url(media),
            "mime_type": media.mime_type,
            "sha256": media.sha256,
            "file_size": media.file_size,
            "id": media.id,
        })

    def _owned_media(self, request: web.Request, media_id: str) -> StoredMedia:
        media = self.media.get(media_id)
        owner = request.query.get("phone_number_id")
        if media is None or (owner is not None and owner != media.phone_number_id):
            raise unknown_object(request.method, media_id)
        return media

    async def _delete_node(self, request: web.Request, number: PhoneNumberState | None
                           ) -> web.Response:
        node = request.match_info["node"]
        if number is not None:
            raise unknown_object("DELETE", node)
        media = self._owned_media(request, node)
        del self.media[media.id]
        return self._ok(_SUCCESS)

    async def _download(self, request: web.Request) -> web.Response:
        operation = "downloadMedia"
        if request.headers.get("Authorization") != self._auth:
            return self._refuse(_graph.bad_token(), operation, None)
        fault = self.faults.draw(operation)
        delay = self.faults.latency(operation) + (
            fault.seconds if fault is not None and fault.kind == "delay" else 0.0)
        if delay > 0:
            await asyncio.sleep(delay)
        if fault is not None and fault.kind in ("server_error", "error"):
            # The media host is not Graph: its failures never carry a Graph body.
            status = fault.status or 502
            self._note_refusal(operation, None, status, None)
            return web.Response(status=status, text="Server Error")
        if fault is not None and fault.kind in ("drop_before", "drop_after"):
            self.dropped += 1
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=204)
        entry = self._download_tokens.get(request.query.get("hash", ""))
        media = self.media.get(entry[0]) if entry is not None else None
        if entry is None or media is None or entry[1] < self._mono():
            self._note_refusal(operation, None, 404, None)
            return web.Response(status=404, text="Not Found")
        return web.Response(
            body=media.data, content_type=media.mime_type.split(";", 1)[0],
            headers={"Content-Disposition": f"attachment; filename={media.id}"},
        )

    # ------------------------------------------------------------ phone number

    def _phone_info(self, number: PhoneNumberState, fields: str | None) -> dict[str, Any]:
        wanted = _field_list(fields) or list(_PHONE_DEFAULT_FIELDS)
        for name in wanted:
            if name not in _PHONE_FIELDS:
                raise invalid(f"Tried accessing nonexisting field ({name}) on node type "
                              "(WhatsAppBusinessPhoneNumber)")
        values: dict[str, Any] = {
            "id": number.id,
            "display_phone_number": number.display_phone_number,
            "verified_name": number.verified_name,
            "quality_rating": number.quality_rating,
            "code_verification_status": number.code_verification_status,
            "platform_type": "CLOUD_API",
            "throughput": {"level": number.throughput_level},
            "name_status": "APPROVED",
            "status": "CONNECTED" if number.registered else "DISCONNECTED",
            "is_official_business_account": False,
            "account_mode": "LIVE",
            "is_pin_enabled": number.pin is not None,
            "messaging_limit_tier": "TIER_1K",
        }
        info = {name: values[name] for name in wanted}
        info.setdefault("id", number.id)  # Graph always returns the node id
        return info

    async def _set_pin(self, request: web.Request, number: PhoneNumberState | None
                       ) -> web.Response:
        assert number is not None
        number.pin = check_pin(await self._json(request))
        return self._ok(_SUCCESS)

    # -------------------------------------------------------- business profile

    async def _get_profile(self, request: web.Request, number: PhoneNumberState | None
                           ) -> web.Response:
        assert number is not None
        wanted = _field_list(request.query.get("fields")) or list(_PROFILE_FIELDS)
        for name in wanted:
            if name not in _PROFILE_FIELDS and name != "messaging_product":
                raise invalid(f"Tried accessing nonexisting field ({name}) on node type "
                              "(WhatsAppBusinessProfile)")
        entry = {k: number.profile[k] for k in wanted if k in number.profile}
        entry["messaging_product"] = "whatsapp"
        return self._ok({"data": [entry]})

    async def _update_profile(self, request: web.Request, number: PhoneNumberState | None
                              ) -> web.Response:
        assert number is not None
        update = check_business_profile(await self._json(request))
        handle = update.pop("profile_picture_handle", None)
        if handle is not None:
            update["profile_picture_url"] = f"https://pps.whatsapp.net/v/fake/{handle}.jpg"
        number.profile.update(update)
        return self._ok(_SUCCESS)

    # ------------------------------------------------------------ registration

    async def _request_code(self, request: web.Request, number: PhoneNumberState | None
                            ) -> web.Response:
        assert number is not None
        method = check_code_request(await self._json(request))
        number.pending_code = self._ids.verification_code()
        log.info("fake %s to %s: verification code %s", method, number.display_phone_number,
                 number.pending_code)
        return self._ok(_SUCCESS)

    async def _verify_code(self, request: web.Request, number: PhoneNumberState | None
                           ) -> web.Response:
        assert number is not None
        code = check_verification_code(await self._json(request))
        if number.pending_code is None:
            raise GraphError(136025, "No verification code was requested for this number.")
        if code != number.pending_code:
            raise GraphError(136025, "Code couldn't be verified; you may have entered the "
                             "wrong code.")
        number.pending_code = None
        number.code_verification_status = "VERIFIED"
        return self._ok(_SUCCESS)

    def _spend_register_budget(self, number: PhoneNumberState) -> None:
        now = self._mono()
        calls = number.register_calls
        while calls and calls[0] <= now - self.register_window:
            calls.popleft()
        if len(calls) >= self.register_budget:
            raise GraphError(133016)
        calls.append(now)

    async def _register(self, request: web.Request, number: PhoneNumberState | None
                        ) -> web.Response:
        assert number is not None
        pin = check_register(await self._json(request))
        if number.code_verification_status != "VERIFIED":
            raise GraphError(133006, "Verify the phone number (request_code, verify_code) "
                             "before registering it.")
        self._spend_register_budget(number)
        if number.pin is not None and number.pin != pin:
            raise GraphError(133005)
        number.pin = pin
        number.registered = True
        return self._ok(_SUCCESS)

    async def _deregister(self, request: web.Request, number: PhoneNumberState | None
                          ) -> web.Response:
        assert number is not None
        check_deregister(await self._json(request))
        self._spend_register_budget(number)
        number.registered = False
        return self._ok(_SUCCESS)

    # --------------------------------------------------------------- QR codes

    def _qr_json(self, qr: StoredQrCode) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": qr.code,
            "prefilled_message": qr.prefilled_message,
            "deep_link_url": f"https://wa.me/message/{qr.code}",
        }
        if qr.image_format is not None:
            out["qr_image_url"] = f"{self.url}/_fake/qr/{qr.code}.{qr.image_format.lower()}"
        return out

    def _qr(self, number: PhoneNumberState, code: str) -> StoredQrCode:
        qr = self.qr_codes.get(code)
        if qr is None or qr.phone_number_id != number.id:
            raise unknown_object("GET", code)
        return qr

    async def _create_qr(self, request: web.Request, number: PhoneNumberState | None
                         ) -> web.Response:
        assert number is not None
        body = await self._json(request)
        if not isinstance(body, dict):
            raise invalid("The request body must be a JSON object")
        message = check_qr_message(body.get("prefilled_message"))
        fmt = check_qr_image_format(body)
        code = body.get("code")
        if code is not None:  # the documented update form: same POST with "code"
            qr = self._qr(number, str(code))
            qr.prefilled_message = message
            qr.image_format = fmt or qr.image_format
            return self._ok(self._qr_json(qr))
        new_code = self._ids.qr_code()
        while new_code in self.qr_codes:
            new_code = self._ids.qr_code()
        qr = self.qr_codes[new_code] = StoredQrCode(new_code, number.id, message, fmt)
        return self._ok(self._qr_json(qr))

    async def _list_qr(self, request: web.Request, number: PhoneNumberState | None
                       ) -> web.Response:
        assert number is not None
        data = [self._qr_json(q) for q in self.qr_codes.values()
                if q.phone_number_id == number.id]
        return self._ok({"data": data})

    async def _get_qr(self, request: web.Request, number: PhoneNumberState | None
                      ) -> web.Response:
        assert number is not None
        qr = self._qr(number, request.match_info["code"])
        return self._ok({"data": [self._qr_json(qr)]})

    async def _update_qr(self, request: web.Request, number: PhoneNumberState | None
                         ) -> web.Response:
        assert number is not None
        qr = self._qr(number, request.match_info["code"])
        body = await self._json(request)
        if not isinstance(body, dict):
            raise invalid("The request body must be a JSON object")
        qr.prefilled_message = check_qr_message(body.get("prefilled_message"))
        qr.image_format = check_qr_image_format(body) or qr.image_format
        return self._ok(self._qr_json(qr))

    async def _delete_qr(self, request: web.Request, number: PhoneNumberState | None
                         ) -> web.Response:
        assert number is not None
        qr = self._qr(number, request.match_info["code"])
        del self.qr_codes[qr.code]
        return self._ok(_SUCCESS)

    async def _qr_image(self, request: web.Request) -> web.Response:
        code, _, ext = request.match_info["name"].partition(".")
        if code not in self.qr_codes or ext not in ("svg", "png"):
            return web.Response(status=404, text="Not Found")
        if ext == "svg":
            return web.Response(body=_SVG, content_type="image/svg+xml")
        return web.Response(body=_PNG, content_type="image/png")

    # ---------------------------------------------------------------- inbound

    async def simulate_inbound(
        self,
        *,
        from_: str,
        text: str | None = None,
        message: SimulatedMessage | None = None,
        name: str = "Test User",
        reply_to: str | None = None,
        phone_number_id: str | None = None,
    ) -> WebhookDelivery:
        """Post a signed notification of a message from a user to the webhook URL.

        Give ``text`` for a text message, or ``message`` for another kind:
        :class:`InboundButtonReply`, :class:`InboundListReply`,
        :class:`QuickReply`, :class:`Media`, :class:`InboundLocation` or
        :class:`InboundReaction`. It also opens the user's 24-hour customer
        service window.

        Args:
            from_: The user's number (digits, as Meta sends it).
            text: Body of a text message.
            message: Any other kind of inbound message.
            name: The user's profile name.
            reply_to: Business message id the user replied to (``context``);
                button, list and quick replies default to the last message
                sent to that user.
            phone_number_id: The business number that receives it.

        Returns:
            The delivery, with the endpoint's HTTP status and the message's
            ``wamid`` in ``message_id``.

        Raises:
            RuntimeError: No ``webhook_url`` was configured or the fake is not running.
            ValueError: Neither or both of ``text`` and ``message`` given.
        """
        if self._sender is None:
            raise RuntimeError("simulate_inbound needs FakeCloudAPI(webhook_url=...) running")
        if (text is None) == (message is None):
            raise ValueError("give exactly one of text= or message=")
        number = self._numbers[phone_number_id or self._first]
        wa_id = "".join(c for c in from_ if c.isdigit())
        body = self._inbound_body(number, text, message)
        if reply_to is None and isinstance(
                message, (InboundButtonReply, InboundListReply, QuickReply)):
            reply_to = self._last_sent.get((number.id, wa_id))
        context = None
        if reply_to is not None:
            display = "".join(c for c in number.display_phone_number if c.isdigit())
            context = {"from": display, "id": reply_to}
        wamid = self._ids.wamid(wa_id)
        value = inbound_value(wamid=wamid, from_=wa_id, name=name, timestamp=int(self.now()),
                              body=body, context=context)
        self._last_inbound[(number.id, wa_id)] = self.now()
        return await self._sender.post("message", self._envelope(number, value), wamid)

    def _inbound_body(self, number: PhoneNumberState, text: str | None,
                      message: SimulatedMessage | None) -> dict[str, Any]:
        if text is not None:
            return {"type": "text", "text": {"body": text}}
        if isinstance(message, InboundButtonReply):
            return {"type": "interactive", "interactive": {
                "type": "button_reply", "button_reply": {"id": message.id, "title": message.title}
            }}
        if isinstance(message, InboundListReply):
            reply = {"id": message.id, "title": message.title}
            if message.description is not None:
                reply["description"] = message.description
            return {"type": "interactive",
                    "interactive": {"type": "list_reply", "list_reply": reply}}
        if isinstance(message, QuickReply):
            return {"type": "button", "button": {"payload": message.payload,
                                                 "text": message.text}}
        if isinstance(message, InboundLocation):
            location: dict[str, Any] = {"latitude": message.latitude,
                                        "longitude": message.longitude}
            if message.name is not None:
                location["name"] = message.name
            if message.address is not None:
                location["address"] = message.address
            return {"type": "location", "location": location}
        if isinstance(message, InboundReaction):
            return {"type": "reaction",
                    "reaction": {"message_id": message.message_id, "emoji": message.emoji}}
        if isinstance(message, Media):
            media_id = self._store_media(number.id, message.data, message.mime_type,
                                         message.filename)
            stored = self.media[media_id]
            obj: dict[str, Any] = {}
            if message.caption is not None:
                obj["caption"] = message.caption
            if message.filename is not None:
                obj["filename"] = message.filename
            obj.update({"mime_type": message.mime_type, "sha256": stored.sha256_base64,
                        "id": media_id, "url": self._download_url(stored)})
            if message.kind == "audio":
                obj["voice"] = message.mime_type.startswith("audio/ogg")
            if message.kind == "sticker":
                obj["animated"] = False
            return {"type": message.kind, message.kind: obj}
        raise TypeError(f"unsupported inbound message: {message!r}")


def _field_list(fields: str | None) -> list[str]:
    # "qr_image_url.format(SVG)" and "throughput{level}" name the fields
    # qr_image_url and throughput.
    if not fields:
        return []
    names = []
    for raw in fields.split(","):
        name = raw.strip().split(".", 1)[0].split("{", 1)[0].split("(", 1)[0]
        if name:
            names.append(name)
    return names


def _version_tuple(version: str) -> tuple[int, int]:
    major, _, minor = version.lstrip("v").partition(".")
    try:
        return int(major), int(minor or 0)
    except ValueError:
        return (0, 0)
