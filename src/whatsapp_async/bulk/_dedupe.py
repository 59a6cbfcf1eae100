"""Which recipients a run has already met, in one byte each, and what a repeat gets.

A broadcast sends at most once per recipient: a duplicate row in the input,
or a recipient a resumed run finds in its journal, gets an outcome without a
send. :class:`RecipientStates` keeps every recipient's state for the whole run, so it
must stay small for millions of rows.
"""

from __future__ import annotations

import math
from array import array

from ..errors import MAY_HAVE_BEEN_SENT
from ._types import SendError, SendOutcome

__all__ = [
    "NEW",
    "PREV_BY_STATUS",
    "PREV_FINAL",
    "PREV_PENDING",
    "PRIOR_STATUS",
    "SEEN",
    "NumberTable",
    "RecipientStates",
    "repeat_outcome",
]

# Row states kept per recipient (one byte each).
NEW, SEEN, PREV_FINAL, PREV_PENDING, PREV_UNKNOWN, PREV_FAILED = range(6)
#: What a forgotten "pending" mark falls back to: a resumed row keeps its earlier state.
PRIOR_STATUS = {PREV_PENDING: "pending", PREV_UNKNOWN: "unknown", PREV_FAILED: "failed"}
#: The state of a recipient a journal recorded with a status.
PREV_BY_STATUS = {
    "sent": PREV_FINAL, "skipped": PREV_FINAL, "failed": PREV_FAILED,
    "unknown": PREV_UNKNOWN, "pending": PREV_PENDING,
}


def _prime_below(n: int) -> int:
    """The largest prime below ``n`` (n >= 3); table sizes, so keys spread by ``key % size``."""
    n -= 1
    while n > 2:
        if n % 2 and all(n % d for d in range(3, math.isqrt(n) + 1, 2)):
            return n
        n -= 1
    return 2


# Arrays are made by repeating one zero: no transient bytes object as big as the array.
_ZERO_KEY = (0,)
_ZERO_ROW = (0,)

#: Row positions a :class:`NumberTable` can remember (stored + 1 in 32 bits; 0 = none).
_MAX_ROW = 0xFFFFFFFE


class NumberTable:
    """A compact map from phone numbers to a one-byte state and the row they were first met at.

    A Python set of a million numbers costs ~64 MB; here the number's digits
    as a 64-bit integer (E.164 has at most 15, never a leading 0) sit in an
    open-addressing array kept a quarter to half full, beside a byte of state
    and 32 bits of row: 26 to 52 bytes per number. The row is what a duplicate
    names as the row it repeats.
    """

    __slots__ = ("_bits", "_count", "_keys", "_rows", "_size", "_vals")

    def __init__(self, bits: int = 12) -> None:
        self._bits = bits
        self._size = _prime_below(1 << bits)
        self._keys = array("q", _ZERO_KEY) * self._size
        self._vals = bytearray(self._size)
        self._rows = array("I", _ZERO_ROW) * self._size
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _slot(self, digits: int) -> int:
        """The index holding ``digits``, or the empty one where it would go."""
        size = self._size
        keys = self._keys
        i = digits % size  # a prime size scatters numbers that share a stride or low digits
        while True:
            k = keys[i]
            if k == digits or k == 0:
                return i
            i += 1
            if i == size:
                i = 0

    def get(self, digits: int) -> int:
        """The state of ``digits`` (``NEW`` if never marked)."""
        i = self._slot(digits)
        return self._vals[i] if self._keys[i] else NEW

    def first_row(self, digits: int) -> int | None:
        """The first row :meth:`mark` was given for ``digits``, or None."""
        i = self._slot(digits)
        stored = self._rows[i] if self._keys[i] else 0
        return stored - 1 if stored else None

    def mark(self, digits: int, value: int, row: int = -1) -> int:
        """Set the state of ``digits`` to ``value`` and return the one it had (``NEW`` if none).

        ``row`` (>= 0) is remembered if the number has no row yet: the first one stays.
        """
        i = self._slot(digits)
        keep_row = not self._rows[i] and 0 <= row <= _MAX_ROW
        if self._keys[i]:
            previous = self._vals[i]
        else:
            previous = NEW
            self._keys[i] = digits
            self._count += 1
        self._vals[i] = value
        if keep_row:
            self._rows[i] = row + 1
        if previous == NEW and self._count * 2 > self._size:
            self._grow()
        return previous

    def _grow(self) -> None:
        old_keys, old_vals, old_rows = self._keys, self._vals, self._rows
        self._bits += 1
        self._size = _prime_below(1 << self._bits)
        self._keys = array("q", _ZERO_KEY) * self._size
        self._vals = bytearray(self._size)
        self._rows = array("I", _ZERO_ROW) * self._size
        self._count = 0
        for i, digits in enumerate(old_keys):
            if digits:
                self.mark(digits, old_vals[i], old_rows[i] - 1)


def _table_key(to: str) -> int | None:
    """``to`` as the number table keeps it, or None for a recipient that does not fit."""
    digits = to[1:]
    # Only normalised numbers fit the table: "+", then ASCII digits, no leading 0.
    if to[:1] == "+" and digits[:1] != "0" and digits.isascii() and digits.isdigit():
        return int(digits)
    return None


class RecipientStates:
    """Per-run state of every recipient: numbers in a compact table, anything else in a dict."""

    __slots__ = ("numbers", "other", "other_rows")

    def __init__(self) -> None:
        self.numbers = NumberTable()
        self.other: dict[str, int] = {}
        self.other_rows: dict[str, int] = {}

    def mark(self, to: str, value: int, row: int = -1) -> int:
        """Set the state of recipient ``to`` and return the one it had.

        Args:
            to: The recipient.
            value: Its new state.
            row: The row it is met at (>= 0), remembered if it has none yet.
        """
        digits = _table_key(to)
        if digits is not None:
            return self.numbers.mark(digits, value, row)
        previous = self.other.get(to, NEW)
        self.other[to] = value
        if row >= 0:
            self.other_rows.setdefault(to, row)
        return previous

    def first_row(self, to: str) -> int | None:
        """The row recipient ``to`` was first met at in this run, or None."""
        digits = _table_key(to)
        if digits is not None:
            return self.numbers.first_row(digits)
        return self.other_rows.get(to)


def repeat_outcome(
    to: str, index: int, state: int, *, resend_unknown: bool, retry_failed: bool,
    first_row: int | None = None,
) -> SendOutcome | None:
    """The outcome of a recipient already seen (this run or a journaled one), or None to send.

    Args:
        to: The normalised recipient.
        index: The row's position in the input.
        state: The state :meth:`RecipientStates.mark` returned for it (not ``NEW``).
        resend_unknown: Send again to recipients whose earlier send may have gone out.
        retry_failed: Send again to recipients an earlier run saw refused.
        first_row: The row the recipient was first met at in this run, when known.

    Returns:
        The row's outcome, or None when it is to be sent.
    """
    if state == SEEN:
        # The row it repeats is in ``duplicate_of``, not in the text: callers number rows
        # their own way (the command line by file line).
        reason = SendError(
            type="Duplicate", message="duplicate of an earlier row; one message per recipient"
        )
        return SendOutcome(to, "skipped", error=reason, row=index, duplicate_of=first_row)
    if state == PREV_FINAL or (state == PREV_FAILED and not retry_failed):
        reason = SendError(type="AlreadyDone", message="has an outcome from an earlier run")
        return SendOutcome(to, "skipped", error=reason, row=index)
    if state in (PREV_PENDING, PREV_UNKNOWN) and not resend_unknown:
        if state == PREV_PENDING:
            reason = SendError(
                type="Interrupted",
                message=f"was being sent when an earlier run stopped; {MAY_HAVE_BEEN_SENT}, "
                "so it is not resent (resend_unknown=True to resend)",
            )
            return SendOutcome(to, "unknown", error=reason, row=index)
        reason = SendError(
            type="AlreadyDone",
            message=f"unknown in an earlier run ({MAY_HAVE_BEEN_SENT}); not resent",
        )
        return SendOutcome(to, "skipped", error=reason, row=index)
    return None
