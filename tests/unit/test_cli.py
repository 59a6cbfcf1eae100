"""The ``whatsapp-async`` command: CSV checks, broadcast, one-off sends, demo, sandbox."""

from __future__ import annotations

import argparse
import asyncio
import csv
import shlex
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from whatsapp_async.bulk import Broadcast
from whatsapp_async.cli import FAILURE_COLUMNS, CsvInputError, main, read_recipients, scan_csv
from whatsapp_async.cli._broadcast import _Interrupts
from whatsapp_async.cli._display import PlainDisplay
from whatsapp_async.errors import MAY_HAVE_BEEN_SENT
from whatsapp_async.testing import FakeCloudAPI, Fault


class ThreadedFake:
    """A FakeCloudAPI on its own loop in a thread, so the CLI can run asyncio.run()."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.fake = FakeCloudAPI(messages_per_second=5000, pair_limit=None)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> FakeCloudAPI:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result(30)
        return self.fake

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.aclose(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)
        self.loop.close()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCloudAPI]:
    with ThreadedFake() as server:
        monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", server.access_token)
        monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", server.phone_number_id)
        monkeypatch.setenv("WHATSAPP_BASE_URL", server.base_url)
        yield server


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture
def recipients(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "people.csv", [
        ["phone", "name", "code"],
        ["+15550000001", "Ana", "A1"],
        ["+1 555 000 0002", "Ben", "B2"],
        ["+15550000003", "Chloe", "C3"],
    ])


def broadcast(csv_path: Path, *extra: str) -> int:
    return main([
        "broadcast", str(csv_path), "--template", "spring_sale", "--param", "name",
        "--param", "code", "--quiet", "--plain", *extra,
    ])


# --------------------------------------------------------------------------- CSV checks


def test_a_good_csv_is_counted_and_read_lazily(recipients: Path) -> None:
    assert scan_csv(recipients, phone_column="phone", params=["name"]) == 3
    rows = read_recipients(recipients, phone_column="phone", params=["name", "code"])
    first = next(rows)
    assert (first.to, first.params) == ("+15550000001", ["Ana", "A1"])


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"phone,name\n", "no data rows"),
        (b"number,name\n+15550000001,Ana\n", "no column 'phone'"),
        (b"phone,nom\n+15550000001,Ana\n", "no column 'name'"),
        (b"phone,name\n+15550000001,Ana,extra\n", "line 2: 3 fields"),
        (b"phone,name\n+15550000001\n", "line 2: 1 fields"),
        (b"phone,name\n+15550000001,\n", "'name' is empty"),
        ("phone,name\n+15550000001,Jos\u00e9\n".encode("latin-1"), "not valid UTF-8"),
    ],
)
def test_bad_csv_input_is_refused_with_a_clear_reason(
    tmp_path: Path, content: bytes, match: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CsvInputError, match=match):
        scan_csv(path, phone_column="phone", params=["name"])


def test_every_bad_line_is_reported_with_its_line_number_up_to_a_cap(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    lines = ["phone,name"]
    lines += [f"+1555000{i:04d},Ana" if i % 2 else f"+1555000{i:04d}" for i in range(30)]
    lines[7] = "+15550009999,"  # an empty parameter, line 8
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CsvInputError) as info:
        scan_csv(path, phone_column="phone", params=["name"])
    text = str(info.value)
    listed = [line.strip() for line in text.splitlines()[1:]]
    assert text.splitlines()[0].startswith(f"{path}: 15 bad lines")
    assert listed[:4] == [
        "line 2: 1 fields, but the header has 2", "line 4: 1 fields, but the header has 2",
        "line 6: 1 fields, but the header has 2", "line 8: parameter column 'name' is empty",
    ]
    assert len(listed) == 11 and listed[-1] == "and 5 more bad lines"


def test_bad_lines_are_numbered_as_in_the_file_past_blank_lines_and_multiline_fields(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        'phone,name,note\n\n+15550000001,Ana,"two\nlines"\n+15550000002,Ben\n',
        encoding="utf-8",
    )
    with pytest.raises(CsvInputError, match=r"\n  line 5: 2 fields"):
        scan_csv(path, phone_column="phone", params=["name"])


def test_a_missing_csv_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvInputError, match="no such file"):
        scan_csv(tmp_path / "nope.csv", phone_column="phone", params=[])


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfphone,name\r\n+15550000001,Ana\r\n")
    assert scan_csv(path, phone_column="phone", params=["name"]) == 1


# --------------------------------------------------------------------------- broadcast


def test_broadcast_sends_the_template_with_each_rows_parameters(
    fake: FakeCloudAPI, recipients: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert broadcast(recipients) == 0
    # Rows are sent concurrently: the order they reach the fake is not fixed.
    assert sorted(m.to for m in fake.sent) == ["+15550000001", "+15550000002", "+15550000003"]
    ben = next(m for m in fake.sent if m.to == "+15550000002")
    params = ben.body["template"]["components"][0]["parameters"]
    assert [p["text"] for p in params] == ["Ben", "B2"]
    assert "sent 3" in capsys.readouterr().out


def test_bad_csv_exits_2_and_sends_nothing(
    fake: FakeCloudAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "short.csv", [
        ["phone", "name", "code"], ["+15550000001", "Ana", "A1"], ["+15550000002", "Ben"],
    ])
    assert broadcast(path) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "nothing was sent" in err
    assert fake.sent == []


def test_failed_rows_exit_1_and_land_in_the_failures_csv(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path
) -> None:
    fake.inject(Fault.error(131026))
    failures = tmp_path / "failures.csv"
    assert broadcast(recipients, "--failures", str(failures), "--concurrency", "1") == 1
    with failures.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["phone"], r["status"], r["error_code"]) for r in rows] == [
        ("+15550000001", "failed", "131026")
    ]


def read_failures(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return sorted(csv.DictReader(handle), key=lambda r: int(r["line"]))


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """Blank and multi-line records shift rows off their position; a duplicate, bad numbers."""
    path = tmp_path / "messy.csv"
    path.write_text(
        "phone,name,code,note\n"               # line 1
        "+15550000001,Ana,A1,\n"               # line 2
        "\n"                                    # line 3: blank
        "not-a-number,Ben,B2,\n"               # line 4
        '+15550000003,Chloe,C3,"a note\n'       # line 5 ...
        'on two lines"\n'                      # ... and 6
        "+1 555 000 0001,Ana again,A1,\n"      # line 7: duplicate of line 2
        "not-a-number,Ben,B2,\n",              # line 8: the same bad text again
        encoding="utf-8",
    )
    return path


def test_the_failures_csv_lists_invalid_rows_and_duplicates_each_with_its_file_line(
    fake: FakeCloudAPI, messy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failures = tmp_path / "failures.csv"
    assert broadcast(messy, "--failures", str(failures)) == 0
    rows = read_failures(failures)
    assert list(rows[0]) == list(FAILURE_COLUMNS)
    assert [(r["phone"], r["line"], r["status"], r["error_type"], r["duplicate_of_line"])
            for r in rows] == [
        ("not-a-number", "4", "skipped", "ValidationError", ""),
        ("+15550000001", "7", "skipped", "Duplicate", "2"),
        ("not-a-number", "8", "skipped", "ValidationError", ""),
    ]
    assert "3 row(s) not sent" in capsys.readouterr().out
    assert sorted(m.to for m in fake.sent) == ["+15550000001", "+15550000003"]


def test_a_failed_row_in_the_failures_csv_carries_its_file_line(
    fake: FakeCloudAPI, messy: Path, tmp_path: Path
) -> None:
    fake.inject(Fault.delay(0), Fault.error(131026))  # the second send: line 5
    failures = tmp_path / "failures.csv"
    assert broadcast(messy, "--failures", str(failures), "--concurrency", "1") == 1
    failed = [r for r in read_failures(failures) if r["status"] == "failed"]
    assert [(r["phone"], r["line"]) for r in failed] == [("+15550000003", "5")]


def test_the_journal_of_a_cli_run_has_one_outcome_per_row_through_a_resume(
    fake: FakeCloudAPI, messy: Path, tmp_path: Path
) -> None:
    journal = tmp_path / "run.db"

    def rows_in_journal() -> list[int]:
        conn = sqlite3.connect(journal)
        try:
            return [r for (r,) in conn.execute(
                "SELECT row FROM outcomes UNION ALL SELECT row FROM row_outcomes ORDER BY row"
            )]
        finally:
            conn.close()

    assert broadcast(messy, "--journal", str(journal)) == 0
    assert rows_in_journal() == [0, 1, 2, 3, 4]
    assert broadcast(messy, "--journal", str(journal), "--resume") == 0
    assert rows_in_journal() == [0, 1, 2, 3, 4]
    assert len(fake.sent) == 2


def test_dry_run_lists_invalid_and_duplicate_rows_with_their_lines(
    fake: FakeCloudAPI, messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert broadcast(messy, "--dry-run") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("dry run: 5 rows; would send 2, skip 3")
    assert [line.split(":")[0].strip() for line in out[1:]] == ["line 4", "line 7", "line 8"]
    assert "'not-a-number' skipped" in out[1]
    assert "duplicate of line 2" in out[2]
    assert fake.sent == []


def test_dry_run_lists_at_most_20_rows_and_counts_the_rest(
    fake: FakeCloudAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "people.csv", [
        ["phone", "name", "code"], *[[f"bad-{i}", "Ana", "A1"] for i in range(25)],
    ])
    assert broadcast(path, "--dry-run") == 0
    listed = capsys.readouterr().out.splitlines()[1:]
    assert [line.split(":")[0].strip() for line in listed[:20]] == [
        f"line {n}" for n in range(2, 22)
    ]
    assert listed[20:] == ["  ... and 5 more"]


def test_dry_run_validates_everything_and_sends_nothing(
    fake: FakeCloudAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "people.csv", [
        ["phone", "name", "code"], ["+15550000001", "Ana", "A1"], ["not-a-number", "Ben", "B"],
    ])
    assert broadcast(path, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "would send 1" in out and "skip 1" in out
    assert fake.sent == []


def test_a_journaled_campaign_resumes_without_resending(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "run.db")
    assert broadcast(recipients, "--journal", journal) == 0
    assert broadcast(recipients, "--journal", journal, "--resume") == 0
    assert len(fake.sent) == 3
    assert "skipped 3" in capsys.readouterr().out


def test_a_resumed_runs_report_shows_the_campaigns_totals_over_all_runs(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "run.db")
    fake.inject(Fault.error(131026))
    assert broadcast(recipients, "--journal", journal, "--concurrency", "1") == 1
    capsys.readouterr()
    assert broadcast(recipients, "--journal", journal, "--resume", "--retry-failed") == 0
    out = capsys.readouterr().out
    # This run sent the one row refused before; the campaign has now reached all three.
    assert "rows 3: sent 1, failed 0, unknown 0, skipped 2" in out
    assert ("campaign 'default', all runs: 3 rows: sent 3, failed 0, unknown 0, "
            "skipped 0") in out


def test_the_campaign_totals_count_duplicate_and_invalid_rows_too(
    fake: FakeCloudAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = write_csv(tmp_path / "people.csv", [
        ["phone", "name", "code"],
        ["+15550000001", "Ana", "A1"],
        ["+15550000001", "Ana again", "A1"],
        ["not a number", "Zed", "Z9"],
    ])
    journal = str(tmp_path / "run.db")
    fake.inject(Fault.error(131026))
    assert broadcast(people, "--journal", journal, "--concurrency", "1") == 1
    capsys.readouterr()
    assert broadcast(people, "--journal", journal, "--resume", "--retry-failed") == 0
    # Every source row is in the totals once: the sent one, its repeat and the bad number.
    assert ("campaign 'default', all runs: 3 rows: sent 1, failed 0, unknown 0, "
            "skipped 2") in capsys.readouterr().out


def test_a_first_run_shows_no_campaign_totals(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert broadcast(recipients, "--journal", str(tmp_path / "run.db")) == 0
    assert "all runs" not in capsys.readouterr().out


def test_a_used_journal_without_resume_is_refused(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "run.db")
    broadcast(recipients, "--journal", journal)
    capsys.readouterr()
    assert broadcast(recipients, "--journal", journal) == 2
    err = capsys.readouterr().err
    # The user typed flags: the hint names the flag, not the Python argument.
    assert "pass --resume to continue it" in err and "resume=True" not in err
    assert len(fake.sent) == 3


def test_resume_of_a_campaign_the_journal_lacks_is_refused_naming_what_it_holds(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "run.db")
    assert broadcast(recipients, "--journal", journal) == 0
    sent = len(fake.sent)
    capsys.readouterr()
    # A typo of the campaign: resuming it as new would resend every row.
    assert broadcast(recipients, "--journal", journal, "--resume", "--campaign", "Default") == 2
    err = capsys.readouterr().err
    assert "holds no campaign 'Default'" in err and "'default'" in err
    assert "--resume" in err and "resume=True" not in err
    assert len(fake.sent) == sent


def test_resume_of_a_missing_journal_file_is_refused(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.db"
    assert broadcast(recipients, "--journal", str(missing), "--resume") == 2
    assert "no journal at" in capsys.readouterr().err
    assert not missing.exists()
    assert fake.sent == []


def test_resume_without_a_journal_names_the_flags(
    fake: FakeCloudAPI, recipients: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert broadcast(recipients, "--resume") == 2
    err = capsys.readouterr().err
    assert "--resume needs --journal" in err and "resume=True" not in err
    assert fake.sent == []


def test_missing_credentials_are_a_clear_error(
    recipients: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert broadcast(recipients) == 2
    assert "WHATSAPP_ACCESS_TOKEN" in capsys.readouterr().err


def test_redis_url_without_the_redis_extra_is_a_clear_error(
    recipients: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "whatsapp_async._redis_throttle", None)
    assert broadcast(recipients, "--sandbox", "--redis-url", "redis://127.0.0.1:1/0") == 2
    assert "redis extra" in capsys.readouterr().err


def test_sandbox_broadcast_needs_no_credentials(
    recipients: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("WHATSAPP_ACCESS_TOKEN", raising=False)
    assert broadcast(recipients, "--sandbox", "--rate", "1000") == 0
    assert "sent 3" in capsys.readouterr().out


async def test_ctrl_c_stops_then_aborts_and_says_unknown_the_one_way(
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[str] = []

    class Run:
        def stop(self, reason: str) -> None:
            calls.append(f"stop: {reason}")

        def abort(self) -> None:
            calls.append("abort")

    interrupts = _Interrupts(cast(Broadcast, Run()), PlainDisplay(sys.stderr, quiet=True))
    interrupts._on_sigint()
    interrupts._on_sigint()
    assert calls == ["stop: interrupted (Ctrl-C)", "abort"]
    assert interrupts.count == 2
    first, second = capsys.readouterr().err.splitlines()
    assert first.startswith("stopping: no new rows")
    assert second.startswith("aborting sends in flight") and MAY_HAVE_BEEN_SENT in second


# --------------------------------------------------------------------------- other commands


def test_send_text(fake: FakeCloudAPI, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "text", "--to", "+15550000009", "--body", "Hello"]) == 0
    assert fake.sent[0].text == "Hello"
    assert fake.sent[0].id in capsys.readouterr().out


def test_send_template_with_parameters(fake: FakeCloudAPI) -> None:
    code = main(["send", "template", "--to", "+15550000009", "--template", "order_update",
                 "--param", "Ana", "--param", "42"])
    assert code == 0
    template = fake.sent[0].body["template"]
    assert [p["text"] for p in template["components"][0]["parameters"]] == ["Ana", "42"]


def test_send_image_needs_exactly_one_source(
    fake: FakeCloudAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["send", "image", "--to", "+15550000009"]) == 2
    assert "--media-id or --link" in capsys.readouterr().err


def test_an_invalid_recipient_is_a_validation_error(
    fake: FakeCloudAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["send", "text", "--to", "call me", "--body", "Hi"]) == 2
    assert "to:" in capsys.readouterr().err
    assert fake.sent == []


def test_demo_broadcasts_to_generated_recipients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # where it leaves its sample CSV
    assert main(["demo", "--rows", "300", "--rate", "5000", "--plain", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "rows 300:" in out
    assert "the sandbox accepted" in out


def test_the_demos_next_step_runs_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--rows", "50", "--rate", "5000", "--plain", "--quiet"]) == 0
    out = capsys.readouterr().out
    command = out.splitlines()[-1].strip()
    assert command.startswith("whatsapp-async broadcast ") and "--sandbox" in command
    assert main([*shlex.split(command)[1:], "--plain"]) == 0
    assert "rows 5: sent 5, failed 0" in capsys.readouterr().out


def test_the_demo_never_overwrites_a_file_of_the_samples_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    mine = write_csv(tmp_path / "whatsapp-async-sample.csv", [["phone"], ["+15550000001"]])
    before = mine.read_bytes()
    assert main(["demo", "--rows", "20", "--rate", "5000", "--plain", "--quiet"]) == 0
    command = capsys.readouterr().out.splitlines()[-1]
    assert "whatsapp-async-sample-2.csv" in command
    assert mine.read_bytes() == before
    # A second demo reuses its own sample instead of piling up copies.
    assert main(["demo", "--rows", "20", "--rate", "5000", "--plain", "--quiet"]) == 0
    assert "whatsapp-async-sample-2.csv" in capsys.readouterr().out.splitlines()[-1]
    assert sorted(p.name for p in tmp_path.glob("*.csv*")) == [
        "whatsapp-async-sample-2.csv", "whatsapp-async-sample.csv",
    ]


def test_sandbox_delegates_to_the_fake_servers_main(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[list[str], str]] = []

    def fake_main(argv: list[str], *, prog: str) -> int:
        seen.append((argv, prog))
        return 7

    monkeypatch.setattr("whatsapp_async.testing.__main__.main", fake_main)
    assert main(["sandbox", "--port", "8089"]) == 7
    assert seen == [(["--port", "8089"], "whatsapp-async sandbox")]


def test_sandbox_help_names_the_command_it_was_run_as(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from whatsapp_async.testing.__main__ import main as sandbox_main

    with pytest.raises(SystemExit) as through_cli:
        main(["sandbox", "--help"])
    assert through_cli.value.code == 0
    assert capsys.readouterr().out.startswith("usage: whatsapp-async sandbox ")
    with pytest.raises(SystemExit):
        sandbox_main(["--help"])
    assert capsys.readouterr().out.startswith("usage: python -m whatsapp_async.testing ")


def _every_parser() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    from whatsapp_async.cli._main import _parser
    from whatsapp_async.testing.__main__ import _parser as sandbox_parser

    pending = [("whatsapp-async", _parser()), ("sandbox", sandbox_parser("sandbox"))]
    while pending:
        name, parser = pending.pop()
        yield name, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice, sub in action.choices.items():
                    pending.append((f"{name} {choice}", sub))


def test_every_option_of_every_command_has_a_help_text() -> None:
    missing = []
    for name, parser in _every_parser():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                # Each command's line in the list is a pseudo-action of its own.
                missing += [f"{name} {a.dest}" for a in action._choices_actions if not a.help]
            elif not action.help:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "whatsapp_async", "--version"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("whatsapp-async ")


# ------------------------------------------------------------------ journal: a stopped run


def test_the_resume_hint_after_a_fatal_refusal_names_retry_failed(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    # An expired token refuses the rows in flight and stops the run. Following the hint
    # "rerun with --resume" alone would skip those refused rows and exit 0: nobody got them.
    journal = str(tmp_path / "run.db")
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "expired-token")
    assert broadcast(recipients, "--journal", journal, "--concurrency", "1") == 1
    hint = [line for line in capsys.readouterr().out.splitlines() if "--resume" in line]
    assert hint and "--retry-failed" in hint[0]


def test_a_journal_that_cannot_be_opened_exits_2_with_a_message(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The database error must become a usage error (exit 2, a message on stderr), not a
    # traceback with exit 1 ("rows failed"), and nothing may be sent.
    journal = str(tmp_path / "no-such-dir" / "run.db")
    assert broadcast(recipients, "--journal", journal) == 2
    assert "journal" in capsys.readouterr().err
    assert fake.sent == []


def test_an_empty_campaign_name_exits_2_with_a_message(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = str(tmp_path / "run.db")
    assert broadcast(recipients, "--journal", journal, "--campaign", "") == 2
    assert "campaign must be a non-empty name" in capsys.readouterr().err
    assert fake.sent == []
