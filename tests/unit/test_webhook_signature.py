"""X-Hub-Signature-256 verification and the GET verification handshake."""

from __future__ import annotations

import json

import pytest

from tests.support import FIXTURES
from whatsapp_async import ConfigurationError, WhatsAppError
from whatsapp_async.webhooks import (
    WebhookVerificationError,
    parse_notification,
    sign,
    verify_challenge,
    verify_signature,
)

SECRET = "test_app_secret"
# Worked example of shared/facts/cloud-api.md §4.2.
BODY = json.dumps(
    json.loads((FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_text()),
    separators=(",", ":"),
).encode()
KNOWN = "sha256=761d78493c4140e6a4f8338ef078be27c4df8a7c86a914ab1fb5620837d033cf"


def test_worked_example_body_is_the_documented_873_bytes() -> None:
    assert len(BODY) == 873


def test_sign_matches_the_documented_worked_example() -> None:
    assert sign(BODY, SECRET) == KNOWN


def test_correct_signature_is_accepted() -> None:
    assert verify_signature(BODY, KNOWN, SECRET) is True


def test_secret_as_bytes_is_accepted() -> None:
    assert verify_signature(BODY, KNOWN, SECRET.encode()) is True


def test_uppercase_hex_digest_is_accepted() -> None:
    assert verify_signature(BODY, "sha256=" + KNOWN[7:].upper(), SECRET) is True


def test_one_flipped_byte_in_the_body_is_refused() -> None:
    tampered = bytearray(BODY)
    tampered[100] ^= 0x01
    assert verify_signature(bytes(tampered), KNOWN, SECRET) is False


def test_one_flipped_digit_in_the_signature_is_refused() -> None:
    flipped = KNOWN[:-1] + ("0" if KNOWN[-1] != "0" else "1")
    assert verify_signature(BODY, flipped, SECRET) is False


def test_wrong_secret_is_refused() -> None:
    assert verify_signature(BODY, KNOWN, "another_secret") is False


def test_missing_prefix_is_refused() -> None:
    assert verify_signature(BODY, KNOWN.removeprefix("sha256="), SECRET) is False


def test_sha1_style_prefix_is_refused() -> None:
    assert verify_signature(BODY, "sha1=" + KNOWN[7:], SECRET) is False


def test_missing_header_is_refused() -> None:
    assert verify_signature(BODY, None, SECRET) is False


def test_empty_header_is_refused() -> None:
    assert verify_signature(BODY, "", SECRET) is False


def test_non_ascii_header_is_refused_without_raising() -> None:
    assert verify_signature(BODY, "sha256=\N{SNOWMAN}" + KNOWN[8:], SECRET) is False


def test_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        verify_signature(BODY, KNOWN, "")


def test_escaped_unicode_body_is_verified_over_the_raw_bytes() -> None:
    raw = (FIXTURES / "facts" / "webhooks" / "06_reaction.json").read_bytes()
    assert b"\\ud83d\\udc4d" in raw
    signature = sign(raw, SECRET)
    reencoded = json.dumps(json.loads(raw), ensure_ascii=False).encode()
    assert verify_signature(raw, signature, SECRET) is True
    assert verify_signature(reencoded, signature, SECRET) is False
    reaction = next(parse_notification(raw).messages())
    assert reaction.reaction.emoji == "\N{THUMBS UP SIGN}"  # type: ignore[union-attr]


# ------------------------------------------------------------------ handshake

PARAMS = {"hub.mode": "subscribe", "hub.verify_token": "my-token", "hub.challenge": "1158201444"}


def test_challenge_is_returned_when_the_token_matches() -> None:
    assert verify_challenge(PARAMS, "my-token") == "1158201444"


def test_php_style_underscored_names_are_accepted() -> None:
    params = {k.replace(".", "_"): v for k, v in PARAMS.items()}
    assert verify_challenge(params, "my-token") == "1158201444"


def test_wrong_token_is_refused() -> None:
    with pytest.raises(WebhookVerificationError) as info:
        verify_challenge(PARAMS, "other-token")
    assert "my-token" not in str(info.value) and "other-token" not in str(info.value)


def test_wrong_mode_is_refused() -> None:
    with pytest.raises(WebhookVerificationError):
        verify_challenge({**PARAMS, "hub.mode": "unsubscribe"}, "my-token")


def test_missing_challenge_is_refused() -> None:
    with pytest.raises(WebhookVerificationError):
        verify_challenge({k: v for k, v in PARAMS.items() if k != "hub.challenge"}, "my-token")


def test_missing_token_is_refused() -> None:
    with pytest.raises(WebhookVerificationError):
        verify_challenge({k: v for k, v in PARAMS.items() if k != "hub.verify_token"},
                         "my-token")


def test_verification_error_is_a_library_error() -> None:
    assert issubclass(WebhookVerificationError, WhatsAppError)


def test_a_signature_with_spaces_between_its_digits_is_refused() -> None:
    from whatsapp_async.webhooks import sign, verify_signature

    body = b'{"object":"whatsapp_business_account"}'
    digits = sign(body, "s3cret").removeprefix("sha256=")
    spaced = "sha256=" + " ".join(digits[i:i + 2] for i in range(0, 64, 2))
    assert verify_signature(body, sign(body, "s3cret"), "s3cret")
    assert not verify_signature(body, spaced, "s3cret")
    assert verify_signature(body, "sha256=" + digits.upper(), "s3cret")  # as before: any case
