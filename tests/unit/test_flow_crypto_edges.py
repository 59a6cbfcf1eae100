"""The Flow cryptography helpers at their edges: refusals, error stages, what is sent."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from whatsapp_async import ConfigurationError, ValidationError, WhatsAppError
from whatsapp_async.flows import KeyPair, _crypto, generate_key_pair
from whatsapp_async.flows._crypto import (
    FlowCipher,
    FlowDecryptionError,
    decrypt_response,
    encrypt_request,
    encrypt_response,
    flip_iv,
    load_public_key,
)

KEY = bytes(range(16))
IV = bytes(range(16, 32))


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return generate_key_pair()


def test_a_public_key_is_read_from_text_or_bytes(keys: KeyPair) -> None:
    assert load_public_key(keys.public_pem).key_size == 2048
    assert load_public_key(keys.public_pem.encode()).key_size == 2048


@pytest.mark.parametrize("pem", ["not a pem", b"\x00\x01"])
def test_what_is_not_a_pem_public_key_is_refused_naming_the_field(pem: str | bytes) -> None:
    with pytest.raises(ValidationError) as info:
        load_public_key(pem)
    assert info.value.field == "public_key"
    assert info.value.rule.startswith("must be a PEM public key (")


def test_a_public_key_that_is_not_rsa_is_refused() -> None:
    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ValidationError) as info:
        load_public_key(pem)
    assert (info.value.field, info.value.rule) == ("public_key", "must be an RSA public key")


def test_a_decryption_error_says_its_stage() -> None:
    err = FlowDecryptionError("aes_key", "not encrypted for this private key")
    assert err.stage == "aes_key"
    assert str(err) == "aes_key: not encrypted for this private key"
    assert isinstance(err, WhatsAppError) and isinstance(err, ValueError)


def sealed(clear: bytes, key: bytes = KEY) -> bytes:
    return base64.b64encode(AESGCM(key).encrypt(flip_iv(IV), clear, None))


def test_an_answer_is_read_from_text_or_bytes_around_whitespace() -> None:
    body = sealed(b'{"ok":1}')
    assert decrypt_response(body, KEY, IV) == {"ok": 1}
    assert decrypt_response(b"  " + body + b"\n", KEY, IV) == {"ok": 1}
    assert decrypt_response(body.decode() + "\n", KEY, IV) == {"ok": 1}
    assert decrypt_response(encrypt_response({"a": "é"}, KEY, IV), KEY, IV) == {"a": "é"}


@pytest.mark.parametrize(("body", "reason"), [
    ("not base64!", "the body is not base64"),
    (b"\xff\xfe not ascii", "the body is not base64"),
    (sealed(b'{"ok":1}', key=bytes(16)).decode(),
     "not encrypted with the request's key and the flipped initial vector"),
    (base64.b64encode(AESGCM(KEY).encrypt(IV, b"{}", None)).decode(),  # the IV not flipped
     "not encrypted with the request's key and the flipped initial vector"),
    (sealed(b"not json").decode(), "the decrypted answer is not JSON"),
    (sealed(b"\xff\xfe").decode(), "the decrypted answer is not JSON"),
])
def test_an_answer_that_cannot_be_read_is_a_response_stage_error(
    body: str | bytes, reason: str,
) -> None:
    with pytest.raises(FlowDecryptionError) as info:
        decrypt_response(body, KEY, IV)
    assert info.value.stage == "response"
    assert str(info.value) == f"response: {reason}"


def test_a_request_is_compact_json_under_a_fresh_key_for_the_endpoint(keys: KeyPair) -> None:
    body, aes_key, iv = encrypt_request(keys.public_pem, {"action": "ping", "n": [1, 2]})
    assert sorted(body) == ["encrypted_aes_key", "encrypted_flow_data", "initial_vector"]
    assert (len(aes_key), len(iv)) == (16, 16)
    assert base64.b64decode(body["initial_vector"]) == iv
    clear = AESGCM(aes_key).decrypt(iv, base64.b64decode(body["encrypted_flow_data"]), None)
    assert clear == b'{"action":"ping","n":[1,2]}'  # as WhatsApp sends it: no spaces
    decrypted = FlowCipher(keys.private_pem).decrypt(body)
    assert (decrypted.payload, decrypted.aes_key, decrypted.iv) == (
        {"action": "ping", "n": [1, 2]}, aes_key, iv)
    other, other_key, _ = encrypt_request(keys.public_pem, {})
    assert other_key != aes_key and other["initial_vector"] != body["initial_vector"]


def test_reprs_hide_the_private_key(keys: KeyPair) -> None:
    assert repr(keys) == "KeyPair(private_pem='***', public_pem=...)"
    assert repr(FlowCipher(keys.private_pem)) == "FlowCipher(private_key='***')"


def test_key_settings_are_refused_naming_the_field_and_rule() -> None:
    with pytest.raises(ValidationError) as info:
        generate_key_pair(key_size=1024)
    assert (info.value.field, info.value.rule) == (
        "key_size", "must be an int of at least 2048 bits")
    with pytest.raises(ValidationError) as info:
        generate_key_pair(b"")
    assert (info.value.field, info.value.rule) == (
        "passphrase", "must not be empty (pass None for no passphrase)")


def test_a_request_that_cannot_be_decrypted_says_which_step_failed(keys: KeyPair) -> None:
    cipher = FlowCipher(keys.private_pem)
    body, _, _ = encrypt_request(keys.public_pem, {"action": "ping"})
    with pytest.raises(ValueError, match=r"^the body must be a JSON object$"):
        cipher.decrypt([body])
    for field in ("encrypted_aes_key", "encrypted_flow_data", "initial_vector"):
        with pytest.raises(ValueError, match=f"^{field} must be a base64 string$"):
            cipher.decrypt({**body, field: 5})
        with pytest.raises(ValueError, match=f"^{field} is not valid base64$"):
            cipher.decrypt({**body, field: "%%%"})
    other, _, _ = encrypt_request(generate_key_pair().public_pem, {"action": "ping"})
    with pytest.raises(FlowDecryptionError) as info:
        cipher.decrypt({**body, "encrypted_aes_key": other["encrypted_aes_key"]})
    assert str(info.value) == "aes_key: not encrypted for this private key"
    tampered = base64.b64decode(body["encrypted_flow_data"])
    tampered = bytes([tampered[0] ^ 1]) + tampered[1:]
    with pytest.raises(FlowDecryptionError) as info:
        cipher.decrypt({**body, "encrypted_flow_data": base64.b64encode(tampered).decode()})
    assert str(info.value) == "flow_data: authentication tag does not match"


def test_an_answer_with_a_character_outside_base64_is_refused_not_skipped() -> None:
    body = sealed(b'{"ok":1}').decode()
    # Lenient decoding would drop the "*" and read the answer.
    with pytest.raises(FlowDecryptionError) as info:
        decrypt_response(body[:8] + "*" + body[8:], KEY, IV)
    assert str(info.value) == "response: the body is not base64"


def test_the_answer_is_compact_json_with_non_ascii_text_as_utf8() -> None:
    sealed_answer = base64.b64decode(encrypt_response({"a": "é", "n": [1, 2]}, KEY, IV))
    clear = AESGCM(KEY).decrypt(flip_iv(IV), sealed_answer, None)
    assert clear == '{"a":"é","n":[1,2]}'.encode()


def test_a_private_key_that_is_not_rsa_is_refused_with_its_reason() -> None:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    with pytest.raises(ConfigurationError) as info:
        FlowCipher(pem)
    assert str(info.value) == "private_key must be an RSA private key"


def oaep() -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()),
                        algorithm=hashes.SHA256(), label=None)


def test_a_request_whose_aes_key_is_not_16_bytes_is_an_aes_key_stage_error(
    keys: KeyPair,
) -> None:
    body, _, _ = encrypt_request(keys.public_pem, {"action": "ping"})
    wrong = load_public_key(keys.public_pem).encrypt(bytes(32), oaep())
    with pytest.raises(FlowDecryptionError) as info:
        FlowCipher(keys.private_pem).decrypt(
            {**body, "encrypted_aes_key": base64.b64encode(wrong).decode()})
    assert info.value.stage == "aes_key"
    assert str(info.value) == "aes_key: expected 16 bytes, got 32"


def test_a_request_that_decrypts_to_what_is_not_json_says_so(keys: KeyPair) -> None:
    body = {
        "encrypted_aes_key": base64.b64encode(
            load_public_key(keys.public_pem).encrypt(KEY, oaep())).decode(),
        "encrypted_flow_data": base64.b64encode(
            AESGCM(KEY).encrypt(IV, b"not json", None)).decode(),
        "initial_vector": base64.b64encode(IV).decode(),
    }
    with pytest.raises(ValueError) as info:
        FlowCipher(keys.private_pem).decrypt(body)
    assert not isinstance(info.value, FlowDecryptionError)
    assert str(info.value) == "the decrypted flow data is not JSON"


def test_without_cryptography_flows_refuse_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_crypto, "_HAVE_CRYPTOGRAPHY", False)
    with pytest.raises(ConfigurationError) as info:
        generate_key_pair()
    assert str(info.value) == (
        "Flows need the 'cryptography' package: pip install 'whatsapp-async[flows]'")
