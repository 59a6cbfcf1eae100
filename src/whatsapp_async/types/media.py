"""Structs of the media API area: upload answers and media descriptions."""

from __future__ import annotations

from types import MappingProxyType

import msgspec

__all__ = [
    "MEDIA_SIZE_LIMITS",
    "STICKER_ANIMATED_LIMIT",
    "STICKER_STATIC_LIMIT",
    "MediaInfo",
    "UploadedMedia",
]

_KB = 1024
_MB = 1024 * 1024

#: Sticker size limits: a WebP is animated when its VP8X header has the animation flag.
STICKER_STATIC_LIMIT = 100 * _KB
STICKER_ANIMATED_LIMIT = 500 * _KB

#: MIME types the Cloud API accepts for upload, with their size limit in bytes
#: (Meta's "5 MB" etc., read as binary megabytes). ``image/webp`` is only for
#: stickers; its entry is the animated limit, static stickers get
#: :data:`STICKER_STATIC_LIMIT`.
MEDIA_SIZE_LIMITS = MappingProxyType({
    "image/jpeg": 5 * _MB,
    "image/png": 5 * _MB,
    "video/mp4": 16 * _MB,
    "video/3gpp": 16 * _MB,
    "audio/aac": 16 * _MB,
    "audio/amr": 16 * _MB,
    "audio/mpeg": 16 * _MB,
    "audio/mp4": 16 * _MB,
    "audio/ogg": 16 * _MB,
    "text/plain": 100 * _MB,
    "application/pdf": 100 * _MB,
    "application/msword": 100 * _MB,
    "application/vnd.ms-excel": 100 * _MB,
    "application/vnd.ms-powerpoint": 100 * _MB,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": 100 * _MB,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 100 * _MB,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 * _MB,
    "image/webp": STICKER_ANIMATED_LIMIT,
})


class UploadedMedia(msgspec.Struct, frozen=True, kw_only=True):
    """The answer of ``POST /{phone-number-id}/media``.

    Attributes:
        id: Media id to send the file by; it stays valid for 30 days.
    """

    id: str


class MediaInfo(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What ``GET /{media-id}`` tells about an uploaded or received file.

    Attributes:
        id: The media id.
        url: Temporary download URL (valid about 5 minutes; needs the token).
        mime_type: MIME type of the file, e.g. ``"image/jpeg"``.
        sha256: SHA-256 digest of the file, hex or base64 (Meta uses both).
        file_size: Size in bytes, or None when the API did not say.
        messaging_product: ``"whatsapp"``.
    """

    id: str
    url: str
    mime_type: str | None = None
    sha256: str | None = None
    file_size: int | None = None
    messaging_product: str | None = None


class MediaUrlAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """Wire shape of ``GET /{media-id}``: ``file_size`` is a string in Meta's
    own example and an integer in recorded answers, so both are accepted here
    and :meth:`to_info` turns it into an int."""

    id: str
    url: str
    mime_type: str | None = None
    sha256: str | None = None
    file_size: int | str | None = None
    messaging_product: str | None = None

    def to_info(self) -> MediaInfo:
        """The public :class:`MediaInfo` with ``file_size`` as an int (or None)."""
        size = self.file_size
        if isinstance(size, str):
            size = int(size) if size.strip().isdigit() else None
        return MediaInfo(
            id=self.id,
            url=self.url,
            mime_type=self.mime_type,
            sha256=self.sha256,
            file_size=size,
            messaging_product=self.messaging_product,
        )
