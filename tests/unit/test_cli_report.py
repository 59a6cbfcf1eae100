"""``whatsapp-async report`` and ``journal export``, and the demo's tracking loop."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from whatsapp_async.cli import main
from whatsapp_async.journal import Journal, JournalEntry, StatusUpdate

INT_KEYS = ("rows", "accepted", "delivered", "read", "failed", "unknown", "skipped")


def tracked_journal(db: Path) -> None:
    """Five rows: read, delivered, failed on delivery, a duplicate; one refused on send."""
    asyncio.run(_tracked_journal(db))


async def _tracked_journal(db: Path) -> None:
    async with Journal(db, campaign="sale") as journal:
        for i in range(3):
            await journal.record(JournalEntry(f"+1555000000{i}", "sent", row=i,
                                              message_id=f"wamid.{i}", attempts=1))
        await journal.record(JournalEntry("+15550000009", "failed", row=4, error_code=131009,
                                          error_type="InvalidParameterError",
                                          error_message="bad value", attempts=1))
        await journal.record_row(JournalEntry("+15550000000", "skipped", row=3,
                                              error_type="Duplicate", duplicate_of=0))
        await journal.apply_statuses([
            StatusUpdate("wamid.0", "delivered", 1_796_000_010.0),
            StatusUpdate("wamid.0", "read", 1_796_000_070.0),
            StatusUpdate("wamid.1", "delivered", 1_796_000_020.0),
            StatusUpdate("wamid.2", "failed", 1_796_000_030.0, error_code=131026,
                         error_title="Message undeliverable"),
        ])


async def _record(db: Path, campaign: str, entry: JournalEntry) -> None:
    async with Journal(db, campaign=campaign) as journal:
        await journal.record(entry)


def test_report_json_has_the_funnel_as_integers_and_failures_by_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "j.db"
    tracked_journal(db)
    assert main(["report", str(db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {k: data[k] for k in INT_KEYS} == {
        "rows": 5, "accepted": 3, "delivered": 2, "read": 1, "failed": 2, "unknown": 0,
        "skipped": 1}
    assert all(type(data[k]) is int for k in INT_KEYS)
    assert data["failed_by_code"] == {"131009": 1, "131026": 1}
    assert data["skipped_by_reason"] == {"Duplicate": 1}


def test_report_prints_the_funnel_with_titles_and_hints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "j.db"
    tracked_journal(db)
    assert main(["report", str(db), "--campaign", "sale"]) == 0
    out = capsys.readouterr().out
    assert "delivered 2" in out and "read      1" in out
    assert "131026 x1 (delivery): Message undeliverable - undeliverable:" in out


def test_report_html_is_one_page_with_inline_charts_and_nothing_to_fetch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, page = tmp_path / "j.db", tmp_path / "report.html"
    tracked_journal(db)
    assert main(["report", str(db), "--html", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 2  # the funnel and the timeline
    assert "<script" not in text and "<link" not in text and "src=" not in text
    assert "Message undeliverable" in text


def test_report_of_a_missing_file_or_campaign_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "nope.db")]) == 2
    assert "no journal" in capsys.readouterr().err


def test_report_asks_for_a_campaign_when_the_file_holds_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "j.db"
    tracked_journal(db)
    asyncio.run(_record(db, "other", JournalEntry("+15550000001", "sent", row=0,
                                                  message_id="w")))
    assert main(["report", str(db)]) == 2
    err = capsys.readouterr().err
    assert "--campaign" in err and "'other'" in err and "'sale'" in err
    assert main(["report", str(db), "--campaign", "missing"]) == 2


def test_report_reads_an_older_journal_without_changing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "v1.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE campaigns (name TEXT PRIMARY KEY, created_at REAL NOT NULL, "
        "description TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE outcomes (campaign TEXT NOT NULL, recipient TEXT NOT NULL, row INTEGER, "
        "status TEXT NOT NULL, message_id TEXT, error_code INTEGER, error_type TEXT, "
        "error_message TEXT, attempts INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL, "
        "PRIMARY KEY (campaign, recipient)) WITHOUT ROWID;"
        "CREATE TABLE row_outcomes (campaign TEXT NOT NULL, row INTEGER NOT NULL, "
        "recipient TEXT NOT NULL, status TEXT NOT NULL, duplicate_of INTEGER, error_code "
        "INTEGER, error_type TEXT, error_message TEXT, updated_at REAL NOT NULL, "
        "PRIMARY KEY (campaign, row)) WITHOUT ROWID;"
        "INSERT INTO outcomes VALUES ('c', '+15550000001', 0, 'sent', 'w', NULL, NULL, NULL, "
        "1, 1796000000.0);"
        "PRAGMA user_version = 1;"
    )
    conn.close()
    assert main(["report", str(db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["rows"], data["accepted"], data["delivered"]) == (1, 1, 0)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'deliveries'"
                            ).fetchone() is None
    finally:
        conn.close()


def test_journal_export_csv_has_one_line_per_row_with_its_file_line_and_times(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "j.db"
    tracked_journal(db)
    assert main(["journal", "export", str(db), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["row"], r["line"], r["status"], r["delivery"]) for r in rows] == [
        ("0", "2", "sent", "read"), ("1", "3", "sent", "delivered"),
        ("2", "4", "sent", "failed"), ("3", "5", "skipped", ""), ("4", "6", "failed", ""),
    ]
    assert rows[0]["wamid"] == "wamid.0" and rows[0]["attempts"] == "1"
    assert rows[0]["delivered_at"] == "2026-11-30T00:53:30.000+00:00"
    assert rows[0]["read_at"] == "2026-11-30T00:54:30.000+00:00"
    assert (rows[2]["error_code"], rows[2]["error"]) == ("131026", "Message undeliverable")
    assert rows[3]["duplicate_of_line"] == "2"


def test_journal_export_jsonl_writes_one_object_per_row_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, out = tmp_path / "j.db", tmp_path / "rows.jsonl"
    tracked_journal(db)
    assert main(["journal", "export", str(db), "--format", "jsonl", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == [2, 3, 4, 5, 6]
    assert records[1]["delivered_at"] == "2026-11-30T00:53:40.000+00:00"
    assert records[1]["read_at"] is None
    assert "5 rows" in capsys.readouterr().err


async def test_journal_export_from_python_matches_the_command(tmp_path: Path) -> None:
    db, out = tmp_path / "j.db", tmp_path / "rows.csv"
    await _tracked_journal(db)
    async with Journal(db, campaign="sale") as journal:
        assert await journal.export(out, format="csv") == 5


def test_the_demo_tracks_its_status_webhooks_and_the_report_shows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.db"
    assert main(["demo", "--rows", "1500", "--rate", "5000", "--journal", str(db),
                 "--plain", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "the webhook receiver tracked" in out and "campaign 'demo'" in out
    assert main(["report", str(db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["accepted"] > 0
    assert 0 < data["read"] < data["delivered"] < data["accepted"]
    assert set(data["failed_by_code"]) <= {"131026", "131049", "131050"}
    assert data["failed_by_code"]
    # A second demo on the same file runs as a campaign of its own.
    assert main(["demo", "--rows", "20", "--rate", "5000", "--journal", str(db),
                 "--plain", "--quiet"]) == 0
    assert "campaign 'demo-2'" in capsys.readouterr().out


def test_journal_export_with_the_source_csv_counts_lines_as_the_broadcast_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, source = tmp_path / "j.db", tmp_path / "list.csv"
    tracked_journal(db)
    # A blank line and a cell spanning two lines shift rows 1 and up.
    source.write_text('phone,name\n+15550000000,Ana\n\n+15550000001,"Ben\nB."\n'
                      "+15550000002,Cy\n+15550000000,Ana\n+15550000009,Di\n", encoding="utf-8")
    assert main(["journal", "export", str(db), "--format", "jsonl", "--csv", str(source)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["line"] for r in records] == [2, 4, 6, 7, 8]
    assert records[3]["duplicate_of_line"] == 2
