"""The ``media`` resource: upload, look up, download and delete media files."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import BinaryIO, Union, overload

from .._media_download import CHUNK_SIZE, IntegrityCheck, collect, write_atomically
from .._media_upload import prepare_upload
from ..errors import APIError, ValidationError
from ..request import FilePart, Multipart, check_segment
from ..types.common import Success
from ..types.media import MediaInfo, MediaUrlAnswer, UploadedMedia
from ._base import Resource

__all__ = ["MediaResource", "MediaSource"]

log = logging.getLogger("whatsapp_async")

#: What :meth:`MediaResource.upload` takes: a path, the bytes, or a binary file object.
MediaSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]


class MediaResource(Resource):
    """Upload, look up, download and delete media.

    Uploaded media ids stay valid for 30 days; ids from inbound webhooks for 7.
    """

    async def upload(
        self,
        file: MediaSource,
        *,
        mime_type: str | None = None,
        filename: str | None = None,
    ) -> str:
        """Upload a file for the business number and return its media id.

        The type and size are checked before anything is sent. Files on disk
        are streamed in chunks, never read whole into memory. A retry (after a
        timeout, say) re-reads the file from its start: the upload is treated
        as idempotent because a duplicate only creates a second, unused media
        id that expires after 30 days.

        Stickers (``image/webp``) may be 100 KB when static and 500 KB when
        animated; a WebP counts as animated when its ``VP8X`` header has the
        animation flag set.

        Args:
            file: A path, the file's bytes, or a binary file object opened for
                reading that can seek (it is read from its current position and
                left open, at an unspecified position).
            mime_type: MIME type; by default guessed from ``filename`` or the
                path's extension. Parameters such as ``; codecs=opus`` are dropped.
            filename: Name sent with the upload; defaults to the path's name.

        Returns:
            The media id, for sending the file in a message.

        Raises:
            ValidationError: Unknown or unsupported type, empty file, too large
                for its type, a text-mode or non-seekable stream, a path that
                names no file (missing, too long, not encodable), or a
                ``mime_type``/``filename`` that is not a string or holds a lone
                surrogate.
            OSError: An existing file cannot be read (e.g. no permission).
            APIError: The API refused the upload.
            TransportError: No answer was received.
        """
        prepared = await asyncio.to_thread(prepare_upload, file, mime_type, filename)
        multipart = Multipart(
            fields={"messaging_product": "whatsapp", "type": prepared.mime_type},
            files=[
                FilePart(
                    name="file",
                    filename=prepared.filename,
                    content_type=prepared.mime_type,
                    open=prepared.open,
                )
            ],
        )
        answer = await self._request(
            "POST", self._phone_number_id, "media",
            cast_to=UploadedMedia, multipart=multipart, idempotent=True,
        )
        return answer.id

    async def get(self, media_id: str, *, phone_number_id: str | None = None) -> MediaInfo:
        """Look up a media file: its temporary download URL, type, size and hash.

        Args:
            media_id: Id from an upload or an inbound message.
            phone_number_id: Only answer if the media belongs to this business
                number (the API's ownership check).

        Returns:
            The media's description; ``url`` is valid for about 5 minutes.

        Raises:
            ValidationError: An id is not a safe path segment.
            APIError: The API refused (e.g. unknown or expired media id).
            TransportError: No answer was received.
        """
        answer = await self._request(
            "GET", check_segment("media_id", media_id),
            cast_to=MediaUrlAnswer, params=_owner_params(phone_number_id),
        )
        return answer.to_info()

    async def delete(self, media_id: str, *, phone_number_id: str | None = None) -> bool:
        """Delete an uploaded media file.

        Args:
            media_id: Id of the media to delete.
            phone_number_id: Only delete if the media belongs to this business number.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: An id is not a safe path segment.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        answer = await self._request(
            "DELETE", check_segment("media_id", media_id),
            cast_to=Success, params=_owner_params(phone_number_id),
        )
        return answer.success

    @overload
    async def download(
        self,
        media: str | MediaInfo,
        dest: None = None,
        *,
        phone_number_id: str | None = None,
        verify: bool = True,
    ) -> bytes: ...

    @overload
    async def download(
        self,
        media: str | MediaInfo,
        dest: str | os.PathLike[str],
        *,
        phone_number_id: str | None = None,
        verify: bool = True,
    ) -> Path: ...

    async def download(
        self,
        media: str | MediaInfo,
        dest: str | os.PathLike[str] | None = None,
        *,
        phone_number_id: str | None = None,
        verify: bool = True,
    ) -> bytes | Path:
        """Download a media file to a path, or into memory.

        The file is streamed in chunks. With ``dest`` it goes to a temporary
        file in the same directory, which is synced and renamed over ``dest``
        only when complete and verified, so no partial file is ever left at
        ``dest`` (or beside it). A new file is created readable by its owner
        only (mode 0600); a replaced file keeps its mode. An expired URL (404)
        is replaced by a fresh one once. The access token is sent only to
        Meta's media hosts or the client's own API host; any other URL is
        refused before connecting. Raise the timeout for big files with
        ``client.with_options(timeout=...)``: it bounds the whole download.

        Args:
            media: A media id, or a :class:`MediaInfo` from :meth:`get`.
            dest: File path to write to (its directory must exist); None to
                return the bytes instead.
            phone_number_id: Ownership check passed to :meth:`get`.
            verify: Check the size and SHA-256 the API announced (hex or
                base64 digests are both understood).

        Returns:
            The path written, or the bytes when ``dest`` is None.

        Raises:
            ValidationError: ``dest`` is not a path, the media id is not a safe
                path segment, or the download URL's host is not on the allow-list.
            MediaIntegrityError: The bytes do not match the announced size or
                SHA-256 (or the digest is in neither hex nor base64 form).
            APIError: The API refused (e.g. the URL was still 404 after a refresh).
            TransportError: The download failed midway or never started.
            OSError: ``dest`` cannot be written.
        """
        if dest is not None and not isinstance(dest, (str, os.PathLike)):
            raise ValidationError("dest", f"must be a file path, got {type(dest).__name__}")
        target = Path(dest) if dest is not None else None
        info = media if isinstance(media, MediaInfo) else await self.get(
            media, phone_number_id=phone_number_id
        )
        try:
            return await self._fetch(info, target, verify)
        except APIError as exc:
            if exc.status != 404:
                raise
            log.info("media URL of %s answered 404 (expired?); fetching a fresh one", info.id)
        fresh = await self.get(info.id, phone_number_id=phone_number_id)
        return await self._fetch(fresh, target, verify)

    async def _fetch(self, info: MediaInfo, target: Path | None, verify: bool) -> bytes | Path:
        check = IntegrityCheck(info if verify else None)
        async with self._client.open_download(info.url) as answer:
            chunks = answer.chunks(CHUNK_SIZE)
            if target is None:
                return await collect(chunks, check)
            return await write_atomically(chunks, target, check)


def _owner_params(phone_number_id: str | None) -> dict[str, str] | None:
    if phone_number_id is None:
        return None
    return {"phone_number_id": check_segment("phone_number_id", phone_number_id)}
