"""A run's counts: the snapshot's fields and rate, the report, the progress pacing.

Found by mutation testing (docs/mutation-testing.md): the counts per status,
the rate (requests, not skips, per second), the duration and the ETA's
sampling window had no test that pinned their values.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from whatsapp_async.bulk import BroadcastProgress, SendError, SendOutcome
from whatsapp_async.bulk._tally import ETA_WINDOW, Tally
from whatsapp_async.journal import Journal


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


ERROR = SendError(type="RecipientError", message="refused", code=131026)


def tally_of(
    total: int | None = None, *, on_progress: list[BroadcastProgress] | None = None,
    interval: float = 0.2,
) -> tuple[Tally, Clock]:
    clock = Clock()
    callback = on_progress.append if on_progress is not None else None
    return Tally(total, callback, interval, clock=clock), clock


def add(tally: Tally, status: str, n: int = 1) -> None:
    for _ in range(n):
        error = ERROR if status in ("failed", "unknown") else None
        tally.add(SendOutcome("+15550000001", status, error=error), in_flight=0)  # type: ignore[arg-type]


def mixed(tally: Tally) -> None:
    """3 sent, 2 failed, 1 unknown (6 requests) and 4 skipped."""
    add(tally, "sent", 3)
    add(tally, "failed", 2)
    add(tally, "unknown", 1)
    add(tally, "skipped", 4)


# --------------------------------------------------------------------------- snapshot


def test_a_snapshot_before_the_start_has_no_elapsed_time_no_rate_and_no_eta() -> None:
    tally, _clock = tally_of(10)
    add(tally, "sent")
    snapshot = tally.progress(0)
    assert (snapshot.elapsed, snapshot.rate, snapshot.eta) == (0.0, 0.0, None)


def test_a_snapshot_counts_each_status_and_rates_the_requests_only() -> None:
    tally, clock = tally_of(20)
    tally.started = clock()
    mixed(tally)
    clock.now += 2.0
    snapshot = tally.progress(3)
    assert (snapshot.done, snapshot.sent, snapshot.failed, snapshot.unknown,
            snapshot.skipped, snapshot.in_flight, snapshot.total) == (10, 3, 2, 1, 4, 3, 20)
    assert snapshot.elapsed == pytest.approx(2.0)
    assert snapshot.rate == pytest.approx(6 / 2.0)  # skips made no request


def test_the_rate_is_measured_within_the_first_second_too() -> None:
    tally, clock = tally_of()
    tally.started = clock()
    add(tally, "sent", 2)
    clock.now += 0.5
    assert tally.progress(0).rate == pytest.approx(4.0)


def test_no_eta_while_no_row_is_done_yet() -> None:
    tally, clock = tally_of(10)
    tally.started = clock()
    clock.now += 2.0
    assert tally.progress(0).eta is None


def test_the_eta_measures_the_pace_since_the_last_sample_before_the_window() -> None:
    # 100 fast rows in the first second, a snapshot, then 20 s of slow rows with
    # nobody asking: the ETA must use the 20 s since that snapshot, not the
    # whole run (the fast start would make it far too short).
    tally, clock = tally_of(1000)
    tally.started = clock()
    clock.now += 1.0
    add(tally, "sent", 100)
    tally.progress(0)
    clock.now += 2 * ETA_WINDOW
    add(tally, "sent", 40)
    eta = tally.progress(0).eta
    assert eta == pytest.approx((1000 - 140) * 2 * ETA_WINDOW / 40)


def test_the_eta_keeps_a_sample_at_most_every_quarter_second() -> None:
    # A display asking 100 times a second must not grow the history without bound.
    tally, clock = tally_of(10**6)
    tally.started = clock()
    for i in range(3000):  # 30 s, a row every 0.1 s
        clock.now += 0.01
        if i % 10 == 0:
            add(tally, "sent")
        tally.progress(0)
    assert tally.progress(0).eta is not None
    assert len(tally._samples) <= ETA_WINDOW / 0.25 + 2


# --------------------------------------------------------------------------- progress calls


def test_progress_is_reported_at_most_once_per_interval() -> None:
    shown: list[BroadcastProgress] = []
    tally, clock = tally_of(100, on_progress=shown, interval=1.0)
    tally.started = clock()
    for _ in range(50):  # 5 s of rows, 10 a second
        clock.now += 0.1
        add(tally, "sent")
    assert 4 <= len(shown) <= 6


def test_a_raising_progress_callback_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(progress: BroadcastProgress) -> None:
        raise RuntimeError("display gone")

    tally = Tally(1, broken, 0.0, clock=Clock())
    with caplog.at_level(logging.ERROR, logger="whatsapp_async"):
        add(tally, "sent")  # does not raise
    [record] = caplog.records
    assert record.getMessage() == "broadcast: the progress callback raised"
    assert record.exc_info is not None and "display gone" in str(record.exc_info[1])


# --------------------------------------------------------------------------- report


def test_the_report_counts_each_status_and_rates_the_requests_over_the_duration() -> None:
    tally, clock = tally_of()
    tally.started = clock()
    mixed(tally)
    tally.finished = clock.now + 4.0
    clock.now += 100.0  # the report is read later: the run's own end counts
    report = tally.report(cancelled=False, stop_reason=None, journal=None)
    assert (report.total, report.sent, report.failed, report.unknown, report.skipped) == (
        10, 3, 2, 1, 4
    )
    assert report.errors == {"131026": 3}
    assert report.duration == pytest.approx(4.0)
    assert report.rate == pytest.approx(6 / 4.0)


def test_a_run_shorter_than_a_second_has_its_rate() -> None:
    tally, clock = tally_of()
    tally.started = clock()
    add(tally, "sent", 3)
    tally.finished = clock.now + 0.5
    assert tally.report(cancelled=False, stop_reason=None, journal=None).rate == pytest.approx(6)


def test_a_run_of_no_duration_has_a_rate_of_zero() -> None:
    tally, clock = tally_of()
    tally.started = clock()
    add(tally, "skipped", 2)
    tally.finished = tally.started
    report = tally.report(cancelled=False, stop_reason=None, journal=None)
    assert (report.duration, report.rate) == (0.0, 0.0)


def test_a_stop_reason_is_reported_only_for_a_cancelled_run() -> None:
    tally, clock = tally_of()
    tally.started = tally.finished = clock()
    assert tally.report(cancelled=False, stop_reason="late", journal=None).stop_reason is None
    assert tally.report(cancelled=True, stop_reason="late", journal=None).stop_reason == "late"


def test_the_report_names_the_journals_campaign_and_file(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "spring.db", campaign="spring-sale")
    tally, clock = tally_of()
    tally.started = tally.finished = clock()
    report = tally.report(cancelled=False, stop_reason=None, journal=journal)
    assert (report.campaign, report.journal) == ("spring-sale", str(tmp_path / "spring.db"))
    bare = tally.report(cancelled=False, stop_reason=None, journal=None)
    assert (bare.campaign, bare.journal) == (None, None)
