"""Transport hardening: token shape, broken clients' reprs, download origins, redirects."""

from __future__ import annotations

import pytest

from whatsapp_async import ConfigurationError, WhatsAppClient

#: Shaped like a real Meta token.
TOKEN = "EAAG-hardening-token-0123456789"


@pytest.mark.parametrize(
    "bad", [TOKEN + "\n", TOKEN + "\r\n", "EAAG\rX-Evil: 1", TOKEN + "\x00", "EAAG\x01x",
            TOKEN + "\x7f", "EAAG\tx"],
)
def test_token_with_a_character_not_allowed_in_a_header_is_refused_at_construction(
    bad: str,
) -> None:
    with pytest.raises(ConfigurationError, match="access token") as info:
        WhatsAppClient(bad, "1")
    assert bad not in str(info.value) and TOKEN not in str(info.value)


def test_repr_of_a_client_whose_init_failed_does_not_raise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WHATSAPP_ACCESS_TOKEN", raising=False)
    wa = object.__new__(WhatsAppClient)
    with pytest.raises(ConfigurationError):
        wa.__init__(None, "1")  # type: ignore[misc]  # what an error reporter sees
    text = repr(wa)
    assert "WhatsAppClient" in text
    half = object.__new__(WhatsAppClient)
    half._owner = True  # a failure after some attributes were set
    assert "WhatsAppClient" in repr(half)
