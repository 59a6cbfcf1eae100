"""Campaign tags at their edges: the row's range, the row's own value, what parses back."""

from __future__ import annotations

import hashlib

import pytest

from whatsapp_async import ValidationError
from whatsapp_async.bulk import (
    CALLBACK_DATA_MAX,
    CampaignTag,
    campaign_key,
    campaign_tag,
    parse_tag,
)

KEY = campaign_key("c")


@pytest.mark.parametrize("row", [-1, 10**14])
def test_a_row_outside_0_to_14_digits_is_refused_naming_the_field(row: int) -> None:
    with pytest.raises(ValidationError) as info:
        campaign_tag("c", row)
    assert info.value.field == "row"
    assert info.value.rule == f"must be between 0 and 10**14 - 1, got {row}"


def test_the_first_row_is_row_0() -> None:
    assert campaign_tag("c", 0) == f"wa1:{KEY}:0"
    assert parse_tag(f"wa1:{KEY}:0") == CampaignTag(KEY, 0, None)


def test_an_empty_value_of_the_row_is_kept_apart_from_no_value() -> None:
    assert campaign_tag("c", 1, "") == f"wa1:{KEY}:1|"
    assert parse_tag(campaign_tag("c", 1, "")) == CampaignTag(KEY, 1, "")
    assert campaign_tag("c", 1, None) == f"wa1:{KEY}:1"


def test_a_value_of_exactly_the_room_left_is_kept() -> None:
    value = "v" * CALLBACK_DATA_MAX
    assert parse_tag(campaign_tag("c", 7, value)) == CampaignTag(KEY, 7, value)


def test_a_too_long_value_is_refused_saying_the_limit_and_its_length() -> None:
    with pytest.raises(ValidationError) as info:
        campaign_tag("c", 0, "x" * (CALLBACK_DATA_MAX + 1))
    assert info.value.rule == (
        f"must be at most {CALLBACK_DATA_MAX} characters (Meta's 512 less the campaign tag), "
        f"got {CALLBACK_DATA_MAX + 1}"
    )


def test_a_value_that_is_not_text_is_refused_naming_its_type() -> None:
    with pytest.raises(ValidationError) as info:
        campaign_tag("c", 0, 5)  # type: ignore[arg-type]
    assert info.value.field == "callback_data"
    assert info.value.rule == "must be a string, got int"


def test_the_room_left_for_a_rows_own_value_is_480_characters() -> None:
    assert CALLBACK_DATA_MAX == 480


def test_the_key_is_the_first_12_hex_digits_of_the_names_sha256() -> None:
    assert campaign_key("spring-sale") == hashlib.sha256(b"spring-sale").hexdigest()[:12]
    assert campaign_key("Grüße") == hashlib.sha256("Grüße".encode()).hexdigest()[:12]


def test_a_campaign_name_with_a_lone_surrogate_still_has_a_key() -> None:
    # (a name read from a file name or argv may hold one)
    assert campaign_key("a\udcff") == hashlib.sha256(b"a\xed\xb3\xbf").hexdigest()[:12]


def test_a_rows_value_over_several_lines_is_read_back_whole() -> None:
    value = "line 1\nline 2"
    assert parse_tag(campaign_tag("c", 2, value)) == CampaignTag(KEY, 2, value)


@pytest.mark.parametrize("data", [
    f"wa1:{KEY}:123456789012345",  # 15 digits
    f"wa1:{KEY.upper()}:1" if KEY.upper() != KEY else "wa1:ABCDEF012345:1",
    f"wa1:{KEY}:1x",
    f"wa2:{KEY}:1",
    f"xwa1:{KEY}:1",
    f"wa1:{KEY}:-1",
])
def test_near_misses_are_not_tags(data: str) -> None:
    assert parse_tag(data) is None
