"""The ``broadcast`` command with a journal: opening it and what a stopped run tells the user.

These belong with the other ``broadcast`` command tests in ``test_cli.py`` and use its
fixtures (a FakeCloudAPI in a thread, the recipients CSV, the ``broadcast`` runner).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from whatsapp_async.testing import FakeCloudAPI

from .test_cli import broadcast, fake, recipients  # noqa: F401  (fixtures)


def test_the_resume_hint_after_a_fatal_refusal_names_retry_failed(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path,  # noqa: F811  (fixtures)
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
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path,  # noqa: F811  (fixtures)
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The database error must become a usage error (exit 2, a message on stderr), not a
    # traceback with exit 1 ("rows failed"), and nothing may be sent.
    journal = str(tmp_path / "no-such-dir" / "run.db")
    assert broadcast(recipients, "--journal", journal) == 2
    assert "journal" in capsys.readouterr().err
    assert fake.sent == []
