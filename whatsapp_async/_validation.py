"""Small checks shared by the Structs and resources; each raises ValidationError."""

from __future__ import annotations

import re

from .errors import ValidationError

_DIGITS = re.compile(r"[0-9]+")  # not \d: that also matches non-ASCII digits


def check_length(field: str, value: str, maximum: int, *, minimum: int = 0) -> str:
    """Return ``value`` if its length (in characters) is within bounds.

    Raises:
        ValidationError: ``value`` is not a string, or too short or too long.
    """
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a string, got {type(value).__name__}")
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
