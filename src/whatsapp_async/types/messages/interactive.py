"""Interactive messages: reply buttons, lists, call-to-action URL and location request.

:data:`Interactive` is the union of every interactive kind, Flow and products included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TypeAlias

import msgspec
from msgspec import UNSET, UnsetType

from ..._validation import check_url, listed
from ...errors import ValidationError
from ._checks import _id, _items, _optional_text, _struct, _text, _Wire
from .flow import Flow
from .interactive_parts import (
    Body,
    Footer,
    Header,
    TextHeader,
    _as_footer,
    _as_header,
    _Interactive,
    _section_title,
)
from .interactive_requests import AddressMessage, CallPermissionRequest, CatalogMessage
from .limits import (
    CTA_DISPLAY_TEXT_MAX,
    LIST_BODY_MAX,
    LIST_BUTTON_MAX,
    LIST_ROW_DESCRIPTION_MAX,
    LIST_ROW_ID_MAX,
    LIST_ROW_TITLE_MAX,
    LIST_ROWS_MAX,
    LIST_SECTIONS_MAX,
    REPLY_BUTTON_ID_MAX,
    REPLY_BUTTON_TITLE_MAX,
    REPLY_BUTTONS_MAX,
)
from .products import Product, ProductList

# ------------------------------------------------------------------ reply buttons


class ReplyButton(_Wire, kw_only=True):
    """One reply button: ``id`` comes back in the webhook, ``title`` is shown.

    Attributes:
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
        items = listed(buttons)
        if isinstance(items, list):
            items = [ReplyButtonItem(reply=b) for b in items]
        return cls(
            body=Body(text=body),
            action=ReplyButtonsAction(buttons=items),
            header=_as_header(header),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        self._check_parts(path, ReplyButtonsAction)


# ------------------------------------------------------------------ list


class ListRow(_Wire, kw_only=True):
    """One choosable row of a list message.

    Attributes:
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
            _section_title(where, section.title, len(sections))
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
            action=ListAction(button=button, sections=listed(sections)),
            header=UNSET if header is None else TextHeader(text=header),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        self._check_parts(path, ListAction, (TextHeader,))


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
        self._check_parts(path, CtaUrlAction)


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
    ReplyButtons | InteractiveList | CtaUrl | Flow | Product | ProductList | LocationRequest |
    CatalogMessage | AddressMessage | CallPermissionRequest
)
