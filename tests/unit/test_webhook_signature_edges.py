"""The signature module's error texts, its repr and tokens that are not valid UTF-8.

Found by mutation testing (docs/mutation-testing.md): the texts are what a
developer reads in a log when the handshake or a secret is wrong, and a
token holding a lone surrogate must be refused (or matched), never crash.
"""

from __future__ import annotations

import pytest

from whatsapp_async import ConfigurationError
from whatsapp_async.webhooks import (
    WebhookVerificationError,
    sign,
    verify_challenge,
    verify_signature,
)
from whatsapp_async.webhooks._signature import AppSecret

UNUSABLE = "app_secret must be a non-empty str or bytes (str encodable as UTF-8)"
# A lone surrogate: a str a query string decoded with surrogateescape can hold,
# which strict UTF-8 cannot encode.
SURROGATE_TOKEN = "tok\udc80en"


def _handshake(token: str) -> dict[str, str]:
    return {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}


def test_the_secret_repr_is_masked_with_the_class_name() -> None:
    assert repr(AppSecret(b"the-real-secret")) == "AppSecret('***')"


@pytest.mark.parametrize("secret", ["", b"", None, 42])
def test_sign_names_the_secret_rule_when_the_secret_is_unusable(secret: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        sign(b"{}", secret)  # type: ignore[arg-type]
    assert str(caught.value) == UNUSABLE


@pytest.mark.parametrize("secret", ["", b"", None, 42])
def test_verify_signature_names_the_secret_rule_when_the_secret_is_unusable(secret: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        verify_signature(b"{}", "sha256=00", secret)  # type: ignore[arg-type]
    assert str(caught.value) == UNUSABLE


def test_an_empty_verify_token_is_refused_with_its_rule() -> None:
    with pytest.raises(ConfigurationError) as caught:
        verify_challenge(_handshake("x"), "")
    assert str(caught.value) == "verify_token must not be empty"


def test_a_wrong_mode_is_refused_naming_the_mode() -> None:
    params = {**_handshake("secret-token"), "hub.mode": "unsubscribe"}
    with pytest.raises(WebhookVerificationError) as caught:
        verify_challenge(params, "secret-token")
    assert str(caught.value) == "hub.mode is not 'subscribe'"


def test_a_wrong_token_is_refused_naming_the_token() -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        verify_challenge(_handshake("other"), "secret-token")
    assert str(caught.value) == "hub.verify_token does not match"


def test_a_missing_challenge_is_refused_naming_the_challenge() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "secret-token"}
    with pytest.raises(WebhookVerificationError) as caught:
        verify_challenge(params, "secret-token")
    assert str(caught.value) == "hub.challenge is missing"


def test_a_received_token_with_a_lone_surrogate_is_refused_not_crashed_on() -> None:
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_challenge(_handshake(SURROGATE_TOKEN), "secret-token")


def test_a_configured_token_with_a_lone_surrogate_is_compared_not_crashed_on() -> None:
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_challenge(_handshake("secret-token"), SURROGATE_TOKEN)


def test_equal_tokens_with_a_lone_surrogate_match() -> None:
    assert verify_challenge(_handshake(SURROGATE_TOKEN), SURROGATE_TOKEN) == "1158201444"
