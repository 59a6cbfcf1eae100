"""A failed send's row outcome: the Fate -> status mapping and the broadcast's own rules."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from whatsapp_async import (
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    ConnectError,
    OutcomeUnknownError,
    RecipientError,
    TemplateError,
    ThrottleUnavailableError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
    WhatsAppError,
)
from whatsapp_async.bulk._row_outcome import FailedSend, failed_send, row_status
from whatsapp_async.errors import MAY_HAVE_BEEN_SENT
from whatsapp_async.journal import Journal, JournalEntry
from whatsapp_async.outcome import Fate

TO = "+15550000001"


def judge(
    exc: BaseException, attempts: int, *, stop_on_fatal: bool = True
) -> FailedSend:
    try:
        raise exc
    except BaseException as raised:  # judged inside the except block, as the engine does
        return failed_send(raised, TO, 7, attempts, stop_on_fatal=stop_on_fatal)


# --------------------------------------------------------------------------- the mapping


@pytest.mark.parametrize(
    ("fate", "attempts", "status"),
    [
        (Fate.SENT, 1, "sent"),
        (Fate.SENT, 0, "sent"),
        (Fate.UNKNOWN, 1, "unknown"),
        (Fate.UNKNOWN, 0, "unknown"),
        (Fate.REFUSED, 1, "failed"),
        (Fate.REFUSED, 0, "failed"),
        (Fate.NOT_SENT, 1, "failed"),
        (Fate.NOT_SENT, 3, "failed"),
        (Fate.NOT_SENT, 0, "skipped"),
    ],
)
def test_each_fate_maps_to_one_row_status(fate: Fate, attempts: int, status: str) -> None:
    assert row_status(fate, attempts) == status


# --------------------------------------------------------------------------- stopped from outside


def test_a_cancel_before_any_attempt_is_skipped_and_forgotten() -> None:
    verdict = judge(asyncio.CancelledError(), 0)
    assert verdict.outcome.status == "skipped"
    assert verdict.outcome.error is not None and verdict.outcome.error.type == "Stopped"
    assert verdict.outcome.attempts == 0
    assert verdict.forget is True
    assert verdict.stop is None


def test_a_cancel_after_an_attempt_is_unknown_and_recorded() -> None:
    verdict = judge(asyncio.CancelledError(), 2)
    outcome = verdict.outcome
    assert (outcome.status, outcome.attempts, outcome.row) == ("unknown", 2, 7)
    assert outcome.error is not None and outcome.error.type == "Interrupted"
    assert MAY_HAVE_BEEN_SENT in outcome.error.message
    assert verdict.forget is False
    assert verdict.stop is None


@pytest.mark.parametrize(
    "exc", [ThrottleUnavailableError("redis is down"), ClientClosedError("closed")]
)
def test_a_throttle_or_closed_client_before_any_attempt_is_forgotten_and_stops_the_run(
    exc: WhatsAppError,
) -> None:
    verdict = judge(exc, 0, stop_on_fatal=False)
    assert verdict.outcome.status == "skipped"
    assert verdict.outcome.error is not None
    assert verdict.outcome.error.type == type(exc).__name__
    assert verdict.forget is True
    assert verdict.stop == f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize(
    "exc", [ThrottleUnavailableError("redis is down"), ClientClosedError("closed")]
)
def test_a_throttle_or_closed_client_after_an_attempt_is_unknown_and_stops_the_run(
    exc: WhatsAppError,
) -> None:
    verdict = judge(exc, 1, stop_on_fatal=False)
    assert (verdict.outcome.status, verdict.outcome.attempts) == ("unknown", 1)
    assert verdict.forget is False
    assert verdict.stop is not None


# --------------------------------------------------------------------------- refused or lost


@pytest.mark.parametrize("attempts", [0, 1])
def test_a_validation_error_is_a_journaled_skip_with_no_attempts(attempts: int) -> None:
    verdict = judge(ValidationError("template.name", "must not be empty"), attempts)
    outcome = verdict.outcome
    assert (outcome.status, outcome.attempts) == ("skipped", 0)
    assert outcome.error is not None and outcome.error.type == "ValidationError"
    assert (verdict.forget, verdict.stop) == (False, None)


def test_a_refusal_is_failed_with_its_code_and_the_run_goes_on() -> None:
    verdict = judge(RecipientError(status=400, code=131026, message="undeliverable"), 1)
    outcome = verdict.outcome
    assert (outcome.status, outcome.attempts) == ("failed", 1)
    assert outcome.error is not None and outcome.error.code == 131026
    assert (verdict.forget, verdict.stop) == (False, None)


@pytest.mark.parametrize(
    "exc",
    [
        AuthenticationError(status=401, code=190, message="expired"),
        TemplateError(status=400, code=132001, message="no such template"),
        ConfigurationError("bad settings"),
    ],
)
def test_an_error_every_row_would_hit_fails_the_row_and_stops_the_run_when_asked(
    exc: WhatsAppError,
) -> None:
    assert judge(exc, 1).outcome.status == "failed"
    assert judge(exc, 1).stop == f"{type(exc).__name__}: {exc}"
    assert judge(exc, 1, stop_on_fatal=False).stop is None


def test_a_template_refusal_of_one_row_does_not_stop_the_run() -> None:
    verdict = judge(TemplateError(status=400, code=132000, message="wrong parameter count"), 1)
    assert (verdict.outcome.status, verdict.stop) == ("failed", None)


@pytest.mark.parametrize(("status", "row"), [(502, "unknown"), (404, "failed")])
def test_an_answer_without_a_graph_body_is_unknown_only_when_it_may_have_been_processed(
    status: int, row: str,
) -> None:
    assert judge(UnexpectedResponseError(status=status), 1).outcome.status == row


@pytest.mark.parametrize(
    "exc",
    [
        OutcomeUnknownError("timed out", method="POST"),
        TransportError("connection lost", may_have_been_sent=True),
    ],
)
def test_a_transport_failure_that_may_have_reached_the_api_is_unknown(exc: Exception) -> None:
    verdict = judge(exc, 1)
    assert (verdict.outcome.status, verdict.outcome.attempts) == ("unknown", 1)
    assert (verdict.forget, verdict.stop) == (False, None)


@pytest.mark.parametrize("attempts", [0, 1])
def test_a_transport_failure_that_never_reached_the_api_is_failed(attempts: int) -> None:
    # Even with no attempt counted (a custom send raised it): "failed" stays
    # retryable with retry_failed=True, where "skipped" would not.
    verdict = judge(ConnectError("refused"), attempts)
    assert verdict.outcome.status == "failed"
    assert verdict.forget is False


def test_an_outcome_unknown_error_is_unknown_whatever_its_flag_says() -> None:
    exc = OutcomeUnknownError("timed out", may_have_been_sent=False)
    assert judge(exc, 1).outcome.status == "unknown"


def test_another_library_error_is_failed() -> None:
    assert judge(WhatsAppError("something"), 1).outcome.status == "failed"


def test_an_unexpected_exception_is_unknown_and_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="whatsapp_async"):
        verdict = judge(RuntimeError("a bug below"), 1)
    assert (verdict.outcome.status, verdict.outcome.attempts) == ("unknown", 1)
    assert verdict.outcome.error is not None and verdict.outcome.error.type == "RuntimeError"
    [record] = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert verdict.stop is None


def test_library_errors_are_not_logged_as_unexpected(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="whatsapp_async"):
        judge(RecipientError(status=400, code=131026), 1)
        judge(asyncio.CancelledError(), 1)
    assert not [r for r in caplog.records if "unexpected error" in r.getMessage()]


# --------------------------------------------------------------------------- the journal side


async def test_forget_pending_deletes_a_pending_mark_without_an_earlier_state(
    tmp_path: Path,
) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        await journal.record(JournalEntry(TO, "pending", row=0))
        await journal.forget_pending(TO)
        assert await journal.entries() == []


async def test_forget_pending_restores_the_status_an_earlier_run_recorded(
    tmp_path: Path,
) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        await journal.record(JournalEntry(TO, "pending", row=0))
        await journal.forget_pending(TO, "unknown")
        assert [(e.recipient, e.status) for e in await journal.entries()] == [(TO, "unknown")]


async def test_forget_pending_leaves_a_final_outcome_alone(tmp_path: Path) -> None:
    async with Journal(tmp_path / "run.db") as journal:
        await journal.record(JournalEntry(TO, "sent", row=0, message_id="wamid.1"))
        await journal.forget_pending(TO)
        await journal.forget_pending(TO, "failed")
        assert [(e.status, e.message_id) for e in await journal.entries()] == [("sent", "wamid.1")]


async def test_is_open_follows_open_and_close(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "run.db")
    assert not journal.is_open
    await journal.open()
    assert journal.is_open
    await journal.close()
    assert not journal.is_open


# --------------------------------------------------------------------------- custom sends


async def test_a_custom_send_cut_short_is_unknown_even_through_another_client(
    tmp_path: Path,
) -> None:
    # The send goes out through a client the engine does not see (no attempt is
    # counted), and the run is aborted while it is in flight: the row may have
    # been delivered, so it must stay "unknown" in the journal, never be forgotten.
    from whatsapp_async import WhatsAppClient
    from whatsapp_async.bulk import Broadcast

    started = asyncio.Event()

    async def send_elsewhere(client: WhatsAppClient, to: str, recipient: object) -> None:
        started.set()
        await asyncio.Event().wait()  # in flight until cancelled

    journal = tmp_path / "run.db"
    async with WhatsAppClient("t", "1") as wa:
        run = Broadcast(wa, [TO], send=send_elsewhere, journal=journal, concurrency=1)
        outcomes = []

        async def consume() -> None:
            async for outcome in run:
                outcomes.append(outcome)

        task = asyncio.create_task(consume())
        await started.wait()
        run.abort()
        await task
    assert [(o.to, o.status) for o in outcomes] == [(TO, "unknown")]
    async with Journal(journal) as stored:
        assert [e.status for e in await stored.entries()] == ["unknown"]
