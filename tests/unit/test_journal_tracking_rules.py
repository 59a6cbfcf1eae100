"""How statuses are matched to a campaign's rows (shared by both journal backends).

``delivery_rows``, ``tagged_keys`` and ``untagged_wamids`` are what the SQLite
and PostgreSQL journals' ``apply_statuses`` run on each batch; these tests
check the rules without a database. The journals themselves are tested in
test_campaign_tracking.py and tests/integration/test_journal_backends.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from whatsapp_async._campaign_tag import campaign_key, campaign_tag
from whatsapp_async._journal_tracking import (
    TIME_COLUMNS,
    TRACKED_STATUSES,
    StatusUpdate,
    TrackResult,
    _Campaigns,
    apply_updates,
    delivery_rows,
    tagged_keys,
    untagged_wamids,
)
from whatsapp_async.journal import Journal, JournalEntry

KEY = campaign_key("spring")
OTHER = campaign_key("other")
TAG = campaign_tag("spring", 4)


def known(*keys: str) -> Callable[[str], bool]:
    return lambda key: key in keys


def nowhere(wamid: str) -> tuple[str, int | None] | None:
    return None


def test_the_tracked_statuses_and_their_columns() -> None:
    assert TRACKED_STATUSES == {"sent": "sent_at", "delivered": "delivered_at",
                                "read": "read_at", "played": "played_at",
                                "failed": "failed_at"}
    assert TIME_COLUMNS == ("sent_at", "delivered_at", "read_at", "played_at", "failed_at")


def test_tagged_keys_are_those_of_tracked_statuses_with_a_tag() -> None:
    updates = [
        StatusUpdate("w1", "delivered", 1.0, TAG),
        StatusUpdate("w2", "read", 1.0, campaign_tag("other", 0, "mine")),
        StatusUpdate("w3", "deleted", 1.0, campaign_tag("third", 0)),  # not tracked
        StatusUpdate("w4", "sent", 1.0, "not a tag"),
        StatusUpdate("w5", "sent", 1.0),
    ]
    assert tagged_keys(updates) == {KEY, OTHER}
    assert tagged_keys([]) == set()


def test_untagged_wamids_are_tracked_statuses_the_tags_do_not_place() -> None:
    updates = [
        StatusUpdate("w1", "delivered", 1.0, TAG),  # placed by its tag
        StatusUpdate("w2", "read", 1.0, campaign_tag("other", 0)),  # a campaign not known
        StatusUpdate("w3", "sent", 1.0),  # no tag
        StatusUpdate("w4", "warning", 1.0),  # not tracked
        StatusUpdate("w5", "failed", 1.0, "order-17"),  # not a tag
    ]
    assert untagged_wamids(updates, known(KEY)) == ["w2", "w3", "w5"]


def test_a_tagged_status_of_a_known_campaign_is_placed_by_its_tag_alone() -> None:
    asked: list[str] = []

    def find(wamid: str) -> tuple[str, int | None] | None:
        asked.append(wamid)
        return None

    rows, result = delivery_rows([StatusUpdate("w1", "read", 7.5, TAG)],
                                 known(KEY), find)
    assert asked == []
    assert rows == [("w1", KEY, 4, None, None, 7.5, None, None,
                     None, None, None, None, None)]
    assert result == TrackResult(applied=1, unknown=0, ignored=0)


def test_a_status_not_placed_by_a_tag_is_looked_up_by_its_wamid() -> None:
    found = {"w2": ("spring", 9), "w3": ("other", None)}
    updates = [
        StatusUpdate("w0", "warning", 0.5, TAG),  # not tracked: ignored, and the rest still read
        StatusUpdate("w2", "delivered", 2.0, campaign_tag("gone", 1)),  # campaign not known
        StatusUpdate("w3", "sent", 3.0),
        StatusUpdate("w4", "failed", 4.0),  # neither way: unknown
        StatusUpdate("w5", "deleted", 5.0, TAG),
    ]
    rows, result = delivery_rows(updates, known(KEY), found.get)
    assert [r[:3] for r in rows] == [("w2", KEY, 9), ("w3", OTHER, None)]
    assert rows[0][3:8] == (None, 2.0, None, None, None)
    assert rows[1][3:8] == (3.0, None, None, None, None)
    assert result == TrackResult(applied=2, unknown=1, ignored=2)


def test_each_status_fills_in_its_own_time_column() -> None:
    for status, column in TRACKED_STATUSES.items():
        rows, _ = delivery_rows([StatusUpdate("w", status, 9.0, TAG)],
                                known(KEY), nowhere)
        times = dict(zip(TIME_COLUMNS, rows[0][3:8], strict=True))
        assert times == {c: (9.0 if c == column else None) for c in TIME_COLUMNS}


def test_a_failures_details_and_the_pricing_are_kept() -> None:
    failed = StatusUpdate("w", "failed", 1.0, TAG, error_code=131047, error_title="Re-engage",
                          error_detail="more than 24 hours", pricing_category="marketing",
                          billable=False)
    rows, _ = delivery_rows([failed], known(KEY), nowhere)
    assert rows[0][8:] == (131047, "Re-engage", "more than 24 hours", "marketing", 0)
    billed = StatusUpdate("w", "sent", 1.0, TAG, billable=True)
    rows, _ = delivery_rows([billed], known(KEY), nowhere)
    assert rows[0][12] == 1
    rows, _ = delivery_rows([StatusUpdate("w", "sent", 1.0, TAG)], known(KEY),
                            nowhere)
    assert rows[0][8:] == (None, None, None, None, None)


def test_an_empty_batch_is_nothing_applied() -> None:
    assert delivery_rows([], known(), nowhere) == ([], TrackResult())
    assert TrackResult() == TrackResult(0, 0, 0)


# ----------------------------------------------------------------------------- the SQLite journal


async def two_campaigns(db: Path) -> None:
    for campaign, rows in (("spring", 1), ("other", 2)):
        async with Journal(db, campaign=campaign) as journal:
            for i in range(rows):
                await journal.record(JournalEntry(f"+1555000{i:04d}", "sent", row=i,
                                                  message_id=f"wamid.{campaign}{i}", attempts=1))


def campaign_reads(conn: sqlite3.Connection) -> list[str]:
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    return statements


async def test_the_campaign_list_is_read_once_per_batch_and_kept_between_batches(
    tmp_path: Path,
) -> None:
    db = tmp_path / "j.db"
    await two_campaigns(db)
    conn = sqlite3.connect(db)
    try:
        statements = campaign_reads(conn)
        campaigns = _Campaigns()
        batch = [StatusUpdate("wamid.spring0", "sent", 1.0, campaign_tag("spring", 0)),
                 StatusUpdate("wamid.other1", "sent", 1.0, campaign_tag("other", 1)),
                 StatusUpdate("x", "sent", 1.0, campaign_tag("never", 3))]
        assert apply_updates(conn, batch, campaigns).applied == 2
        reads = [s for s in statements if "FROM campaigns" in s]
        assert len(reads) == 1  # one batch, three tags, two of them new: one read
        statements.clear()
        assert apply_updates(conn, batch[:2], campaigns).applied == 2
        assert [s for s in statements if "FROM campaigns" in s] == []  # known from before
        # without a cache of its own, a call still works (and reads the list itself)
        assert apply_updates(conn, batch[:1]).applied == 1
    finally:
        conn.close()


async def test_report_and_export_take_another_campaign_of_the_file(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    await two_campaigns(db)
    async with Journal(db, campaign="spring") as journal:
        assert (await journal.report()).rows == 1
        other = await journal.report("other")
        assert (other.campaign, other.rows) == ("other", 2)
        assert await journal.export(tmp_path / "mine.csv") == 1
        assert await journal.export(tmp_path / "other.csv", campaign="other") == 2
    assert "wamid.other1" in (tmp_path / "other.csv").read_text(encoding="utf-8")
    assert "wamid.other" not in (tmp_path / "mine.csv").read_text(encoding="utf-8")


async def test_export_writes_csv_by_default_and_json_lines_when_asked(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    await two_campaigns(db)
    async with Journal(db, campaign="other") as journal:
        await journal.export(tmp_path / "out.csv")
        await journal.export(tmp_path / "out.jsonl", format="jsonl")
    header = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("line,row,recipient,status")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["wamid"] for line in lines] == ["wamid.other0", "wamid.other1"]


async def test_a_journal_keeps_the_campaign_list_between_its_batches(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    await two_campaigns(db)
    statements: list[str] = []
    batch = [StatusUpdate("wamid.other1", "sent", 1.0, campaign_tag("other", 1))]
    async with Journal(db, campaign="spring") as journal:
        # (the journal's own connection, traced for this test)
        await journal._run(lambda conn: conn.set_trace_callback(statements.append))
        assert (await journal.apply_statuses(batch)).applied == 1
        assert (await journal.apply_statuses(batch)).applied == 1
        await journal._run(lambda conn: conn.set_trace_callback(None))
    assert len([s for s in statements if "FROM campaigns" in s]) == 1
