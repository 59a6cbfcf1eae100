"""Done-when of Flows: the fake plays WhatsApp towards the library's own endpoint.

A key pair is made in the test, its public half uploaded through the client;
the fake encrypts INIT and data_exchange requests for it, the endpoint
decrypts, routes and answers, and the fake decrypts and checks the answers.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.support import free_port
from whatsapp_async import WhatsAppClient
from whatsapp_async.flows import (
    FlowEndpoint,
    FlowRequest,
    FlowTokenInvalid,
    KeyPair,
    complete,
    generate_key_pair,
    next_screen,
)
from whatsapp_async.flows._crypto import FlowCipher
from whatsapp_async.testing import FakeCloudAPI, FlowExchangeError

SECRET = "e2e-app-secret"


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return generate_key_pair("pass-phrase")


async def serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/flow"
    finally:
        await runner.cleanup()


@pytest.fixture
async def endpoint_url(keys: KeyPair) -> AsyncIterator[str]:
    endpoint = FlowEndpoint(private_key=keys.private_pem, passphrase="pass-phrase",
                            app_secret=SECRET)

    @endpoint.on_init
    async def start(request: FlowRequest) -> dict[str, Any]:
        return next_screen("APPOINTMENT", dates=["2026-12-03", "2026-12-04"])

    @endpoint.on_data_exchange(screen="APPOINTMENT")
    async def book(request: FlowRequest) -> dict[str, Any]:
        if request.flow_token == "used":
            raise FlowTokenInvalid("This booking is already confirmed")
        return complete(request.flow_token or "", date=request.data["date"])

    async for url in serve(endpoint.aiohttp_app("/flow")):
        yield url


@pytest.fixture
async def fake(keys: KeyPair) -> AsyncIterator[FakeCloudAPI]:
    async with FakeCloudAPI(app_secret=SECRET) as running:
        async with WhatsAppClient(running.access_token, running.phone_number_id,
                                  base_url=running.base_url) as wa:
            assert await wa.flows.set_public_key(keys.public_pem)
            assert (await wa.flows.get_public_key()).business_public_key == keys.public_pem
        yield running


async def test_init_and_data_exchange_round_trip(fake: FakeCloudAPI, endpoint_url: str) -> None:
    opened = await fake.flow_exchange(endpoint_url, action="INIT", flow_token="tok-7")
    assert opened.status == 200
    assert opened.screen == "APPOINTMENT"
    assert opened.data == {"dates": ["2026-12-03", "2026-12-04"]}
    done = await fake.flow_exchange(endpoint_url, action="data_exchange", screen="APPOINTMENT",
                                    data={"date": "2026-12-04"}, flow_token="tok-7")
    assert done.screen == "SUCCESS"
    assert done.data["extension_message_response"]["params"] == {
        "flow_token": "tok-7", "date": "2026-12-04"}


async def test_ping_answers_active(fake: FakeCloudAPI, endpoint_url: str) -> None:
    ping = await fake.flow_exchange(endpoint_url, action="ping")
    assert (ping.status, ping.response) == (200, {"data": {"status": "active"}})


async def test_a_request_for_another_key_gets_421(fake: FakeCloudAPI, endpoint_url: str
                                                 ) -> None:
    other = generate_key_pair()
    answer = await fake.flow_exchange(endpoint_url, other.public_pem, action="ping")
    assert answer.status == 421


async def test_a_bad_signature_gets_432(fake: FakeCloudAPI, endpoint_url: str) -> None:
    answer = await fake.flow_exchange(endpoint_url, action="ping", signature="sha256=00")
    assert answer.status == 432


async def test_a_stale_flow_token_gets_427(fake: FakeCloudAPI, endpoint_url: str) -> None:
    answer = await fake.flow_exchange(endpoint_url, action="data_exchange",
                                      screen="APPOINTMENT", data={"date": "x"},
                                      flow_token="used")
    assert answer.status == 427
    assert answer.response == {"error_msg": "This booking is already confirmed"}


async def test_the_fake_refuses_answers_whatsapp_would_refuse(keys: KeyPair) -> None:
    cipher = FlowCipher(keys.private_pem, "pass-phrase")

    async def same_iv(request: web.Request) -> web.Response:
        # A classic mistake: the answer is encrypted with the request's IV, not the flipped one.
        decrypted = cipher.decrypt(json.loads(await request.read()))
        sealed = AESGCM(decrypted.aes_key).encrypt(decrypted.iv, b'{"screen":"A"}', None)
        return web.Response(text=base64.b64encode(sealed).decode())

    async def no_screen(request: web.Request) -> web.Response:
        from whatsapp_async.flows._crypto import encrypt_response

        decrypted = cipher.decrypt(json.loads(await request.read()))
        return web.Response(text=encrypt_response({"data": {}}, decrypted.aes_key,
                                                  decrypted.iv))

    app = web.Application()
    app.router.add_post("/flow", same_iv)
    app.router.add_post("/bad-shape", no_screen)
    async with FakeCloudAPI() as fake:
        async for url in serve(app):
            with pytest.raises(FlowExchangeError, match="flipped"):
                await fake.flow_exchange(url, keys.public_pem)
            with pytest.raises(FlowExchangeError, match="screen"):
                await fake.flow_exchange(url.replace("/flow", "/bad-shape"), keys.public_pem)
            unchecked = await fake.flow_exchange(url, keys.public_pem, check=False)
            assert unchecked.status == 200 and unchecked.response is None


async def test_without_an_uploaded_key_the_fake_says_so() -> None:
    async with FakeCloudAPI() as fake:
        with pytest.raises(RuntimeError, match="public key"):
            await fake.flow_exchange("http://127.0.0.1:9/flow")
