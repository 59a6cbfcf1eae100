"""The media file helpers on their own: upload preparation, download checks and writes."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

import pytest

from whatsapp_async import MediaInfo, MediaIntegrityError, ValidationError
from whatsapp_async._media_download import (
    IntegrityCheck,
    collect,
    write_atomically,
)
from whatsapp_async._media_upload import (
    PreparedUpload,
    check_size,
    is_animated_webp,
    prepare_upload,
    resolve_mime,
)
from whatsapp_async.types.media import (
    MEDIA_SIZE_LIMITS,
    STICKER_ANIMATED_LIMIT,
    STICKER_STATIC_LIMIT,
)

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


def _webp_head(*, animated: bool) -> bytes:
    # RIFF <size> WEBP VP8X <chunk size> <flags>
    return b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0" + bytes([0x02 if animated else 0x10]) + b"\0" * 11


def _open(prepared: PreparedUpload) -> IO[bytes]:
    opened = prepared.open()
    assert not isinstance(opened, bytes)  # a stream, so aiohttp sends it in chunks
    return opened


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def _info(data: bytes) -> MediaInfo:
    """What the API would announce for ``data``."""
    return MediaInfo(
        id="m1", url="https://example.com/m1", file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


# --------------------------------------------------------------------------- upload


def test_bytes_get_a_default_name_from_their_type_and_a_fresh_reader_each_time() -> None:
    prepared = prepare_upload(JPEG, "image/jpeg", None)
    assert (prepared.filename, prepared.mime_type, prepared.size) == (
        "upload.jpg", "image/jpeg", len(JPEG)
    )
    first, second = _open(prepared), _open(prepared)
    assert first is not second
    assert first.read() == second.read() == JPEG


@pytest.mark.parametrize("name", ["a\x1fb.jpg", "line\nbreak.jpg", "nul\x00.jpg", "del\x7f.jpg"])
def test_a_filename_with_a_control_character_is_refused_before_any_request(name: str) -> None:
    # It would go into the multipart header, which aiohttp refuses to write.
    with pytest.raises(ValidationError) as info:
        prepare_upload(JPEG, "image/jpeg", name)
    assert info.value.field == "filename"
    assert "control characters" in str(info.value)


def test_a_filename_with_a_tab_is_sent() -> None:
    assert prepare_upload(JPEG, "image/jpeg", "a\tb.jpg").filename == "a\tb.jpg"


def test_a_path_is_named_by_its_file_and_reopened_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "photo.JPG"
    path.write_bytes(JPEG)
    prepared = prepare_upload(path, None, None)
    assert (prepared.filename, prepared.mime_type, prepared.size) == (
        "photo.JPG", "image/jpeg", len(JPEG)
    )
    for _ in range(2):
        with _open(prepared) as handle:
            assert handle.read() == JPEG


def test_a_stream_counts_from_its_position_and_survives_the_reader_being_closed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"skip" + JPEG)
    with path.open("rb") as stream:
        stream.seek(4)
        prepared = prepare_upload(stream, None, None)
        assert (prepared.filename, prepared.mime_type, prepared.size) == (
            "clip.mp4", "video/mp4", len(JPEG)
        )
        for _ in range(2):
            with _open(prepared) as reader:
                assert reader.read() == JPEG
            assert not stream.closed


def test_a_bytesio_is_copied_so_the_callers_object_is_left_alone() -> None:
    stream = io.BytesIO(b"xx" + JPEG)
    stream.seek(2)
    prepared = prepare_upload(stream, "image/jpeg", "a.jpg")
    assert _open(prepared).read() == JPEG
    assert stream.tell() == 2


def test_something_that_is_no_file_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        prepare_upload(42, "image/jpeg", None)
    assert info.value.field == "file"


def test_mime_parameters_and_case_are_dropped() -> None:
    assert resolve_mime("Audio/OGG; codecs=opus", None) == "audio/ogg"


@pytest.mark.parametrize(
    ("mime_type", "name"),
    [(None, "notes.xyz"), (None, None), ("image/gif", None), (None, "anim.gif")],
)
def test_an_unknown_or_unsupported_type_is_refused(mime_type: str | None, name: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        resolve_mime(mime_type, name)
    assert info.value.field == "mime_type"


def test_the_animation_flag_of_a_webp_is_read_from_its_head() -> None:
    assert is_animated_webp(_webp_head(animated=True))
    assert not is_animated_webp(_webp_head(animated=False))
    assert not is_animated_webp(_webp_head(animated=True)[:20])
    assert not is_animated_webp(JPEG)


def test_size_limits_hold_to_the_byte() -> None:
    limit = MEDIA_SIZE_LIMITS["image/jpeg"]
    check_size("image/jpeg", limit, JPEG)
    with pytest.raises(ValidationError, match=r"is 5\.0 MB; a image/jpeg may be at most 5\.0 MB"):
        check_size("image/jpeg", limit + 1, JPEG)
    with pytest.raises(ValidationError, match="is empty"):
        check_size("image/jpeg", 0, JPEG)


def test_a_sticker_limit_depends_on_animation() -> None:
    static, animated = _webp_head(animated=False), _webp_head(animated=True)
    check_size("image/webp", STICKER_STATIC_LIMIT, static)
    with pytest.raises(ValidationError, match=r"static sticker may be at most 100\.0 KB"):
        check_size("image/webp", STICKER_STATIC_LIMIT + 1, static)
    check_size("image/webp", STICKER_ANIMATED_LIMIT, animated)
    with pytest.raises(ValidationError, match=r"animated sticker may be at most 500\.0 KB"):
        check_size("image/webp", STICKER_ANIMATED_LIMIT + 1, animated)


# --------------------------------------------------------------------------- download


def test_excess_bytes_are_refused_at_the_chunk_that_overflows() -> None:
    check = IntegrityCheck(_info(b"abcd"))
    check.update(b"abcd")
    with pytest.raises(MediaIntegrityError) as info:
        check.update(b"e")
    assert (info.value.check, info.value.expected) == ("file_size", "4 bytes")


def test_a_short_or_altered_download_fails_the_final_check() -> None:
    short = IntegrityCheck(_info(b"abcd"))
    short.update(b"abc")
    with pytest.raises(MediaIntegrityError) as info:
        short.finish()
    assert (info.value.check, info.value.actual) == ("file_size", "3 bytes")
    altered = IntegrityCheck(_info(b"abcd"))
    altered.update(b"abce")
    with pytest.raises(MediaIntegrityError) as info:
        altered.finish()
    assert (info.value.check, info.value.actual) == ("sha256", hashlib.sha256(b"abce").hexdigest())


def test_without_an_announcement_nothing_is_checked() -> None:
    check = IntegrityCheck(None)
    check.update(b"anything at all")
    check.finish()


async def test_collect_joins_the_chunks_after_checking_them() -> None:
    assert await collect(_chunks(b"ab", b"cd"), IntegrityCheck(_info(b"abcd"))) == b"abcd"
    with pytest.raises(MediaIntegrityError):
        await collect(_chunks(b"ab", b"ce"), IntegrityCheck(_info(b"abcd")))


async def test_a_new_file_is_written_owner_only_with_nothing_left_beside_it(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.bin"
    written = await write_atomically(_chunks(b"ab", b"cd"), target, IntegrityCheck(_info(b"abcd")))
    assert written == target
    assert target.read_bytes() == b"abcd"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["out.bin"]


async def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    await write_atomically(_chunks(b"new"), target, IntegrityCheck(None))
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


async def test_a_failed_check_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(MediaIntegrityError):
        await write_atomically(_chunks(b"ab", b"ce"), target, IntegrityCheck(_info(b"abcd")))
    assert target.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["out.bin"]


async def test_a_stream_that_breaks_midway_leaves_nothing(tmp_path: Path) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"ab"
        raise ConnectionResetError("gone")

    target = tmp_path / "out.bin"
    with pytest.raises(ConnectionResetError):
        await write_atomically(broken(), target, IntegrityCheck(None))
    assert os.listdir(tmp_path) == []
