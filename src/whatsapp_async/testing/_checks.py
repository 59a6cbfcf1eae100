"""Typed reads of JSON request bodies that refuse the way Graph does.

The building blocks of the fake's body checks (``_validate``,
``_validate_numbers``). Codes: a missing field is 131008, a value outside the
rules of a message object is 131009, a wrong JSON type or an unknown enum
value is 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._graph import GraphError, invalid

__all__ = [
    "array",
    "as_object",
    "bad",
    "check_number",
    "check_url",
    "field",
    "missing",
    "obj",
    "one_of",
    "optional_array",
    "optional_obj",
    "optional_string",
    "string",
]


def missing(path: str) -> GraphError:
    """The refusal of a required field that is absent (131008)."""
    return invalid(f"{path} is required", 131008)


def bad(path: str, rule: str) -> GraphError:
    """The refusal of a value that breaks a rule of a message object (131009)."""
    return invalid(f"{path}: {rule}", 131009)


def field(body: Any, key: str) -> Any:
    """``body[key]`` when ``body`` is a JSON object holding it, else None."""
    return body.get(key) if isinstance(body, dict) else None


def as_object(value: Any, path: str) -> dict[str, Any]:
    """``value`` if it is a JSON object.

    Raises:
        GraphError: It is not (100).
    """
    if not isinstance(value, dict):
        raise invalid(f"Param {path} must be a JSON object")
    return value


def optional_obj(parent: Mapping[str, Any], key: str, path: str) -> dict[str, Any] | None:
    """The JSON object ``parent[key]``, or None when absent."""
    value = parent.get(key)
    return None if value is None else as_object(value, path)


def obj(parent: Mapping[str, Any], key: str, path: str) -> dict[str, Any]:
    """The JSON object ``parent[key]``; absent is refused with 131008."""
    value = optional_obj(parent, key, path)
    if value is None:
        raise missing(path)
    return value


def optional_array(parent: Mapping[str, Any], key: str, path: str) -> list[Any] | None:
    """The JSON array ``parent[key]``, or None when absent."""
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise invalid(f"Param {path} must be an array")
    return value


def array(parent: Mapping[str, Any], key: str, path: str) -> list[Any]:
    """The JSON array ``parent[key]``; absent is refused with 131008."""
    value = optional_array(parent, key, path)
    if value is None:
        raise missing(path)
    return value


def optional_string(
    parent: Mapping[str, Any],
    key: str,
    path: str,
    *,
    max_len: int | None = None,
    min_len: int = 0,
    code: int = 131009,
) -> str | None:
    """The string ``parent[key]`` within its length limits, or None when absent.

    A length outside the limits is refused with ``code``.
    """
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"Param {path} must be a string")
    n = len(value)
    if max_len is not None and n > max_len:
        raise invalid(f"{path}: must be at most {max_len} characters long, got {n}", code)
    if n < min_len:
        raise invalid(f"{path}: must be at least {min_len} characters long, got {n}", code)
    return value


def string(
    parent: Mapping[str, Any],
    key: str,
    path: str,
    *,
    max_len: int | None = None,
    min_len: int = 0,
    code: int = 131009,
) -> str:
    """Like :func:`optional_string`, but absent is refused with 131008."""
    value = optional_string(parent, key, path, max_len=max_len, min_len=min_len, code=code)
    if value is None:
        raise missing(path)
    return value


def one_of(value: Any, path: str, allowed: frozenset[str]) -> str:
    """``value`` if it is one of ``allowed``; anything else is refused with 100."""
    if not isinstance(value, str) or value not in allowed:
        raise invalid(f"Param {path} must be one of {{{', '.join(sorted(allowed))}}}")
    return value


def check_number(parent: Mapping[str, Any], key: str, path: str, low: float,
                 high: float) -> None:
    """Refuse ``parent[key]`` unless it is a number from ``low`` to ``high``."""
    value = parent.get(key)
    if value is None:
        raise missing(path)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(f"Param {path} must be a number")
    if not low <= value <= high:
        raise bad(path, f"must be between {low:g} and {high:g}")


def check_url(value: str, path: str) -> None:
    """Refuse ``value`` unless it looks like an http(s) URL."""
    if not value.startswith(("https://", "http://")) or len(value) < 11:
        raise bad(path, "must be an http(s) URL")
