"""What only the PostgreSQL journal has: a DSN on the command line, a server that is away,
many processes opening one database at once."""

from __future__ import annotations

import asyncio
import csv
import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.support import free_port
from whatsapp_async.cli import main
from whatsapp_async.errors import JournalError
from whatsapp_async.journal import JournalEntry, PostgresJournal, open_journal


def write_recipients(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "name"])
        writer.writerows([f"+1555{i:07d}", f"name {i}"] for i in range(rows))
        writer.writerow(["+15550000003", "again"])  # a duplicate of row 3
        writer.writerow(["n/a", "oops"])
    return path


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "whatsapp_async", *args]


def test_the_cli_broadcasts_into_a_dsn_and_reports_and_exports_from_it(
    fresh_postgres_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    people = write_recipients(tmp_path / "people.csv", 120)
    base = ("broadcast", str(people), "--template", "spring_sale", "--param", "name",
            "--rate", "2000", "--journal", fresh_postgres_dsn, "--campaign", "spring",
            "--sandbox", "--quiet", "--failures", str(tmp_path / "failures.csv"))
    first = subprocess.run(command(*base), capture_output=True, text=True, timeout=120,
                           check=False)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(command(*base, "--resume"), capture_output=True, text=True,
                           timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    assert "sent 0" in again.stdout and "skipped 122" in again.stdout

    assert main(["report", fresh_postgres_dsn, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["campaign"] == "spring"
    assert (data["rows"], data["accepted"], data["skipped"], data["failed"]) == (122, 120, 2, 0)
    assert data["skipped_by_reason"] == {"Duplicate": 1, "ValidationError": 1}

    out = tmp_path / "export.csv"
    assert main(["journal", "export", fresh_postgres_dsn, "--format", "csv", "-o",
                 str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["line"]) for r in rows] == list(range(2, 124))
    assert all(r["wamid"].startswith("wamid.") for r in rows[:120])
    assert rows[120]["duplicate_of_line"] == "5"


def test_the_cli_names_a_missing_campaign_and_what_the_database_holds(
    fresh_postgres_dsn: str, capsys: pytest.CaptureFixture[str],
) -> None:
    async def fill() -> None:
        async with open_journal(fresh_postgres_dsn, campaign="a") as journal:
            await journal.record(JournalEntry("+15550000001", "sent", row=0))

    asyncio.run(fill())
    assert main(["report", fresh_postgres_dsn, "--campaign", "b"]) == 2
    err = capsys.readouterr().err
    assert "holds no campaign 'b'" in err and "'a'" in err


def test_reading_a_database_no_journal_opened_finds_no_campaign_and_creates_nothing(
    fresh_postgres_dsn: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", fresh_postgres_dsn]) == 2
    assert "no campaigns" in capsys.readouterr().err
    with psycopg.connect(fresh_postgres_dsn) as conn:
        assert conn.execute("SELECT to_regclass('outcomes')").fetchone() == (None,)


async def test_an_unreachable_server_is_a_journal_error_without_the_password() -> None:
    dsn = f"postgresql://app:s3cret@127.0.0.1:{free_port()}/nowhere"
    with pytest.raises(JournalError) as info:
        async with open_journal(dsn, campaign="c"):
            pass
    text = str(info.value)
    assert "s3cret" not in text and "s3cret" not in info.value.path
    assert "postgresql://app:***@127.0.0.1" in text
    assert "cannot be reached" in text


def test_the_cli_refuses_an_unreachable_journal_before_sending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    people = write_recipients(tmp_path / "people.csv", 3)
    dsn = f"postgresql://app:s3cret@127.0.0.1:{free_port()}/nowhere"
    code = main(["broadcast", str(people), "--template", "spring_sale", "--param", "name",
                 "--journal", dsn, "--sandbox", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "nothing was sent" in err and "s3cret" not in err


async def test_many_journals_opening_a_new_database_at_once_make_the_tables_once(
    fresh_postgres_dsn: str,
) -> None:
    journals = [PostgresJournal(fresh_postgres_dsn, campaign=f"c{i}") for i in range(8)]
    await asyncio.gather(*(j.open() for j in journals))
    try:
        await asyncio.gather(*(j.record(JournalEntry("+15550000001", "sent", row=0))
                               for j in journals))
        assert await journals[0].campaigns() == [f"c{i}" for i in range(8)]
    finally:
        await asyncio.gather(*(j.close() for j in journals))
    with psycopg.connect(fresh_postgres_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM journal_schema").fetchone() == (1,)


def test_the_repr_and_location_hide_the_password() -> None:
    journal = PostgresJournal("postgresql://app:s3cret@db.internal/j?password=again",
                              campaign="c")
    assert "s3cret" not in repr(journal) and "again" not in journal.location
    assert journal.location == "postgresql://app:***@db.internal/j?password=***"
