"""The command's progress displays and summaries: plain text and rich."""

from __future__ import annotations

import io

import pytest

from whatsapp_async.bulk import BroadcastProgress, BroadcastReport
from whatsapp_async.cli._campaign import CampaignTotals
from whatsapp_async.cli._display import PlainDisplay, RichDisplay, format_eta


def progress(eta: float | None) -> BroadcastProgress:
    return BroadcastProgress(
        done=40, sent=38, failed=1, unknown=0, skipped=1, in_flight=2, total=100,
        elapsed=4.0, rate=10.0, eta=eta,
    )


REPORT = BroadcastReport(
    total=3, sent=1, failed=0, unknown=0, skipped=2, errors={"AlreadyDone": 2},
    duration=1.0, rate=1.0, campaign="spring", journal="run.db",
)
TOTALS = CampaignTotals("spring", {"sent": 3, "failed": 1})


@pytest.mark.parametrize(
    ("eta", "shown"), [(None, "?"), (0.0, "0:00"), (8.4, "0:08"), (125, "2:05"), (3725, "1:02:05")]
)
def test_an_eta_is_shown_as_minutes_and_seconds(eta: float | None, shown: str) -> None:
    assert format_eta(eta) == shown


def test_the_plain_progress_line_shows_the_eta() -> None:
    stream = io.StringIO()
    PlainDisplay(stream).update(progress(125.0))
    assert stream.getvalue().rstrip().endswith("| eta 2:05")


def test_the_plain_progress_line_says_when_the_eta_is_unknown() -> None:
    stream = io.StringIO()
    PlainDisplay(stream).update(progress(None))
    assert stream.getvalue().rstrip().endswith("| eta ?")


def test_the_rich_progress_bar_shows_the_eta() -> None:
    err, out = io.StringIO(), io.StringIO()
    display = RichDisplay(100, err=err, out=out)
    display.update(progress(125.0))
    display.close()
    assert "eta 2:05" in err.getvalue()


def test_the_plain_summary_of_a_resumed_run_adds_the_campaigns_totals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    PlainDisplay(io.StringIO()).summary(REPORT, "resumed", TOTALS)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("rows 3: sent 1")
    assert ("campaign 'spring', all runs: 4 rows: sent 3, failed 1, unknown 0, "
            "skipped 0") in lines


def test_the_rich_summary_of_a_resumed_run_has_a_column_for_the_campaign() -> None:
    out = io.StringIO()
    display = RichDisplay(3, err=io.StringIO(), out=out)
    display.summary(REPORT, "resumed", TOTALS)
    text = out.getvalue()
    assert "this run" in text and "campaign 'spring', all runs" in text
    rows = {line.split()[1]: line.split()[3::2] for line in text.splitlines()
            if line.startswith("│") and line.split()[1] in ("sent", "failed", "total")}
    assert rows == {"sent": ["1", "3"], "failed": ["0", "1"], "total": ["3", "4"]}
