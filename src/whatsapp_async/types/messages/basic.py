"""The basic message kinds: text, media, location and reaction.

Media is an image, video, audio, document or sticker, by uploaded id or https link.
"""

from __future__ import annotations

from typing import ClassVar

from msgspec import UNSET, UnsetType

from ..._validation import check_emoji, check_length, check_url
from ...errors import ValidationError
from ._checks import _id, _Message, _optional_text, _text
from .limits import (
    CAPTION_MAX,
    DOCUMENT_FILENAME_MAX,
    LOCATION_ADDRESS_MAX,
    LOCATION_NAME_MAX,
    TEXT_BODY_MAX,
)

# --------------------------------------------------------------------------- text


class Text(_Message, kw_only=True):
    """A text message (``type: "text"``).

    Attributes:
        body: Up to 4096 characters; URLs are clickable.
        preview_url: Render a preview of the first http(s) URL in ``body``.
    """

    kind: ClassVar[str] = "text"

    body: str
    preview_url: bool | UnsetType = UNSET

    def _check(self, path: str) -> None:
        body = self.body
        # Plain ASCII of a fitting length needs no more checks; this runs once
        # per text message sent, so the field name is built only for the others.
        if type(body) is not str or not body.isascii() or not 0 < len(body) <= TEXT_BODY_MAX:
            check_length(f"{path}.body", body, TEXT_BODY_MAX, minimum=1)
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

    Attributes:
        id: Media id from ``wa.media.upload``.
        link: Absolute https URL Meta fetches (and caches for 10 minutes).
        caption: Up to 1024 characters.
    """

    kind: ClassVar[str] = "image"

    caption: str | UnsetType = UNSET


class Video(_Media, kw_only=True):
    """A video (MP4/3GPP, H.264 + AAC, ≤16 MB) by ``id`` or https ``link``.

    Attributes:
        id: Media id from ``wa.media.upload``.
        link: Absolute https URL.
        caption: Up to 1024 characters.
    """

    kind: ClassVar[str] = "video"

    caption: str | UnsetType = UNSET


class Audio(_Media, kw_only=True):
    """Audio (AAC, AMR, MP3, MP4 audio, OGG/OPUS, ≤16 MB); audio takes no caption.

    Attributes:
        id: Media id from ``wa.media.upload``.
        link: Absolute https URL.
        voice: Show it as a voice note (played inline, transcribable): for an
            OGG file with the OPUS codec.
    """

    kind: ClassVar[str] = "audio"

    voice: bool | UnsetType = UNSET

    def _check(self, path: str) -> None:
        self._check_media(path, caption=True)
        if self.voice is not UNSET and type(self.voice) is not bool:
            raise ValidationError(f"{path}.voice", "must be True or False")


class Document(_Media, kw_only=True):
    """A document (PDF, text, Office formats, ≤100 MB).

    Attributes:
        id: Media id from ``wa.media.upload``.
        link: Absolute https URL.
        caption: Up to 1024 characters.
        filename: Name shown to the recipient (also sets the file extension),
            up to 240 characters.
    """

    kind: ClassVar[str] = "document"

    caption: str | UnsetType = UNSET
    filename: str | UnsetType = UNSET

    def _check_media(self, path: str, *, caption: bool) -> None:
        super()._check_media(path, caption=caption)
        _optional_text(f"{path}.filename", self.filename, DOCUMENT_FILENAME_MAX)


class Sticker(_Media, kw_only=True):
    """A sticker (WebP, ≤100 KB static / ≤500 KB animated); no caption."""

    kind: ClassVar[str] = "sticker"


# --------------------------------------------------------------------------- location


class Location(_Message, kw_only=True):
    """A location pin (also the ``location`` template header parameter).

    Attributes:
        latitude: Degrees, -90 to 90.
        longitude: Degrees, -180 to 180.
        name: Name of the place, up to 1000 characters.
        address: Address shown under the name, up to 1000 characters.
    """

    kind: ClassVar[str] = "location"

    latitude: float
    longitude: float
    name: str | UnsetType = UNSET
    address: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _coordinate(f"{path}.latitude", self.latitude, 90.0)
        _coordinate(f"{path}.longitude", self.longitude, 180.0)
        _optional_text(f"{path}.name", self.name, LOCATION_NAME_MAX)
        _optional_text(f"{path}.address", self.address, LOCATION_ADDRESS_MAX)


def _coordinate(path: str, value: object, bound: float) -> None:
    # A plain comparison, not math.isfinite: that overflows on an int above
    # ~1e308, while NaN and infinities already fail the range test.
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not -bound <= value <= bound
    ):
        raise ValidationError(path, f"must be a number from {-bound:g} to {bound:g}")


# --------------------------------------------------------------------------- reaction


class Reaction(_Message, kw_only=True):
    """An emoji reaction to a message; an empty ``emoji`` removes yours.

    Attributes:
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
