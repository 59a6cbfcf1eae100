"""Peak memory of uploading a 50 MB file: streamed from disk vs. handed over as bytes.

A local aiohttp server (in a child process, so its memory is not counted)
reads the multipart body in chunks and throws it away. The client uploads the
same 50 MB document twice in this run:

1. ``wa.media.upload(path)``: the library streams the file from disk;
2. ``wa.media.upload(path.read_bytes(), ...)``: the baseline, the whole file in memory.

For each it reports the Python heap peak (tracemalloc) and the growth of the
process's peak RSS (Linux ``VmHWM``, reset between runs), each as a ratio to
the file size, and the streamed peak as a ratio to the baseline's.

Run: ``python benchmarks/bench_upload_memory.py [--size-mb 50]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

from whatsapp_async import RetryPolicy, WhatsAppClient

SERVER = textwrap.dedent(
    """
    import asyncio, sys
    from aiohttp import web

    async def upload(request):
        total = 0
        reader = await request.multipart()
        async for part in reader:
            while chunk := await part.read_chunk(256 * 1024):
                total += len(chunk)
        return web.json_response({"id": f"media-{total}"})

    async def main():
        app = web.Application(client_max_size=1024 ** 3)
        app.router.add_post("/v21.0/{number}/media", upload)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(site._server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


def _status_kb(key: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset VmHWM to the current RSS
        return True
    except OSError:
        return False


async def _measure(run: Callable[[], Awaitable[str]]) -> tuple[int, int | None]:
    """Heap peak (bytes) and peak-RSS growth (bytes, or None off Linux) of ``run``."""
    rss_before = _status_kb("VmRSS")
    can_reset = _reset_peak_rss()
    tracemalloc.start()
    tracemalloc.reset_peak()
    await run()
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    hwm = _status_kb("VmHWM")
    rss_growth = (hwm - rss_before) * 1024 if can_reset and hwm and rss_before else None
    return heap_peak, rss_growth


def _mb(n: float) -> str:
    return f"{n / (1024 * 1024):6.2f} MB"


async def measure(port: int, size_mb: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.pdf"
        with path.open("wb") as handle:
            block = os.urandom(1024 * 1024)
            for _ in range(size_mb):
                handle.write(block)
        size = path.stat().st_size
        async with WhatsAppClient(
            "bench-token", "1234567890", base_url=f"http://127.0.0.1:{port}/v21.0",
            timeout=120, retry=RetryPolicy.disabled(),
        ) as wa:
            await wa.media.upload(b"%PDF warm-up", mime_type="application/pdf")

            async def streamed() -> str:
                media_id = await wa.media.upload(path)
                # The server answers with the byte count it received: all of it went.
                assert media_id.startswith("media-") and int(media_id[6:]) >= size, media_id
                return media_id

            async def whole() -> str:
                data = path.read_bytes()
                return await wa.media.upload(data, mime_type="application/pdf")

            s_heap, s_rss = await _measure(streamed)
            b_heap, b_rss = await _measure(whole)

    print(f"upload of a {_mb(size).strip()} file to a local aiohttp server")
    print(f"{'':22} {'heap peak':>10} {'/ file':>8}   {'RSS growth':>10} {'/ file':>8}")
    for label, heap, rss in (("streamed from disk", s_heap, s_rss),
                             ("bytes (baseline)", b_heap, b_rss)):
        rss_text = f"{_mb(rss)} {rss / size:8.3f}" if rss is not None else "       n/a"
        print(f"{label:22} {_mb(heap)} {heap / size:8.3f}   {rss_text}")
    print(f"streamed heap peak / baseline heap peak: {s_heap / b_heap:.3f}")
    if s_rss is not None and b_rss:
        print(f"streamed RSS growth / baseline RSS growth: {s_rss / b_rss:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=50)
    size_mb = parser.parse_args().size_mb
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        asyncio.run(measure(int(server.stdout.readline()), size_mb))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
