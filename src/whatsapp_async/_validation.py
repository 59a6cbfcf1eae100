"""Small checks shared by the Structs and resources; each raises ValidationError."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from msgspec import UNSET, UnsetType

from .errors import ValidationError

T = TypeVar("T")

#: The longest id accepted (a wamid, media id, any id in a URL path). Meta
#: publishes no limit; real ids are well under 100 characters, and 256 matches
#: the longest id Meta documents for messages (a reply button's ``id``), so a
#: pasted document or a runaway value is refused before it makes a URL too long.
ID_MAX = 256

_DIGITS = re.compile(r"[0-9]+")  # not \d: that also matches non-ASCII digits
# A lone surrogate is a valid Python str but not Unicode text: UTF-8 (and so
# JSON on the wire) cannot encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")
# A language code as Meta writes them: "en", "en_US", "es_419", "zh_CN", "pt_BR".
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]{2,4})?")


def unset(value: T | None) -> T | UnsetType:
    """``None`` (not passed) becomes UNSET, so the field stays off the wire."""
    return UNSET if value is None else value


def listed(value: Any) -> Any:
    """``value`` as a list when it is a collection of items, else ``value`` itself.

    The builders (``create``, the ``send_*`` methods) take any iterable of
    items; what is not one (None, a string, a number, a mapping) is passed
    through unchanged, so that the Struct's own check refuses it with a
    ValidationError naming the wire field, instead of ``list()`` raising
    TypeError here.
    """
    if isinstance(value, list):
        return value if type(value) is list else list(value)
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        return value
    return list(value)


#: Whether a string is a language code (a match, or None): the rule of
#: :func:`check_language_code`, bound once for hot paths that test before they check.
is_language_code = _LANGUAGE_CODE.fullmatch


def check_language_code(field: str, value: str) -> str:
    """Return ``value`` if it is a language code such as ``en``, ``en_US`` or ``es_419``.

    Raises:
        ValidationError: Not a string of that form.
    """
    if not isinstance(value, str) or not is_language_code(value):
        raise ValidationError(
            field, "must be a language or locale code such as 'en' or 'en_US' (underscore, "
            f"not dash), got {value!r}"
        )
    return value


def has_surrogate(value: str) -> bool:
    """Whether ``value`` holds a lone surrogate (U+D800-U+DFFF), which UTF-8 cannot encode."""
    # isascii() is O(1) in CPython: the common ASCII text costs no scan.
    return not value.isascii() and _SURROGATE.search(value) is not None


def check_text(field: str, value: str) -> str:
    """Return ``value`` if it is a string that can be sent (encoded as UTF-8).

    Raises:
        ValidationError: Not a string, or it holds a lone surrogate.
    """
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a string, got {type(value).__name__}")
    if has_surrogate(value):
        raise ValidationError(
            field, "must be valid Unicode text: it holds a lone surrogate (U+D800 to U+DFFF), "
            "which cannot be encoded as UTF-8"
        )
    return value


def check_length(field: str, value: str, maximum: int, *, minimum: int = 0) -> str:
    """Return ``value`` if its length (in characters) is within bounds.

    Raises:
        ValidationError: ``value`` is not a string, holds a lone surrogate, or
            is too short or too long.
    """
    if type(value) is not str or not value.isascii():  # ASCII text: nothing more to check
        check_text(field, value)
    n = len(value)
    if n > maximum:
        raise ValidationError(field, f"must be at most {maximum} characters, got {n}")
    if n < minimum:
        if minimum == 1:
            raise ValidationError(field, "must not be empty")
        raise ValidationError(field, f"must be at least {minimum} characters, got {n}")
    return value


def check_digits(field: str, value: str, count: int) -> str:
    """Return ``value`` if it is exactly ``count`` ASCII digits (e.g. a PIN).

    The value itself is never put in the error: it may be a secret.

    Raises:
        ValidationError: Not a string of exactly ``count`` digits.
    """
    if not isinstance(value, str) or len(value) != count or not _DIGITS.fullmatch(value):
        raise ValidationError(field, f"must be exactly {count} digits (0-9)")
    return value


def check_choice(field: str, value: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``.

    Raises:
        ValidationError: ``value`` is not one of ``choices``.
    """
    if value not in choices:
        raise ValidationError(field, f"must be one of {', '.join(choices)}; got {value!r}")
    return value


# --------------------------------------------------------------------------- recipients

# Formatting people put in phone numbers; Meta accepts it too, but we send only digits.
_PHONE_FORMATTING = str.maketrans("", "", " -().\u00a0\t")


def normalize_phone_number(field: str, value: str) -> str:
    """Return ``value`` as ``"+<digits>"`` (E.164), or refuse it.

    Spaces, dashes, brackets and dots are dropped and a leading ``+`` is
    optional. The result always carries ``+`` because without it Meta reads
    the number as national and prepends the *business* number's country code.

    Raises:
        ValidationError: Letters or other characters, a leading 0 (an
            international prefix such as ``00`` instead of ``+``), or fewer than
            8 or more than 15 digits.
    """
    # Already clean, the common case: 8 to 15 ASCII digits (isdigit() alone
    # takes other scripts' digits too), no leading 0, an optional "+". String
    # methods, not a regular expression: this runs once per message sent.
    if type(value) is str and value.isascii():
        n = len(value)
        if value.isdigit():
            if 8 <= n <= 15 and value[0] != "0":
                return "+" + value
        elif value[:1] == "+" and 9 <= n <= 16 and value[1:].isdigit() and value[1] != "0":
            return value
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a phone number string, got {type(value).__name__}")
    text = value.strip()
    digits = (text[1:] if text.startswith("+") else text).translate(_PHONE_FORMATTING)
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(
            field, "must be an E.164 phone number: digits with an optional leading '+' "
            "(spaces, dashes, brackets and dots are ignored); letters and other characters "
            "are not allowed"
        )
    if digits[0] == "0":
        raise ValidationError(
            field, "must start with the country code, not 0 (write '+' instead of an "
            "international prefix such as 00)"
        )
    if not 8 <= len(digits) <= 15:
        raise ValidationError(
            field, f"must have 8 to 15 digits including the country code, got {len(digits)}"
        )
    return "+" + digits


# --------------------------------------------------------------------------- URLs


def check_url(field: str, value: str, *, schemes: tuple[str, ...] = ("https",)) -> str:
    """Return ``value`` if it is an absolute URL with one of ``schemes`` and a host.

    Raises:
        ValidationError: Not a string, a relative URL, another scheme,
            whitespace, or a lone surrogate.
    """
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a URL string, got {type(value).__name__}")
    check_text(field, value)
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host
        host = None
    if not host or parts.scheme.lower() not in schemes or any(c.isspace() for c in value):
        shown = " or ".join(f"{s}://" for s in schemes)
        raise ValidationError(field, f"must be an absolute {shown} URL with a host")
    return value


# --------------------------------------------------------------------------- emoji

# Code points that can start an emoji (an approximation of Unicode's
# Extended_Pictographic plus regional indicators and modifiers), as ranges.
_PICTOGRAPHIC = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049),
    (0x2122, 0x2122), (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA),
    (0x231A, 0x231B), (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF),
    (0x23E9, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB), (0x25B6, 0x25B6),
    (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x27BF), (0x2934, 0x2935),
    (0x2B05, 0x2B07), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
    (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299),
    (0x1F000, 0x1FAFF), (0x1FC00, 0x1FFFD),
)
_ZWJ = 0x200D
_VS_TEXT, _VS_EMOJI = 0xFE0E, 0xFE0F
_KEYCAP = 0x20E3
_KEYCAP_BASES = frozenset(map(ord, "0123456789#*"))
_REGIONAL = (0x1F1E6, 0x1F1FF)
_SKIN_TONES = (0x1F3FB, 0x1F3FF)
_BLACK_FLAG, _TAG_END = 0x1F3F4, 0xE007F
_TAGS = (0xE0020, 0xE007E)
_MAX_ZWJ_PARTS = 7


def _in(cp: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= cp <= bounds[1]


def _pictographic(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _PICTOGRAPHIC)


def _zwj_part(cps: list[int], i: int) -> int:
    """Index after one ``pictograph [VS] [skin tone] [VS]`` element, or -1."""
    n = len(cps)
    # A lone regional indicator renders as a letter, not an emoji.
    if i >= n or not _pictographic(cps[i]) or _in(cps[i], _REGIONAL):
        return -1
    i += 1
    if i < n and cps[i] in (_VS_EMOJI, _VS_TEXT):
        i += 1
    if i < n and _in(cps[i], _SKIN_TONES):
        i += 1
        if i < n and cps[i] == _VS_EMOJI:
            i += 1
    return i


def is_single_emoji(value: str) -> bool:
    """Whether ``value`` is one emoji as people type it (a grapheme-ish check).

    Accepted shapes: a pictograph with optional variation selector and skin
    tone; up to seven of those joined by ZWJ (families, professions, ❤️‍🔥); a
    flag (two regional indicators); a keycap (``#️⃣``, ``1️⃣``); a subdivision
    flag (🏴 + tag characters). It does not consult the list of sequences
    Unicode recommends, so an unusual ZWJ joining of valid emoji passes.
    """
    cps = [ord(c) for c in value]
    n = len(cps)
    if n == 0:
        return False
    if n == 2 and _in(cps[0], _REGIONAL) and _in(cps[1], _REGIONAL):
        return True
    if cps[0] in _KEYCAP_BASES:
        return cps[1:] in ([_KEYCAP], [_VS_EMOJI, _KEYCAP])
    if cps[0] == _BLACK_FLAG and n > 2 and cps[-1] == _TAG_END:
        return all(_in(cp, _TAGS) for cp in cps[1:-1])
    i, parts = 0, 0
    while True:
        i = _zwj_part(cps, i)
        parts += 1
        if i < 0 or parts > _MAX_ZWJ_PARTS:
            return False
        if i == n:
            return True
        if cps[i] != _ZWJ:
            return False
        i += 1


def check_emoji(field: str, value: str, *, allow_empty: bool = True) -> str:
    """Return ``value`` if it is exactly one emoji (or empty, when allowed).

    Raises:
        ValidationError: Not a string, several emoji, text, or empty when not allowed.
    """
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a string, got {type(value).__name__}")
    if value == "" and allow_empty:
        return value
    if not is_single_emoji(value):
        raise ValidationError(
            field, "must be exactly one emoji" + (" or empty (to remove a reaction)"
                                                  if allow_empty else "")
        )
    return value


def check_id(field: str, value: str) -> str:
    """Return ``value`` if it is a usable opaque id (a wamid, media id, catalog id...).

    Raises:
        ValidationError: Not a string, empty, with surrounding whitespace,
            longer than :data:`ID_MAX`, or with a lone surrogate.
    """
    if not isinstance(value, str) or not value or value != value.strip():
        raise ValidationError(field, "must be a non-empty id without surrounding whitespace")
    if len(value) > ID_MAX:
        raise ValidationError(field, f"must be at most {ID_MAX} characters, got {len(value)}")
    return check_text(field, value)
