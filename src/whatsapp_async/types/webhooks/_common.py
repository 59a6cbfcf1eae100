"""Pieces every webhook field family builds on: the Struct base, timestamps, errors, metadata."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec

__all__ = ["ErrorData", "ErrorInfo", "Metadata"]


def _to_datetime(timestamp: str, field: str) -> datetime:
    """Unix seconds as a string (the wire form) -> aware UTC datetime."""
    try:
        return datetime.fromtimestamp(int(timestamp), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        # Imported here: the webhooks package imports this module at load time.
        from ...webhooks import InvalidPayloadError

        raise InvalidPayloadError(f"{field} is not a Unix timestamp: {timestamp[:40]!r}") from None


class _Wire(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Common config: immutable, keyword-only, unknown fields ignored."""


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
