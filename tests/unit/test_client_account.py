"""The business account (WABA) setting: argument, environment, views, account-bound check."""

from __future__ import annotations

import pytest

from whatsapp_async import ConfigurationError, ValidationError, WhatsAppClient
from whatsapp_async.resources._base import Resource


def test_the_account_comes_from_the_argument_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WHATSAPP_BUSINESS_ACCOUNT_ID", "102290129340398")
    assert WhatsAppClient("t").business_account_id == "102290129340398"
    assert WhatsAppClient("t", business_account_id="555").business_account_id == "555"
    monkeypatch.delenv("WHATSAPP_BUSINESS_ACCOUNT_ID")
    assert WhatsAppClient("t").business_account_id is None


@pytest.mark.parametrize("bad", ["12/34", "..", "a b", "1" * 300])
def test_an_unsafe_account_id_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        WhatsAppClient("t", business_account_id=bad)
    assert info.value.field == "business_account_id"
    wa = WhatsAppClient("t")
    with pytest.raises(ValidationError):
        wa.for_account(bad)


def test_views_keep_the_account_and_for_account_changes_only_it() -> None:
    wa = WhatsAppClient("t", "111", business_account_id="900")
    assert wa.for_number("222").business_account_id == "900"
    assert wa.with_options(timeout=3).business_account_id == "900"
    other = wa.for_account("901")
    assert (other.business_account_id, other.phone_number_id) == ("901", "111")
    assert other.throttle is wa.throttle
    assert other.for_number("333").business_account_id == "901"
    assert wa.business_account_id == "900"


def test_an_account_bound_operation_without_an_account_names_the_setting() -> None:
    resource = Resource(WhatsAppClient("t", "111"))
    with pytest.raises(ConfigurationError, match="WHATSAPP_BUSINESS_ACCOUNT_ID"):
        resource._business_account_id  # noqa: B018
    assert Resource(WhatsAppClient("t", business_account_id="900"))._business_account_id == "900"
