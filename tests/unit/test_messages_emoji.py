"""A reaction's emoji: one emoji as people type it, or empty to remove."""

from __future__ import annotations

import pytest

from whatsapp_async import ValidationError
from whatsapp_async._validation import check_emoji, is_single_emoji


@pytest.mark.parametrize(
    "emoji",
    [
        "👍",  # plain pictograph
        "😀",
        "🫠",  # recent (Unicode 14)
        "☺",  # BMP symbol without selector
        "❤️",  # with emoji variation selector
        "©️",
        "👍🏽",  # skin tone
        "🇧🇷",  # flag: two regional indicators
        "#️⃣",  # keycap with selector
        "1⃣",  # keycap without selector
        "🏴󠁧󠁢󠁥󠁮󠁧󠁿",  # subdivision flag (tag sequence)
        "❤️‍🔥",  # ZWJ
        "👨‍👩‍👧‍👦",  # family: four people
        "🧑🏽‍💻",  # skin tone inside ZWJ
        "👩🏻‍❤️‍💋‍👨🏼",  # kiss with two skin tones
        "🏳️‍🌈",
        "🏳️‍⚧️",
        "👁️‍🗨️",
    ],
)
def test_one_emoji_is_accepted(emoji: str) -> None:
    assert is_single_emoji(emoji)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "ok",
        "1",  # a digit alone is not a keycap
        "#",
        "👍👍",  # two emoji
        "🇧🇷🇵🇹",  # two flags
        "🇧",  # a lone regional indicator shows as a letter
        "👍 ",  # trailing space
        " 👍",
        "\u200d",  # ZWJ alone
        "👍\u200d",  # dangling ZWJ
        "\ufe0f",  # selector alone
        "😀\u200d😀\u200d😀\u200d😀\u200d😀\u200d😀\u200d😀\u200d😀",  # eight joined
    ],
)
def test_anything_else_is_not_one_emoji(text: str) -> None:
    assert not is_single_emoji(text)


def test_empty_is_allowed_for_removing_a_reaction() -> None:
    assert check_emoji("reaction.emoji", "") == ""


def test_empty_can_be_refused() -> None:
    with pytest.raises(ValidationError):
        check_emoji("reaction.emoji", "", allow_empty=False)


def test_the_error_names_the_field_and_the_rule() -> None:
    with pytest.raises(ValidationError) as caught:
        check_emoji("reaction.emoji", "👍👍")

    assert (caught.value.field, caught.value.rule) == (
        "reaction.emoji", "must be exactly one emoji or empty (to remove a reaction)"
    )
