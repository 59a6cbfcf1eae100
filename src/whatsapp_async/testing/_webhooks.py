"""Webhook notifications the fake sends out, signed the way Meta signs them.

Payload shapes follow ``shared/facts/webhooks/``: one envelope
(``object`` / ``entry[]`` / ``changes[]`` / ``value``) holding either inbound
``messages`` (with ``contacts``) or ``statuses`` of messages the fake accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp

__all__ = [
    "InboundButtonReply",
    "InboundListReply",
    "InboundLocation",
    "InboundReaction",
    "Media",
    "QuickReply",
    "SimulatedMessage",
    "WebhookDelivery",
    "WebhookSender",
    "envelope",
    "inbound_value",
    "sign",
    "status_value",
]

log = logging.getLogger("whatsapp_async.testing")


def sign(body: bytes, app_secret: str) -> str:
    """``X-Hub-Signature-256`` for ``body``: HMAC-SHA256 with the app secret, hex."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def encode(payload: dict[str, Any]) -> bytes:
    # Meta sends compact JSON with non-ASCII escaped as \uXXXX (lowercase hex),
    # and signs exactly those bytes.
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()


# ------------------------------------------------------------- inbound kinds
# What FakeCloudAPI.simulate_inbound(message=...) takes. "Inbound" marks the
# kinds whose plain name is a core class: the core's Location and Reaction are
# messages you send, its ButtonReply and ListReply parts of a parsed webhook.


@dataclass(frozen=True)
class InboundButtonReply:
    """The user tapped a reply button of an interactive message."""

    id: str
    title: str


@dataclass(frozen=True)
class InboundListReply:
    """The user picked a row of a list message."""

    id: str
    title: str
    description: str | None = None


@dataclass(frozen=True)
class QuickReply:
    """The user tapped a quick-reply button of a template (inbound ``type: button``)."""

    payload: str
    text: str


@dataclass(frozen=True)
class Media:
    """The user sent media; the fake stores ``data`` so it can be downloaded."""

    kind: Literal["image", "video", "audio", "document", "sticker"]
    data: bytes
    mime_type: str
    caption: str | None = None
    filename: str | None = None


@dataclass(frozen=True)
class InboundLocation:
    """The user shared a location."""

    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class InboundReaction:
    """The user reacted to a message (empty ``emoji`` removes the reaction)."""

    message_id: str
    emoji: str


@dataclass(frozen=True)
class InboundFlowReply:
    """The user completed a Flow: ``response`` arrives as ``nfm_reply.response_json``
    (with ``flow_token`` first, as WhatsApp sends it)."""

    flow_token: str
    response: Mapping[str, Any] = field(default_factory=dict)
    body: str = "Sent"


SimulatedMessage = (
    InboundButtonReply | InboundListReply | QuickReply | Media | InboundLocation
    | InboundReaction | InboundFlowReply
)
"""Any message ``simulate_inbound(message=...)`` takes (text has its own ``text=``)."""


@dataclass(frozen=True)
class WebhookDelivery:
    """One webhook POST the fake made.

    Attributes:
        kind: ``"message"`` (inbound) or ``"status"``.
        body: The exact bytes posted (and signed).
        signature: The ``X-Hub-Signature-256`` header sent (None without an app secret).
        status: HTTP status the endpoint answered, or None if it could not be reached.
        error: Why the POST failed, if it did.
        message_id: The wamid the notification is about (inbound or sent).
    """

    kind: str
    body: bytes
    signature: str | None
    status: int | None
    error: str | None = None
    message_id: str | None = None

    @property
    def payload(self) -> Any:
        """The decoded JSON body."""
        return json.loads(self.body)


def envelope(waba_id: str, phone_number_id: str, display_number: str,
             value: dict[str, Any]) -> dict[str, Any]:
    """Wrap a ``value`` in Meta's notification envelope."""
    return {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": waba_id,
            "changes": [{
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": display_number,
                                 "phone_number_id": phone_number_id},
                    **value,
                },
                "field": "messages",
            }],
        }],
    }


def inbound_value(
    *, wamid: str, from_: str, name: str, timestamp: int, body: dict[str, Any],
    context: dict[str, Any] | None,
) -> dict[str, Any]:
    """The ``value`` of an inbound message notification."""
    message: dict[str, Any] = {}
    if context is not None:
        message["context"] = context
    message.update({"from": from_, "id": wamid, "timestamp": str(timestamp), **body})
    return {
        "contacts": [{"profile": {"name": name}, "wa_id": from_}],
        "messages": [message],
    }


def status_value(
    *,
    wamid: str,
    status: str,
    recipient_id: str,
    timestamp: int,
    category: str,
    callback_data: str | None,
    conversation: bool,
    error: tuple[int, str, str] | None = None,
) -> dict[str, Any]:
    """The ``value`` of a status notification (sent / delivered / read / failed)."""
    item: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": str(timestamp),
        "recipient_id": recipient_id,
    }
    if callback_data is not None:
        item["biz_opaque_callback_data"] = callback_data
    if status in ("sent", "delivered"):
        if conversation:  # dropped from status webhooks in v24.0
            conv: dict[str, Any] = {"id": hashlib.sha256(wamid.encode()).hexdigest()[:32],
                                    "origin": {"type": category}}
            if status == "sent":
                conv["expiration_timestamp"] = str(timestamp + 86400)
            item["conversation"] = conv
        item["pricing"] = {
            "billable": category != "service",
            "pricing_model": "PMP",
            "type": "regular" if category != "service" else "free_customer_service",
            "category": category,
        }
    if error is not None:
        code, title, details = error
        item["errors"] = [{
            "code": code,
            "title": title,
            "message": title,
            "error_data": {"details": details},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/"
                    "error-codes/",
        }]
    return {"statuses": [item]}


class WebhookSender:
    """Posts notifications to one URL from background tasks.

    Notifications about one user go through one lane, in order (a message's
    sent, delivered, read; a conversation's turns); ``lanes`` users are served
    at once, so a broadcast's status storm does not queue up behind one socket.

    Args:
        url: The endpoint (the user's webhook receiver).
        app_secret: Signs each body; None sends no signature header.
        lanes: Notifications posted concurrently (for different users).
    """

    def __init__(self, url: str, app_secret: str | None, *, lanes: int = 4) -> None:
        self.url = url
        self.app_secret = app_secret
        self.deliveries: list[WebhookDelivery] = []
        #: Called with each delivery once it is made (the sandbox's page follows statuses).
        self.listener: Callable[[WebhookDelivery], None] | None = None
        self._queues: list[asyncio.Queue[tuple[str, bytes, str] | None]] = [
            asyncio.Queue() for _ in range(lanes)
        ]
        self._session: aiohttp.ClientSession | None = None
        self._workers: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._workers = [asyncio.create_task(self._run(q)) for q in self._queues]

    async def aclose(self) -> None:
        for queue in self._queues:
            queue.put_nowait(None)
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers = []
        if self._session is not None:
            await self._session.close()
            self._session = None

    def enqueue(self, kind: str, payload: dict[str, Any], message_id: str, to: str) -> None:
        """Queue one notification after the ones queued before it about user ``to``."""
        queue = self._queues[hash(to) % len(self._queues)]
        queue.put_nowait((kind, encode(payload), message_id))

    async def drain(self) -> None:
        """Wait until every queued notification has been posted."""
        for queue in self._queues:
            await queue.join()

    async def post(self, kind: str, payload: dict[str, Any], message_id: str
                   ) -> WebhookDelivery:
        """Post one notification now (after the queues are drained) and return the result."""
        await self.drain()
        return await self._deliver(kind, encode(payload), message_id)

    async def _run(self, queue: asyncio.Queue[tuple[str, bytes, str] | None]) -> None:
        while True:
            item = await queue.get()
            try:
                if item is None:
                    return
                await self._deliver(*item)
            finally:
                queue.task_done()

    async def _deliver(self, kind: str, body: bytes, message_id: str) -> WebhookDelivery:
        assert self._session is not None
        headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
        signature = sign(body, self.app_secret) if self.app_secret is not None else None
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        try:
            async with self._session.post(self.url, data=body, headers=headers) as resp:
                await resp.read()
                delivery = WebhookDelivery(kind, body, signature, resp.status,
                                           message_id=message_id)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("webhook POST to %s failed: %s", self.url, exc)
            delivery = WebhookDelivery(kind, body, signature, None,
                                       f"{type(exc).__name__}: {exc}", message_id)
        self.deliveries.append(delivery)
        if self.listener is not None:
            self.listener(delivery)
        return delivery
