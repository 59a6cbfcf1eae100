"""The bodies of inbound messages: ``text``, ``image``, ``contacts``, ``interactive``, ...

Each ``<Kind>Message`` of :mod:`._inbound` holds one of these under the key
named like its ``type``.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

from ._common import _Wire

__all__ = [
    "AudioContent",
    "ButtonContent",
    "ButtonReply",
    "CallPermissionReply",
    "ContactAddress",
    "ContactCard",
    "ContactEmail",
    "ContactName",
    "ContactOrg",
    "ContactPhone",
    "ContactUrl",
    "DocumentContent",
    "EditContent",
    "EditedMessage",
    "Identity",
    "ImageContent",
    "InteractiveContent",
    "ListReply",
    "LocationContent",
    "MediaContent",
    "NfmReply",
    "OrderContent",
    "ProductItem",
    "ReactionContent",
    "RevokeContent",
    "StickerContent",
    "SystemContent",
    "TextContent",
    "UnsupportedContent",
    "VideoContent",
]

T = TypeVar("T")

class TextContent(_Wire, frozen=True, kw_only=True):
    """``text`` of a text message."""

    body: str


class MediaContent(_Wire, frozen=True, kw_only=True):
    """Fields every inbound media object has.

    Attributes:
        id: Media id; downloadable for 7 days with ``wa.media``.
        mime_type: MIME type, e.g. ``"image/jpeg"``.
        sha256: Digest of the file (base64 in Meta's webhook examples).
        url: Ready download URL (needs the token), on newer payloads.
    """

    id: str
    mime_type: str | None = None
    sha256: str | None = None
    url: str | None = None


class ImageContent(MediaContent, frozen=True, kw_only=True):
    """``image`` of an image message."""

    caption: str | None = None


class AudioContent(MediaContent, frozen=True, kw_only=True):
    """``audio`` of an audio message; ``voice`` is True for voice notes."""

    voice: bool = False


class VideoContent(MediaContent, frozen=True, kw_only=True):
    """``video`` of a video message."""

    caption: str | None = None


class DocumentContent(MediaContent, frozen=True, kw_only=True):
    """``document`` of a document message."""

    caption: str | None = None
    filename: str | None = None


class StickerContent(MediaContent, frozen=True, kw_only=True):
    """``sticker`` of a sticker message."""

    animated: bool = False


class LocationContent(_Wire, frozen=True, kw_only=True):
    """``location`` of a location message."""

    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None
    url: str | None = None


class ContactName(_Wire, frozen=True, kw_only=True):
    """Name of a shared contact card."""

    formatted_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    middle_name: str | None = None
    suffix: str | None = None
    prefix: str | None = None


class ContactPhone(_Wire, frozen=True, kw_only=True):
    """A phone number of a shared contact card."""

    phone: str | None = None
    wa_id: str | None = None
    type: str | None = None


class ContactEmail(_Wire, frozen=True, kw_only=True):
    """An email address of a shared contact card."""

    email: str | None = None
    type: str | None = None


class ContactAddress(_Wire, frozen=True, kw_only=True):
    """A postal address of a shared contact card."""

    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_code: str | None = None
    type: str | None = None


class ContactOrg(_Wire, frozen=True, kw_only=True):
    """Organisation of a shared contact card."""

    company: str | None = None
    department: str | None = None
    title: str | None = None


class ContactUrl(_Wire, frozen=True, kw_only=True):
    """A URL of a shared contact card."""

    url: str | None = None
    type: str | None = None


class ContactCard(_Wire, frozen=True, kw_only=True):
    """One card of a contacts message."""

    name: ContactName | None = None
    phones: tuple[ContactPhone, ...] = ()
    emails: tuple[ContactEmail, ...] = ()
    addresses: tuple[ContactAddress, ...] = ()
    org: ContactOrg | None = None
    urls: tuple[ContactUrl, ...] = ()
    birthday: str | None = None


class ButtonReply(_Wire, frozen=True, kw_only=True):
    """The reply button the user tapped."""

    id: str
    title: str | None = None


class ListReply(_Wire, frozen=True, kw_only=True):
    """The list row the user chose."""

    id: str
    title: str | None = None
    description: str | None = None


class NfmReply(_Wire, frozen=True, kw_only=True):
    """A Flow (or address message) response.

    Attributes:
        name: ``"flow"`` for Flows, ``"address_message"`` for addresses.
        body: Display text, e.g. ``"Sent"``.
        response_json: The answers as a JSON string defined by the Flow.
    """

    name: str | None = None
    body: str | None = None
    response_json: str | None = None

    def response(self, cast_to: type[T]) -> T:
        """Decode ``response_json`` into a type of yours (a Struct, usually).

        Args:
            cast_to: Type the Flow's answers are decoded into.

        Returns:
            The decoded answers.

        Raises:
            InvalidPayloadError: No ``response_json``, or it does not fit ``cast_to``.
        """
        from ...webhooks import InvalidPayloadError

        if self.response_json is None:
            raise InvalidPayloadError("nfm_reply has no response_json")
        try:
            return msgspec.json.decode(self.response_json, type=cast_to)
        except (msgspec.DecodeError, RecursionError) as exc:
            raise InvalidPayloadError(f"nfm_reply.response_json: {exc}") from None


class CallPermissionReply(_Wire, frozen=True, kw_only=True):
    """The user's answer to a call permission request (``call_permission_reply``).

    Attributes:
        response: ``"accept"`` or ``"reject"``.
        is_permanent: Whether the permission has no expiry.
        expiration_timestamp: Unix seconds when a temporary permission ends.
        response_source: ``"user_action"`` or ``"automatic"``.
    """

    response: str | None = None
    is_permanent: bool | None = None
    expiration_timestamp: int | str | None = None
    response_source: str | None = None


class InteractiveContent(_Wire, frozen=True, kw_only=True):
    """``interactive`` of an interactive reply.

    ``type`` says which of the reply fields is set (``button_reply``,
    ``list_reply``, ``nfm_reply`` or ``call_permission_reply``); other types
    keep the fields empty rather than failing. Meta sometimes sends an
    interactive message without its body next to a value-level error: then
    ``type`` is empty and every reply is None.
    """

    type: str = ""
    button_reply: ButtonReply | None = None
    list_reply: ListReply | None = None
    nfm_reply: NfmReply | None = None
    call_permission_reply: CallPermissionReply | None = None

    @property
    def reply(self) -> ButtonReply | ListReply | NfmReply | CallPermissionReply | None:
        """Whichever reply object the message carries."""
        return (self.button_reply or self.list_reply or self.nfm_reply
                or self.call_permission_reply)


class ButtonContent(_Wire, frozen=True, kw_only=True):
    """``button`` of a template quick-reply tap."""

    payload: str | None = None
    text: str | None = None


class ReactionContent(_Wire, frozen=True, kw_only=True):
    """``reaction``: an emoji put on (or removed from) a message."""

    message_id: str
    emoji: str | None = None

    @property
    def removed(self) -> bool:
        """True when the user removed their reaction (no or empty emoji)."""
        return not self.emoji


class ProductItem(_Wire, frozen=True, kw_only=True):
    """One line of an order.

    Meta sends ``quantity`` and ``item_price`` as numbers in some payloads
    and as numeric strings in others; both decode to numbers here.
    """

    product_retailer_id: str
    quantity: int
    item_price: float
    currency: str


class OrderContent(_Wire, frozen=True, kw_only=True):
    """``order`` sent from a catalog."""

    catalog_id: str
    text: str | None = None
    product_items: tuple[ProductItem, ...] = ()


class SystemContent(_Wire, frozen=True, kw_only=True):
    """``system`` notice, e.g. ``type="user_changed_number"`` with the new ``wa_id``."""

    body: str | None = None
    type: str | None = None
    wa_id: str | None = None
    customer: str | None = None
    identity: str | None = None
    user_id: str | None = None
    parent_user_id: str | None = None


class Identity(_Wire, frozen=True, kw_only=True):
    """``identity`` of a message when the identity-change check is on.

    Attributes:
        acknowledged: Whether the business acknowledged the new identity.
        created_timestamp: When the identity was created (Unix, as sent).
        hash: The identity key hash.
    """

    acknowledged: bool | None = None
    created_timestamp: int | str | None = None
    hash: str | None = None


class RevokeContent(_Wire, frozen=True, kw_only=True):
    """``revoke``: the user deleted a message they sent ("delete for everyone")."""

    original_message_id: str


class EditedMessage(_Wire, frozen=True, kw_only=True):
    """The new content of an edited message: ``type`` names which field is set."""

    type: str = ""
    text: TextContent | None = None
    image: ImageContent | None = None
    video: VideoContent | None = None
    document: DocumentContent | None = None
    audio: AudioContent | None = None
    sticker: StickerContent | None = None
    caption: str | None = None


class EditContent(_Wire, frozen=True, kw_only=True):
    """``edit``: the user edited a message; ``message`` is the edited version."""

    original_message_id: str
    message: EditedMessage | None = None


class UnsupportedContent(_Wire, frozen=True, kw_only=True):
    """``unsupported``: what the user sent that the API does not support (e.g. a poll)."""

    type: str | None = None

