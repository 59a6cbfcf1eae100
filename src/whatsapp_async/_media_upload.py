"""Preparing a media upload: its type, size limit and a fresh reader for each attempt."""

from __future__ import annotations

import errno
import io
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from ._validation import check_text
from .errors import ValidationError
from .types.media import MEDIA_SIZE_LIMITS, STICKER_ANIMATED_LIMIT, STICKER_STATIC_LIMIT

# What an HTTP header may not hold (a tab may): aiohttp refuses to write such a
# header with a bare ValueError, after the upload was already prepared.
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

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
# Enough of a file's start to read a WebP's VP8X flags.
_HEAD = 32
# OS errors that mean "this path names no file": the caller's input is wrong.
_NO_SUCH_FILE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP})


@dataclass(frozen=True)
class PreparedUpload:
    """A checked upload; ``open`` gives a fresh reader per attempt (a retry re-reads)."""

    filename: str
    mime_type: str
    size: int
    open: Callable[[], bytes | IO[bytes]]


def prepare_upload(file: object, mime_type: str | None, filename: str | None) -> PreparedUpload:
    """Work out an upload's name, type, size and per-attempt reader (blocking: run in a thread).

    Args:
        file: A path, bytes-like value, or binary file object that can seek.
        mime_type: The caller's MIME type (parameters are dropped), or None to
            go by the file name's extension.
        filename: Name to send; defaults to the path's or stream's name.

    Returns:
        The prepared upload.

    Raises:
        ValidationError: Unknown or unsupported type, empty file, too large for
            its type, a text-mode or non-seekable stream, a path that names no
            file (missing, too long, not encodable), or a ``mime_type`` or
            ``filename`` that is not a string or holds a lone surrogate (or,
            for ``filename``, a control character).
        OSError: An existing file cannot be read (e.g. no permission).
    """
    if mime_type is not None:
        check_text("mime_type", mime_type)
    if filename is not None and not isinstance(filename, str):
        raise ValidationError("filename", f"must be a string, got {type(filename).__name__}")
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
        size, head, name = len(data), data[:_HEAD], filename

        def opener() -> bytes | IO[bytes]:
            # A stream, not the bytes: aiohttp then sends it in small chunks
            # instead of buffering one huge write (about half the peak memory).
            return io.BytesIO(data)
    elif isinstance(file, (str, os.PathLike)):
        path = Path(os.fspath(file))
        size, head = _probe_path(path)
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
    if name is not None:
        # A name from the path or stream (not only the caller's) goes into
        # the multipart header, which needs encodable text without line breaks
        # or other control characters (aiohttp refuses them as header injection).
        check_text("filename", name)
        if _HEADER_CONTROL.search(name):
            raise ValidationError(
                "filename", "must not hold control characters (U+0000 to U+001F other than "
                "tab, U+007F): it goes into the upload's multipart header"
            )
    mime = resolve_mime(mime_type, name)
    check_size(mime, size, head)
    return PreparedUpload(
        filename=name or f"upload{_DEFAULT_EXTENSION.get(mime, '')}",
        mime_type=mime,
        size=size,
        open=opener,
    )


def _probe_path(path: Path) -> tuple[int, bytes]:
    """The size and first bytes of the file at ``path``.

    Raises:
        ValidationError: The path names no regular file.
        OSError: An existing file cannot be read.
    """
    shown = path.name[:80]
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError("file", f"{shown!r} is not a regular file")
        with path.open("rb") as probe:
            return info.st_size, probe.read(_HEAD)
    except ValidationError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_SUCH_FILE:
            raise
        reason = "path is too long" if exc.errno == errno.ENAMETOOLONG else "no such file"
        raise ValidationError("file", f"{reason}: {shown!r}") from None
    except ValueError:  # a NUL byte, or a lone surrogate the file system cannot encode
        raise ValidationError(
            "file", "is not a usable path (it holds a NUL byte or characters the file system "
            "cannot encode)"
        ) from None


def resolve_mime(mime_type: str | None, name: str | None) -> str:
    """The upload's MIME type: the given one without parameters, or the one its extension implies.

    Raises:
        ValidationError: No way to tell the type, or a type the Cloud API does not take.
    """
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


def check_size(mime: str, size: int, head: bytes) -> None:
    """Refuse an empty file or one over its type's limit (a WebP's depends on ``head``).

    Raises:
        ValidationError: The file is empty or too large.
    """
    if size == 0:
        raise ValidationError("file", "is empty")
    limit = MEDIA_SIZE_LIMITS[mime]
    kind = mime
    if mime == "image/webp":
        animated = is_animated_webp(head)
        limit = STICKER_ANIMATED_LIMIT if animated else STICKER_STATIC_LIMIT
        kind = "animated sticker" if animated else "static sticker"
    if size > limit:
        raise ValidationError(
            "file", f"is {_human(size)}; a {kind} may be at most {_human(limit)}"
        )


def is_animated_webp(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a WebP with the animation flag set."""
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
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"


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
    head = stream.read(_HEAD)
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
