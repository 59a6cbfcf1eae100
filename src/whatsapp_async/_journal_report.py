"""A campaign's report from its journal: the funnel, the failures, timings and the timeline.

:func:`build_report` reads two streams from the journal, one row per recipient
(its send outcome joined to what status webhooks said, by wamid) and one per
row entry (duplicates, invalid rows), and folds them in Python; a
:class:`~whatsapp_async._journal_reader.JournalReader` gives the same streams
from either backend.
"""

from __future__ import annotations

import math
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable
from typing import Any

import msgspec

from ._error_hints import hint_for, title_for
from ._journal_csv import iso_utc
from ._journal_reader import JournalReader, reader_of

__all__ = ["CampaignReport", "Failure", "Percentiles", "TimeBucket", "build_report"]

# Widths a timeline bucket may have, in seconds: the smallest that gives at most ~60 buckets.
_WIDTHS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400)
_MAX_BUCKETS = 60


class Percentiles(msgspec.Struct, frozen=True, kw_only=True):
    """Seconds from acceptance to a status, over the messages that got it.

    Attributes:
        count: Messages measured.
        p50: Median.
        p90: 90th percentile.
        p99: 99th percentile.
        max: Longest.
    """

    count: int
    p50: float
    p90: float
    p99: float
    max: float


class Failure(msgspec.Struct, frozen=True, kw_only=True):
    """One kind of failure and how many rows it ended.

    Attributes:
        key: The error code (``"131026"``), else the exception type.
        count: Rows it ended.
        stage: ``"send"`` (the API refused the request) or ``"delivery"``
            (accepted, then a ``failed`` status).
        title: Meta's title for the code, when known.
        hint: What to do about it, when the library knows.
    """

    key: str
    count: int
    stage: str
    title: str | None = None
    hint: str | None = None


class TimeBucket(msgspec.Struct, frozen=True, kw_only=True):
    """What happened in one slice of time.

    Attributes:
        start: Start of the slice, ISO 8601 in UTC.
        sent: Requests answered (accepted, refused or unknown).
        delivered: ``delivered`` statuses (first time per message).
        read: ``read``/``played`` statuses.
    """

    start: str
    sent: int
    delivered: int
    read: int


class CampaignReport(msgspec.Struct, frozen=True, kw_only=True):
    """What became of a campaign's rows, from its journal and the status webhooks tracked.

    Attributes:
        campaign: Its name.
        rows: Source rows with an outcome.
        accepted: Rows the API accepted (a wamid).
        delivered: Accepted rows with a ``delivered``, ``read`` or ``played`` status.
        read: Rows with a ``read`` or ``played`` status.
        failed: Rows refused on send plus accepted rows whose delivery failed.
        failed_on_send: Rows the API refused.
        failed_on_delivery: Accepted rows with a ``failed`` status and no delivery.
        unknown: Rows whose send may or may not have gone out.
        unknown_seen: Of those, rows a status webhook shows were sent.
        skipped: Rows not sent (duplicates, invalid input).
        pending: Rows marked before a send whose run was killed (resume them).
        awaiting: Accepted rows with no delivery or failure status yet.
        failed_by_code: Failed rows per error key (code, else type).
        failures: The failures, most frequent first, with titles and hints.
        skipped_by_reason: Skipped rows per reason (``Duplicate``, ``ValidationError``).
        billable: Accepted rows a status says are charged.
        pricing: Accepted rows per pricing category.
        time_to_delivered: Seconds from acceptance to ``delivered``.
        time_to_read: Seconds from acceptance to ``read``.
        first_sent: First send answered, ISO 8601 (None without sends).
        last_sent: Last send answered, ISO 8601.
        bucket_seconds: Width of each :attr:`timeline` slice.
        timeline: Sends, deliveries and reads over time.
    """

    campaign: str
    rows: int
    accepted: int
    delivered: int
    read: int
    failed: int
    failed_on_send: int
    failed_on_delivery: int
    unknown: int
    unknown_seen: int
    skipped: int
    pending: int
    awaiting: int
    failed_by_code: dict[str, int]
    failures: list[Failure]
    skipped_by_reason: dict[str, int]
    billable: int
    pricing: dict[str, int]
    time_to_delivered: Percentiles | None
    time_to_read: Percentiles | None
    first_sent: str | None
    last_sent: str | None
    bucket_seconds: int
    timeline: list[TimeBucket]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values."""
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result

    def to_json(self) -> str:
        """The report as one JSON object."""
        return msgspec.json.encode(self).decode()

    def write_html(self, path: str | os.PathLike[str]) -> None:
        """Write the report as one self-contained HTML page with charts (needs matplotlib).

        Raises:
            ConfigurationError: matplotlib (the ``report`` extra) is not installed.
            OSError: The file cannot be written.
        """
        from ._report_html import write_html

        write_html(self, path)

    def summary(self) -> str:
        """A few lines of plain text for terminals."""

        def pct(n: int, of: int) -> str:
            return f" ({100 * n / of:.1f}%)" if of else ""

        lines = [
            f"campaign {self.campaign!r}: {self.rows} rows",
            f"  accepted  {self.accepted}{pct(self.accepted, self.rows)}",
            f"  delivered {self.delivered}{pct(self.delivered, self.accepted)} of accepted",
            f"  read      {self.read}{pct(self.read, self.accepted)} of accepted",
            f"  failed    {self.failed} ({self.failed_on_send} on send, "
            f"{self.failed_on_delivery} on delivery)",
            f"  unknown   {self.unknown}" + (
                f" ({self.unknown_seen} seen in a status: they were sent)"
                if self.unknown_seen else ""),
            f"  skipped   {self.skipped}" + (
                " (" + ", ".join(f"{k} {v}" for k, v in sorted(self.skipped_by_reason.items()))
                + ")" if self.skipped_by_reason else ""),
        ]
        if self.pending:
            lines.append(f"  pending   {self.pending} (a run was killed: resume it)")
        if self.awaiting:
            lines.append(f"  awaiting a status: {self.awaiting}")
        for name, p in (("delivered", self.time_to_delivered), ("read", self.time_to_read)):
            if p is not None:
                lines.append(f"  time to {name}: p50 {p.p50:.1f}s, p90 {p.p90:.1f}s, "
                             f"p99 {p.p99:.1f}s, max {p.max:.1f}s")
        for f in self.failures:
            about = " - ".join(x for x in (f.title, f.hint) if x)
            lines.append(f"  {f.key} x{f.count} ({f.stage})" + (f": {about}" if about else ""))
        return "\n".join(lines)


def percentiles(values: list[float]) -> Percentiles | None:
    """Nearest-rank percentiles of ``values`` (None when empty)."""
    if not values:
        return None
    values.sort()
    n = len(values)

    def rank(p: float) -> float:
        return values[max(0, math.ceil(p * n) - 1)]

    return Percentiles(count=n, p50=rank(0.5), p90=rank(0.9), p99=rank(0.99), max=values[-1])


def build_report(source: sqlite3.Connection | JournalReader, campaign: str) -> CampaignReport:
    """Read the report of ``campaign`` from a journal (any backend, any layout version).

    Blocking: call it off the event loop.

    Args:
        source: A reader of the journal, or an SQLite connection to a journal file.
        campaign: The campaign name.

    Returns:
        The report; all counts are 0 for a campaign the file does not hold.
    """
    reader = reader_of(source)
    counts: Counter[str] = Counter()
    send_failures: Counter[tuple[str, int | None]] = Counter()
    delivery_failures: Counter[tuple[str, int | None]] = Counter()
    titles: dict[str, str] = {}
    skipped: Counter[str] = Counter()
    pricing: Counter[str] = Counter()
    to_delivered: list[float] = []
    to_read: list[float] = []
    sends: list[float] = []
    deliveries: list[float] = []
    reads: list[float] = []
    billable = 0
    for (status, _row, code, etype, _msg, at, delivered_at, read_at, played_at, failed_at,
         d_code, d_title, category, bill, *_rest) in reader.recipient_rows(campaign):
        counts["rows"] += 1
        if status in ("sent", "failed", "unknown"):
            sends.append(at)
        if status == "sent":
            counts["accepted"] += 1
            seen_read = read_at if read_at is not None else played_at
            if delivered_at is not None or seen_read is not None:
                counts["delivered"] += 1
                if delivered_at is not None:
                    deliveries.append(delivered_at)
                    to_delivered.append(max(0.0, delivered_at - at))
                if seen_read is not None:
                    counts["read"] += 1
                    reads.append(seen_read)
                    to_read.append(max(0.0, seen_read - at))
            elif failed_at is not None:
                key = str(d_code) if d_code is not None else "failed"
                delivery_failures[(key, d_code)] += 1
                if d_title:
                    titles.setdefault(key, d_title)
            else:
                counts["awaiting"] += 1
            if category is not None:
                pricing[category] += 1
            billable += bool(bill)
        elif status == "failed":
            key = str(code) if code is not None else (etype or "failed")
            send_failures[(key, code)] += 1
        elif status == "skipped":
            skipped[etype or "skipped"] += 1
        else:
            counts[status] += 1  # unknown, pending
    for status, _row, etype, *_rest in reader.row_entries(campaign):
        counts["rows"] += 1
        skipped[etype or status] += 1
    failed_by_code: Counter[str] = Counter()
    failures: list[Failure] = []
    for stage, table in (("send", send_failures), ("delivery", delivery_failures)):
        for (key, code), count in table.items():
            failed_by_code[key] += count
            failures.append(Failure(
                key=key, count=count, stage=stage, title=titles.get(key) or title_for(code),
                hint=hint_for(code),
            ))
    failures.sort(key=lambda f: (-f.count, f.key, f.stage))
    width, timeline = _timeline(sends, deliveries, reads)
    on_send, on_delivery = sum(send_failures.values()), sum(delivery_failures.values())
    return CampaignReport(
        campaign=campaign, rows=counts["rows"], accepted=counts["accepted"],
        delivered=counts["delivered"], read=counts["read"], failed=on_send + on_delivery,
        failed_on_send=on_send, failed_on_delivery=on_delivery, unknown=counts["unknown"],
        unknown_seen=reader.unknown_seen(campaign), skipped=sum(skipped.values()),
        pending=counts["pending"], awaiting=counts["awaiting"],
        failed_by_code=dict(failed_by_code.most_common()), failures=failures,
        skipped_by_reason=dict(skipped.most_common()), billable=billable,
        pricing=dict(pricing.most_common()),
        time_to_delivered=percentiles(to_delivered), time_to_read=percentiles(to_read),
        first_sent=iso_utc(min(sends)) if sends else None,
        last_sent=iso_utc(max(sends)) if sends else None,
        bucket_seconds=width, timeline=timeline,
    )


def _timeline(
    sends: list[float], deliveries: list[float], reads: list[float]
) -> tuple[int, list[TimeBucket]]:
    """Buckets of a width from :data:`_WIDTHS` covering every event, at most ~60 of them."""
    everything = [t for series in (sends, deliveries, reads) for t in series]
    if not everything:
        return _WIDTHS[0], []
    start, end = min(everything), max(everything)
    width = next((w for w in _WIDTHS if (end - start) / w < _MAX_BUCKETS), _WIDTHS[-1])
    origin = math.floor(start / width) * width
    size = int((end - origin) // width) + 1

    def count(series: Iterable[float]) -> list[int]:
        slots = [0] * size
        for t in series:
            slots[int((t - origin) // width)] += 1
        return slots

    s, d, r = count(sends), count(deliveries), count(reads)
    return width, [
        TimeBucket(start=iso_utc(origin + i * width), sent=s[i], delivered=d[i], read=r[i])
        for i in range(size)
    ]
