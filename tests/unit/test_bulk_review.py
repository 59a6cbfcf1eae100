"""Review findings on the broadcast engine and CLI: each test pins one fixed defect."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from whatsapp_async import ThrottleUnavailableError, WhatsAppClient
from whatsapp_async.bulk import Broadcast, Recipient, SendOutcome
from whatsapp_async.journal import Journal, JournalEntry
from whatsapp_async.retry import RetryPolicy
from whatsapp_async.testing import FakeCloudAPI

from .test_bulk import Sender, seed_journal
from .test_cli import broadcast, fake, recipients  # noqa: F401  (fixtures)

URL = "https://graph.facebook.com/v21.0/1234567890/messages"


def reply(number: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "contacts": [{"input": number, "wa_id": number[1:]}],
        "messages": [{"id": f"wamid.{number[1:]}"}],
    }


def journal_rows(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT recipient, status FROM outcomes").fetchall())
    finally:
        conn.close()


async def test_a_row_whose_params_cannot_build_a_message_still_gets_an_outcome() -> None:
    # params=5 is not a sequence: building the template raised TypeError, which escaped
    # the worker, so the row had no outcome and (with one worker) the run ended early.
    with aioresponses() as mocked:
        mocked.post(URL, payload=reply("+15550000002"))
        async with WhatsAppClient("token", "1234567890") as client:
            bc = client.broadcast(
                [Recipient("+15550000001", params=5),  # type: ignore[arg-type]
                 Recipient("+15550000002", params=["b"])],
                template="t", concurrency=1,
            )
            outcomes = [o async for o in bc]
    assert sorted((o.row, o.status) for o in outcomes) == [(0, "skipped"), (1, "sent")]
    assert bc.report is not None and bc.report.total == 2


class AbortingJournal(Journal):
    """Calls ``abort`` on the run while the first ``pending`` mark is being written."""

    broadcast: Broadcast | None = None

    async def record(self, entry: JournalEntry) -> None:
        if entry.status == "pending" and self.broadcast is not None:
            self.broadcast.abort()
        await super().record(entry)


async def test_a_row_whose_pending_mark_lands_after_an_abort_is_not_sent(tmp_path: Path) -> None:
    calls: list[str] = []

    async def send(wa: WhatsAppClient, number: str, row: Recipient) -> None:
        calls.append(number)
        await asyncio.Event().wait()  # would hang until the drain timeout

    db = tmp_path / "run.db"
    async with WhatsAppClient("token", "1234567890") as client, Journal(db) as plain:
        journal = AbortingJournal(db)
        await plain.close()
        bc = Broadcast(client, ["+15550000001"], template="t", concurrency=1, journal=journal,
                       send=send, drain_timeout=3600)
        journal.broadcast = bc
        report = await asyncio.wait_for(bc.run(), timeout=10)
    assert calls == []
    assert (report.total, report.errors) == (1, {"Stopped": 1})
    assert journal_rows(db) == {}


class FailsOnSecondAcquire:
    """A shared throttle that goes down between the first attempt and its retry."""

    def __init__(self) -> None:
        self.calls = 0

    async def acquire(self, key: str) -> None:
        self.calls += 1
        if self.calls > 1:
            raise ThrottleUnavailableError("redis is down")

    async def report_rate_limited(self, key: str, retry_after: float | None = None) -> None:
        return None


async def test_a_throttle_failure_after_a_maybe_sent_attempt_is_unknown_not_forgotten(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    retry = RetryPolicy(retry_unknown_outcome=True, initial_backoff=0.001, max_backoff=0.001)
    with aioresponses() as mocked:
        # The connection drops after the request went out: it may have been delivered.
        mocked.post(URL, exception=aiohttp.ServerDisconnectedError())
        async with WhatsAppClient(
            "token", "1234567890", throttle=FailsOnSecondAcquire(), retry=retry
        ) as client:
            outcomes: list[SendOutcome] = [
                o async for o in client.broadcast(["+15550000001"], template="t", journal=db)
            ]
    [outcome] = outcomes
    assert outcome.status == "unknown"
    # A resumed run must not resend it: the journal keeps it as unknown, not forgotten.
    assert journal_rows(db) == {"+15550000001": "unknown"}


def test_the_resume_hint_after_a_fatal_refusal_names_retry_failed(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path,  # noqa: F811  (fixtures)
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    # An expired token refuses the rows in flight and stops the run. Following the hint
    # "rerun with --resume" alone skips those refused rows and exits 0: nobody got them.
    journal = str(tmp_path / "run.db")
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "expired-token")
    assert broadcast(recipients, "--journal", journal, "--concurrency", "1") == 1
    hint = [line for line in capsys.readouterr().out.splitlines() if "--resume" in line]
    assert hint and "--retry-failed" in hint[0]


async def test_a_resent_unknown_row_stopped_before_sending_stays_unknown(tmp_path: Path) -> None:
    # resend_unknown=True marks the row pending; stopped before any attempt, the pending
    # mark was deleted, erasing "may have been delivered": the next plain resume resent it.
    db = tmp_path / "run.db"
    seed_journal(db, {"+15550000000": "unknown"})
    sender = Sender()
    sender.gate = asyncio.Event()  # never set: the send hangs until the drain timeout
    async with WhatsAppClient("token", "1234567890") as client:
        bc = Broadcast(client, ["+15550000000"], template="t", journal=db, resume=True,
                       resend_unknown=True, concurrency=1, drain_timeout=0.01, send=sender)
        task = asyncio.ensure_future(bc.run())
        await sender.wait_active(1)
        bc.stop()
        report = await task
    assert report.errors == {"Stopped": 1}
    assert journal_rows(db) == {"+15550000000": "unknown"}


def test_a_journal_that_cannot_be_opened_exits_2_with_a_message(
    fake: FakeCloudAPI, recipients: Path, tmp_path: Path,  # noqa: F811  (fixtures)
    capsys: pytest.CaptureFixture[str],
) -> None:
    # sqlite3.OperationalError escaped main(): a traceback and exit 1 ("rows failed").
    journal = str(tmp_path / "no-such-dir" / "run.db")
    assert broadcast(recipients, "--journal", journal) == 2
    assert "journal" in capsys.readouterr().err
    assert fake.sent == []
