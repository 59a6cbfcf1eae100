"""The ``media`` resource: upload, look up, download and delete media files."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import io
import logging
import os
import stat
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Union, cast, overload

from .._transport import FilePart, Multipart, check_segment
from ..errors import APIError, MediaIntegrityError, ValidationError
from ..types.common import Success
from ..types.media import (
    MEDIA_SIZE_LIMITS,
    STICKER_ANIMATED_LIMIT,
    STICKER_STATIC_LIMIT,
    MediaInfo,
    MediaUrlAnswer,
    UploadedMedia,
)
from ._base import Resource

__all__ = ["MediaResource", "MediaSource"]

log = logging.getLogger("whatsapp_async")

#: What :meth:`MediaResource.upload` takes: a path, the bytes, or a binary file object.
MediaSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]

# Fixed table rather than ``mimetypes``: the system MIME database differs
# between machines (e.g. ``.amr`` or ``.opus`` are often missing).
_EXTENSIONS: dict[str, str] = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".mp4": "video/mp4", ".3gp": "video/3gpp", ".3gpp": "video/3gpp",
    ".aac": "audio/aac", ".amr": "audio/amr", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
    ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
    ".txt": "text/plain", ".pdf": "application/pdf",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_DEFAULT_EXTENSION = {mime: ext for ext, mime in reversed(_EXTENSIONS.items())}
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class _Upload:
    filename: str
    mime_type: str
    size: int
    open: Callable[[], bytes | IO[bytes]]


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
                for its type, a text-mode or non-seekable stream, or a missing file.
            APIError: The API refused the upload.
            TransportError: No answer was received.
        """
        prepared = await asyncio.to_thread(_prepare_upload, file, mime_type, filename)
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
            ValidationError: The download URL's host is not on the allow-list.
            MediaIntegrityError: The bytes do not match the announced size or
                SHA-256 (or the digest is in neither hex nor base64 form).
            APIError: The API refused (e.g. the URL was still 404 after a refresh).
            TransportError: The download failed midway or never started.
            OSError: ``dest`` cannot be written.
        """
        info = media if isinstance(media, MediaInfo) else await self.get(
            media, phone_number_id=phone_number_id
        )
        target = Path(dest) if dest is not None else None
        try:
            return await self._fetch(info, target, verify)
        except APIError as exc:
            if exc.status != 404:
                raise
            log.info("media URL of %s answered 404 (expired?); fetching a fresh one", info.id)
        fresh = await self.get(info.id, phone_number_id=phone_number_id)
        return await self._fetch(fresh, target, verify)

    async def _fetch(self, info: MediaInfo, target: Path | None, verify: bool) -> bytes | Path:
        client = self._client
        check = _Checker(info if verify else None)
        async with client._transport.download(info.url, options=client._options) as answer:
            if target is None:
                buffer = bytearray()
                async for chunk in answer.chunks(_CHUNK):
                    check.update(chunk)
                    buffer += chunk
                check.finish()
                return bytes(buffer)
            return await _stream_to_file(answer.chunks(_CHUNK), target, check)


def _owner_params(phone_number_id: str | None) -> dict[str, str] | None:
    if phone_number_id is None:
        return None
    return {"phone_number_id": check_segment("phone_number_id", phone_number_id)}


# ------------------------------------------------------------------ download helpers


class _Checker:
    """Counts and hashes the bytes as they arrive; stops early on excess."""

    def __init__(self, info: MediaInfo | None) -> None:
        self._info = info
        self._size = 0
        self._hash = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        self._size += len(chunk)
        expected = self._info.file_size if self._info is not None else None
        if expected is not None and self._size > expected:
            raise MediaIntegrityError("file_size", f"{expected} bytes", f"more than {expected}")
        if self._info is not None and self._info.sha256:
            self._hash.update(chunk)

    def finish(self) -> None:
        info = self._info
        if info is None:
            return
        if info.file_size is not None and self._size != info.file_size:
            raise MediaIntegrityError("file_size", f"{info.file_size} bytes", f"{self._size} bytes")
        if info.sha256:
            expected = _digest_bytes(info.sha256)
            if expected is None:
                raise MediaIntegrityError(
                    "sha256", info.sha256, "(not a hex or base64 SHA-256 digest; pass verify=False "
                    "to skip the check)"
                )
            actual = self._hash.digest()
            if actual != expected:
                raise MediaIntegrityError("sha256", info.sha256, actual.hex())


def _digest_bytes(text: str) -> bytes | None:
    """The 32 digest bytes of a hex or base64 (standard or URL-safe) SHA-256."""
    text = text.strip()
    if len(text) == 64:
        with contextlib.suppress(ValueError):
            return bytes.fromhex(text)
    padded = text + "=" * (-len(text) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            raw = decode(padded)
        except (binascii.Error, ValueError):
            continue
        if len(raw) == 32:
            return raw
    return None


async def _stream_to_file(chunks: AsyncIterator[bytes], target: Path, check: _Checker) -> Path:
    directory = target.parent
    # Not in a thread: a cancel during that await would leave the new file
    # behind with nobody to delete it. Creating it is one quick open().
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            async for chunk in chunks:
                check.update(chunk)
                # File writes block; keep them off the event loop.
                await asyncio.to_thread(handle.write, chunk)
            check.finish()
            await asyncio.to_thread(_sync, handle)
        await asyncio.to_thread(_keep_mode, target, tmp)
        await asyncio.to_thread(os.replace, tmp, target)
    except BaseException:
        # Must not await here: this also runs when the task is cancelled.
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    await asyncio.to_thread(_sync_directory, directory)
    return target


def _keep_mode(target: Path, tmp: Path) -> None:
    # A replaced file keeps its permissions; a new one keeps mkstemp's 0600,
    # since chat media is usually personal data.
    with contextlib.suppress(OSError):
        os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))


def _sync(handle: IO[bytes]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ------------------------------------------------------------------ upload helpers


def _prepare_upload(file: object, mime_type: str | None, filename: str | None) -> _Upload:
    """Work out name, type, size and a per-attempt opener; runs in a thread."""
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
        size = len(data)
        head = data[:32]
        name = filename

        def opener() -> bytes | IO[bytes]:
            # A stream, not the bytes: aiohttp then sends it in small chunks
            # instead of buffering one huge write (about half the peak memory).
            return io.BytesIO(data)
    elif isinstance(file, (str, os.PathLike)):
        path = Path(os.fspath(file))
        try:
            size = path.stat().st_size
            if not path.is_file():
                raise ValidationError("file", f"{path.name!r} is not a regular file")
            with path.open("rb") as probe:
                head = probe.read(32)
        except FileNotFoundError:
            raise ValidationError("file", f"no such file: {path.name!r}") from None
        name = filename or path.name

        def opener() -> bytes | IO[bytes]:
            return path.open("rb")
    elif hasattr(file, "read"):
        stream: IO[bytes] = file  # type: ignore[assignment]
        size, head = _measure_stream(stream)
        name = filename or _stream_name(stream)
        opener = _stream_opener(stream)
    else:
        raise ValidationError(
            "file", f"must be a path, bytes or a binary file object, got {type(file).__name__}"
        )
    mime = _resolve_mime(mime_type, name)
    _check_size(mime, size, head)
    return _Upload(
        filename=name or f"upload{_DEFAULT_EXTENSION.get(mime, '')}",
        mime_type=mime,
        size=size,
        open=opener,
    )


def _resolve_mime(mime_type: str | None, name: str | None) -> str:
    if mime_type is not None:
        mime = mime_type.split(";", 1)[0].strip().lower()
    elif name:
        guessed = _EXTENSIONS.get(Path(name).suffix.lower())
        if guessed is None:
            raise ValidationError(
                "mime_type", f"cannot tell the type of {name!r} from its extension; pass mime_type="
            )
        mime = guessed
    else:
        raise ValidationError("mime_type", "cannot tell the type of raw bytes; pass mime_type= "
                              "or filename=")
    if mime not in MEDIA_SIZE_LIMITS:
        raise ValidationError(
            "mime_type",
            f"{mime} is not accepted by the Cloud API; accepted: {', '.join(MEDIA_SIZE_LIMITS)}",
        )
    return mime


def _check_size(mime: str, size: int, head: bytes) -> None:
    if size == 0:
        raise ValidationError("file", "is empty")
    limit = MEDIA_SIZE_LIMITS[mime]
    kind = mime
    if mime == "image/webp":
        animated = _is_animated_webp(head)
        limit = STICKER_ANIMATED_LIMIT if animated else STICKER_STATIC_LIMIT
        kind = "animated sticker" if animated else "static sticker"
    if size > limit:
        raise ValidationError(
            "file", f"is {_human(size)}; a {kind} may be at most {_human(limit)}"
        )


def _is_animated_webp(head: bytes) -> bool:
    # RIFF <size> WEBP VP8X <chunk size> <flags>: flag 0x02 marks an animation.
    return (
        len(head) >= 21
        and head[0:4] == b"RIFF"
        and head[8:12] == b"WEBP"
        and head[12:16] == b"VP8X"
        and bool(head[20] & 0x02)
    )


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def _measure_stream(stream: IO[bytes]) -> tuple[int, bytes]:
    if isinstance(stream, io.TextIOBase):
        raise ValidationError("file", "must be opened in binary mode ('rb'), not text mode")
    seekable = getattr(stream, "seekable", None)
    if not callable(seekable) or not seekable():
        raise ValidationError(
            "file", "a file object must be seekable, so its size can be checked before the "
            "upload and a retry can re-read it; pass a path or bytes instead"
        )
    start = stream.tell()
    head = stream.read(32)
    if not isinstance(head, bytes):
        raise ValidationError("file", "must be opened in binary mode ('rb'), not text mode")
    end = stream.seek(0, io.SEEK_END)
    stream.seek(start)
    return end - start, head


def _stream_name(stream: IO[bytes]) -> str | None:
    name = getattr(stream, "name", None)
    return Path(name).name if isinstance(name, str) and name else None


def _stream_opener(stream: IO[bytes]) -> Callable[[], bytes | IO[bytes]]:
    start = stream.tell()
    if isinstance(stream, io.BytesIO):
        # In memory already: a private copy has a known length (no chunked
        # encoding) and leaves the caller's object alone.
        def copy() -> bytes | IO[bytes]:
            with stream.getbuffer() as view:
                return io.BytesIO(view[start:])

        return copy

    def opener() -> bytes | IO[bytes]:
        return cast(IO[bytes], _Window(stream, start))

    return opener


class _Window(io.RawIOBase):
    """A view of a caller's stream from ``start``; closing it leaves the stream open.

    aiohttp closes the file objects it sends, and a retry must re-read from
    the start, so the caller's own object is never handed over directly.
    """

    def __init__(self, stream: IO[bytes], start: int) -> None:
        super().__init__()
        self._stream = stream
        self._start = start
        stream.seek(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        view = memoryview(buffer)  # type: ignore[arg-type]
        data = self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        return self._stream.read(-1 if size is None else size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def fileno(self) -> int:
        return self._stream.fileno()
