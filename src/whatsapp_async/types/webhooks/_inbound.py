"""The inbound message kinds of the ``messages`` field, one class per wire ``type``.

Every kind shares the fields of ``_Message`` (sender, wamid, timestamp,
context, referral, errors) and holds its body (:mod:`._message_contents`)
under the key named like its ``type``. To add a kind: write its content Struct,
a ``_Message`` subclass with ``tag=`` and ``kind``, and add it to
:data:`KnownMessage` and :data:`MESSAGE_KINDS`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, TypeAlias

import msgspec

from ._common import ErrorInfo, _to_datetime, _Wire
from ._message_contents import (
    AudioContent,
    ButtonContent,
    ButtonReply,
    ContactCard,
    DocumentContent,
    EditContent,
    Identity,
    ImageContent,
    InteractiveContent,
    ListReply,
    LocationContent,
    OrderContent,
    ReactionContent,
    RevokeContent,
    StickerContent,
    SystemContent,
    TextContent,
    UnsupportedContent,
    VideoContent,
)

__all__ = [
    "MESSAGE_KINDS",
    "AudioMessage",
    "ButtonMessage",
    "ContactsMessage",
    "Context",
    "DocumentMessage",
    "EditMessage",
    "ImageMessage",
    "InteractiveMessage",
    "KnownMessage",
    "LocationMessage",
    "OrderMessage",
    "ReactionMessage",
    "Referral",
    "ReferredProduct",
    "RequestWelcomeMessage",
    "RevokeMessage",
    "StickerMessage",
    "SystemMessage",
    "TextMessage",
    "UnsupportedMessage",
    "VideoMessage",
    "WelcomeMessage",
]


# --------------------------------------------------------------------- context and referral


class ReferredProduct(_Wire, frozen=True, kw_only=True):
    """The catalog product a "Message business" inquiry came from."""

    catalog_id: str | None = None
    product_retailer_id: str | None = None


class Context(_Wire, frozen=True, kw_only=True):
    """The ``context`` of an inbound message.

    A quoted reply to a business message carries ``from`` and ``id``; a
    product inquiry adds ``referred_product``; a forwarded message carries
    ``forwarded`` (up to 5 hops) or ``frequently_forwarded`` (more).
    """

    from_: str | None = msgspec.field(default=None, name="from")
    id: str | None = None
    forwarded: bool = False
    frequently_forwarded: bool = False
    referred_product: ReferredProduct | None = None


class WelcomeMessage(_Wire, frozen=True, kw_only=True):
    """Greeting configured on a Click-to-WhatsApp ad."""

    text: str | None = None


class Referral(_Wire, frozen=True, kw_only=True):
    """Click-to-WhatsApp ad (or post) the user came from."""

    source_url: str | None = None
    source_id: str | None = None
    source_type: str | None = None
    body: str | None = None
    headline: str | None = None
    media_type: str | None = None
    image_url: str | None = None
    video_url: str | None = None
    thumbnail_url: str | None = None
    ctwa_clid: str | None = None
    welcome_message: WelcomeMessage | None = None


# --------------------------------------------------------------------- the kinds


class _Message(_Wire, tag_field="type", frozen=True, kw_only=True):
    """Fields every inbound message has.

    Attributes:
        from_: The user's number (wire name ``from``).
        id: The message's wamid; dedupe and reply on it.
        timestamp: Unix seconds as a string, as on the wire.
        context: Reply, forward or product-inquiry context.
        referral: Click-to-WhatsApp ad the conversation started from.
        errors: Problems with the message (e.g. 131051 on unsupported ones).
        group_id: The group the message was posted in (group messages only).
        from_user_id: The sender's business-scoped user id (BSUID).
        from_parent_user_id: The sender's parent BSUID (managed businesses).
        from_logical_id: The sender's logical id, when Meta sends one.
        identity: The sender's identity key, when the identity check is on.
    """

    #: The ``type`` this class stands for; ``"unknown"`` for UnknownMessage.
    kind: ClassVar[str]

    from_: str = msgspec.field(name="from")
    id: str
    timestamp: str
    context: Context | None = None
    referral: Referral | None = None
    errors: tuple[ErrorInfo, ...] = ()
    group_id: str | None = None
    from_user_id: str | None = None
    from_parent_user_id: str | None = None
    from_logical_id: str | None = None
    identity: Identity | None = None

    @property
    def type(self) -> str:
        """The wire ``type`` of the message."""
        return str(self.__struct_config__.tag)

    @property
    def time(self) -> datetime:
        """``timestamp`` as an aware UTC datetime."""
        return _to_datetime(self.timestamp, "timestamp")


class TextMessage(_Message, tag="text", frozen=True, kw_only=True):
    """A text message."""

    kind: ClassVar[str] = "text"
    text: TextContent


class ImageMessage(_Message, tag="image", frozen=True, kw_only=True):
    """An image, with an optional caption."""

    kind: ClassVar[str] = "image"
    image: ImageContent


class AudioMessage(_Message, tag="audio", frozen=True, kw_only=True):
    """An audio file or voice note (``audio.voice``)."""

    kind: ClassVar[str] = "audio"
    audio: AudioContent


class VideoMessage(_Message, tag="video", frozen=True, kw_only=True):
    """A video."""

    kind: ClassVar[str] = "video"
    video: VideoContent


class DocumentMessage(_Message, tag="document", frozen=True, kw_only=True):
    """A document (PDF, office file, ...)."""

    kind: ClassVar[str] = "document"
    document: DocumentContent


class StickerMessage(_Message, tag="sticker", frozen=True, kw_only=True):
    """A sticker."""

    kind: ClassVar[str] = "sticker"
    sticker: StickerContent


class LocationMessage(_Message, tag="location", frozen=True, kw_only=True):
    """A shared location."""

    kind: ClassVar[str] = "location"
    location: LocationContent


class ContactsMessage(_Message, tag="contacts", frozen=True, kw_only=True):
    """One or more shared contact cards."""

    kind: ClassVar[str] = "contacts"
    contacts: tuple[ContactCard, ...] = ()


class InteractiveMessage(_Message, tag="interactive", frozen=True, kw_only=True):
    """A reply to an interactive message: button, list row or Flow."""

    kind: ClassVar[str] = "interactive"
    interactive: InteractiveContent = msgspec.field(default_factory=InteractiveContent)

    @property
    def button_reply(self) -> ButtonReply | None:
        """The tapped reply button, if this is a ``button_reply``."""
        return self.interactive.button_reply

    @property
    def list_reply(self) -> ListReply | None:
        """The chosen list row, if this is a ``list_reply``."""
        return self.interactive.list_reply


class ButtonMessage(_Message, tag="button", frozen=True, kw_only=True):
    """A tap on a template's quick-reply button."""

    kind: ClassVar[str] = "button"
    button: ButtonContent


class ReactionMessage(_Message, tag="reaction", frozen=True, kw_only=True):
    """A reaction to a message."""

    kind: ClassVar[str] = "reaction"
    reaction: ReactionContent


class OrderMessage(_Message, tag="order", frozen=True, kw_only=True):
    """An order placed from a catalog."""

    kind: ClassVar[str] = "order"
    order: OrderContent


class SystemMessage(_Message, tag="system", frozen=True, kw_only=True):
    """A system notice, such as a user changing number (sent without ``contacts``)."""

    kind: ClassVar[str] = "system"
    system: SystemContent


class UnsupportedMessage(_Message, tag="unsupported", frozen=True, kw_only=True):
    """Something the API cannot deliver (poll, edit, ...); see ``errors``."""

    kind: ClassVar[str] = "unsupported"
    unsupported: UnsupportedContent | None = None


class RevokeMessage(_Message, tag="revoke", frozen=True, kw_only=True):
    """The user deleted one of their messages (``revoke.original_message_id``)."""

    kind: ClassVar[str] = "revoke"
    revoke: RevokeContent


class EditMessage(_Message, tag="edit", frozen=True, kw_only=True):
    """The user edited one of their messages; ``edit.message`` is the new version."""

    kind: ClassVar[str] = "edit"
    edit: EditContent


class RequestWelcomeMessage(_Message, tag="request_welcome", frozen=True, kw_only=True):
    """The user opened a chat for the first time and asks for a welcome message."""

    kind: ClassVar[str] = "request_welcome"


class _LegacyUnknownMessage(UnsupportedMessage, tag="unknown", frozen=True, kw_only=True):
    """Older API versions called unsupported messages ``type: "unknown"``."""


KnownMessage: TypeAlias = (
    TextMessage
    | ImageMessage
    | AudioMessage
    | VideoMessage
    | DocumentMessage
    | StickerMessage
    | LocationMessage
    | ContactsMessage
    | InteractiveMessage
    | ButtonMessage
    | ReactionMessage
    | OrderMessage
    | SystemMessage
    | UnsupportedMessage
    | RevokeMessage
    | EditMessage
    | RequestWelcomeMessage
    | _LegacyUnknownMessage
)
"""Every message class the decoder knows, as a tagged union on ``type``."""

#: Values ``WebhookRouter.on_message(kind=...)`` accepts.
MESSAGE_KINDS: frozenset[str] = frozenset(
    {
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts",
        "interactive", "button", "reaction", "order", "system", "unsupported", "unknown",
        "revoke", "edit", "request_welcome",
    }
)
