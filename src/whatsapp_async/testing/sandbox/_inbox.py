"""The conversations: what the business sent, what customers sent, and read marks.

The page and ``GET /_sandbox/...`` read one timeline of items, each a JSON
object with a ``kind``:

- ``message``: ``direction`` ``"out"`` (a send the fake accepted: ``body`` is
  the request body) or ``"in"`` (a customer message posted to the webhook:
  ``message`` is the webhook's message object, ``webhook`` how the bot answered);
- ``read``: the bot marked ``message_id`` read (``typing`` when it also showed
  the typing indicator);
- ``status``: a status webhook the sandbox posted about a business message
  (``sent``, ``delivered``, ``read`` or ``failed`` with ``error_code`` and
  ``error_title``), which the page draws as the message's ticks.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from ...errors import ValidationError
from .._state import ReadMark, RecordedMessage, digits
from .._webhooks import (
    InboundButtonReply,
    InboundListReply,
    InboundLocation,
    InboundReaction,
    Media,
    QuickReply,
    SimulatedMessage,
    WebhookDelivery,
)

__all__ = ["InboundRecord", "InboundRequest", "inbound_item", "out_item", "parse_inbound",
           "read_item", "status_item"]

#: The ``type`` values ``POST /_sandbox/inbound`` takes.
INBOUND_TYPES = ("text", "button_reply", "list_reply", "quick_reply", "location", "reaction",
                 "image", "video", "audio", "document", "sticker")
MediaKind = Literal["image", "video", "audio", "document", "sticker"]
#: Inbound media the control API accepts (the page sends images).
_MAX_MEDIA = 16 * 2**20


@dataclass(frozen=True)
class InboundRequest:
    """A customer message to post, as ``POST /_sandbox/inbound`` described it."""

    from_: str
    name: str
    text: str | None
    message: SimulatedMessage | None
    reply_to: str | None
    phone_number_id: str | None


@dataclass
class InboundRecord:
    """A customer message the sandbox posted to the webhook."""

    id: str
    wa_id: str
    name: str
    phone_number_id: str
    time: float
    message: dict[str, Any]
    webhook: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, delivery: WebhookDelivery, request: InboundRequest, phone_number_id: str,
           now: float) -> InboundRecord:
        value = delivery.payload["entry"][0]["changes"][0]["value"]
        message = value["messages"][0]
        webhook = {"status": delivery.status, "error": delivery.error,
                   "signed": delivery.signature is not None}
        return cls(message["id"], message["from"], request.name, phone_number_id, now,
                   message, webhook)


def _text(body: dict[str, Any], name: str, *, required: bool = True, limit: int = 4096
          ) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ValidationError(name, "must be a non-empty string")
    if len(value) > limit:
        raise ValidationError(name, f"must be at most {limit} characters")
    return value


def _float(body: dict[str, Any], name: str, low: float, high: float) -> float:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(name, "must be a number")
    if not low <= value <= high:
        raise ValidationError(name, f"must be between {low:g} and {high:g}")
    return float(value)


def parse_inbound(body: Any) -> InboundRequest:
    """Read a ``POST /_sandbox/inbound`` body.

    Args:
        body: The decoded JSON: ``from`` (the customer's number), ``type``
            (one of :data:`INBOUND_TYPES`, default ``text``), the fields of
            that type, and optionally ``name``, ``reply_to`` and
            ``phone_number_id``.

    Returns:
        What to post.

    Raises:
        ValidationError: A missing or bad field, named in the error.
    """
    if not isinstance(body, dict):
        raise ValidationError("body", "must be a JSON object")
    from_ = _text(body, "from", limit=20)
    assert from_ is not None
    if not 7 <= len(digits(from_)) <= 15:
        raise ValidationError("from", "must be a phone number of 7 to 15 digits")
    kind = body.get("type", "text")
    if kind not in INBOUND_TYPES:
        raise ValidationError("type", f"must be one of {', '.join(INBOUND_TYPES)}")
    name = _text(body, "name", required=False, limit=256) or "Sandbox User"
    reply_to = _text(body, "reply_to", required=False, limit=512)
    number = _text(body, "phone_number_id", required=False, limit=64)
    text: str | None = None
    message: SimulatedMessage | None = None
    if kind == "text":
        text = _text(body, "text")
    elif kind in ("button_reply", "list_reply"):
        reply_id = _text(body, "id", limit=256)
        title = _text(body, "title", limit=256)
        assert reply_id is not None and title is not None
        if kind == "button_reply":
            message = InboundButtonReply(reply_id, title)
        else:
            message = InboundListReply(reply_id, title,
                                       _text(body, "description", required=False, limit=256))
    elif kind == "quick_reply":
        payload = _text(body, "payload", limit=256)
        label = _text(body, "text", limit=256)
        assert payload is not None and label is not None
        message = QuickReply(payload, label)
    elif kind == "location":
        message = InboundLocation(
            _float(body, "latitude", -90, 90), _float(body, "longitude", -180, 180),
            _text(body, "location_name", required=False, limit=256),
            _text(body, "address", required=False, limit=256),
        )
    elif kind == "reaction":
        target = _text(body, "message_id", limit=512)
        emoji = body.get("emoji", "")
        if not isinstance(emoji, str) or len(emoji) > 16:
            raise ValidationError("emoji", "must be one emoji, or empty to remove a reaction")
        assert target is not None
        message = InboundReaction(target, emoji)
    else:
        message = _media(kind, body)
    return InboundRequest(from_, name, text, message, reply_to, number)


def _media(kind: str, body: dict[str, Any]) -> Media:
    encoded = _text(body, "data_base64", limit=_MAX_MEDIA * 2)
    mime = _text(body, "mime_type", limit=128)
    assert encoded is not None and mime is not None
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("data_base64", "must be base64") from None
    if not data:
        raise ValidationError("data_base64", "must hold the file's bytes")
    caption = _text(body, "caption", required=False, limit=1024)
    filename = _text(body, "filename", required=False, limit=240)
    # parse_inbound only sends the media types of INBOUND_TYPES here.
    return Media(cast(MediaKind, kind), data, mime, caption, filename)


def out_item(message: RecordedMessage) -> dict[str, Any]:
    """A message the business sent, as a timeline item."""
    return {"kind": "message", "direction": "out", "id": message.id,
            "wa_id": message.wa_id, "phone_number_id": message.phone_number_id,
            "type": message.type, "body": message.body, "time": message.time}


def inbound_item(record: InboundRecord) -> dict[str, Any]:
    """A customer message, as a timeline item."""
    return {"kind": "message", "direction": "in", "id": record.id, "wa_id": record.wa_id,
            "name": record.name, "phone_number_id": record.phone_number_id,
            "type": record.message.get("type"), "message": record.message,
            "time": record.time, "webhook": record.webhook}


def read_item(mark: ReadMark) -> dict[str, Any]:
    """A mark-as-read by the bot, as a timeline item."""
    return {"kind": "read", "message_id": mark.message_id, "typing": mark.typing_indicator,
            "phone_number_id": mark.phone_number_id, "time": mark.time}


def status_item(delivery: WebhookDelivery, now: float) -> dict[str, Any] | None:
    """A status webhook about a business message, as a timeline item (None for others)."""
    if delivery.kind != "status":
        return None
    value = delivery.payload["entry"][0]["changes"][0]["value"]
    status = value["statuses"][0]
    errors = status.get("errors") or [{}]
    return {"kind": "status", "message_id": status["id"], "wa_id": status["recipient_id"],
            "status": status["status"], "error_code": errors[0].get("code"),
            "error_title": errors[0].get("title"), "webhook": delivery.status, "time": now}
