"""One shared msgspec JSON encoder and a cache of decoders, one per target type."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

#: The one encoder every request body goes through.
encoder = msgspec.json.Encoder()


def encode(value: Any) -> bytes:
    """Encode a Struct (or any msgspec-supported value) to JSON bytes."""
    return encoder.encode(value)


@lru_cache(maxsize=256)
def _decoder(cast_to: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(cast_to)


def decoder_for(cast_to: type[T]) -> msgspec.json.Decoder[T]:
    """Return the cached decoder for ``cast_to`` (built once per type)."""
    decoder: msgspec.json.Decoder[T] = _decoder(cast_to)  # type: ignore[arg-type]
    return decoder
