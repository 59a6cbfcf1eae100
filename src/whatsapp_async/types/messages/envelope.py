"""The send envelope: what wraps a message Struct into the body of one send.

:data:`Message` is any message Struct; :data:`SendRequest` the per-kind bodies
:func:`build_request` produces and :func:`decode_request` reads back. The
mark-read body (:class:`ReadReceipt`) goes to the same endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeAlias

import msgspec
from msgspec import UNSET, UnsetType

from ..._validation import normalize_phone_number
from ...errors import ValidationError
from ._checks import _id, _Message, _text, _Wire
from .basic import Audio, Document, Image, Location, Reaction, Sticker, Text, Video
from .contacts import Contact, Contacts
from .flow import Flow
from .interactive import CtaUrl, Interactive, InteractiveList, LocationRequest, ReplyButtons
from .interactive_requests import AddressMessage, CallPermissionRequest, CatalogMessage
from .limits import BIZ_OPAQUE_CALLBACK_DATA_MAX
from .products import Product, ProductList
from .template import Template

_GROUP_ID = re.compile(r"[A-Za-z0-9_=+/.:-]{1,256}")


#: Any message :meth:`MessagesResource.send` accepts.
Message: TypeAlias = (
    Text | Image | Video | Audio | Document | Sticker | Location | Contacts | ReplyButtons |
    InteractiveList | CtaUrl | Flow | Product | ProductList | LocationRequest | Template |
    Reaction | CatalogMessage | AddressMessage | CallPermissionRequest
)


# --------------------------------------------------------------------------- envelopes


class Context(_Wire, kw_only=True):
    """Makes a message a reply to ``message_id`` (quoted in the chat)."""

    message_id: str


class Group(msgspec.Struct, frozen=True, kw_only=True):
    """A group recipient: pass ``Group(id=...)`` as ``to`` to send to a group.

    The request then carries ``recipient_type: "group"`` and the group id as ``to``.
    """

    id: str


class _Request(_Wire, tag_field="type", kw_only=True):
    """The common part of every send body; subclasses add the content."""

    messaging_product: str
    recipient_type: str
    to: str
    context: Context | UnsetType = UNSET
    biz_opaque_callback_data: str | UnsetType = UNSET
    recipient_identity_key_hash: str | UnsetType = UNSET


# Each envelope names its content field after the kind (``rename``), so one
# constructor call builds any of them.
class SendText(_Request, tag="text", rename={"content": "text"}, kw_only=True):
    """Send body of a text message."""

    content: Text


class SendImage(_Request, tag="image", rename={"content": "image"}, kw_only=True):
    """Send body of an image message."""

    content: Image


class SendVideo(_Request, tag="video", rename={"content": "video"}, kw_only=True):
    """Send body of a video message."""

    content: Video


class SendAudio(_Request, tag="audio", rename={"content": "audio"}, kw_only=True):
    """Send body of an audio message."""

    content: Audio


class SendDocument(_Request, tag="document", rename={"content": "document"}, kw_only=True):
    """Send body of a document message."""

    content: Document


class SendSticker(_Request, tag="sticker", rename={"content": "sticker"}, kw_only=True):
    """Send body of a sticker message."""

    content: Sticker


class SendLocation(_Request, tag="location", rename={"content": "location"}, kw_only=True):
    """Send body of a location message."""

    content: Location


class SendContacts(_Request, tag="contacts", rename={"content": "contacts"}, kw_only=True):
    """Send body of a contacts message (``contacts`` is the list of cards)."""

    content: list[Contact]


class SendInteractive(
    _Request, tag="interactive", rename={"content": "interactive"}, kw_only=True
):
    """Send body of any interactive message."""

    content: Interactive


class SendTemplate(_Request, tag="template", rename={"content": "template"}, kw_only=True):
    """Send body of a template message."""

    content: Template


class SendReaction(_Request, tag="reaction", rename={"content": "reaction"}, kw_only=True):
    """Send body of a reaction."""

    content: Reaction


#: Any send body, tagged by ``type``; decodes a captured request back to Structs.
SendRequest: TypeAlias = (
    SendText | SendImage | SendVideo | SendAudio | SendDocument | SendSticker | SendLocation |
    SendContacts | SendInteractive | SendTemplate | SendReaction
)

_ENVELOPE: dict[str, Callable[..., SendRequest]] = {
    "text": SendText,
    "image": SendImage,
    "video": SendVideo,
    "audio": SendAudio,
    "document": SendDocument,
    "sticker": SendSticker,
    "location": SendLocation,
    "contacts": SendContacts,
    "interactive": SendInteractive,
    "template": SendTemplate,
    "reaction": SendReaction,
}


def _recipient(to: str | Group) -> tuple[str, str]:
    """``(to, recipient_type)`` for the wire."""
    if isinstance(to, Group):
        if not isinstance(to.id, str) or not _GROUP_ID.fullmatch(to.id):
            raise ValidationError(
                "to", "must be a group id: 1 to 256 letters, digits or _ = + / . : -"
            )
        return to.id, "group"
    return normalize_phone_number("to", to), "individual"


def build_request(
    to: str | Group,
    message: Message,
    *,
    reply_to: str | None = None,
    biz_opaque_callback_data: str | None = None,
    recipient_identity_key_hash: str | None = None,
) -> SendRequest:
    """Validate ``message`` and wrap it in the send body for ``to``.

    Args:
        to: Phone number (normalised to ``"+<digits>"``) or a :class:`Group`.
        message: Any message Struct.
        reply_to: wamid of the message to reply to (sent as ``context.message_id``).
        biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.
        recipient_identity_key_hash: Refuse delivery if the user's identity changed.

    Returns:
        The envelope Struct, ready to encode.

    Raises:
        ValidationError: Any field breaks a documented rule.
    """
    if not isinstance(message, _Message):
        raise ValidationError(
            "type", f"message must be a message Struct (Text, Image, ...), got "
            f"{type(message).__name__}"
        )
    message._check(message.kind)
    if type(to) is str:
        recipient, recipient_type = normalize_phone_number("to", to), "individual"
    else:
        recipient, recipient_type = _recipient(to)
    content: Any = message.contacts if isinstance(message, Contacts) else message
    request = _ENVELOPE[message.kind](
        messaging_product="whatsapp", recipient_type=recipient_type, to=recipient, content=content
    )
    # Optional parts are set only when given: fewer keywords, faster construction.
    if reply_to is not None:
        _id("context.message_id", reply_to)
        request.context = Context(message_id=reply_to)
    if biz_opaque_callback_data is not None:
        _text(
            "biz_opaque_callback_data", biz_opaque_callback_data, BIZ_OPAQUE_CALLBACK_DATA_MAX
        )
        request.biz_opaque_callback_data = biz_opaque_callback_data
    if recipient_identity_key_hash is not None:
        _id("recipient_identity_key_hash", recipient_identity_key_hash)
        request.recipient_identity_key_hash = recipient_identity_key_hash
    return request


_request_decoder: msgspec.json.Decoder[SendRequest] = msgspec.json.Decoder(SendRequest)


def decode_request(raw: bytes | str) -> SendRequest:
    """Decode a send body (e.g. one captured by a fake server) into Structs.

    Raises:
        msgspec.ValidationError: The body is not a message send this library knows.
        msgspec.DecodeError: The body is not JSON.
    """
    return _request_decoder.decode(raw)


def message_of(request: SendRequest) -> Message:
    """The message Struct inside a send body (the inverse of :func:`build_request`)."""
    if isinstance(request, SendContacts):
        return Contacts(contacts=request.content)
    return request.content


def recipient_of(request: SendRequest) -> str | Group:
    """The ``to`` of a send body as :func:`build_request` accepts it."""
    return Group(id=request.to) if request.recipient_type == "group" else request.to


# --------------------------------------------------------------------------- mark read


class TypingIndicator(_Wire, kw_only=True):
    """Shows "typing…" for up to 25 s or until you reply; ``type`` is ``"text"``."""

    type: str


class ReadReceipt(_Wire, kw_only=True):
    """Body that marks an inbound message read (Meta's documented shape: no ``to``/``type``)."""

    messaging_product: str
    status: str
    message_id: str
    typing_indicator: TypingIndicator | UnsetType = UNSET
