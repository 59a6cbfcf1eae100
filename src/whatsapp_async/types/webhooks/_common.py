"""Pieces every webhook field family builds on: the Struct base, timestamps, errors, metadata."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import msgspec

__all__ = ["ErrorData", "ErrorInfo", "Metadata", "Unmodelled"]

Unmodelled = dict[str, Any]
"""JSON path (``messages[0].text.new_key``) -> the value of a key no Struct models."""


def _to_datetime(timestamp: str | int, field: str) -> datetime:
    """Unix seconds as a string (the wire form) -> aware UTC datetime."""
    try:
        return datetime.fromtimestamp(int(timestamp), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        # Imported here: the webhooks package imports this module at load time.
        from ...webhooks import InvalidPayloadError

        text = str(timestamp)[:40]
        raise InvalidPayloadError(f"{field} is not a Unix timestamp: {text!r}") from None


class _Wire(
    msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, forbid_unknown_fields=True,
    gc=False,
):
    """Common config: immutable, keyword-only, unknown keys refused.

    Refusing unknown keys is what keeps parsing lossless and fast: a body
    that fits the Structs exactly decodes in one pass, and one with a key
    this library does not model fails that pass, so the parser takes its
    slower path that puts each such key into the change's ``unmodelled``.
    ``gc=False``: the Structs form trees, never cycles, and leaving them out
    of the garbage collector's tracking keeps a 1,000-update batch from
    triggering collections while it decodes.
    """


class ErrorData(_Wire, frozen=True, kw_only=True):
    """``error_data`` of a webhook error object."""

    details: str | None = None


class ErrorInfo(_Wire, frozen=True, kw_only=True):
    """An error object inside a notification (status, message or value level).

    Attributes:
        code: Graph error code; branch on this (e.g. 131047, 131051).
        title: Short title (Meta folds it into ``message`` and plans to drop it).
        message: Same as the title in current payloads.
        error_data: Holds ``details``, the human explanation.
        href: Link to Meta's error-code page, when present.
    """

    code: int | None = None
    title: str | None = None
    message: str | None = None
    error_data: ErrorData | None = None
    href: str | None = None

    @property
    def details(self) -> str | None:
        """``error_data.details``, the most useful text of the error."""
        return self.error_data.details if self.error_data is not None else None


class Metadata(_Wire, frozen=True, kw_only=True):
    """The business number a change concerns; route on ``phone_number_id``."""

    phone_number_id: str
    display_phone_number: str | None = None


class _ChangeBase(_Wire, frozen=True, kw_only=True):
    """What every typed change has besides its ``value``.

    Attributes:
        field: The change's ``field``.
        unmodelled: Every key of the value this library has no Struct field
            for, by JSON path inside the value (``"messages[0].text.new_key"``)
            -> its decoded JSON value. Empty in the usual case.
    """

    field: str
    unmodelled: Unmodelled = msgspec.field(default_factory=dict)
