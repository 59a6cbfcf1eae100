"""The ``whatsapp-async`` command as a user runs it: a real process, Ctrl-C included."""

from __future__ import annotations

import csv
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


def write_recipients(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "name"])
        writer.writerows([f"+1555{i:07d}", f"name {i}"] for i in range(rows))
    return path


def journal_statuses(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT status, COUNT(*) FROM outcomes GROUP BY status"))
    finally:
        conn.close()


def rows_recorded(db: Path) -> int:
    """Rows in the journal so far; 0 while the writer has not created its tables yet."""
    if not db.exists():
        return 0
    try:
        return sum(journal_statuses(db).values())
    except sqlite3.OperationalError:
        # The file exists a moment before its tables ("no such table: outcomes").
        return 0


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "whatsapp_async", *args]


def test_ctrl_c_stops_the_broadcast_records_everything_and_exits_130(tmp_path: Path) -> None:
    people = write_recipients(tmp_path / "people.csv", 5_000)
    db = tmp_path / "run.db"
    proc = subprocess.Popen(
        command("broadcast", str(people), "--template", "spring_sale", "--param", "name",
                "--rate", "200", "--journal", str(db), "--sandbox", "--plain"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # Interrupt once the journal shows sends under way.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if rows_recorded(db) >= 200:
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "stopping" in err
    assert "stopped early" in out
    statuses = journal_statuses(db)
    assert "pending" not in statuses
    assert 200 <= statuses.get("sent", 0) < 5_000


def test_a_resumed_cli_run_finishes_the_campaign(tmp_path: Path) -> None:
    people = write_recipients(tmp_path / "people.csv", 300)
    db = tmp_path / "run.db"
    base = ("broadcast", str(people), "--template", "spring_sale", "--param", "name",
            "--rate", "2000", "--journal", str(db), "--sandbox", "--quiet")
    first = subprocess.run(command(*base), capture_output=True, text=True, timeout=120,
                           check=False)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(command(*base, "--resume"), capture_output=True, text=True,
                           timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    assert "sent 0" in again.stdout and "skipped 300" in again.stdout
    assert journal_statuses(db) == {"sent": 300}


def test_a_cli_run_journals_one_outcome_per_csv_row_duplicates_and_invalid_rows_too(
    tmp_path: Path,
) -> None:
    people = tmp_path / "people.csv"
    rows = [[f"+1555{i:07d}", f"name {i}"] for i in range(200)]
    for i in range(0, 200, 20):
        rows.insert(i + 5, [rows[i][0], "again"])  # a duplicate of an earlier row
        rows.insert(i + 9, ["n/a", "oops"])  # the same bad number, many times
    with people.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "name"])
        writer.writerows(rows)
    db, failures = tmp_path / "run.db", tmp_path / "failures.csv"
    base = ("broadcast", str(people), "--template", "spring_sale", "--param", "name",
            "--rate", "2000", "--journal", str(db), "--sandbox", "--quiet",
            "--failures", str(failures))
    for extra in ((), ("--resume",)):
        done = subprocess.run(command(*base, *extra), capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        conn = sqlite3.connect(db)
        try:
            recorded = [r for (r,) in conn.execute(
                "SELECT row FROM outcomes UNION ALL SELECT row FROM row_outcomes ORDER BY row"
            )]
        finally:
            conn.close()
        assert recorded == list(range(len(rows)))
    with failures.open(newline="", encoding="utf-8") as handle:
        listed = list(csv.DictReader(handle))
    # Each listed line of the file holds what the failures CSV says it does.
    for entry in listed:
        line = int(entry["line"])
        phone = rows[line - 2][0]
        if entry["error_type"] == "Duplicate":
            assert phone == entry["phone"] == rows[int(entry["duplicate_of_line"]) - 2][0]
        else:
            assert (phone, entry["error_type"]) == ("n/a", "ValidationError")
    assert len(listed) == 20
