"""Outbound message bodies of ``POST /{phone-number-id}/messages``, and its answer.

Every Struct mirrors Meta's wire shape, so encoding is a single msgspec call
with no dict in between. A *message* Struct (:class:`Text`, :class:`Image`,
:class:`ReplyButtons`, :class:`Template`, ...) is the content of one kind;
:func:`build_request` validates it and wraps it in the envelope that carries
``messaging_product``, ``recipient_type``, ``to`` and ``type``. The envelopes
(:class:`SendText`, ...) form a msgspec tagged union on ``"type"``
(:data:`SendRequest`), so a request body also decodes back to the Struct that
produced it.

Validation lives with the Structs: ``message.validate()`` raises
:class:`~whatsapp_async.errors.ValidationError` naming the dotted wire field
(``"interactive.action.buttons[1].reply.title"``) and the rule broken. The
resource calls it on every send, so a Struct built by hand gets the same checks
as one built by a convenience method.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Literal, TypeAlias

import msgspec
from msgspec import UNSET, UnsetType

from .._validation import (
    check_choice,
    check_emoji,
    check_id,
    check_length,
    check_url,
    normalize_phone_number,
)
from ..errors import ValidationError

__all__ = [
    "Audio",
    "Body",
    "BodyComponent",
    "ButtonComponent",
    "Component",
    "Contact",
    "ContactAddress",
    "ContactEmail",
    "ContactName",
    "ContactOrg",
    "ContactPhone",
    "ContactUrl",
    "Contacts",
    "Context",
    "CouponCodeParameter",
    "CtaUrl",
    "CtaUrlAction",
    "CtaUrlParameters",
    "Currency",
    "CurrencyParameter",
    "DateTime",
    "DateTimeParameter",
    "Document",
    "DocumentHeader",
    "DocumentParameter",
    "Flow",
    "FlowAction",
    "FlowActionPayload",
    "FlowParameters",
    "Footer",
    "Group",
    "Header",
    "HeaderComponent",
    "Image",
    "ImageHeader",
    "ImageParameter",
    "Interactive",
    "InteractiveList",
    "Language",
    "ListAction",
    "ListRow",
    "ListSection",
    "Location",
    "LocationParameter",
    "LocationRequest",
    "LocationRequestAction",
    "Message",
    "Parameter",
    "PayloadParameter",
    "Product",
    "ProductAction",
    "ProductItem",
    "ProductList",
    "ProductListAction",
    "ProductSection",
    "Reaction",
    "ReadReceipt",
    "ReplyButton",
    "ReplyButtonItem",
    "ReplyButtons",
    "ReplyButtonsAction",
    "SendAudio",
    "SendContacts",
    "SendDocument",
    "SendImage",
    "SendInteractive",
    "SendLocation",
    "SendReaction",
    "SendRequest",
    "SendResponse",
    "SendSticker",
    "SendTemplate",
    "SendText",
    "SendVideo",
    "SentMessage",
    "Sticker",
    "Template",
    "Text",
    "TextHeader",
    "TextParameter",
    "TypingIndicator",
    "Video",
    "VideoHeader",
    "VideoParameter",
    "build_request",
    "decode_request",
    "message_of",
    "recipient_of",
]

# --------------------------------------------------------------------------- limits

#: Limits from Meta's docs (facts §5); lengths count characters (code points).
TEXT_BODY_MAX = 4096
CAPTION_MAX = 1024
INTERACTIVE_BODY_MAX = 1024
LIST_BODY_MAX = 4096  # the list-message page allows more than the generic interactive body
HEADER_TEXT_MAX = 60
FOOTER_TEXT_MAX = 60
REPLY_BUTTONS_MAX = 3
REPLY_BUTTON_TITLE_MAX = 20
REPLY_BUTTON_ID_MAX = 256
LIST_BUTTON_MAX = 20
LIST_SECTIONS_MAX = 10
LIST_ROWS_MAX = 10
LIST_SECTION_TITLE_MAX = 24
LIST_ROW_TITLE_MAX = 24
LIST_ROW_DESCRIPTION_MAX = 72
LIST_ROW_ID_MAX = 200
CTA_DISPLAY_TEXT_MAX = 20
FLOW_CTA_MAX = 30
PRODUCT_SECTIONS_MAX = 10
PRODUCT_ITEMS_MAX = 30
TEMPLATE_NAME_MAX = 512
TEMPLATE_HEADER_TEXT_MAX = 60
TEMPLATE_BODY_TEXT_MAX = 1024
TEMPLATE_BODY_ONLY_TEXT_MAX = 32768
COUPON_CODE_MAX = 15
# Fields Meta gives no length limit for: only "a non-empty string" is checked,
# so the library never refuses what the API would take.
_NO_LIMIT = sys.maxsize
BIZ_OPAQUE_CALLBACK_DATA_MAX = 512

_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]{2,4})?")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_BIRTHDAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_BUTTON_INDEX = re.compile(r"[0-9]")
_GROUP_ID = re.compile(r"[A-Za-z0-9_=+/.:-]{1,256}")
_BUTTON_SUB_TYPES = ("quick_reply", "url", "copy_code", "flow", "catalog", "mpm", "voice_call")
_CONTACT_KINDS = ("HOME", "WORK")
_PHONE_KINDS = ("CELL", "MAIN", "IPHONE", "HOME", "WORK")


# --------------------------------------------------------------------------- helpers


def _text(path: str, value: object, maximum: int, *, minimum: int = 1) -> None:
    check_length(path, value, maximum, minimum=minimum)  # type: ignore[arg-type]


def _optional_text(path: str, value: object, maximum: int, *, minimum: int = 1) -> None:
    if value is not UNSET:
        check_length(path, value, maximum, minimum=minimum)  # type: ignore[arg-type]


def _id(path: str, value: object) -> None:
    check_id(path, value)  # type: ignore[arg-type]


def _items(path: str, value: object, kind: type, *, minimum: int, maximum: int | None) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise ValidationError(path, f"must be a list of {kind.__name__.lstrip('_')}")
    n = len(value)
    if n < minimum:
        raise ValidationError(path, f"must have at least {minimum} item(s), got {n}")
    if maximum is not None and n > maximum:
        raise ValidationError(path, f"must have at most {maximum} items, got {n}")
    for i, item in enumerate(value):
        if not isinstance(item, kind):
            raise ValidationError(
                f"{path}[{i}]",
                f"must be a {kind.__name__.lstrip('_')}, got {type(item).__name__}",
            )
    return list(value)


def _struct(path: str, value: object, kind: type | tuple[type, ...]) -> None:
    if not isinstance(value, kind):
        names = (
            " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
        )
        raise ValidationError(path, f"must be a {names}, got {type(value).__name__}")


class _Wire(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Base of request bodies: keyword-only, unset fields never on the wire."""

    def _check(self, path: str) -> None:
        """Raise ValidationError for the first rule broken below ``path``."""


class _Message(_Wire, kw_only=True):
    """Base of every message Struct that :meth:`MessagesResource.send` accepts."""

    #: The wire ``type`` of the message (the kind).
    kind: ClassVar[str]

    def validate(self) -> None:
        """Check every limit Meta documents for this message.

        Raises:
            ValidationError: Names the dotted wire field and the rule broken.
        """
        self._check(self.kind)


# --------------------------------------------------------------------------- text


class Text(_Message, kw_only=True):
    """A text message (``type: "text"``).

    Args:
        body: Up to 4096 characters; URLs are clickable.
        preview_url: Render a preview of the first http(s) URL in ``body``.
    """

    kind: ClassVar[str] = "text"

    body: str
    preview_url: bool | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _text(f"{path}.body", self.body, TEXT_BODY_MAX)
        if self.preview_url is not UNSET and not isinstance(self.preview_url, bool):
            raise ValidationError(f"{path}.preview_url", "must be true or false")


# --------------------------------------------------------------------------- media


class _Media(_Message, kw_only=True):
    """A media object: an uploaded media ``id`` or an https ``link``, exactly one."""

    id: str | UnsetType = UNSET
    link: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        self._check_media(path, caption=True)

    def _check_media(self, path: str, *, caption: bool) -> None:
        if (self.id is UNSET) == (self.link is UNSET):
            raise ValidationError(
                path, "needs exactly one of id (an uploaded media id) or link (an https URL)"
            )
        if self.id is not UNSET:
            _id(f"{path}.id", self.id)
        else:
            check_url(f"{path}.link", self.link)  # type: ignore[arg-type]
        value = getattr(self, "caption", UNSET)
        if value is not UNSET:
            if not caption:
                raise ValidationError(f"{path}.caption", "is not allowed here")
            _text(f"{path}.caption", value, CAPTION_MAX)


class Image(_Media, kw_only=True):
    """An image (JPEG or PNG, ≤5 MB) by uploaded ``id`` or https ``link``.

    Args:
        id: Media id from ``wa.media.upload``.
        link: Absolute https URL Meta fetches (and caches for 10 minutes).
        caption: Up to 1024 characters.
    """

    kind: ClassVar[str] = "image"

    caption: str | UnsetType = UNSET


class Video(_Media, kw_only=True):
    """A video (MP4/3GPP, H.264 + AAC, ≤16 MB) by ``id`` or https ``link``.

    Args:
        id: Media id from ``wa.media.upload``.
        link: Absolute https URL.
        caption: Up to 1024 characters.
    """

    kind: ClassVar[str] = "video"

    caption: str | UnsetType = UNSET


class Audio(_Media, kw_only=True):
    """Audio (AAC, AMR, MP3, MP4 audio, OGG/OPUS, ≤16 MB); audio takes no caption."""

    kind: ClassVar[str] = "audio"


class Document(_Media, kw_only=True):
    """A document (PDF, text, Office formats, ≤100 MB).

    Args:
        id: Media id from ``wa.media.upload``.
        link: Absolute https URL.
        caption: Up to 1024 characters.
        filename: Name shown to the recipient (also sets the file extension).
    """

    kind: ClassVar[str] = "document"

    caption: str | UnsetType = UNSET
    filename: str | UnsetType = UNSET

    def _check_media(self, path: str, *, caption: bool) -> None:
        super()._check_media(path, caption=caption)
        _optional_text(f"{path}.filename", self.filename, _NO_LIMIT)


class Sticker(_Media, kw_only=True):
    """A sticker (WebP, ≤100 KB static / ≤500 KB animated); no caption."""

    kind: ClassVar[str] = "sticker"


# --------------------------------------------------------------------------- location


class Location(_Message, kw_only=True):
    """A location pin (also the ``location`` template header parameter).

    Args:
        latitude: Degrees, -90 to 90.
        longitude: Degrees, -180 to 180.
        name: Name of the place.
        address: Address shown under the name.
    """

    kind: ClassVar[str] = "location"

    latitude: float
    longitude: float
    name: str | UnsetType = UNSET
    address: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _coordinate(f"{path}.latitude", self.latitude, 90.0)
        _coordinate(f"{path}.longitude", self.longitude, 180.0)
        _optional_text(f"{path}.name", self.name, _NO_LIMIT)
        _optional_text(f"{path}.address", self.address, _NO_LIMIT)


def _coordinate(path: str, value: object, bound: float) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not -bound <= value <= bound
    ):
        raise ValidationError(path, f"must be a number from {-bound:g} to {bound:g}")


# --------------------------------------------------------------------------- contacts


class ContactName(_Wire, kw_only=True):
    """A contact's name: ``formatted_name`` plus at least one of the parts."""

    formatted_name: str
    first_name: str | UnsetType = UNSET
    last_name: str | UnsetType = UNSET
    middle_name: str | UnsetType = UNSET
    prefix: str | UnsetType = UNSET
    suffix: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _text(f"{path}.formatted_name", self.formatted_name, _NO_LIMIT)
        parts = ("first_name", "last_name", "middle_name", "prefix", "suffix")
        given = [p for p in parts if getattr(self, p) is not UNSET]
        if not given:
            raise ValidationError(
                path, "needs at least one of first_name, last_name, middle_name, prefix, "
                "suffix besides formatted_name"
            )
        for part in given:
            _text(f"{path}.{part}", getattr(self, part), _NO_LIMIT)


class ContactAddress(_Wire, kw_only=True):
    """A postal address on a contact card; ``type`` is ``HOME`` or ``WORK``."""

    street: str | UnsetType = UNSET
    city: str | UnsetType = UNSET
    state: str | UnsetType = UNSET
    zip: str | UnsetType = UNSET
    country: str | UnsetType = UNSET
    country_code: str | UnsetType = UNSET
    type: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        for part in ("street", "city", "state", "zip", "country", "country_code"):
            _optional_text(f"{path}.{part}", getattr(self, part), _NO_LIMIT)
        if self.type is not UNSET:
            check_choice(f"{path}.type", self.type, _CONTACT_KINDS)


class ContactEmail(_Wire, kw_only=True):
    """An email address on a contact card; ``type`` is ``HOME`` or ``WORK``."""

    email: str
    type: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        email = self.email
        local, at, domain = email.partition("@") if isinstance(email, str) else ("", "", "")
        if not (local and at and domain) or "@" in domain or any(c.isspace() for c in email):
            raise ValidationError(f"{path}.email", "must be an email address like name@example.com")
        if self.type is not UNSET:
            check_choice(f"{path}.type", self.type, _CONTACT_KINDS)


class ContactOrg(_Wire, kw_only=True):
    """Where a contact works."""

    company: str | UnsetType = UNSET
    department: str | UnsetType = UNSET
    title: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        for part in ("company", "department", "title"):
            _optional_text(f"{path}.{part}", getattr(self, part), _NO_LIMIT)


class ContactPhone(_Wire, kw_only=True):
    """A phone number on a contact card, shown as written.

    Args:
        phone: The number as it should be displayed.
        type: ``CELL``, ``MAIN``, ``IPHONE``, ``HOME`` or ``WORK``.
        wa_id: The contact's WhatsApp id; adds a "Message" button to the card.
    """

    phone: str
    type: str | UnsetType = UNSET
    wa_id: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _text(f"{path}.phone", self.phone, _NO_LIMIT)
        if self.type is not UNSET:
            check_choice(f"{path}.type", self.type, _PHONE_KINDS)
        if self.wa_id is not UNSET:
            _id(f"{path}.wa_id", self.wa_id)


class ContactUrl(_Wire, kw_only=True):
    """A web address on a contact card; ``type`` is ``HOME`` or ``WORK``."""

    url: str
    type: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        check_url(f"{path}.url", self.url, schemes=("http", "https"))
        if self.type is not UNSET:
            check_choice(f"{path}.type", self.type, _CONTACT_KINDS)


class Contact(_Wire, kw_only=True):
    """One contact card.

    Args:
        name: Required; ``formatted_name`` plus at least one name part.
        addresses: Postal addresses.
        birthday: ``YYYY-MM-DD``.
        emails: Email addresses.
        org: Company, department, title.
        phones: Phone numbers (``wa_id`` makes the card messageable).
        urls: Web addresses.
    """

    name: ContactName
    addresses: list[ContactAddress] | UnsetType = UNSET
    birthday: str | UnsetType = UNSET
    emails: list[ContactEmail] | UnsetType = UNSET
    org: ContactOrg | UnsetType = UNSET
    phones: list[ContactPhone] | UnsetType = UNSET
    urls: list[ContactUrl] | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _struct(f"{path}.name", self.name, ContactName)
        self.name._check(f"{path}.name")
        if self.birthday is not UNSET and not (
            isinstance(self.birthday, str) and _BIRTHDAY.fullmatch(self.birthday)
        ):
            raise ValidationError(f"{path}.birthday", "must be a date as YYYY-MM-DD")
        if self.org is not UNSET:
            _struct(f"{path}.org", self.org, ContactOrg)
            self.org._check(f"{path}.org")
        lists: tuple[tuple[str, object, type], ...] = (
            ("addresses", self.addresses, ContactAddress),
            ("emails", self.emails, ContactEmail),
            ("phones", self.phones, ContactPhone),
            ("urls", self.urls, ContactUrl),
        )
        for field, value, kind in lists:
            if value is not UNSET:
                for i, item in enumerate(
                    _items(f"{path}.{field}", value, kind, minimum=0, maximum=None)
                ):
                    item._check(f"{path}.{field}[{i}]")


class Contacts(_Message, kw_only=True):
    """A contacts message: one or more contact cards (``type: "contacts"``).

    On the wire ``contacts`` is the list itself, so this Struct is only the
    holder that lets :meth:`MessagesResource.send` tell the kind apart.
    """

    kind: ClassVar[str] = "contacts"

    contacts: list[Contact]

    def _check(self, path: str) -> None:
        for i, contact in enumerate(_items(path, self.contacts, Contact, minimum=1, maximum=None)):
            contact._check(f"{path}[{i}]")


# --------------------------------------------------------------------------- interactive parts


class Body(_Wire, kw_only=True):
    """The body text of an interactive message."""

    text: str


class Footer(_Wire, kw_only=True):
    """The footer text of an interactive message (≤60 characters)."""

    text: str

    def _check(self, path: str) -> None:
        _text(f"{path}.text", self.text, FOOTER_TEXT_MAX)


class _Header(_Wire, tag_field="type", kw_only=True):
    """Base of interactive headers, tagged by ``type``."""


class TextHeader(_Header, tag="text", kw_only=True):
    """A text header (≤60 characters), with optional ``sub_text`` (≤60)."""

    text: str
    sub_text: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _text(f"{path}.text", self.text, HEADER_TEXT_MAX)
        _optional_text(f"{path}.sub_text", self.sub_text, HEADER_TEXT_MAX)


class ImageHeader(_Header, tag="image", kw_only=True):
    """An image header; the image takes no caption."""

    image: Image

    def _check(self, path: str) -> None:
        _struct(f"{path}.image", self.image, Image)
        self.image._check_media(f"{path}.image", caption=False)


class VideoHeader(_Header, tag="video", kw_only=True):
    """A video header; the video takes no caption."""

    video: Video

    def _check(self, path: str) -> None:
        _struct(f"{path}.video", self.video, Video)
        self.video._check_media(f"{path}.video", caption=False)


class DocumentHeader(_Header, tag="document", kw_only=True):
    """A document header; the document takes no caption."""

    document: Document

    def _check(self, path: str) -> None:
        _struct(f"{path}.document", self.document, Document)
        self.document._check_media(f"{path}.document", caption=False)


#: Any interactive header.
Header: TypeAlias = (
    TextHeader | ImageHeader | VideoHeader | DocumentHeader
)
_HEADERS = (TextHeader, ImageHeader, VideoHeader, DocumentHeader)


def _header(path: str, value: object, kinds: tuple[type, ...] = _HEADERS) -> None:
    if value is not UNSET:
        _struct(path, value, kinds)
        value._check(path)  # type: ignore[attr-defined]


def _as_header(value: str | Header | None) -> Header | UnsetType:
    if value is None:
        return UNSET
    return TextHeader(text=value) if isinstance(value, str) else value


def _as_footer(value: str | None) -> Footer | UnsetType:
    return UNSET if value is None else Footer(text=value)


class _Interactive(_Message, tag_field="type", kw_only=True):
    """Base of the ``interactive`` object, tagged by its own ``type``."""

    kind: ClassVar[str] = "interactive"
    _body_max: ClassVar[int] = INTERACTIVE_BODY_MAX

    def _check_body(self, path: str, body: object, *, required: bool = True) -> None:
        if body is UNSET and not required:
            return
        _struct(f"{path}.body", body, Body)
        _text(f"{path}.body.text", body.text, self._body_max)  # type: ignore[attr-defined]

    def _check_footer(self, path: str, footer: object) -> None:
        if footer is not UNSET:
            _struct(f"{path}.footer", footer, Footer)
            footer._check(f"{path}.footer")  # type: ignore[attr-defined]


# ------------------------------------------------------------------ reply buttons


class ReplyButton(_Wire, kw_only=True):
    """One reply button: ``id`` comes back in the webhook, ``title`` is shown.

    Args:
        id: Up to 256 characters, unique in the message, no surrounding spaces.
        title: Up to 20 characters, unique in the message.
    """

    id: str
    title: str


class ReplyButtonItem(_Wire, tag_field="type", tag="reply", kw_only=True):
    """Wire wrapper ``{"type": "reply", "reply": {...}}`` around a :class:`ReplyButton`."""

    reply: ReplyButton


class ReplyButtonsAction(_Wire, kw_only=True):
    """The ``action`` of a reply-buttons message: 1 to 3 buttons."""

    buttons: list[ReplyButtonItem]

    def _check(self, path: str) -> None:
        items = _items(
            f"{path}.buttons", self.buttons, ReplyButtonItem, minimum=1, maximum=REPLY_BUTTONS_MAX
        )
        ids: set[str] = set()
        titles: set[str] = set()
        for i, item in enumerate(items):
            where = f"{path}.buttons[{i}].reply"
            _struct(where, item.reply, ReplyButton)
            button = item.reply
            _id(f"{where}.id", button.id)
            _text(f"{where}.id", button.id, REPLY_BUTTON_ID_MAX)
            _text(f"{where}.title", button.title, REPLY_BUTTON_TITLE_MAX)
            if button.id in ids:
                raise ValidationError(f"{where}.id", f"must be unique; {button.id!r} repeats")
            if button.title in titles:
                raise ValidationError(
                    f"{where}.title", f"must be unique; {button.title!r} repeats"
                )
            ids.add(button.id)
            titles.add(button.title)


class ReplyButtons(_Interactive, tag="button", kw_only=True):
    """Up to three quick-reply buttons under a body (interactive ``button``).

    Build one with :meth:`create`, or field by field to mirror the wire.
    """

    body: Body
    action: ReplyButtonsAction
    header: Header | UnsetType = UNSET
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        body: str,
        buttons: Sequence[ReplyButton],
        *,
        header: str | Header | None = None,
        footer: str | None = None,
    ) -> ReplyButtons:
        """Build the message from plain values (a str header becomes a text header)."""
        return cls(
            body=Body(text=body),
            action=ReplyButtonsAction(buttons=[ReplyButtonItem(reply=b) for b in buttons]),
            header=_as_header(header),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        _header(f"{path}.header", self.header)
        self._check_body(path, self.body)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, ReplyButtonsAction)
        self.action._check(f"{path}.action")


# ------------------------------------------------------------------ list


class ListRow(_Wire, kw_only=True):
    """One choosable row of a list message.

    Args:
        id: Up to 200 characters, unique in the message; comes back in the webhook.
        title: Up to 24 characters.
        description: Up to 72 characters.
    """

    id: str
    title: str
    description: str | UnsetType = UNSET


class ListSection(_Wire, kw_only=True):
    """A titled group of rows; ``title`` (≤24) is required when there are several sections."""

    rows: list[ListRow]
    title: str | UnsetType = UNSET


class ListAction(_Wire, kw_only=True):
    """The ``action`` of a list message: the menu button label and its sections."""

    button: str
    sections: list[ListSection]

    def _check(self, path: str) -> None:
        _text(f"{path}.button", self.button, LIST_BUTTON_MAX)
        sections = _items(
            f"{path}.sections", self.sections, ListSection, minimum=1, maximum=LIST_SECTIONS_MAX
        )
        total = 0
        ids: set[str] = set()
        for s, section in enumerate(sections):
            where = f"{path}.sections[{s}]"
            if section.title is UNSET:
                if len(sections) > 1:
                    raise ValidationError(
                        f"{where}.title", "is required when there is more than one section"
                    )
            else:
                _text(f"{where}.title", section.title, LIST_SECTION_TITLE_MAX)
            rows = _items(f"{where}.rows", section.rows, ListRow, minimum=1, maximum=None)
            for r, row in enumerate(rows):
                at = f"{where}.rows[{r}]"
                _id(f"{at}.id", row.id)
                _text(f"{at}.id", row.id, LIST_ROW_ID_MAX)
                _text(f"{at}.title", row.title, LIST_ROW_TITLE_MAX)
                _optional_text(f"{at}.description", row.description, LIST_ROW_DESCRIPTION_MAX)
                if row.id in ids:
                    raise ValidationError(f"{at}.id", f"must be unique; {row.id!r} repeats")
                ids.add(row.id)
            total += len(rows)
            if total > LIST_ROWS_MAX:
                raise ValidationError(
                    f"{path}.sections",
                    f"must have at most {LIST_ROWS_MAX} rows in total across sections",
                )


class InteractiveList(_Interactive, tag="list", kw_only=True):
    """A menu of up to 10 rows in up to 10 sections (interactive ``list``).

    The header, when given, is text only; the body may hold 4096 characters.
    """

    _body_max: ClassVar[int] = LIST_BODY_MAX

    body: Body
    action: ListAction
    header: TextHeader | UnsetType = UNSET
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        body: str,
        *,
        button: str,
        sections: Sequence[ListSection],
        header: str | None = None,
        footer: str | None = None,
    ) -> InteractiveList:
        """Build the message from plain values."""
        return cls(
            body=Body(text=body),
            action=ListAction(button=button, sections=list(sections)),
            header=UNSET if header is None else TextHeader(text=header),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        _header(f"{path}.header", self.header, (TextHeader,))
        self._check_body(path, self.body)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, ListAction)
        self.action._check(f"{path}.action")


# ------------------------------------------------------------------ call to action URL


class CtaUrlParameters(_Wire, kw_only=True):
    """The button label (≤20 characters) and the URL it opens."""

    display_text: str
    url: str


class CtaUrlAction(_Wire, tag_field="name", tag="cta_url", kw_only=True):
    """The ``action`` of a call-to-action URL message (``name: "cta_url"``)."""

    parameters: CtaUrlParameters

    def _check(self, path: str) -> None:
        where = f"{path}.parameters"
        _struct(where, self.parameters, CtaUrlParameters)
        _text(f"{where}.display_text", self.parameters.display_text, CTA_DISPLAY_TEXT_MAX)
        check_url(f"{where}.url", self.parameters.url, schemes=("http", "https"))


class CtaUrl(_Interactive, tag="cta_url", kw_only=True):
    """A button that opens a URL, so the link need not show in the body."""

    body: Body
    action: CtaUrlAction
    header: Header | UnsetType = UNSET
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        body: str,
        *,
        display_text: str,
        url: str,
        header: str | Header | None = None,
        footer: str | None = None,
    ) -> CtaUrl:
        """Build the message from plain values."""
        return cls(
            body=Body(text=body),
            action=CtaUrlAction(parameters=CtaUrlParameters(display_text=display_text, url=url)),
            header=_as_header(header),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        _header(f"{path}.header", self.header)
        self._check_body(path, self.body)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, CtaUrlAction)
        self.action._check(f"{path}.action")


# ------------------------------------------------------------------ flow


class FlowActionPayload(_Wire, kw_only=True):
    """The first screen of a ``navigate`` Flow and its input data."""

    screen: str | UnsetType = UNSET
    data: dict[str, Any] | UnsetType = UNSET


# ``flow_message_version`` must always be "3": a tag is always encoded, while a
# default would be dropped by omit_defaults.
class FlowParameters(_Wire, tag_field="flow_message_version", tag="3", kw_only=True):
    """Which Flow to open and how; exactly one of ``flow_id`` or ``flow_name``.

    Args:
        flow_cta: Button text, up to 30 characters.
        flow_id: The Flow's id.
        flow_name: The Flow's name.
        flow_token: Your identifier for this Flow session (defaults to "unused").
        mode: ``"draft"`` or ``"published"`` (the default).
        flow_action: ``"navigate"`` (the default) or ``"data_exchange"``.
        flow_action_payload: First screen and its data (for ``navigate``).
    """

    flow_cta: str
    flow_id: str | UnsetType = UNSET
    flow_name: str | UnsetType = UNSET
    flow_token: str | UnsetType = UNSET
    mode: str | UnsetType = UNSET
    flow_action: str | UnsetType = UNSET
    flow_action_payload: FlowActionPayload | UnsetType = UNSET


class FlowAction(_Wire, tag_field="name", tag="flow", kw_only=True):
    """The ``action`` of a Flow message (``name: "flow"``)."""

    parameters: FlowParameters

    def _check(self, path: str) -> None:
        where = f"{path}.parameters"
        _struct(where, self.parameters, FlowParameters)
        p = self.parameters
        _text(f"{where}.flow_cta", p.flow_cta, FLOW_CTA_MAX)
        if (p.flow_id is UNSET) == (p.flow_name is UNSET):
            raise ValidationError(where, "needs exactly one of flow_id or flow_name")
        if p.flow_id is not UNSET:
            _id(f"{where}.flow_id", p.flow_id)
        else:
            _text(f"{where}.flow_name", p.flow_name, _NO_LIMIT)
        _optional_text(f"{where}.flow_token", p.flow_token, _NO_LIMIT)
        if p.mode is not UNSET:
            check_choice(f"{where}.mode", p.mode, ("draft", "published"))
        if p.flow_action is not UNSET:
            check_choice(f"{where}.flow_action", p.flow_action, ("navigate", "data_exchange"))
        payload = p.flow_action_payload
        if payload is not UNSET:
            at = f"{where}.flow_action_payload"
            _struct(at, payload, FlowActionPayload)
            _optional_text(f"{at}.screen", payload.screen, _NO_LIMIT)
            if payload.data is not UNSET and not (
                isinstance(payload.data, dict) and payload.data
            ):
                raise ValidationError(f"{at}.data", "must be a non-empty object")


class Flow(_Interactive, tag="flow", kw_only=True):
    """A button that opens a WhatsApp Flow (interactive ``flow``)."""

    body: Body
    action: FlowAction
    header: Header | UnsetType = UNSET
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        body: str,
        *,
        flow_cta: str,
        flow_id: str | None = None,
        flow_name: str | None = None,
        flow_token: str | None = None,
        mode: Literal["draft", "published"] | None = None,
        flow_action: Literal["navigate", "data_exchange"] | None = None,
        screen: str | None = None,
        data: dict[str, Any] | None = None,
        header: str | Header | None = None,
        footer: str | None = None,
    ) -> Flow:
        """Build the message from plain values (``screen``/``data`` form the payload)."""
        payload: FlowActionPayload | UnsetType = UNSET
        if screen is not None or data is not None:
            payload = FlowActionPayload(
                screen=UNSET if screen is None else screen, data=UNSET if data is None else data
            )
        parameters = FlowParameters(
            flow_cta=flow_cta,
            flow_id=_unset(flow_id),
            flow_name=_unset(flow_name),
            flow_token=_unset(flow_token),
            mode=_unset(mode),
            flow_action=_unset(flow_action),
            flow_action_payload=payload,
        )
        return cls(
            body=Body(text=body),
            action=FlowAction(parameters=parameters),
            header=_as_header(header),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        _header(f"{path}.header", self.header)
        self._check_body(path, self.body)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, FlowAction)
        self.action._check(f"{path}.action")


def _unset(value: str | None) -> str | UnsetType:
    return UNSET if value is None else value


# ------------------------------------------------------------------ products


class ProductAction(_Wire, kw_only=True):
    """Which catalog item a single-product message shows."""

    catalog_id: str
    product_retailer_id: str

    def _check(self, path: str) -> None:
        _id(f"{path}.catalog_id", self.catalog_id)
        _id(f"{path}.product_retailer_id", self.product_retailer_id)


class Product(_Interactive, tag="product", kw_only=True):
    """One product from your catalog (interactive ``product``); it takes no header."""

    action: ProductAction
    body: Body | UnsetType = UNSET
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        *,
        catalog_id: str,
        product_retailer_id: str,
        body: str | None = None,
        footer: str | None = None,
    ) -> Product:
        """Build the message from plain values."""
        return cls(
            action=ProductAction(catalog_id=catalog_id, product_retailer_id=product_retailer_id),
            body=UNSET if body is None else Body(text=body),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        self._check_body(path, self.body, required=False)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, ProductAction)
        self.action._check(f"{path}.action")


class ProductItem(_Wire, kw_only=True):
    """One catalog item in a product section."""

    product_retailer_id: str


class ProductSection(_Wire, kw_only=True):
    """A titled group of products; ``title`` (≤24) is required when there are several."""

    product_items: list[ProductItem]
    title: str | UnsetType = UNSET


class ProductListAction(_Wire, kw_only=True):
    """The ``action`` of a multi-product message: ≤10 sections, ≤30 products in total."""

    catalog_id: str
    sections: list[ProductSection]

    def _check(self, path: str) -> None:
        _id(f"{path}.catalog_id", self.catalog_id)
        sections = _items(
            f"{path}.sections", self.sections, ProductSection,
            minimum=1, maximum=PRODUCT_SECTIONS_MAX,
        )
        total = 0
        for s, section in enumerate(sections):
            where = f"{path}.sections[{s}]"
            if section.title is UNSET:
                if len(sections) > 1:
                    raise ValidationError(
                        f"{where}.title", "is required when there is more than one section"
                    )
            else:
                _text(f"{where}.title", section.title, LIST_SECTION_TITLE_MAX)
            items = _items(
                f"{where}.product_items", section.product_items, ProductItem,
                minimum=1, maximum=None,
            )
            for i, item in enumerate(items):
                _id(f"{where}.product_items[{i}].product_retailer_id", item.product_retailer_id)
            total += len(items)
            if total > PRODUCT_ITEMS_MAX:
                raise ValidationError(
                    f"{path}.sections",
                    f"must have at most {PRODUCT_ITEMS_MAX} products in total across sections",
                )


class ProductList(_Interactive, tag="product_list", kw_only=True):
    """Up to 30 products in sections (interactive ``product_list``); needs a text header."""

    header: TextHeader
    body: Body
    action: ProductListAction
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        body: str,
        *,
        header: str,
        catalog_id: str,
        sections: Sequence[ProductSection],
        footer: str | None = None,
    ) -> ProductList:
        """Build the message from plain values."""
        return cls(
            header=TextHeader(text=header),
            body=Body(text=body),
            action=ProductListAction(catalog_id=catalog_id, sections=list(sections)),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        _struct(f"{path}.header", self.header, TextHeader)
        self.header._check(f"{path}.header")
        self._check_body(path, self.body)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, ProductListAction)
        self.action._check(f"{path}.action")


# ------------------------------------------------------------------ location request


class LocationRequestAction(_Wire, tag_field="name", tag="send_location", kw_only=True):
    """The ``action`` of a location request (``name: "send_location"``)."""


class LocationRequest(_Interactive, tag="location_request_message", kw_only=True):
    """Asks the user to share their location, with a "Send location" button."""

    body: Body
    action: LocationRequestAction = msgspec.field(default_factory=LocationRequestAction)

    @classmethod
    def create(cls, body: str) -> LocationRequest:
        """Build the message from its body text."""
        return cls(body=Body(text=body))

    def _check(self, path: str) -> None:
        self._check_body(path, self.body)
        _struct(f"{path}.action", self.action, LocationRequestAction)


#: Any interactive message (the content of ``"interactive"``).
Interactive: TypeAlias = (
    ReplyButtons | InteractiveList | CtaUrl | Flow | Product | ProductList | LocationRequest
)


# --------------------------------------------------------------------------- template


class Language(_Wire, kw_only=True):
    """The template language: ``code`` like ``en_US``; ``policy`` is ``deterministic``."""

    code: str
    policy: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        if not isinstance(self.code, str) or not _LANGUAGE_CODE.fullmatch(self.code):
            raise ValidationError(
                f"{path}.code", "must be a language or locale code such as 'en' or 'en_US' "
                "(underscore, not dash)"
            )
        if self.policy is not UNSET:
            check_choice(f"{path}.policy", self.policy, ("deterministic",))


class Currency(_Wire, kw_only=True):
    """An amount of money: ``amount_1000`` is the amount times 1000.

    Args:
        fallback_value: Text shown if localisation fails (and on Cloud API, always).
        code: ISO 4217 code, e.g. ``USD``.
        amount_1000: Amount × 1000, e.g. 100990 for 100.99.
    """

    fallback_value: str
    code: str
    amount_1000: int


class DateTime(_Wire, kw_only=True):
    """A date/time parameter; Cloud API always shows ``fallback_value``."""

    fallback_value: str


class _Parameter(_Wire, tag_field="type", kw_only=True):
    """Base of template parameters, tagged by ``type``."""


class TextParameter(_Parameter, tag="text", kw_only=True):
    """Text for a ``{{n}}`` (or named ``{{name}}``) variable, or a URL-button suffix."""

    text: str
    parameter_name: str | UnsetType = UNSET


class CurrencyParameter(_Parameter, tag="currency", kw_only=True):
    """A money amount in a body."""

    currency: Currency


class DateTimeParameter(_Parameter, tag="date_time", kw_only=True):
    """A date/time in a body."""

    date_time: DateTime


class ImageParameter(_Parameter, tag="image", kw_only=True):
    """An image header; no caption."""

    image: Image


class VideoParameter(_Parameter, tag="video", kw_only=True):
    """A video header; no caption."""

    video: Video


class DocumentParameter(_Parameter, tag="document", kw_only=True):
    """A document header (PDF only); no caption, ``filename`` allowed."""

    document: Document


class LocationParameter(_Parameter, tag="location", kw_only=True):
    """A location header."""

    location: Location


class PayloadParameter(_Parameter, tag="payload", kw_only=True):
    """What a quick-reply button sends back in the webhook."""

    payload: str


class CouponCodeParameter(_Parameter, tag="coupon_code", kw_only=True):
    """The code a copy-code button copies (≤15 characters)."""

    coupon_code: str


#: Any template parameter.
Parameter: TypeAlias = (
    TextParameter | CurrencyParameter | DateTimeParameter | ImageParameter | VideoParameter |
    DocumentParameter | LocationParameter | PayloadParameter | CouponCodeParameter
)


def _check_parameter(path: str, p: object, text_max: int) -> None:
    if isinstance(p, TextParameter):
        _text(f"{path}.text", p.text, text_max)
        _optional_text(f"{path}.parameter_name", p.parameter_name, _NO_LIMIT)
    elif isinstance(p, CurrencyParameter):
        at = f"{path}.currency"
        _struct(at, p.currency, Currency)
        _text(f"{at}.fallback_value", p.currency.fallback_value, _NO_LIMIT)
        if not isinstance(p.currency.code, str) or not _CURRENCY_CODE.fullmatch(p.currency.code):
            raise ValidationError(f"{at}.code", "must be an ISO 4217 code such as 'USD'")
        amount = p.currency.amount_1000
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(f"{at}.amount_1000", "must be an integer (the amount × 1000)")
    elif isinstance(p, DateTimeParameter):
        _struct(f"{path}.date_time", p.date_time, DateTime)
        _text(f"{path}.date_time.fallback_value", p.date_time.fallback_value, _NO_LIMIT)
    elif isinstance(p, ImageParameter):
        _struct(f"{path}.image", p.image, Image)
        p.image._check_media(f"{path}.image", caption=False)
    elif isinstance(p, VideoParameter):
        _struct(f"{path}.video", p.video, Video)
        p.video._check_media(f"{path}.video", caption=False)
    elif isinstance(p, DocumentParameter):
        _struct(f"{path}.document", p.document, Document)
        p.document._check_media(f"{path}.document", caption=False)
    elif isinstance(p, LocationParameter):
        _struct(f"{path}.location", p.location, Location)
        p.location._check(f"{path}.location")
    elif isinstance(p, PayloadParameter):
        _text(f"{path}.payload", p.payload, _NO_LIMIT)
    elif isinstance(p, CouponCodeParameter):
        _text(f"{path}.coupon_code", p.coupon_code, COUPON_CODE_MAX)


class _Component(_Wire, tag_field="type", kw_only=True):
    """Base of template components, tagged by ``type``."""

    _allowed: ClassVar[tuple[type, ...]] = ()
    _min_parameters: ClassVar[int] = 1

    parameters: list[Parameter]

    def _check_parameters(self, path: str, text_max: int) -> None:
        params = _items(
            f"{path}.parameters", self.parameters, _Parameter,
            minimum=self._min_parameters, maximum=None,
        )
        for i, p in enumerate(params):
            where = f"{path}.parameters[{i}]"
            if not isinstance(p, self._allowed):
                names = ", ".join(k.__struct_config__.tag for k in self._allowed)  # type: ignore[attr-defined]
                raise ValidationError(f"{where}.type", f"must be one of {names} in this component")
            _check_parameter(where, p, text_max)

    def _plainly_valid(self, text_max: int) -> bool:
        """A cheap test that never passes what :meth:`_check_parameters` refuses.

        Bulk sends are mostly templates with text parameters; checking those
        inline (and building error paths only when something looks wrong)
        keeps validation cheaper than encoding the message with json.dumps.
        """
        params = self.parameters
        if type(params) is not list or len(params) < self._min_parameters:
            return False
        for p in params:
            kind = type(p)
            if kind is TextParameter:
                text = p.text  # type: ignore[union-attr]
                if (
                    type(text) is not str or not 0 < len(text) <= text_max
                    or p.parameter_name is not UNSET  # type: ignore[union-attr]
                ):
                    return False
            elif kind is PayloadParameter:
                payload = p.payload  # type: ignore[union-attr]
                if type(payload) is not str or not payload:
                    return False
            else:
                return False
            if kind not in self._allowed:
                return False
        return True


class HeaderComponent(_Component, tag="header", kw_only=True):
    """Values for the template header: text (≤60), image, video, document or location."""

    _allowed: ClassVar[tuple[type, ...]] = (
        TextParameter, ImageParameter, VideoParameter, DocumentParameter, LocationParameter,
    )


class BodyComponent(_Component, tag="body", kw_only=True):
    """Values for the body variables: text, currency or date_time."""

    _allowed: ClassVar[tuple[type, ...]] = (TextParameter, CurrencyParameter, DateTimeParameter)
    _min_parameters: ClassVar[int] = 0


class ButtonComponent(_Component, tag="button", kw_only=True):
    """Values for one template button.

    Args:
        sub_type: ``quick_reply``, ``url``, ``copy_code``, ``flow``, ``catalog``,
            ``mpm`` or ``voice_call``.
        index: Position of the button, ``"0"`` to ``"9"``.
        parameters: ``payload`` (quick reply), ``text`` (URL suffix) or ``coupon_code``.
    """

    _allowed: ClassVar[tuple[type, ...]] = (
        PayloadParameter, TextParameter, CouponCodeParameter,
    )

    sub_type: str
    index: str


#: Any template component.
Component: TypeAlias = (
    HeaderComponent | BodyComponent | ButtonComponent
)


class Template(_Message, kw_only=True):
    """A pre-approved template (``type: "template"``); the only kind allowed
    outside the 24-hour customer-service window.

    Args:
        name: Template name as approved.
        language: Language the template was approved in.
        components: Values for header, body and buttons.
    """

    kind: ClassVar[str] = "template"

    name: str
    language: Language
    components: list[Component] | UnsetType = UNSET

    def _check(self, path: str) -> None:
        name = self.name
        if type(name) is not str or not 0 < len(name) <= TEMPLATE_NAME_MAX:
            _text(f"{path}.name", name, TEMPLATE_NAME_MAX)
        language = self.language
        if (
            type(language) is not Language
            or type(language.code) is not str
            or not _LANGUAGE_CODE.fullmatch(language.code)
            or language.policy is not UNSET
        ):
            _struct(f"{path}.language", language, Language)
            language._check(f"{path}.language")
        components = self.components
        if components is UNSET:
            return
        if type(components) is not list:
            components = _items(
                f"{path}.components", components, _Component, minimum=0, maximum=None
            )
        body_only = True
        for c in components:
            if not isinstance(c, BodyComponent):
                body_only = False
                break
        body_max = TEMPLATE_BODY_ONLY_TEXT_MAX if body_only else TEMPLATE_BODY_TEXT_MAX
        for i, c in enumerate(components):
            if isinstance(c, BodyComponent):
                text_max = body_max
            elif isinstance(c, HeaderComponent):
                text_max = TEMPLATE_HEADER_TEXT_MAX
            elif isinstance(c, ButtonComponent):
                text_max = _NO_LIMIT
                sub_type, index = c.sub_type, c.index
                if sub_type not in _BUTTON_SUB_TYPES:
                    check_choice(f"{path}.components[{i}].sub_type", sub_type, _BUTTON_SUB_TYPES)
                if type(index) is not str or not _BUTTON_INDEX.fullmatch(index):
                    raise ValidationError(
                        f"{path}.components[{i}].index", "must be a string '0' to '9'"
                    )
            else:
                raise ValidationError(
                    f"{path}.components[{i}]",
                    f"must be a HeaderComponent, BodyComponent or ButtonComponent, got "
                    f"{type(c).__name__}",
                )
            if not c._plainly_valid(text_max):
                c._check_parameters(f"{path}.components[{i}]", text_max)


# --------------------------------------------------------------------------- reaction


class Reaction(_Message, kw_only=True):
    """An emoji reaction to a message; an empty ``emoji`` removes yours.

    Args:
        message_id: The wamid of the message reacted to (≤30 days old).
        emoji: Exactly one emoji (flags, keycaps, skin tones and ZWJ
            sequences count as one), or ``""`` to remove the reaction.
    """

    kind: ClassVar[str] = "reaction"

    message_id: str
    emoji: str

    def _check(self, path: str) -> None:
        _id(f"{path}.message_id", self.message_id)
        check_emoji(f"{path}.emoji", self.emoji)


#: Any message :meth:`MessagesResource.send` accepts.
Message: TypeAlias = (
    Text | Image | Video | Audio | Document | Sticker | Location | Contacts | ReplyButtons |
    InteractiveList | CtaUrl | Flow | Product | ProductList | LocationRequest | Template |
    Reaction
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


# --------------------------------------------------------------------------- answer


class _SentContact(msgspec.Struct, frozen=True, kw_only=True):
    input: str | None = None
    wa_id: str | None = None


class _SentId(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    message_status: str | None = None
    group_id: str | None = None


class SendResponse(msgspec.Struct, frozen=True, kw_only=True):
    """The raw answer to a send; the resource turns it into :class:`SentMessage`."""

    messages: list[_SentId]
    contacts: list[_SentContact] = msgspec.field(default_factory=list)
    messaging_product: str | None = None


class SentMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A message the API accepted (accepted is not delivered: watch status webhooks).

    Attributes:
        message_id: The wamid; status webhooks and replies refer to it.
        wa_id: The recipient's WhatsApp id; may differ from what you sent.
        input: The ``to`` you sent, as the API echoes it.
        message_status: Only for paced templates: ``accepted``,
            ``held_for_quality_assessment`` or ``paused``.
        group_id: The group, for group sends.
    """

    message_id: str
    wa_id: str | None = None
    input: str | None = None
    message_status: str | None = None
    group_id: str | None = None

    @classmethod
    def from_response(cls, response: SendResponse) -> SentMessage:
        """Pick the fields of the first message and contact of a send answer.

        Raises:
            IndexError: The answer lists no message.
        """
        sent = response.messages[0]
        contact = response.contacts[0] if response.contacts else _SentContact()
        return cls(
            message_id=sent.id,
            wa_id=contact.wa_id,
            input=contact.input,
            message_status=sent.message_status,
            group_id=sent.group_id,
        )
