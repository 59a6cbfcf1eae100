"""Client overhead per request vs a bare aiohttp loop, measured in one run.

A minimal Graph-like server runs in a child process on 127.0.0.1 (so its CPU
does not count); this process then makes the same N GET and N POST calls
twice: through ``WhatsAppClient`` (transport, codec, throttle, retry policy) and
through a bare ``aiohttp.ClientSession``. It prints client-process CPU per
request for both and the ratio. Target: ratio <= 1.15.

    python benchmarks/bench_transport.py --requests 5000 --concurrency 16 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import socket
import statistics
import time
from collections.abc import Awaitable, Callable

import aiohttp
import msgspec
from aiohttp import web

from whatsapp_async import LocalThrottle, WhatsAppClient

SEND_REPLY = json.dumps({
    "messaging_product": "whatsapp",
    "contacts": [{"input": "+15551234567", "wa_id": "15551234567"}],
    "messages": [{"id": "wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI"}],
}).encode()
GET_REPLY = json.dumps({
    "verified_name": "Acme", "display_phone_number": "+1 555-0100", "id": "1",
    "quality_rating": "GREEN",
}).encode()


class Body(msgspec.Struct, kw_only=True, omit_defaults=True):
    body: str


class Payload(msgspec.Struct, kw_only=True, omit_defaults=True):
    messaging_product: str = "whatsapp"
    to: str
    type: str = "text"
    text: Body


class Contact(msgspec.Struct, frozen=True):
    input: str
    wa_id: str


class MessageId(msgspec.Struct, frozen=True):
    id: str


class SendReply(msgspec.Struct, frozen=True):
    contacts: list[Contact]
    messages: list[MessageId]


class NumberInfo(msgspec.Struct, frozen=True):
    id: str
    verified_name: str


def _serve(port: int) -> None:
    async def send(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=SEND_REPLY, content_type="application/json")

    async def get(request: web.Request) -> web.Response:
        return web.Response(body=GET_REPLY, content_type="application/json")

    app = web.Application()
    app.router.add_post("/v21.0/{number}/messages", send)
    app.router.add_get("/v21.0/{number}", get)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _drive(n: int, concurrency: int, one: Callable[[int], Awaitable[object]]) -> float:
    """Run ``one(i)`` for i < n with bounded concurrency; return CPU seconds used."""
    counter = iter(range(n))

    async def worker() -> None:
        for i in counter:
            await one(i)

    start = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.process_time() - start


async def run_client(base: str, n: int, concurrency: int) -> float:
    throttle = LocalThrottle(rate=1e9, burst=1e9)  # measure overhead, not waiting
    async with WhatsAppClient("bench-token", "1", base_url=base, throttle=throttle,
                              max_connections=concurrency) as wa:
        res = wa.messages

        async def one(i: int) -> object:
            if i % 2:
                return await res._request("GET", "1", cast_to=NumberInfo)
            return await res._request(
                "POST", "1", "messages", cast_to=SendReply, throttle=True,
                body=Payload(to="+15551234567", text=Body(body=f"hello {i}")),
            )

        await _drive(50, concurrency, one)  # warm-up: connections, caches
        return await _drive(n, concurrency, one)


async def run_bare(base: str, n: int, concurrency: int) -> float:
    headers = {"Authorization": "Bearer bench-token"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(i: int) -> object:
            if i % 2:
                async with session.get(f"{base}/1", headers=headers) as resp:
                    return json.loads(await resp.read())
            body = {"messaging_product": "whatsapp", "to": "+15551234567", "type": "text",
                    "text": {"body": f"hello {i}"}}
            async with session.post(f"{base}/1/messages", json=body, headers=headers) as resp:
                return json.loads(await resp.read())

        await _drive(50, concurrency, one)
        return await _drive(n, concurrency, one)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    port = _free_port()
    server = multiprocessing.Process(target=_serve, args=(port,), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port}/v21.0"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        client_cpu: list[float] = []
        bare_cpu: list[float] = []
        for _ in range(args.rounds):  # interleave so machine noise hits both alike
            bare_cpu.append(asyncio.run(run_bare(base, args.requests, args.concurrency)))
            client_cpu.append(asyncio.run(run_client(base, args.requests, args.concurrency)))
    finally:
        server.terminate()
        server.join()
    c = statistics.median(client_cpu) / args.requests * 1e6
    b = statistics.median(bare_cpu) / args.requests * 1e6
    print(f"requests per run: {args.requests} (half GET, half POST), "
          f"concurrency {args.concurrency}, rounds {args.rounds}")
    print(f"bare aiohttp : {b:8.1f} us CPU/request")
    print(f"WhatsAppClient: {c:8.1f} us CPU/request")
    print(f"ratio client/bare: {c / b:.3f} (target <= 1.15)")


if __name__ == "__main__":
    main()
