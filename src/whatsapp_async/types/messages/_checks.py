"""The base Structs of every request body and the checks their ``_check`` methods share.

Each helper raises :class:`~whatsapp_async.errors.ValidationError` naming the
dotted wire field it was given.
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec
from msgspec import UNSET

from ..._validation import check_id, check_length
from ...errors import ValidationError


def _text(path: str, value: object, maximum: int, *, minimum: int = 1) -> None:
    check_length(path, value, maximum, minimum=minimum)  # type: ignore[arg-type]


def _optional_text(path: str, value: object, maximum: int, *, minimum: int = 1) -> None:
    if value is not UNSET:
        check_length(path, value, maximum, minimum=minimum)  # type: ignore[arg-type]


def _id(path: str, value: object) -> None:
    check_id(path, value)  # type: ignore[arg-type]


def _items(path: str, value: object, kind: type, *, minimum: int, maximum: int | None) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise ValidationError(path, f"must be a list of {kind.__name__.lstrip('_')}")
    n = len(value)
    if n < minimum:
        raise ValidationError(path, f"must have at least {minimum} item(s), got {n}")
    if maximum is not None and n > maximum:
        raise ValidationError(path, f"must have at most {maximum} items, got {n}")
    for i, item in enumerate(value):
        if not isinstance(item, kind):
            raise ValidationError(
                f"{path}[{i}]",
                f"must be a {kind.__name__.lstrip('_')}, got {type(item).__name__}",
            )
    return list(value)


def _struct(path: str, value: object, kind: type | tuple[type, ...]) -> None:
    if not isinstance(value, kind):
        names = (
            " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
        )
        raise ValidationError(path, f"must be a {names}, got {type(value).__name__}")


class _Wire(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Base of request bodies: keyword-only, unset fields never on the wire."""

    def _check(self, path: str) -> None:
        """Raise ValidationError for the first rule broken below ``path``."""


class _Message(_Wire, kw_only=True):
    """Base of every message Struct that :meth:`MessagesResource.send` accepts."""

    #: The wire ``type`` of the message (the kind).
    kind: ClassVar[str]

    def validate(self) -> None:
        """Check every limit Meta documents for this message.

        Raises:
            ValidationError: Names the dotted wire field and the rule broken.
        """
        self._check(self.kind)
