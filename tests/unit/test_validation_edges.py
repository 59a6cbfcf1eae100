"""The shared checks of ``_validation``: their exact rules, and the edges of the emoji check.

Found by mutation testing (docs/mutation-testing.md): the rule text is what a
user reads when input is refused, so it must name the field and say what
is wrong; the emoji edges are the last code point of each range and the
shapes of tag sequences.
"""

from __future__ import annotations

from typing import Any

import pytest

from whatsapp_async import ValidationError
from whatsapp_async._validation import (
    check_choice,
    check_digits,
    check_emoji,
    check_id,
    check_language_code,
    check_length,
    check_text,
    check_url,
    is_single_emoji,
    listed,
    normalize_phone_number,
)

SURROGATE = "\ud800"
TAG_G, TAG_CANCEL = "\U000e0067", "\U000e007f"
BLACK_FLAG = "\U0001f3f4"


def refusal(check: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """The (field, rule) of the ValidationError ``check(*args, **kwargs)`` raises."""
    with pytest.raises(ValidationError) as caught:
        check(*args, **kwargs)
    return caught.value.field, caught.value.rule


# --------------------------------------------------------------------------- listed


def test_a_plain_list_is_passed_through_without_a_copy() -> None:
    items = [1, 2]
    assert listed(items) is items


def test_a_list_subclass_becomes_a_plain_list() -> None:
    class Items(list[int]):
        pass

    result = listed(Items([1, 2]))
    assert type(result) is list
    assert result == [1, 2]


def test_any_other_iterable_of_items_becomes_a_list() -> None:
    assert listed((1, 2)) == [1, 2]
    assert listed(n for n in (3, 4)) == [3, 4]


# --------------------------------------------------------------------------- rules


def test_a_language_code_refusal_shows_the_expected_form() -> None:
    assert refusal(check_language_code, "template.language", "en-US") == (
        "template.language",
        "must be a language or locale code such as 'en' or 'en_US' (underscore, not dash), "
        "got 'en-US'",
    )


def test_a_non_string_text_is_refused_naming_its_type() -> None:
    assert refusal(check_text, "text.body", 42) == ("text.body", "must be a string, got int")


def test_a_lone_surrogate_is_refused_saying_why() -> None:
    assert refusal(check_text, "text.body", f"hi {SURROGATE}") == (
        "text.body",
        "must be valid Unicode text: it holds a lone surrogate (U+D800 to U+DFFF), "
        "which cannot be encoded as UTF-8",
    )


def test_an_empty_string_passes_a_length_check_without_a_minimum() -> None:
    assert check_length("footer.text", "", 60) == ""


def test_an_empty_string_under_a_minimum_of_one_is_refused_as_empty() -> None:
    assert refusal(check_length, "body.text", "", 1024, minimum=1) == (
        "body.text", "must not be empty"
    )


def test_a_string_under_a_larger_minimum_is_refused_with_both_lengths() -> None:
    assert refusal(check_length, "pin", "ab", 10, minimum=3) == (
        "pin", "must be at least 3 characters, got 2"
    )


def test_a_non_string_phone_number_is_refused_naming_its_type() -> None:
    assert refusal(normalize_phone_number, "to", 15551234567) == (
        "to", "must be a phone number string, got int"
    )


def test_a_phone_number_with_letters_is_refused_with_the_e164_rule() -> None:
    assert refusal(normalize_phone_number, "to", "+1 555 CALL NOW") == (
        "to",
        "must be an E.164 phone number: digits with an optional leading '+' "
        "(spaces, dashes, brackets and dots are ignored); letters and other characters "
        "are not allowed",
    )


def test_a_phone_number_with_an_international_prefix_is_refused_saying_to_write_plus() -> None:
    assert refusal(normalize_phone_number, "to", "0044 20 7946 0958") == (
        "to",
        "must start with the country code, not 0 (write '+' instead of an "
        "international prefix such as 00)",
    )


def test_a_non_string_url_is_refused_naming_its_type() -> None:
    assert refusal(check_url, "image.link", 42) == ("image.link", "must be a URL string, got int")


def test_a_url_with_a_lone_surrogate_is_refused_under_its_own_field() -> None:
    field, rule = refusal(check_url, "image.link", f"https://example.com/{SURROGATE}")
    assert field == "image.link"
    assert "lone surrogate" in rule


def test_a_url_refusal_lists_every_accepted_scheme() -> None:
    assert refusal(check_url, "url", "ftp://example.com", schemes=("https", "http")) == (
        "url", "must be an absolute https:// or http:// URL with a host"
    )


def test_an_id_with_surrounding_whitespace_is_refused_with_the_id_rule() -> None:
    assert refusal(check_id, "message_id", " wamid.1 ") == (
        "message_id", "must be a non-empty id without surrounding whitespace"
    )


def test_a_non_string_emoji_is_refused_naming_the_field_and_the_type() -> None:
    assert refusal(check_emoji, "reaction.emoji", 42) == (
        "reaction.emoji", "must be a string, got int"
    )


def test_an_emoji_refusal_does_not_offer_empty_when_empty_is_not_allowed() -> None:
    assert refusal(check_emoji, "reaction.emoji", "ok", allow_empty=False) == (
        "reaction.emoji", "must be exactly one emoji"
    )


# --------------------------------------------------------------------------- emoji edges


@pytest.mark.parametrize(
    "emoji",
    [
        "\U0001f1ff\U0001f1e6",  # ZA: regional indicator Z, the range's last
        "\U0001f44b\U0001f3ff",  # waving hand, dark skin tone: the range's last
        "\U0001f44d\U0001f3fd\ufe0f",  # skin tone then a variation selector
        "\U0001f9d1\U0001f3fd\ufe0f\u200d\U0001f4bb",  # the same inside a ZWJ sequence
        "\U0001f3f4\u200d\u2620\ufe0f",  # pirate flag: a black flag in a ZWJ sequence
        BLACK_FLAG + TAG_G + TAG_CANCEL,  # one tag: the subdivision is not looked up
        BLACK_FLAG + "\U000e007e" + TAG_CANCEL,  # the last tag character
        "\u200d".join(["\U0001f600"] * 7),  # seven joined: the most accepted
    ],
)
def test_the_edges_of_one_emoji_are_accepted(emoji: str) -> None:
    assert is_single_emoji(emoji)


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f600\U0001f1fa",  # an emoji then a lone regional indicator
        "x" + TAG_CANCEL,  # a cancel tag without the black flag
        "\U0001f600" + TAG_CANCEL,
        BLACK_FLAG + TAG_CANCEL,  # a black flag and a cancel tag, no tags between
        BLACK_FLAG + "x" + TAG_G + TAG_CANCEL,  # a non-tag first
        BLACK_FLAG + TAG_G + "x" + TAG_CANCEL,  # a non-tag last
    ],
)
def test_the_near_misses_of_one_emoji_are_refused(text: str) -> None:
    assert not is_single_emoji(text)



@pytest.mark.parametrize("pin", ["12345", "1234567", "12a456", "١٢٣٤٥٦"],
                         ids=["short", "long", "a-letter", "arabic-digits"])
def test_a_pin_that_is_not_exactly_six_ascii_digits_is_refused(pin: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_digits("pin", pin, 6)
    assert str(info.value) == "pin: must be exactly 6 digits (0-9)"


def test_a_pin_of_exactly_six_ascii_digits_is_accepted() -> None:
    assert check_digits("pin", "012345", 6) == "012345"


def test_a_choice_refusal_lists_the_choices_comma_separated() -> None:
    assert refusal(check_choice, "format", "GIF", ("IMAGE", "VIDEO")) == (
        "format", "must be one of IMAGE, VIDEO; got 'GIF'"
    )


@pytest.mark.parametrize("number", ["+0123456789", "+01234567890"], ids=["9", "10"])
def test_a_plus_number_starting_with_0_is_refused_saying_to_write_the_country_code(
    number: str,
) -> None:
    field, rule = refusal(normalize_phone_number, "to", number)
    assert (field, rule.startswith("must start with the country code, not 0")) == ("to", True)


@pytest.mark.parametrize("number", ["+1234567890123456", "1234567890123456", "+1234567"],
                         ids=["plus-16", "bare-16", "plus-7"])
def test_a_phone_number_of_more_than_15_or_fewer_than_8_digits_is_refused(
    number: str,
) -> None:
    digits = len(number.lstrip("+"))
    assert refusal(normalize_phone_number, "to", number) == (
        "to", f"must have 8 to 15 digits including the country code, got {digits}"
    )


@pytest.mark.parametrize("number", ["12345678", "123456789012345", "+12345678",
                                    "+123456789012345"])
def test_phone_numbers_of_8_and_15_digits_are_accepted(number: str) -> None:
    assert normalize_phone_number("to", number) == "+" + number.lstrip("+")
