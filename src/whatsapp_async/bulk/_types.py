"""The public types of a broadcast: its rows, their outcomes, progress and the report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from ..types.messages import Message

if TYPE_CHECKING:
    from ..client import WhatsAppClient

__all__ = [
    "BroadcastProgress",
    "BroadcastReport",
    "OutcomeStatus",
    "Recipient",
    "SendError",
    "SendFunction",
    "SendOutcome",
]

OutcomeStatus = Literal["sent", "failed", "unknown", "skipped"]


class Recipient(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """One row of a broadcast.

    Attributes:
        to: The recipient's phone number, international format.
        params: Template body parameters: a sequence for ``{{1}}``, ``{{2}}``...
            or a mapping whose keys are positions (``"1"``) or parameter names.
        message: A message Struct for this recipient, instead of the broadcast's
            template or message.
        callback_data: Your own value for the send's ``biz_opaque_callback_data``,
            kept after the campaign tag (at most 480 characters; see
            :func:`~whatsapp_async.bulk.parse_tag`).
    """

    to: str
    params: Sequence[str] | Mapping[str, str] | None = None
    message: Message | None = None
    callback_data: str | None = None


#: A custom send: ``(client, to, recipient) -> sent``, ``to`` being the normalised number.
SendFunction = Callable[["WhatsAppClient", str, Recipient], Awaitable[Any]]


class SendError(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """Why a row was not sent, or not known to be.

    Attributes:
        type: The exception class (``"RecipientError"``, ``"OutcomeUnknownError"``)
            or the reason a row was skipped (``"Duplicate"``, ``"AlreadyDone"``,
            ``"ValidationError"``, ``"Interrupted"``, ``"Stopped"``).
        message: Human-readable text.
        code: Graph error code, when the API gave one.
    """

    type: str
    message: str
    code: int | None = None

    @property
    def key(self) -> str:
        """The key of :attr:`BroadcastReport.errors`: the code when known, else the type."""
        return str(self.code) if self.code is not None else self.type


class SendOutcome(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """What happened to one row. Every row gets exactly one.

    Attributes:
        to: The recipient, normalised to E.164 when it was valid (else as given).
        status: ``sent`` (accepted by the API), ``failed`` (refused; ``error``
            says why), ``unknown`` (it may have been sent; never resent
            automatically) or ``skipped`` (duplicate, invalid input, or already
            done in an earlier run).
        message_id: The ``wamid`` of a sent message.
        error: Why it was not sent (``failed``, ``unknown``, ``skipped``).
        attempts: HTTP attempts made for this row.
        row: 0-based position of the row in the input.
        duplicate_of: For a duplicate (``error.type == "Duplicate"``), the
            position of the row its recipient was first met at.
    """

    to: str
    status: OutcomeStatus
    message_id: str | None = None
    error: SendError | None = None
    attempts: int = 0
    row: int = -1
    duplicate_of: int | None = None


class BroadcastProgress(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A snapshot for progress bars, passed to ``on_progress``.

    Attributes:
        done: Rows with an outcome.
        sent: Outcomes ``sent``.
        failed: Outcomes ``failed``.
        unknown: Outcomes ``unknown``.
        skipped: Outcomes ``skipped``.
        in_flight: Rows taken but without an outcome yet.
        total: Number of rows when the input has a length (or ``total=`` was given).
        elapsed: Seconds since the run started.
        rate: Requests per second so far (sent + failed + unknown over elapsed).
        eta: Seconds until every row has an outcome, from the rate of the last
            few seconds; None while unknown (no ``total``, under a second of
            history, no row done lately, or a run that ended short).
    """

    done: int
    sent: int
    failed: int
    unknown: int
    skipped: int
    in_flight: int
    total: int | None
    elapsed: float
    rate: float
    eta: float | None = None


class BroadcastReport(msgspec.Struct, frozen=True, kw_only=True):
    """The summary of a broadcast.

    Attributes:
        total: Rows that got an outcome.
        sent: Outcomes ``sent``.
        failed: Outcomes ``failed``.
        unknown: Outcomes ``unknown``.
        skipped: Outcomes ``skipped``.
        errors: Count per error key: the Graph code (``"131026"``) when there
            was one, else the type (``"OutcomeUnknownError"``, ``"Duplicate"``).
        duration: Seconds from start to the last outcome.
        rate: Achieved requests per second (sent + failed + unknown over duration).
        cancelled: The run was stopped before the input was exhausted.
        stop_reason: Why it stopped early, if it did.
        campaign: Journal campaign name, when journaled.
        journal: Journal file (or DSN, without its password), when journaled.
    """

    total: int
    sent: int
    failed: int
    unknown: int
    skipped: int
    errors: dict[str, int]
    duration: float
    rate: float
    cancelled: bool = False
    stop_reason: str | None = None
    campaign: str | None = None
    journal: str | None = None

    @property
    def ok(self) -> bool:
        """True when nothing failed or ended unknown and the run was not cut short."""
        return self.failed == 0 and self.unknown == 0 and not self.cancelled

    def summary(self) -> str:
        """A few lines of plain text for logs and terminals."""
        lines = [
            f"rows {self.total}: sent {self.sent}, failed {self.failed}, "
            f"unknown {self.unknown}, skipped {self.skipped}",
            f"duration {self.duration:.1f}s, rate {self.rate:.1f}/s",
        ]
        if self.errors:
            ranked = sorted(self.errors.items(), key=lambda kv: (-kv[1], kv[0]))
            lines.append("errors: " + ", ".join(f"{k} x{v}" for k, v in ranked))
        if self.cancelled:
            lines.append(f"stopped early: {self.stop_reason or 'cancelled'}")
        return "\n".join(lines)
