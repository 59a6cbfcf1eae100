"""msgspec Structs for the notifications Meta POSTs to a webhook.

The envelope is ``Notification -> Entry -> Change -> MessagesValue`` and a
``messages`` value carries inbound ``messages``, outbound ``statuses`` and
account-level ``errors``. Build these with
:func:`whatsapp_async.webhooks.parse_notification`, which also turns an
unknown message type into :class:`UnknownMessage` and an unknown ``field``
into :class:`UnknownChange` instead of failing the whole body.

Timestamps stay strings as on the wire (``timestamp``); the ``time``
properties give timezone-aware UTC datetimes. Unknown fields are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import ClassVar, TypeAlias, TypeVar

import msgspec

__all__ = [
    "MESSAGE_KINDS",
    "AudioContent",
    "AudioMessage",
    "ButtonContent",
    "ButtonMessage",
    "ButtonReply",
    "Change",
    "Contact",
    "ContactAddress",
    "ContactCard",
    "ContactEmail",
    "ContactName",
    "ContactOrg",
    "ContactPhone",
    "ContactUrl",
    "ContactsMessage",
    "Context",
    "Conversation",
    "ConversationOrigin",
    "DocumentContent",
    "DocumentMessage",
    "Entry",
    "ErrorData",
    "ErrorInfo",
    "ImageContent",
    "ImageMessage",
    "InboundMessage",
    "InteractiveContent",
    "InteractiveMessage",
    "KnownMessage",
    "ListReply",
    "LocationContent",
    "LocationMessage",
    "MediaContent",
    "MessagesChange",
    "MessagesValue",
    "Metadata",
    "NfmReply",
    "Notification",
    "OrderContent",
    "OrderMessage",
    "Pricing",
    "ProductItem",
    "Profile",
    "ReactionContent",
    "ReactionMessage",
    "Referral",
    "ReferredProduct",
    "Status",
    "StickerContent",
    "StickerMessage",
    "SystemContent",
    "SystemMessage",
    "TextContent",
    "TextMessage",
    "UnknownChange",
    "UnknownMessage",
    "UnsupportedContent",
    "UnsupportedMessage",
    "VideoContent",
    "VideoMessage",
    "WelcomeMessage",
]

T = TypeVar("T")


def _to_datetime(timestamp: str, field: str) -> datetime:
    """Unix seconds as a string (the wire form) -> aware UTC datetime."""
    try:
        return datetime.fromtimestamp(int(timestamp), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        # Imported here: the webhooks package imports this module at load time.
        from ..webhooks._errors import InvalidPayloadError

        raise InvalidPayloadError(f"{field} is not a Unix timestamp: {timestamp[:40]!r}") from None


class _Wire(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Common config: immutable, keyword-only, unknown fields ignored."""


# --------------------------------------------------------------------- shared pieces


class ErrorData(_Wire, frozen=True, kw_only=True):
    """``error_data`` of a webhook error object."""

    details: str | None = None


class ErrorInfo(_Wire, frozen=True, kw_only=True):
    """An error object inside a notification (status, message or value level).

    Attributes:
        code: Graph error code; branch on this (e.g. 131047, 131051).
        title: Short title (Meta folds it into ``message`` and plans to drop it).
        message: Same as the title in current payloads.
        error_data: Holds ``details``, the human explanation.
        href: Link to Meta's error-code page, when present.
    """

    code: int | None = None
    title: str | None = None
    message: str | None = None
    error_data: ErrorData | None = None
    href: str | None = None

    @property
    def details(self) -> str | None:
        """``error_data.details``, the most useful text of the error."""
        return self.error_data.details if self.error_data is not None else None


class Metadata(_Wire, frozen=True, kw_only=True):
    """The business number a change concerns; route on ``phone_number_id``."""

    phone_number_id: str
    display_phone_number: str | None = None


class Profile(_Wire, frozen=True, kw_only=True):
    """The user's WhatsApp profile as the business sees it."""

    name: str | None = None


class Contact(_Wire, frozen=True, kw_only=True):
    """A sender entry of ``value.contacts`` (absent for system messages).

    Attributes:
        wa_id: The user's WhatsApp id; may differ from the message's ``from``.
        profile: Profile with the display ``name``.
        identity_key_hash: Present when the identity-change check is on.
    """

    wa_id: str | None = None
    profile: Profile | None = None
    identity_key_hash: str | None = None

    @property
    def name(self) -> str | None:
        """The profile name, if any."""
        return self.profile.name if self.profile is not None else None


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


# --------------------------------------------------------------------- message bodies


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
        from ..webhooks._errors import InvalidPayloadError

        if self.response_json is None:
            raise InvalidPayloadError("nfm_reply has no response_json")
        try:
            return msgspec.json.decode(self.response_json, type=cast_to)
        except (msgspec.DecodeError, RecursionError) as exc:
            raise InvalidPayloadError(f"nfm_reply.response_json: {exc}") from None


class InteractiveContent(_Wire, frozen=True, kw_only=True):
    """``interactive`` of an interactive reply.

    ``type`` says which of the reply fields is set (``button_reply``,
    ``list_reply`` or ``nfm_reply``); other types keep the fields empty
    rather than failing.
    """

    type: str
    button_reply: ButtonReply | None = None
    list_reply: ListReply | None = None
    nfm_reply: NfmReply | None = None

    @property
    def reply(self) -> ButtonReply | ListReply | NfmReply | None:
        """Whichever reply object the message carries."""
        return self.button_reply or self.list_reply or self.nfm_reply


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
    """One line of an order."""

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


class UnsupportedContent(_Wire, frozen=True, kw_only=True):
    """``unsupported``: what the user sent that the API does not support (e.g. a poll)."""

    type: str | None = None


# --------------------------------------------------------------------- messages


class _Message(_Wire, tag_field="type", frozen=True, kw_only=True):
    """Fields every inbound message has.

    Attributes:
        from_: The user's number (wire name ``from``).
        id: The message's wamid; dedupe and reply on it.
        timestamp: Unix seconds as a string, as on the wire.
        context: Reply, forward or product-inquiry context.
        referral: Click-to-WhatsApp ad the conversation started from.
        errors: Problems with the message (e.g. 131051 on unsupported ones).
    """

    #: The ``type`` this class stands for; ``"unknown"`` for UnknownMessage.
    kind: ClassVar[str]

    from_: str = msgspec.field(name="from")
    id: str
    timestamp: str
    context: Context | None = None
    referral: Referral | None = None
    errors: tuple[ErrorInfo, ...] = ()

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
    interactive: InteractiveContent


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


class _LegacyUnknownMessage(UnsupportedMessage, tag="unknown", frozen=True, kw_only=True):
    """Older API versions called unsupported messages ``type: "unknown"``."""


class UnknownMessage(_Wire, frozen=True, kw_only=True):
    """A message whose ``type`` this library does not know, or whose body did not
    fit the known shape. Nothing is lost: ``raw`` holds the message object.

    Attributes:
        type: The wire ``type`` (empty if absent).
        id: The wamid (empty if absent).
        from_: The user's number (empty if absent).
        timestamp: Unix seconds as a string (empty if absent).
        raw: The message object exactly as received; decode it yourself.
        reason: Why it was not decoded into a known class.
    """

    kind: ClassVar[str] = "unknown"

    type: str
    id: str
    from_: str = msgspec.field(name="from")
    timestamp: str
    raw: msgspec.Raw
    reason: str = ""
    context: Context | None = None

    @property
    def time(self) -> datetime:
        """``timestamp`` as an aware UTC datetime."""
        return _to_datetime(self.timestamp, "timestamp")


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
    | _LegacyUnknownMessage
)
"""Every message class the decoder knows, as a tagged union on ``type``."""

InboundMessage: TypeAlias = KnownMessage | UnknownMessage
"""Any entry of ``MessagesValue.messages``."""

#: Values ``WebhookRouter.on_message(kind=...)`` accepts.
MESSAGE_KINDS: frozenset[str] = frozenset(
    {
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts",
        "interactive", "button", "reaction", "order", "system", "unsupported", "unknown",
    }
)


# --------------------------------------------------------------------- statuses


class ConversationOrigin(_Wire, frozen=True, kw_only=True):
    """What opened the conversation (category, e.g. ``"utility"``)."""

    type: str | None = None


class Conversation(_Wire, frozen=True, kw_only=True):
    """Conversation billing block (v23 and older; dropped from v24 except free entry points)."""

    id: str | None = None
    expiration_timestamp: str | None = None
    origin: ConversationOrigin | None = None

    @property
    def expiration_time(self) -> datetime | None:
        """``expiration_timestamp`` as an aware UTC datetime, if present."""
        if self.expiration_timestamp is None:
            return None
        return _to_datetime(self.expiration_timestamp, "conversation.expiration_timestamp")


class Pricing(_Wire, frozen=True, kw_only=True):
    """Pricing of a sent message.

    Attributes:
        billable: Whether it is charged (to be deprecated by Meta).
        pricing_model: ``"CBP"`` (before July 2025) or ``"PMP"``.
        type: ``"regular"``, ``"free_customer_service"`` or ``"free_entry_point"``.
        category: ``"marketing"``, ``"utility"``, ``"authentication"``, ``"service"``, ...
    """

    billable: bool | None = None
    pricing_model: str | None = None
    type: str | None = None
    category: str | None = None


class Status(_Wire, frozen=True, kw_only=True):
    """A status update of a message the business sent.

    Attributes:
        id: The wamid the send returned.
        status: ``"sent"``, ``"delivered"``, ``"read"``, ``"failed"`` or
            ``"played"`` (voice notes); other values are kept as they come.
        timestamp: Unix seconds as a string.
        recipient_id: The user's number, or the group id.
        recipient_type: ``"group"`` for group sends.
        recipient_participant_id: Group member the status is about.
        recipient_identity_key_hash: Present when the identity check is on.
        group_id: Group the message went to.
        biz_opaque_callback_data: The string given when sending, echoed back.
        conversation: Conversation billing block (v23 and older).
        pricing: Pricing block (on ``sent`` and on one of delivered/read).
        errors: Why the message failed, on ``failed``.
    """

    id: str
    status: str
    timestamp: str
    recipient_id: str | None = None
    recipient_type: str | None = None
    recipient_participant_id: str | None = None
    recipient_identity_key_hash: str | None = None
    group_id: str | None = None
    biz_opaque_callback_data: str | None = None
    conversation: Conversation | None = None
    pricing: Pricing | None = None
    errors: tuple[ErrorInfo, ...] = ()

    @property
    def time(self) -> datetime:
        """``timestamp`` as an aware UTC datetime."""
        return _to_datetime(self.timestamp, "timestamp")


# --------------------------------------------------------------------- envelope


class _ValueBase(_Wire, frozen=True, kw_only=True):
    messaging_product: str | None = None
    metadata: Metadata
    contacts: tuple[Contact, ...] = ()
    statuses: tuple[Status, ...] = ()
    errors: tuple[ErrorInfo, ...] = ()


class MessagesValue(_ValueBase, frozen=True, kw_only=True):
    """The ``value`` of a ``field: "messages"`` change.

    Attributes:
        messaging_product: ``"whatsapp"``.
        metadata: The business number (``phone_number_id``) concerned.
        contacts: Senders of ``messages`` (absent for system messages).
        messages: Inbound messages.
        statuses: Status updates of messages the business sent.
        errors: Account- or app-level errors not tied to a message.
    """

    messages: tuple[InboundMessage, ...] = ()

    def contact_for(self, wa_id: str) -> Contact | None:
        """The contact entry of ``wa_id``, or the only one if there is exactly one.

        Meta documents that a message's ``from`` and the contact's ``wa_id``
        may differ, hence the single-contact fallback.
        """
        for contact in self.contacts:
            if contact.wa_id == wa_id:
                return contact
        return self.contacts[0] if len(self.contacts) == 1 else None


class MessagesChange(_Wire, frozen=True, kw_only=True):
    """A change with ``field: "messages"``: messages, statuses and errors."""

    field: str
    value: MessagesValue


class UnknownChange(_Wire, frozen=True, kw_only=True):
    """A change of another ``field`` (``account_update``, ``message_template_status_update``,
    ``group_*``, ...). ``value`` is the raw JSON; decode it into your own Struct with
    ``msgspec.json.decode(change.value, type=...)``."""

    field: str
    value: msgspec.Raw


Change: TypeAlias = MessagesChange | UnknownChange
"""One entry of ``Entry.changes``."""


class Entry(_Wire, frozen=True, kw_only=True):
    """An ``entry``: the changes of one WhatsApp Business Account (``id``)."""

    id: str
    changes: tuple[Change, ...] = ()


class Notification(_Wire, frozen=True, kw_only=True):
    """A whole webhook body.

    Attributes:
        object: ``"whatsapp_business_account"``.
        entry: One entry per business account; iterate them all, Meta batches.
    """

    object: str
    entry: tuple[Entry, ...] = ()

    def values(self) -> Iterator[MessagesValue]:
        """Every ``messages`` value in the body, in order."""
        for entry in self.entry:
            for change in entry.changes:
                if isinstance(change, MessagesChange):
                    yield change.value

    def messages(self) -> Iterator[InboundMessage]:
        """Every inbound message in the body, in order."""
        for value in self.values():
            yield from value.messages

    def statuses(self) -> Iterator[Status]:
        """Every status update in the body, in order."""
        for value in self.values():
            yield from value.statuses
