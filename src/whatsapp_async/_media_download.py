"""Receiving a media download: size and SHA-256 checked, kept in memory or written atomically."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from .errors import MediaIntegrityError
from .types.media import MediaInfo

#: Bytes asked of a download per read.
CHUNK_SIZE = 256 * 1024


class IntegrityCheck:
    """Counts and hashes a download as it arrives; stops early on excess (None: no checks)."""

    def __init__(self, info: MediaInfo | None) -> None:
        self._info = info
        self._size = 0
        self._hash = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        """Take the next chunk.

        Raises:
            MediaIntegrityError: More bytes than the announced size.
        """
        self._size += len(chunk)
        expected = self._info.file_size if self._info is not None else None
        if expected is not None and self._size > expected:
            raise MediaIntegrityError("file_size", f"{expected} bytes", f"more than {expected}")
        if self._info is not None and self._info.sha256:
            self._hash.update(chunk)

    def finish(self) -> None:
        """Compare the whole download with what the API announced.

        Raises:
            MediaIntegrityError: Another size or SHA-256, or an unreadable digest.
        """
        info = self._info
        if info is None:
            return
        if info.file_size is not None and self._size != info.file_size:
            raise MediaIntegrityError("file_size", f"{info.file_size} bytes", f"{self._size} bytes")
        if info.sha256:
            expected = digest_bytes(info.sha256)
            if expected is None:
                raise MediaIntegrityError(
                    "sha256", info.sha256, "(not a hex or base64 SHA-256 digest; pass verify=False "
                    "to skip the check)"
                )
            actual = self._hash.digest()
            if actual != expected:
                raise MediaIntegrityError("sha256", info.sha256, actual.hex())


def digest_bytes(text: str) -> bytes | None:
    """The 32 digest bytes of a hex or base64 (standard or URL-safe) SHA-256, or None."""
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


async def collect(chunks: AsyncIterator[bytes], check: IntegrityCheck) -> bytes:
    """Read a download into memory, checked.

    Raises:
        MediaIntegrityError: The bytes do not match what was announced.
    """
    buffer = bytearray()
    async for chunk in chunks:
        check.update(chunk)
        buffer += chunk
    check.finish()
    return bytes(buffer)


async def write_atomically(
    chunks: AsyncIterator[bytes], target: Path, check: IntegrityCheck
) -> Path:
    """Write a download beside ``target``, sync it and rename it over ``target`` once checked.

    Nothing is left at ``target`` or beside it when the download fails, does
    not check out, or is cancelled. A new file keeps ``mkstemp``'s mode 0600;
    a replaced file keeps its own.

    Returns:
        ``target``.

    Raises:
        MediaIntegrityError: The bytes do not match what was announced.
        OSError: ``target``'s directory cannot be written.
    """
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
