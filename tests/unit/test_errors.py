"""Graph error bodies become the right typed exceptions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aioresponses import aioresponses

from tests.support import BASE, FIXTURES, NO_RETRY, TOKEN, load_fixture
from whatsapp_async import (
    APIError,
    AppRateLimitError,
    AuthenticationError,
    InvalidParameterError,
    MediaError,
    PairRateLimitError,
    PermissionDeniedError,
    PolicyError,
    RateLimitError,
    RecipientError,
    RegistrationError,
    RegistrationRateLimitError,
    ServerError,
    SpamRateLimitError,
    TemplateError,
    ThroughputLimitError,
    WabaRateLimitError,
    WhatsAppClient,
    WhatsAppError,
)
from whatsapp_async.errors import ERROR_CODES, api_error_class
from whatsapp_async.types.common import Success

RECORDED = {
    "100_template_language_exists_with_user_msg.json": InvalidParameterError,
    "130429_rate_limit_hit.json": ThroughputLimitError,
    "131009_parameter_value_invalid.json": InvalidParameterError,
    "131056_pair_rate_limit.json": PairRateLimitError,
    "190_access_token_expired.json": AuthenticationError,
    "4_application_request_limit.json": AppRateLimitError,
}


@pytest.mark.parametrize(("name", "cls"), sorted(RECORDED.items()))
async def test_recorded_error_body_raises_its_class(name: str, cls: type[APIError]) -> None:
    body = load_fixture(f"facts/errors/{name}")
    async with WhatsAppClient(TOKEN, "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", status=400, payload=body)
            with pytest.raises(cls) as info:
                await wa.messages._request("GET", "1", cast_to=Success)
    err = info.value
    graph = body["error"]
    assert type(err) is cls
    assert err.status == 400
    assert err.code == graph["code"]
    assert err.message == graph["message"]
    assert err.type == graph["type"]
    assert err.fbtrace_id == graph["fbtrace_id"]
    assert err.error_subcode == graph.get("error_subcode")
    assert err.details == graph.get("error_data", {}).get("details")
    assert err.user_message == graph.get("error_user_msg")
    assert err.is_transient == graph.get("is_transient")


def test_all_recorded_fixtures_are_covered() -> None:
    assert {p.name for p in (FIXTURES / "facts" / "errors").glob("*.json")} == set(RECORDED)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (0, AuthenticationError), (190, AuthenticationError),
        (3, PermissionDeniedError), (10, PermissionDeniedError), (200, PermissionDeniedError),
        (250, PermissionDeniedError), (299, PermissionDeniedError),
        (4, AppRateLimitError), (80007, WabaRateLimitError), (130429, ThroughputLimitError),
        (131048, SpamRateLimitError), (131056, PairRateLimitError),
        (133016, RegistrationRateLimitError),
        (100, InvalidParameterError), (131008, InvalidParameterError),
        (131009, InvalidParameterError), (131021, InvalidParameterError),
        (131026, RecipientError), (131047, RecipientError), (131051, RecipientError),
        (132000, TemplateError), (132001, TemplateError), (132999, TemplateError),
        (131052, MediaError), (131053, MediaError),
        (133005, RegistrationError), (133999, RegistrationError),
        (1, ServerError), (2, ServerError), (131000, ServerError), (131016, ServerError),
        (133004, ServerError), (368, PolicyError), (987654, APIError), (None, APIError),
    ],
)
def test_code_table_classifies(code: int | None, cls: type[APIError]) -> None:
    assert api_error_class(code) is cls


def test_each_rate_limit_is_recognisable_and_a_rate_limit() -> None:
    classes = [api_error_class(c) for c in (4, 80007, 130429, 131048, 131056, 133016)]
    assert len(set(classes)) == 6
    assert all(issubclass(c, RateLimitError) for c in classes)


def test_table_covers_every_code_in_the_facts() -> None:
    facts = FIXTURES / "facts" / "cloud-api.md"
    table = facts.read_text(encoding="utf-8").split("### 2.5", 1)[1].split("## 3.", 1)[0]
    codes = {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    assert codes, "could not read the code table"
    assert codes - set(ERROR_CODES) == set()


def test_transient_flags_follow_the_table() -> None:
    transient = {code for code, info in ERROR_CODES.items() if info.transient}
    assert {2, 4, 80007, 130429, 131000, 131016, 131056, 131057, 133004} <= transient
    assert not {100, 190, 131026, 131047, 132000, 133016} & transient


def test_is_transient_in_body_makes_any_code_transient() -> None:
    err = APIError(status=400, code=100, is_transient=True)
    assert err.transient


def test_unknown_code_still_is_an_api_error_with_its_message() -> None:
    err = api_error_class(555)(status=418, code=555, message="(#555) odd", fbtrace_id="T")
    assert isinstance(err, WhatsAppError)
    assert "code 555" in str(err) and "(#555) odd" in str(err) and "T" in str(err)


def test_fixture_directory_exists() -> None:
    assert Path(FIXTURES / "facts" / "errors").is_dir()
