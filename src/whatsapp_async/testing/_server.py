"""``FakeCloudAPI``: a stateful WhatsApp Cloud API on loopback, built on aiohttp.web.

This module holds the fake's lifecycle, its controls and what it shows of its
state. The operations are served by the ``_routes_*`` modules (one area each),
listed in ``_route_table``, through the ``_gate`` (auth, faults, refusals); the
state they share is a ``FakeStore``. The ``simulate_<field>`` methods come from
``_field_simulator`` and the template controls from ``_template_controls``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from types import TracebackType

from aiohttp import web

from ._faults import SEND, Fault, FaultInjector, FaultPlan
from ._field_simulator import FieldSimulation
from ._flow_exchange import FlowExchange, flow_exchange
from ._gate import Gate
from ._inbound import InboundSimulator
from ._route_table import route_table
from ._routes_account import AccountRoutes
from ._routes_flows import FlowRoutes, StoredFlow
from ._routes_media import MediaRoutes
from ._routes_templates import TemplateRoutes
from ._state import (
    FakeStore,
    PairLimit,
    PhoneNumberState,
    ReadMark,
    RecordedMessage,
    Refusal,
    StoredMedia,
    StoredQrCode,
    digits,
)
from ._template_controls import TemplateControls
from ._templates import TemplateBook
from ._webhooks import SimulatedMessage, WebhookDelivery, WebhookSender

__all__ = ["FakeCloudAPI"]

#: Uploads up to 100 MiB (documents) plus the multipart framing.
_MAX_BODY = 110 * 2**20


class FakeCloudAPI(FieldSimulation, TemplateControls):
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
        pair_limit: Limit per business number and recipient (131056); None
            turns it off.
        register_budget: Register + deregister calls allowed per number in
            ``register_window`` seconds (72 h); the next one gets 133016.
        register_window: The moving window of ``register_budget``.
        media_url_ttl: Seconds a media download URL stays valid (Meta: 5 min).
        webhook_url: Where to POST notifications (statuses, simulated inbound).
        app_secret: Signs webhook bodies (``X-Hub-Signature-256``).
        webhook_lanes: Webhook POSTs in flight at once (each user's in order).
        statuses: Status notifications posted for each accepted message.
        read_rate: Share of messages that get their ``read`` status (when
            ``statuses`` has one), drawn per wamid: the others stop at delivered.
        enforce_service_window: Deliver non-template messages only within 24 h
            of the user's last (simulated) inbound message; others fail with
            131047 in a status webhook, as on the real platform.
        templates: Templates of the business account: the library's Structs
            (``TemplateDefinition``, ``MessageTemplate``), dicts in Meta's
            message-template shape (``name``, ``language``, ``category``,
            ``status``, ``components``), or bare names (known in every
            language, parameters not checked). Sends of a known template are
            checked as Meta checks them (132000, 132005, 132007, 132012,
            132015, 132016). None: no templates, and every template is accepted.
        permissive_templates: Accept sends of templates the fake does not
            know instead of refusing them with 132001. Defaults to True
            without ``templates`` (the sandbox and demo send any name) and
            False with them.
        waba_id: WhatsApp Business Account id used in webhook envelopes.
        faults: Random fault rates (see :class:`FaultPlan`).
        seed: Seeds ids and fault draws, so runs are reproducible.

    Each setting is kept as an attribute of the same name (``faults`` holds
    the :class:`FaultInjector` built from the plan). What the fake recorded is
    in :attr:`sent`, :attr:`read_marks`, :attr:`refusals`, :attr:`media`,
    :attr:`qr_codes`, :attr:`numbers` and :attr:`webhook_deliveries`.
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
        webhook_lanes: int = 4,
        statuses: Sequence[str] = ("sent", "delivered", "read"),
        read_rate: float = 1.0,
        enforce_service_window: bool = False,
        templates: Collection[object] | None = None,
        waba_id: str = "102290129340398",
        faults: FaultPlan | None = None,
        seed: int = 0,
        permissive_templates: bool | None = None,
    ) -> None:
        if not phone_numbers:
            raise ValueError("phone_numbers must name at least one business number")
        if not messages_per_second > 0:
            raise ValueError("messages_per_second must be > 0")
        if webhook_lanes < 1 or not 0.0 <= read_rate <= 1.0:
            raise ValueError("webhook_lanes must be >= 1 and read_rate between 0 and 1")
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
        self.webhook_lanes = webhook_lanes
        self.statuses = tuple(statuses)
        self.read_rate = read_rate
        self.enforce_service_window = enforce_service_window
        self.templates = tuple(templates) if templates is not None else None
        self.permissive_templates = (
            templates is None if permissive_templates is None else permissive_templates
        )
        self.template_book = TemplateBook(
            list(templates or ()), permissive=self.permissive_templates
        )
        self.waba_id = waba_id
        self.faults = FaultInjector(faults, seed=seed)
        self._first = phone_numbers[0]
        self._store = FakeStore(phone_numbers, seed)
        self._gate = Gate(self, self._store)
        self._media = MediaRoutes(self, self._store, self._gate)
        self._inbound = InboundSimulator(self, self._store, self._media)
        self._flows = FlowRoutes(self)
        self._template_routes = TemplateRoutes(self, self._store, self.template_book)
        self._account_routes = AccountRoutes(self, self._store)
        #: Message ids of the sends made through ``/marketing_messages``.
        self.marketing_sent: list[str] = []
        self._runner: web.AppRunner | None = None
        self._origin = ""

    # -------------------------------------------------------------- inspection

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
        """State of every business number, by ``phone_number_id``."""
        return self._store.phone_numbers

    @property
    def sent(self) -> list[RecordedMessage]:
        """Every message accepted, in order (mark-as-read requests are in :attr:`read_marks`)."""
        return self._store.sent

    @property
    def read_marks(self) -> list[ReadMark]:
        """Every mark-as-read (and typing indicator) request accepted, in order."""
        return self._store.read_marks

    @property
    def refusals(self) -> list[Refusal]:
        """Every error answer given (Graph errors and injected server errors), in order."""
        return self._store.refusals

    @property
    def media(self) -> dict[str, StoredMedia]:
        """Uploaded and simulated inbound media, by media id."""
        return self._store.media

    @property
    def qr_codes(self) -> dict[str, StoredQrCode]:
        """QR codes of every number, by code."""
        return self._store.qr_codes

    @property
    def flows(self) -> dict[str, StoredFlow]:
        """Flows of the account (``waba_id``), by flow id."""
        return self._flows.flows

    @property
    def flow_public_keys(self) -> dict[str, str]:
        """Business public keys (PEM) uploaded for Flows, by ``phone_number_id``."""
        return self._flows.public_keys

    @property
    def dropped(self) -> int:
        """Connections closed without an answer by drop faults."""
        return self._store.dropped

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook POST made so far, in order."""
        sender = self._store.sender
        return sender.deliveries if sender is not None else []

    def sent_to(self, to: str) -> list[RecordedMessage]:
        """Messages accepted for recipient ``to`` (compared by digits)."""
        wa_id = digits(to)
        return [m for m in self.sent if m.wa_id == wa_id]

    def count_refusals(self, code: int) -> int:
        """How many answers carried Graph error ``code``."""
        return sum(1 for r in self.refusals if r.code == code)

    def verification_code(self, phone_number_id: str | None = None) -> str | None:
        """The code the last ``request_code`` "sent by SMS" to the number, if pending."""
        return self._store.phone_numbers[phone_number_id or self._first].pending_code

    def now(self) -> float:
        """The fake's wall clock (Unix seconds, :meth:`advance` included)."""
        return self._store.now()

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
        self._store.rates[phone_number_id] = float(messages_per_second)
        self._store.buckets.pop(phone_number_id, None)
        if messages_per_second >= 1000:
            self._store.phone_numbers[phone_number_id].throughput_level = "HIGH"

    def fail_deliveries_to(self, to: str, code: int = 131026) -> None:
        """Make messages to recipient ``to`` end with a ``failed`` status carrying ``code``."""
        self._store.failing[digits(to)] = code

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward: expires URLs, refills budgets and buckets."""
        self._store.clock_offset += seconds

    def reset(self) -> None:
        """Start afresh, as if the fake had just been started.

        Forgets messages, media, QR codes, refusals, number state (registration,
        PIN, profile), limit state and scripted faults. Ids keep counting:
        webhook receivers dedupe on wamids, so a reissued one would be dropped.
        """
        self._store.reset()
        self._flows.reset()
        self.faults.clear()
        self.template_book.reset()
        self.marketing_sent.clear()
        self._account_routes.reset()

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
        :class:`QuickReply`, :class:`Media`, :class:`InboundLocation`,
        :class:`InboundReaction` or :class:`InboundFlowReply` (a completed
        Flow). It also opens the user's 24-hour customer service window.

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
        return await self._inbound.post(
            from_=from_, text=text, message=message, name=name, reply_to=reply_to,
            phone_number_id=phone_number_id or self._first,
        )

    async def flow_exchange(
        self,
        endpoint_url: str,
        public_key: str | None = None,
        *,
        action: str = "INIT",
        screen: str | None = None,
        data: Mapping[str, object] | None = None,
        flow_token: str | None = "flow-token",
        signature: str | None = None,
        phone_number_id: str | None = None,
        check: bool = True,
    ) -> FlowExchange:
        """Act as WhatsApp towards your Flow endpoint: encrypt a request as Meta
        does, post it, decrypt the answer and check its shape.

        Args:
            endpoint_url: Your endpoint's URL.
            public_key: The PEM to encrypt for; by default the key uploaded
                for the number (``wa.flows.set_public_key``).
            action: ``"INIT"``, ``"data_exchange"``, ``"BACK"`` or ``"ping"``.
            screen: The screen the request comes from.
            data: What the screen submits.
            flow_token: The flow token.
            signature: An ``X-Hub-Signature-256`` to send instead of the one
                made with the fake's ``app_secret`` (e.g. a wrong one).
            phone_number_id: Whose uploaded key to use by default.
            check: Raise :class:`FlowExchangeError` when a 200 answer is not
                what WhatsApp accepts.

        Returns:
            The status and the decrypted answer.

        Raises:
            RuntimeError: No public key given or uploaded for the number.
            FlowExchangeError: ``check`` and a 200 answer WhatsApp would refuse.
        """
        number = phone_number_id or self._first
        key = public_key or self._flows.public_keys.get(number)
        if key is None:
            raise RuntimeError(f"no public key: pass public_key= or upload one for {number}")
        return await flow_exchange(
            endpoint_url, key, action=action, screen=screen, data=data, flow_token=flow_token,
            app_secret=self.app_secret, signature=signature, check=check,
        )

    async def flush_webhooks(self) -> None:
        """Wait until every queued webhook has been posted."""
        if self._store.sender is not None:
            await self._store.sender.drain()

    # --------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start serving (``async with`` does this)."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=_MAX_BODY)
        self._add_routes(app)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        host = f"[{host}]" if ":" in host else host
        self._origin = f"http://{host}:{port}"
        if self.webhook_url is not None:
            self._store.sender = WebhookSender(self.webhook_url, self.app_secret,
                                               lanes=self.webhook_lanes)
            await self._store.sender.start()

    async def aclose(self) -> None:
        """Stop serving; queued webhooks are posted first. Safe to call twice."""
        sender = self._store.sender
        if sender is not None:
            await sender.drain()
            await sender.aclose()
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
        return f"<FakeCloudAPI {where} numbers={list(self.numbers)} sent={len(self.sent)}>"

    def _add_routes(self, app: web.Application) -> None:
        # The whole served surface: one row per operation, in _route_table.
        for method, path, handler in route_table(
            self, self._store, self._gate, self._media, self._flows,
            self._template_routes, self._account_routes,
        ):
            app.router.add_route(method, path, handler)
