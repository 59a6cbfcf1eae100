"""One shared msgspec JSON encoder and a cache of decoders, one per target type."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, TypeVar

import msgspec

from .errors import ValidationError

T = TypeVar("T")

#: The one encoder every request body goes through.
encoder = msgspec.json.Encoder()

# What msgspec raises for a value it cannot write as JSON: TypeError (an
# unsupported type or dict key), UnicodeEncodeError (a lone surrogate; a
# ValueError), OverflowError, or its own EncodeError.
ENCODE_ERRORS = (TypeError, ValueError, OverflowError, msgspec.EncodeError)


def encode(value: Any) -> bytes:
    """Encode a Struct (or any msgspec-supported value) to JSON bytes."""
    return encoder.encode(value)


def encode_body(value: Any, field: str = "") -> bytes:
    """Encode a request body, refusing one that cannot be written as JSON.

    Args:
        value: The body (a Struct, usually).
        field: The field path of the whole value (empty for a request body,
            whose fields are then named as on the wire: ``text.body``).

    Returns:
        The JSON bytes.

    Raises:
        ValidationError: Something in ``value`` cannot be encoded (a lone
            surrogate, an object of an unsupported type, a non-string dict
            key); the error names the innermost field that fails.
    """
    try:
        return encoder.encode(value)
    except ENCODE_ERRORS as exc:
        path, error = _locate(value, field, exc)
        raise ValidationError(path or "body", _rule(error)) from None


def _rule(exc: BaseException) -> str:
    if isinstance(exc, UnicodeEncodeError):
        return ("must be valid Unicode text: it holds a lone surrogate (U+D800 to U+DFFF), "
                "which cannot be encoded as UTF-8")
    return f"cannot be sent as JSON: {exc}"


def _children(value: Any, path: str) -> list[tuple[str, Any]]:
    """The parts of ``value`` that are encoded separately, with their field paths."""
    prefix = f"{path}." if path else ""
    if isinstance(value, msgspec.Struct):
        parts = ((f.encode_name, getattr(value, f.name)) for f in msgspec.structs.fields(value))
        return [(prefix + name, part) for name, part in parts if part is not msgspec.UNSET]
    if isinstance(value, Mapping):
        return [(f"{prefix}{key}", item) for key, item in value.items()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [(f"{path}[{i}]", item) for i, item in enumerate(value)]
    return []


def _locate(value: Any, path: str, exc: BaseException) -> tuple[str, BaseException]:
    """The innermost field of ``value`` (at ``path``) whose encoding fails, and why.

    Only run once encoding has failed, so the cost of encoding parts again
    never falls on a good body.
    """
    for child_path, child in _children(value, path):
        try:
            encoder.encode(child)
        except ENCODE_ERRORS as child_exc:
            return _locate(child, child_path, child_exc)
    # Every part encodes alone: the fault is this value itself (or a dict key).
    return path, exc


@lru_cache(maxsize=256)
def _decoder(cast_to: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(cast_to)


def decoder_for(cast_to: type[T]) -> msgspec.json.Decoder[T]:
    """Return the cached decoder for ``cast_to`` (built once per type)."""
    decoder: msgspec.json.Decoder[T] = _decoder(cast_to)  # type: ignore[arg-type]
    return decoder
