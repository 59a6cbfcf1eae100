"""Upload an image, send it, then download it again and check it arrived intact.

Runs against :class:`whatsapp_async.testing.FakeCloudAPI`, a local stand-in
for the Cloud API, so it needs no account and no network::

    python examples/media_roundtrip.py

Against the real API, build the client with your own token and number id
(``WhatsAppClient(access_token=..., phone_number_id=...)``) and drop the fake.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
import tempfile
import zlib
from pathlib import Path

from whatsapp_async import WhatsAppClient
from whatsapp_async.testing import FakeCloudAPI

RECIPIENT = "+15551234567"


def make_png(width: int = 64, height: int = 64) -> bytes:
    """A small valid RGB PNG (a colour gradient), built without image libraries."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x * 4 % 256, y * 4 % 256, 128))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        original = Path(tmp) / "gradient.png"
        original.write_bytes(make_png())

        async with FakeCloudAPI() as fake, WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url
        ) as wa:
            # 1. Upload: type from the extension, size checked first, streamed from disk.
            media_id = await wa.media.upload(original)
            print(f"uploaded {original.name} ({original.stat().st_size} bytes) -> {media_id}")

            # 2. Send it by id.
            sent = await wa.messages.send_image(RECIPIENT, media_id=media_id,
                                                caption="A gradient, as promised")
            print(f"sent image message {sent.message_id} to {RECIPIENT}")

            # 3. Look it up and download it: streamed to a temp file, size and
            #    SHA-256 checked, then renamed into place.
            info = await wa.media.get(media_id)
            print(f"media info: {info.mime_type}, {info.file_size} bytes, sha256 {info.sha256}")
            copy = await wa.media.download(info, Path(tmp) / "downloaded.png")

        same = hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(
            original.read_bytes()).digest()
        print(f"downloaded to {copy.name}: identical to the original: {same}")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
