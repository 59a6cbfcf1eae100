"""Recipients: phone numbers go on the wire as "+<digits>"; groups by id."""

from __future__ import annotations

import pytest

from whatsapp_async import ValidationError
from whatsapp_async._validation import normalize_phone_number
from whatsapp_async.types.messages import Group, Text, build_request


@pytest.mark.parametrize(
    ("written", "wire"),
    [
        ("+16505551234", "+16505551234"),
        ("16505551234", "+16505551234"),
        ("+1 (650) 555-1234", "+16505551234"),
        ("1.650.555.1234", "+16505551234"),
        ("  +44 20 7946 0958 ", "+442079460958"),
        ("+55 11 98765-4321", "+5511987654321"),
        ("+1\u00a0650\u00a0555\u00a01234", "+16505551234"),
    ],
)
def test_formatting_is_dropped_and_plus_is_added(written: str, wire: str) -> None:
    assert normalize_phone_number("to", written) == wire


@pytest.mark.parametrize("digits", ["12345678", "123456789012345"])
def test_eight_to_fifteen_digits_are_accepted(digits: str) -> None:
    assert normalize_phone_number("to", digits) == "+" + digits


@pytest.mark.parametrize(
    ("written", "rule_part"),
    [
        ("+1 650 CALL NOW", "letters"),
        ("1-800-FLOWERS", "letters"),
        ("+1 650 555 1234 ext. 5", "letters"),
        ("+16505551234#", "letters"),
        ("+1+6505551234", "letters"),
        ("", "letters"),
        ("+", "letters"),
        ("\u0661\u0666\u0665\u0660\u0665\u0665\u0665\u0661\u0662\u0663\u0664", "letters"),
        ("1234567", "8 to 15 digits"),
        ("1234567890123456", "8 to 15 digits"),
        ("0016505551234", "not 0"),
        ("(0)20 7946 0958", "not 0"),
    ],
)
def test_what_is_not_a_phone_number_is_refused(written: str, rule_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_phone_number("to", written)

    assert caught.value.field == "to"
    assert rule_part in caught.value.rule


def test_a_non_string_recipient_is_refused() -> None:
    with pytest.raises(ValidationError):
        normalize_phone_number("to", 16505551234)  # type: ignore[arg-type]


def test_the_request_carries_the_normalised_number_and_individual() -> None:
    request = build_request("1 (650) 555-1234", Text(body="hi"))

    assert (request.to, request.recipient_type) == ("+16505551234", "individual")


def test_a_group_is_sent_by_id_with_recipient_type_group() -> None:
    request = build_request(Group(id="Y2FwaV9ncm91cDoxODA1NTU1MDE3Mjo"), Text(body="hi"))

    assert (request.to, request.recipient_type) == ("Y2FwaV9ncm91cDoxODA1NTU1MDE3Mjo", "group")


@pytest.mark.parametrize("group_id", ["", "has space", "x" * 257])
def test_a_malformed_group_id_is_refused(group_id: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build_request(Group(id=group_id), Text(body="hi"))

    assert caught.value.field == "to"
