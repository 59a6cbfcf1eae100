"""FlowEndpoint: Meta's data-exchange protocol, checked with requests built by hand.

The requests here are encrypted with ``cryptography`` directly, the way Meta
describes it (not with the library's own helpers), so a mistake shared by
both halves of the library cannot hide.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whatsapp_async import ConfigurationError, ValidationError
from whatsapp_async.flows import (
    FlowEndpoint,
    FlowRequest,
    FlowTokenInvalid,
    KeyPair,
    complete,
    decrypt_response,
    encrypt_request,
    generate_key_pair,
    next_screen,
)
from whatsapp_async.webhooks import sign

SECRET = "flow-app-secret"


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return generate_key_pair()


@pytest.fixture(scope="module")
def other_keys() -> KeyPair:
    return generate_key_pair()


@pytest.fixture(scope="module")
def booking(keys: KeyPair) -> FlowEndpoint:
    return booking_endpoint(keys)


def meta_encrypt(public_pem: str, payload: Any) -> tuple[bytes, bytes, bytes]:
    """Encrypt a request as WhatsApp does; returns (body, aes_key, iv)."""
    public = serialization.load_pem_public_key(public_pem.encode())
    aes_key, iv = os.urandom(16), os.urandom(16)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    body = {
        "encrypted_aes_key": base64.b64encode(public.encrypt(aes_key, oaep)).decode(),  # type: ignore[union-attr]
        "encrypted_flow_data": base64.b64encode(
            AESGCM(aes_key).encrypt(iv, json.dumps(payload).encode(), None)).decode(),
        "initial_vector": base64.b64encode(iv).decode(),
    }
    return json.dumps(body).encode(), aes_key, iv


def meta_decrypt(body: bytes, aes_key: bytes, iv: bytes) -> Any:
    """Decrypt an answer as WhatsApp does: same key, every IV byte inverted, tag at the end."""
    sealed = base64.b64decode(body)
    flipped = bytes(~b & 0xFF for b in iv)
    ciphertext, tag = sealed[:-16], sealed[-16:]
    return json.loads(AESGCM(aes_key).decrypt(flipped, ciphertext + tag, None))


def booking_endpoint(keys: KeyPair, **kwargs: Any) -> FlowEndpoint:
    endpoint = FlowEndpoint(private_key=keys.private_pem, **kwargs)

    @endpoint.on_init
    async def start(request: FlowRequest) -> dict[str, Any]:
        return next_screen("BOOKING", slots=["09:00", "10:00"], token=request.flow_token)

    @endpoint.on_data_exchange(screen="BOOKING")
    async def booked(request: FlowRequest) -> dict[str, Any]:
        if request.data.get("slot") == "taken":
            raise FlowTokenInvalid("This slot was booked meanwhile")
        return complete(request.flow_token or "", slot=request.data["slot"])

    @endpoint.on_data_exchange
    def any_screen(request: FlowRequest) -> dict[str, Any]:
        return next_screen("FALLBACK", seen=request.screen)

    @endpoint.on_back(screen="BOOKING")
    def back(request: FlowRequest) -> dict[str, Any]:
        return next_screen("BOOKING", refreshed=True)

    return endpoint


async def exchange(endpoint: FlowEndpoint, public_pem: str, payload: Any,
                   signature: str | None = None) -> tuple[int, Any]:
    body, key, iv = meta_encrypt(public_pem, payload)
    reply = await endpoint.handle(body, signature)
    if reply.status != 200:
        return reply.status, reply.body
    assert reply.content_type == "text/plain"
    return reply.status, meta_decrypt(reply.body, key, iv)


async def test_ping_is_answered_active_without_user_code(keys: KeyPair) -> None:
    endpoint = FlowEndpoint(private_key=keys.private_pem)
    status, answer = await exchange(endpoint, keys.public_pem,
                                    {"version": "3.0", "action": "ping"})
    assert (status, answer) == (200, {"data": {"status": "active"}})


async def test_init_is_routed_to_on_init(keys: KeyPair) -> None:
    status, answer = await exchange(booking_endpoint(keys), keys.public_pem, {
        "version": "3.0", "action": "INIT", "flow_token": "tok-1"})
    assert status == 200
    assert answer == {"screen": "BOOKING",
                      "data": {"slots": ["09:00", "10:00"], "token": "tok-1"}}


async def test_data_exchange_goes_to_the_screen_handler_then_the_catch_all(
        keys: KeyPair) -> None:
    endpoint = booking_endpoint(keys)
    _, done = await exchange(endpoint, keys.public_pem, {
        "version": "3.0", "action": "data_exchange", "screen": "BOOKING",
        "data": {"slot": "09:00"}, "flow_token": "tok-1"})
    assert done == {"screen": "SUCCESS", "data": {"extension_message_response": {
        "params": {"flow_token": "tok-1", "slot": "09:00"}}}}
    _, other = await exchange(endpoint, keys.public_pem, {
        "version": "3.0", "action": "data_exchange", "screen": "DETAILS", "data": {},
        "flow_token": "tok-1"})
    assert other == {"screen": "FALLBACK", "data": {"seen": "DETAILS"}}


async def test_back_is_routed_by_screen(keys: KeyPair) -> None:
    _, answer = await exchange(booking_endpoint(keys), keys.public_pem, {
        "version": "3.0", "action": "BACK", "screen": "BOOKING", "flow_token": "t"})
    assert answer == {"screen": "BOOKING", "data": {"refreshed": True}}


async def test_error_notification_is_acknowledged_after_on_error(keys: KeyPair) -> None:
    endpoint = booking_endpoint(keys)
    seen: list[tuple[str | None, str | None]] = []

    @endpoint.on_error
    async def note(request: FlowRequest) -> None:
        seen.append((request.error, request.error_message))

    _, answer = await exchange(endpoint, keys.public_pem, {
        "version": "3.0", "action": "data_exchange", "screen": "BOOKING", "flow_token": "t",
        "data": {"error": "INVALID_SCREEN", "error_message": "screen NOPE is unknown"}})
    assert answer == {"data": {"acknowledged": True}}
    assert seen == [("INVALID_SCREEN", "screen NOPE is unknown")]


async def test_a_request_for_another_key_gets_421(keys: KeyPair, other_keys: KeyPair) -> None:
    status, _ = await exchange(booking_endpoint(keys), other_keys.public_pem,
                               {"version": "3.0", "action": "ping"})
    assert status == 421


async def test_tampered_flow_data_gets_421(keys: KeyPair) -> None:
    body, _, _ = meta_encrypt(keys.public_pem, {"version": "3.0", "action": "ping"})
    envelope = json.loads(body)
    data = bytearray(base64.b64decode(envelope["encrypted_flow_data"]))
    data[0] ^= 1
    envelope["encrypted_flow_data"] = base64.b64encode(bytes(data)).decode()
    reply = await booking_endpoint(keys).handle(json.dumps(envelope).encode())
    assert reply.status == 421


async def test_signature_is_checked_when_app_secret_is_given(keys: KeyPair) -> None:
    endpoint = booking_endpoint(keys, app_secret=SECRET)
    body, key, iv = meta_encrypt(keys.public_pem, {"version": "3.0", "action": "ping"})
    assert (await endpoint.handle(body, None)).status == 432
    assert (await endpoint.handle(body, sign(body, "another-secret"))).status == 432
    good = await endpoint.handle(body, sign(body, SECRET))
    assert good.status == 200
    assert meta_decrypt(good.body, key, iv) == {"data": {"status": "active"}}


async def test_flow_token_invalid_gets_427_with_the_message(keys: KeyPair) -> None:
    body, _, _ = meta_encrypt(keys.public_pem, {
        "version": "3.0", "action": "data_exchange", "screen": "BOOKING",
        "data": {"slot": "taken"}, "flow_token": "t"})
    reply = await booking_endpoint(keys).handle(body)
    assert reply.status == 427
    assert reply.content_type == "application/json"
    assert json.loads(reply.body) == {"error_msg": "This slot was booked meanwhile"}


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"encrypted_aes_key": "x"}',
    b'{"encrypted_aes_key": "***", "encrypted_flow_data": "", "initial_vector": ""}',
])
async def test_malformed_bodies_get_400(keys: KeyPair, body: bytes) -> None:
    assert (await booking_endpoint(keys).handle(body)).status == 400


async def test_missing_handler_and_bad_answers_get_500(keys: KeyPair) -> None:
    bare = FlowEndpoint(private_key=keys.private_pem)
    status, _ = await exchange(bare, keys.public_pem, {"version": "3.0", "action": "INIT"})
    assert status == 500

    @bare.on_init
    def no_screen(request: FlowRequest) -> dict[str, Any]:
        return {"data": {}}

    status, _ = await exchange(bare, keys.public_pem, {"version": "3.0", "action": "INIT"})
    assert status == 500


async def test_oversized_body_gets_413(keys: KeyPair) -> None:
    endpoint = FlowEndpoint(private_key=keys.private_pem, max_body_size=10)
    assert (await endpoint.handle(b"x" * 11)).status == 413


def test_a_screen_takes_one_handler(keys: KeyPair) -> None:
    endpoint = booking_endpoint(keys)
    with pytest.raises(ConfigurationError, match="BOOKING"):
        endpoint.on_data_exchange(screen="BOOKING")(lambda r: {})


async def test_passphrase_protected_key(keys: KeyPair) -> None:
    pair = generate_key_pair("s3cret")
    assert "ENCRYPTED" in pair.private_pem
    endpoint = FlowEndpoint(private_key=pair.private_pem, passphrase="s3cret")
    assert endpoint.public_key == pair.public_pem
    status, answer = await exchange(endpoint, pair.public_pem, {"action": "ping"})
    assert (status, answer) == (200, {"data": {"status": "active"}})
    with pytest.raises(ConfigurationError, match="cannot be loaded"):
        FlowEndpoint(private_key=pair.private_pem, passphrase="wrong")
    with pytest.raises(ConfigurationError, match="cannot be loaded"):
        FlowEndpoint(private_key=pair.private_pem)


def test_key_material_stays_out_of_reprs(keys: KeyPair) -> None:
    body = keys.private_pem.splitlines()[1]
    assert body not in repr(keys)
    assert body not in repr(FlowEndpoint(private_key=keys.private_pem, app_secret=SECRET))
    assert SECRET not in repr(FlowEndpoint(private_key=keys.private_pem, app_secret=SECRET))


def test_bad_key_settings_are_refused() -> None:
    with pytest.raises(ValidationError, match="key_size"):
        generate_key_pair(key_size=1024)
    with pytest.raises(ValidationError, match="passphrase"):
        generate_key_pair("")
    with pytest.raises(ConfigurationError):
        FlowEndpoint(private_key="not a pem")


def test_library_helpers_match_meta_s_scheme(keys: KeyPair) -> None:
    # The helpers the fake uses speak the same scheme as the hand-built one above.
    envelope, key, iv = encrypt_request(keys.public_pem, {"action": "ping"})
    body = json.dumps(envelope).encode()
    public = serialization.load_pem_private_key(keys.private_pem.encode(), None)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    assert public.decrypt(  # type: ignore[union-attr]
        base64.b64decode(envelope["encrypted_aes_key"]), oaep) == key
    sealed = AESGCM(key).encrypt(bytes(~b & 0xFF for b in iv), b'{"ok":1}', None)
    assert decrypt_response(base64.b64encode(sealed), key, iv) == {"ok": 1}
    assert body


def test_the_client_and_the_fake_do_not_load_cryptography() -> None:
    import subprocess
    import sys

    code = ("import sys, whatsapp_async, whatsapp_async.testing; "
            "print('cryptography' in sys.modules, 'whatsapp_async.flows' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False False"


_PAYLOADS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6)
    | st.sampled_from(["INIT", "BACK", "data_exchange", "ping", "BOOKING", "error"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["action", "screen", "data", "flow_token", "version",
                                       "error", "slot"]), inner, max_size=5),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(payload=_PAYLOADS)
async def test_any_decrypted_payload_gets_an_http_answer(
        keys: KeyPair, booking: FlowEndpoint, payload: Any) -> None:
    body, key, iv = meta_encrypt(keys.public_pem, payload)
    reply = await booking.handle(body)
    assert reply.status in (200, 400, 427, 500)
    if reply.status == 200:
        assert isinstance(meta_decrypt(reply.body, key, iv), dict)
