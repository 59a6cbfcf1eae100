"""Media: upload (multipart, type/size checks, retries), get, delete, download."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import stat
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aioresponses import aioresponses
from hypothesis import given
from hypothesis import strategies as st

from tests.support import BASE, FAST_RETRY, NO_RETRY, TOKEN
from whatsapp_async import (
    APIError,
    ConnectionLostError,
    MediaInfo,
    MediaIntegrityError,
    RetryPolicy,
    ValidationError,
    WhatsAppClient,
)
from whatsapp_async._media_download import digest_bytes as _digest_bytes
from whatsapp_async.types.media import STICKER_STATIC_LIMIT

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # 10 KB of "image"


# --------------------------------------------------------------------------- local server


@dataclass
class Upload:
    fields: dict[str, str]
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class FakeMediaServer:
    """A loopback Graph stand-in: stores uploads, serves files, records requests."""

    files: dict[str, bytes] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    fail_uploads: int = 0
    expired_urls: int = 0
    info_overrides: dict[str, Any] = field(default_factory=dict)
    file_handler: Callable[[web.Request], Any] | None = None
    base: str = ""

    def app(self) -> web.Application:
        # aiohttp 3.14 holds multipart reads to client_max_size (1 MiB by default) too.
        app = web.Application(middlewares=[self._record], client_max_size=200 * 2**20)
        app.router.add_post("/v21.0/{number}/media", self._upload)
        app.router.add_get("/v21.0/{media_id}", self._info)
        app.router.add_get("/files/{name}", self._file)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.path_qs, dict(request.headers)))
        response: web.StreamResponse = await handler(request)
        return response

    async def _upload(self, request: web.Request) -> web.Response:
        reader = await request.multipart()
        fields: dict[str, str] = {}
        upload = Upload(fields, None, None, b"")
        async for part in reader:
            assert isinstance(part, aiohttp.BodyPartReader)
            if part.name == "file":
                upload.filename = part.filename
                upload.content_type = part.headers.get("Content-Type")
                upload.data = bytes(await part.read())
            else:
                fields[str(part.name)] = await part.text()
        if self.fail_uploads:
            self.fail_uploads -= 1
            return web.Response(status=502, text="bad gateway")
        self.uploads.append(upload)
        media_id = f"m{len(self.uploads)}"
        self.files[media_id] = upload.data
        return web.json_response({"id": media_id})

    async def _info(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        data = self.files[media_id]
        body = {
            "messaging_product": "whatsapp",
            "url": f"{self.base}/files/{media_id}?attempt={len(self.requests)}",
            "mime_type": "image/jpeg",
            "sha256": hashlib.sha256(data).hexdigest(),
            "file_size": str(len(data)),
            "id": media_id,
            **self.info_overrides,
        }
        return web.json_response(body)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if self.file_handler is not None:
            result: web.StreamResponse = await self.file_handler(request)
            return result
        if self.expired_urls:
            self.expired_urls -= 1
            return web.Response(status=404, text="URL expired")
        data = self.files[request.match_info["name"]]
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        response.content_length = len(data)
        await response.prepare(request)
        for i in range(0, len(data), 1000):  # many small chunks on the wire
            await response.write(data[i : i + 1000])
        await response.write_eof()
        return response


@pytest.fixture
async def server() -> AsyncIterator[FakeMediaServer]:
    fake = FakeMediaServer()
    test_server = TestServer(fake.app(), host="127.0.0.1")
    await test_server.start_server()
    fake.base = str(test_server.make_url("")).rstrip("/")
    yield fake
    await test_server.close()


def names(directory: Path) -> list[str]:
    """Every entry of ``directory`` (hidden temp files included)."""
    return sorted(os.listdir(directory))


def temp_file_size(directory: Path) -> int:
    """Size of the download's temporary ``*.part`` file in ``directory`` (0 if none)."""
    parts = [n for n in names(directory) if n.endswith(".part")]
    return os.path.getsize(directory / parts[0]) if parts else 0


def client_for(server: FakeMediaServer, retry: RetryPolicy = NO_RETRY) -> WhatsAppClient:
    return WhatsAppClient(TOKEN, "1234567890", base_url=f"{server.base}/v21.0", retry=retry)


# --------------------------------------------------------------------------- upload


async def test_upload_path_sends_multipart_fields_and_returns_the_id(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.JPG"
    photo.write_bytes(JPEG)
    async with client_for(server) as wa:
        media_id = await wa.media.upload(photo)
    assert media_id == "m1"
    (up,) = server.uploads
    assert up.fields == {"messaging_product": "whatsapp", "type": "image/jpeg"}
    assert (up.filename, up.content_type, up.data) == ("photo.JPG", "image/jpeg", JPEG)
    method, path, headers = server.requests[0]
    assert (method, path) == ("POST", "/v21.0/1234567890/media")
    assert headers["Authorization"] == f"Bearer {TOKEN}"


async def test_upload_bytes_needs_and_uses_the_given_mime_type(server: FakeMediaServer) -> None:
    async with client_for(server) as wa:
        await wa.media.upload(b"%PDF-1.7 hello", mime_type="application/pdf")
    (up,) = server.uploads
    assert up.fields["type"] == "application/pdf"
    assert up.filename == "upload.pdf"
    assert up.data == b"%PDF-1.7 hello"


async def test_upload_mime_parameters_are_dropped(server: FakeMediaServer) -> None:
    async with client_for(server) as wa:
        await wa.media.upload(b"OggS voice", mime_type="audio/ogg; codecs=opus", filename="v.ogg")
    assert server.uploads[0].fields["type"] == "audio/ogg"


async def test_upload_file_object_reads_from_its_position_and_leaves_it_open(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    doc = tmp_path / "report.pdf"
    doc.write_bytes(b"JUNK%PDF-1.4 body")
    async with client_for(server) as wa:
        with doc.open("rb") as handle:
            handle.seek(4)
            await wa.media.upload(handle)
            assert not handle.closed
    (up,) = server.uploads
    assert (up.filename, up.fields["type"], up.data) == ("report.pdf", "application/pdf",
                                                         b"%PDF-1.4 body")


async def test_upload_bytesio_with_filename(server: FakeMediaServer) -> None:
    stream = io.BytesIO(b"plain text notes")
    async with client_for(server) as wa:
        await wa.media.upload(stream, filename="notes.txt")
    assert server.uploads[0].fields["type"] == "text/plain"
    assert server.uploads[0].data == b"plain text notes"


async def test_upload_retry_rereads_the_file_from_the_start(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    server.fail_uploads = 1  # first attempt: 502 without a Graph body
    photo = tmp_path / "p.png"
    photo.write_bytes(b"\x89PNG" + JPEG)
    async with client_for(server, retry=FAST_RETRY) as wa:
        with photo.open("rb") as handle:
            media_id = await wa.media.upload(handle)
    assert media_id == "m1"
    assert server.uploads[0].data == b"\x89PNG" + JPEG
    assert [r[0] for r in server.requests] == ["POST", "POST"]


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"file": b"GIF89a", "mime_type": "image/gif"}, "mime_type", "not accepted"),
        ({"file": b"data"}, "mime_type", "pass mime_type="),
        ({"file": b"data", "filename": "a.unknownext"}, "mime_type", "extension"),
        ({"file": b"", "mime_type": "image/png"}, "file", "empty"),
        ({"file": 12345}, "file", "path, bytes or a binary file object"),
        ({"file": "/nonexistent/dir/x.jpg"}, "file", "no such file"),
    ],
)
async def test_upload_refuses_bad_input_before_sending(
    kwargs: dict[str, Any], field: str, rule: str
) -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.media.upload(**kwargs)
            assert mock.requests == {}
    assert info.value.field == field
    assert rule in info.value.rule


async def test_upload_refuses_a_directory(tmp_path: Path) -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with pytest.raises(ValidationError, match="not a regular file"):
            await wa.media.upload(tmp_path, mime_type="image/png")


async def test_upload_refuses_an_image_over_5_mb(tmp_path: Path) -> None:
    big = tmp_path / "big.jpg"
    with big.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024 + 1)  # sparse: no real 5 MB written
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError, match=r"at most 5\.0 MB") as info:
                await wa.media.upload(big)
            assert mock.requests == {}
    assert info.value.field == "file"


async def test_upload_accepts_an_image_of_exactly_5_mb(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    edge = tmp_path / "edge.png"
    with edge.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    async with client_for(server) as wa:
        await wa.media.upload(edge)
    assert len(server.uploads[0].data) == 5 * 1024 * 1024


def webp(size: int, *, animated: bool) -> bytes:
    flags = 0x02 if animated else 0x00
    head = b"RIFF" + (size - 8).to_bytes(4, "little") + b"WEBPVP8X" + b"\x0a\x00\x00\x00"
    head += bytes([flags]) + b"\x00" * 9
    return head + b"\x00" * (size - len(head))


async def test_static_sticker_over_100_kb_is_refused() -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with pytest.raises(ValidationError, match=r"static sticker may be at most 100\.0 KB"):
            await wa.media.upload(webp(STICKER_STATIC_LIMIT + 1, animated=False),
                                  filename="s.webp")


async def test_animated_sticker_up_to_500_kb_is_accepted(server: FakeMediaServer) -> None:
    async with client_for(server) as wa:
        await wa.media.upload(webp(400 * 1024, animated=True), filename="s.webp")
    assert server.uploads[0].fields["type"] == "image/webp"


async def test_animated_sticker_over_500_kb_is_refused() -> None:
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with pytest.raises(ValidationError, match=r"animated sticker may be at most 500\.0 KB"):
            await wa.media.upload(webp(500 * 1024 + 1, animated=True), mime_type="image/webp")


async def test_text_mode_file_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "n.txt"
    notes.write_text("hello")
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with notes.open("r") as handle, pytest.raises(ValidationError, match="binary mode"):
            await wa.media.upload(handle)  # type: ignore[arg-type]


async def test_unseekable_stream_is_refused() -> None:
    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with pytest.raises(ValidationError, match="seekable"):
            await wa.media.upload(Pipe(), mime_type="text/plain")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- get / delete


async def test_get_reads_string_file_size_as_int_and_passes_owner_check() -> None:
    async with WhatsAppClient(TOKEN, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(
                f"{BASE}/2621233374848975?phone_number_id=555",
                payload={"messaging_product": "whatsapp", "url": "https://lookaside.fbsbx.com/x",
                         "mime_type": "image/jpeg", "sha256": "ab" * 32,
                         "file_size": "303833", "id": "2621233374848975"},
            )
            info = await wa.media.get("2621233374848975", phone_number_id="555")
            ((method, url),) = mock.requests
    assert method == "GET"
    assert url.path == "/v21.0/2621233374848975" and url.query["phone_number_id"] == "555"
    assert info == MediaInfo(id="2621233374848975", url="https://lookaside.fbsbx.com/x",
                             mime_type="image/jpeg", sha256="ab" * 32, file_size=303833,
                             messaging_product="whatsapp")


async def test_get_accepts_integer_file_size() -> None:
    async with WhatsAppClient(TOKEN, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/77", payload={"url": "https://lookaside.fbsbx.com/x",
                                            "file_size": 42, "id": "77"})
            info = await wa.media.get("77")
    assert info.file_size == 42


async def test_delete_returns_success() -> None:
    async with WhatsAppClient(TOKEN, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.delete(f"{BASE}/77", payload={"success": True})
            assert await wa.media.delete("77") is True
            ((method, url),) = mock.requests
    assert (method, url.path) == ("DELETE", "/v21.0/77")


@pytest.mark.parametrize("call", ["get", "delete", "download"])
async def test_media_id_that_could_rewrite_the_path_is_refused(call: str) -> None:
    async with WhatsAppClient(TOKEN, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await getattr(wa.media, call)("../1234/messages")
            assert mock.requests == {}
    assert info.value.field == "media_id"


# --------------------------------------------------------------------------- download


async def test_download_streams_to_a_file_and_leaves_nothing_else(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    server.files["m9"] = JPEG
    dest = tmp_path / "out.jpg"
    async with client_for(server) as wa:
        written = await wa.media.download("m9", dest)
    assert written == dest
    assert dest.read_bytes() == JPEG
    assert names(tmp_path) == ["out.jpg"]
    file_request = server.requests[-1]
    assert file_request[1].startswith("/files/m9")
    assert file_request[2]["Authorization"] == f"Bearer {TOKEN}"  # own host: token allowed


async def test_download_writes_to_disk_while_the_body_is_still_arriving(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    big = bytes(range(256)) * 2048  # 512 KB
    first_half_sent = asyncio.Event()
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_length = len(big)
        await response.prepare(request)
        await response.write(big[: len(big) // 2])
        first_half_sent.set()
        await release.wait()
        await response.write(big[len(big) // 2 :])
        await response.write_eof()
        return response

    server.files["m9"] = big
    server.file_handler = slow
    dest = tmp_path / "out.bin"
    async with client_for(server) as wa:
        task = asyncio.create_task(wa.media.download("m9", dest))
        await first_half_sent.wait()
        on_disk = 0
        for _ in range(500):  # bounded wait for the first half to reach the temp file
            on_disk = temp_file_size(tmp_path)
            if on_disk >= len(big) // 4:
                break
            await asyncio.sleep(0.01)
        assert on_disk >= len(big) // 4  # streamed to disk, not held until the end
        assert "out.bin" not in names(tmp_path)  # ...and not visible at dest before the end
        release.set()
        assert await task == dest
    assert dest.read_bytes() == big
    assert names(tmp_path) == ["out.bin"]


async def test_download_creates_owner_only_files_and_keeps_a_replaced_files_mode(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    server.files["m9"] = JPEG
    existing = tmp_path / "existing.jpg"
    existing.write_bytes(b"old")
    existing.chmod(0o640)
    async with client_for(server) as wa:
        fresh = await wa.media.download("m9", tmp_path / "fresh.jpg")
        replaced = await wa.media.download("m9", existing)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(replaced.stat().st_mode) == 0o640
    assert replaced.read_bytes() == JPEG


async def test_download_returns_bytes_without_dest(server: FakeMediaServer) -> None:
    server.files["m9"] = JPEG
    async with client_for(server) as wa:
        assert await wa.media.download("m9") == JPEG


async def test_download_accepts_a_base64_digest(server: FakeMediaServer) -> None:
    server.files["m9"] = JPEG
    server.info_overrides["sha256"] = base64.b64encode(hashlib.sha256(JPEG).digest()).decode()
    async with client_for(server) as wa:
        assert await wa.media.download("m9") == JPEG


async def test_download_interrupted_midway_leaves_no_partial_file(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    async def broken(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_length = len(JPEG)
        await response.prepare(request)
        await response.write(JPEG[:3000])
        assert request.transport is not None
        request.transport.close()  # the connection drops before the body is complete
        return response

    server.files["m9"] = JPEG
    server.file_handler = broken
    dest = tmp_path / "out.jpg"
    dest.write_bytes(b"previous version")
    async with client_for(server) as wa:
        with pytest.raises(ConnectionLostError):
            await wa.media.download("m9", dest)
    assert dest.read_bytes() == b"previous version"  # untouched
    assert names(tmp_path) == ["out.jpg"]  # no temp file left


async def test_download_cancelled_while_its_temp_file_is_created_leaves_no_file(
    server: FakeMediaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release, created = threading.Event(), threading.Event(), threading.Event()
    real_mkstemp = tempfile.mkstemp

    def held_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        started.set()
        release.wait(1)  # the cancel lands while the temp file is being made
        try:
            return real_mkstemp(*args, **kwargs)
        finally:
            created.set()

    never = asyncio.Event()

    async def stalled(request: web.Request) -> web.StreamResponse:
        # Headers, then no body: the download cannot finish before the cancel.
        response = web.StreamResponse()
        response.content_length = len(JPEG)
        await response.prepare(request)
        await never.wait()
        return response

    monkeypatch.setattr(tempfile, "mkstemp", held_mkstemp)
    server.files["m9"] = JPEG
    server.file_handler = stalled
    async with client_for(server) as wa:
        task = asyncio.create_task(wa.media.download("m9", tmp_path / "out.jpg"))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        await asyncio.to_thread(created.wait, 5)
    assert names(tmp_path) == []


async def test_download_sha256_mismatch_raises_and_writes_nothing(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    server.files["m9"] = JPEG
    server.info_overrides["sha256"] = hashlib.sha256(b"something else").hexdigest()
    async with client_for(server) as wa:
        with pytest.raises(MediaIntegrityError) as info:
            await wa.media.download("m9", tmp_path / "out.jpg")
    assert info.value.check == "sha256"
    assert names(tmp_path) == []


async def test_download_size_mismatch_raises(server: FakeMediaServer) -> None:
    server.files["m9"] = JPEG
    server.info_overrides["file_size"] = len(JPEG) - 1
    async with client_for(server) as wa:
        with pytest.raises(MediaIntegrityError) as info:
            await wa.media.download("m9")
    assert info.value.check == "file_size"


@given(st.binary(min_size=32, max_size=32))
def test_every_spelling_of_a_sha256_digest_is_understood(digest: bytes) -> None:
    spellings = [
        digest.hex(), digest.hex().upper(),
        base64.b64encode(digest).decode(), base64.b64encode(digest).decode().rstrip("="),
        base64.urlsafe_b64encode(digest).decode(),
    ]
    assert {_digest_bytes(text) for text in spellings} == {digest}


@pytest.mark.parametrize("text", ["", "<HASH>", "example_value", "ab" * 31, "ab" * 33])
def test_text_that_is_no_sha256_digest_is_not_taken_for_one(text: str) -> None:
    assert _digest_bytes(text) is None


async def test_download_unreadable_digest_raises_unless_verify_is_off(
    server: FakeMediaServer,
) -> None:
    server.files["m9"] = JPEG
    server.info_overrides["sha256"] = "<HASH>"
    async with client_for(server) as wa:
        with pytest.raises(MediaIntegrityError, match="not a hex or base64"):
            await wa.media.download("m9")
        assert await wa.media.download("m9", verify=False) == JPEG


async def test_expired_url_is_refetched_once(server: FakeMediaServer, tmp_path: Path) -> None:
    server.files["m9"] = JPEG
    server.expired_urls = 1
    async with client_for(server) as wa:
        await wa.media.download("m9", tmp_path / "out.jpg")
    paths = [r[1].split("?")[0] for r in server.requests]
    assert paths == ["/v21.0/m9", "/files/m9", "/v21.0/m9", "/files/m9"]
    assert (tmp_path / "out.jpg").read_bytes() == JPEG


async def test_url_still_expired_after_one_refetch_raises(
    server: FakeMediaServer, tmp_path: Path
) -> None:
    server.files["m9"] = JPEG
    server.expired_urls = 5
    async with client_for(server) as wa:
        with pytest.raises(APIError) as info:
            await wa.media.download("m9", tmp_path / "out.jpg")
    assert info.value.status == 404
    assert [r[1].split("?")[0] for r in server.requests].count("/v21.0/m9") == 2
    assert names(tmp_path) == []


async def test_token_is_never_sent_to_a_host_off_the_allow_list(server: FakeMediaServer) -> None:
    # A second loopback server on another address stands in for a foreign host.
    seen: list[dict[str, str]] = []

    async def record(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.Response(body=JPEG)

    other = web.Application()
    other.router.add_get("/{tail:.*}", record)
    foreign = TestServer(other, host="127.0.0.2")
    await foreign.start_server()
    try:
        url = str(foreign.make_url("/steal"))
        server.files["m9"] = JPEG
        server.info_overrides["url"] = url
        async with client_for(server) as wa:
            with pytest.raises(ValidationError, match="refusing to send the access token"):
                await wa.media.download("m9")
            with pytest.raises(ValidationError):
                await wa.media.download(MediaInfo(id="m9", url=url))
    finally:
        await foreign.close()
    assert seen == []  # nothing at all reached the foreign host


async def test_token_does_not_follow_a_redirect_to_another_host(
    server: FakeMediaServer,
) -> None:
    # aiohttp follows redirects on the download; it must drop Authorization
    # when the target is another origin (checked here so an aiohttp change
    # that kept the header would fail).
    seen: list[dict[str, str]] = []

    async def record(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.Response(body=JPEG)

    other = web.Application()
    other.router.add_get("/{tail:.*}", record)
    foreign = TestServer(other, host="127.0.0.2")
    await foreign.start_server()

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(foreign.make_url("/elsewhere")))

    server.file_handler = redirect
    server.files["m9"] = JPEG
    try:
        async with client_for(server) as wa:
            await wa.media.download("m9")
    finally:
        await foreign.close()
    file_requests = [h for _, path, h in server.requests if path.startswith("/files/")]
    assert file_requests[0]["Authorization"] == f"Bearer {TOKEN}"
    assert len(seen) == 1
    assert "Authorization" not in seen[0]


async def test_malformed_download_url_is_refused_as_validation_error() -> None:
    async with WhatsAppClient(TOKEN, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError):
                await wa.media.download(
                    MediaInfo(id="1", url="https://[lookaside.fbsbx.com/x"), verify=False
                )
            assert mock.requests == {}


async def test_meta_media_host_gets_the_token_and_foreign_host_does_not() -> None:
    good = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"
    evil = "https://lookaside.fbsbx.com.evil.example/x"
    async with WhatsAppClient(TOKEN, retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(good, body=JPEG)
            mock.get(evil, body=JPEG)
            assert await wa.media.download(MediaInfo(id="1", url=good), verify=False) == JPEG
            with pytest.raises(ValidationError):
                await wa.media.download(MediaInfo(id="1", url=evil), verify=False)
            hosts = {url.host: calls for (_, url), calls in mock.requests.items()}
    assert list(hosts) == ["lookaside.fbsbx.com"]
    assert hosts["lookaside.fbsbx.com"][0].kwargs["headers"]["Authorization"] == f"Bearer {TOKEN}"
