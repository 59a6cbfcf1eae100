"""The parts every interactive message shares: body, footer, headers and the base class."""

from __future__ import annotations

from typing import Any, ClassVar, TypeAlias

from msgspec import UNSET, UnsetType

from ...errors import ValidationError
from ._checks import _Message, _optional_text, _struct, _text, _Wire
from .basic import Document, Image, Video
from .limits import (
    FOOTER_TEXT_MAX,
    HEADER_TEXT_MAX,
    INTERACTIVE_BODY_MAX,
    LIST_SECTION_TITLE_MAX,
)


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


def _section_title(where: str, title: object, sections: int) -> None:
    """A list or product section's title: required when there are several sections."""
    if title is UNSET:
        if sections > 1:
            raise ValidationError(
                f"{where}.title", "is required when there is more than one section"
            )
    else:
        _text(f"{where}.title", title, LIST_SECTION_TITLE_MAX)


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

    def _check_parts(self, path: str, action: type, headers: tuple[type, ...] = _HEADERS) -> None:
        """Check ``header``, ``body``, ``footer`` and ``action``, in wire order.

        For the kinds that have all four (buttons, list, CTA URL, Flow); the
        others check their own shape.
        """
        parts: Any = self  # each subclass declares these fields, in its own order
        _header(f"{path}.header", parts.header, headers)
        self._check_body(path, parts.body)
        self._check_footer(path, parts.footer)
        _struct(f"{path}.action", parts.action, action)
        parts.action._check(f"{path}.action")
