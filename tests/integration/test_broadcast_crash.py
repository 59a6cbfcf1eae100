"""A broadcast SIGKILLed midway resumes without sending anyone the message twice.

The test runs FakeCloudAPI in its own process and starts this file as a child
process (``python test_broadcast_crash.py BASE_URL TOKEN NUMBER JOURNAL``) that
broadcasts 5,000 rows with a journal; the child is killed with SIGKILL once
the fake has accepted a good part of them, and the run is resumed here. It
runs on both journal backends (an SQLite file, a PostgreSQL database).

A second child (``... JOURNAL blocked``) gets a few throttle tokens and then
none, so most of its rows are waiting for one when it is killed: those never
went out and must be sent by the resume, not reported ``unknown``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator

ROWS = 5_000
RATE = 1_000.0
CAMPAIGN = "crash-test"
TEMPLATE = "spring_sale"


def rows() -> Iterator[str]:
    for i in range(ROWS):
        yield f"+1555{i:07d}"


async def _child(base_url: str, token: str, number: str, journal: str) -> None:
    from whatsapp_async import WhatsAppClient

    async with WhatsAppClient(
        token, number, base_url=base_url, messages_per_second=RATE
    ) as wa:
        await wa.broadcast(rows(), template=TEMPLATE, journal=journal, campaign=CAMPAIGN)


#: The blocked child's rows, the tokens its throttle hands out, and how many rows it
#: has in flight (all but a few of them waiting for a token when it is killed).
BLOCKED_ROWS = 200
TOKENS = 10
BLOCKED_CONCURRENCY = 50
#: How long the fake holds the last request with a token: it is on the wire at the kill.
HANG = 3.0


class _FewTokens:
    """A throttle that lets ``TOKENS`` sends through, then makes every later one wait."""

    def __init__(self) -> None:
        self.left = TOKENS

    async def acquire(self, phone_number_id: str) -> None:
        if self.left > 0:
            self.left -= 1
            return
        await asyncio.Event().wait()

    async def report_rate_limited(
        self, phone_number_id: str, retry_after: float | None = None
    ) -> None:
        return None


#: The lease of the shared workers: the takeover waits this long for the dead one's rows.
SHARED_LEASE = 1.0


async def _blocked_child(
    base_url: str, token: str, number: str, journal: str, shared: bool
) -> None:
    from whatsapp_async import WhatsAppClient

    rows = [f"+1555{i:07d}" for i in range(BLOCKED_ROWS)]
    async with WhatsAppClient(token, number, base_url=base_url, throttle=_FewTokens()) as wa:
        await wa.broadcast(rows, template=TEMPLATE, journal=journal, campaign=CAMPAIGN,
                           concurrency=BLOCKED_CONCURRENCY, shared=shared, lease=SHARED_LEASE)


if __name__ == "__main__":
    if sys.argv[5:6] in (["blocked"], ["blocked-shared"]):
        base_url, token, number, journal, mode = sys.argv[1:6]
        asyncio.run(_blocked_child(base_url, token, number, journal, mode == "blocked-shared"))
    else:
        asyncio.run(_child(*sys.argv[1:5]))
    sys.exit(0)


# ----------------------------------------------------------------------------- the test

from whatsapp_async import WhatsAppClient  # noqa: E402
from whatsapp_async._journal_backend import is_dsn  # noqa: E402
from whatsapp_async.bulk import SendOutcome  # noqa: E402
from whatsapp_async.journal import open_journal  # noqa: E402
from whatsapp_async.testing import FakeCloudAPI, Fault  # noqa: E402


async def journal_states(db: str) -> dict[str, tuple[str, str | None, str | None]]:
    async with open_journal(db, campaign=CAMPAIGN) as journal:
        return {e.recipient: (e.status, e.message_id, e.error_type)
                for e in await journal.entries()}


async def test_a_killed_broadcast_resumes_without_double_sends(journal_target: str) -> None:
    db = journal_target
    async with FakeCloudAPI(messages_per_second=RATE * 2, pair_limit=None) as fake:
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, fake.base_url, fake.access_token, fake.phone_number_id,
            db, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        try:
            # Poll the fake's record: kill once a third of the rows went out.
            deadline = asyncio.get_running_loop().time() + 120
            while len(fake.sent) < ROWS // 3 and child.returncode is None:
                assert asyncio.get_running_loop().time() < deadline, "the child sent too little"
                await asyncio.sleep(0.01)
        finally:
            if child.returncode is None:
                child.send_signal(signal.SIGKILL)
            _, stderr = await child.communicate()
        assert child.returncode == -signal.SIGKILL, stderr.decode()
        before = len(fake.sent)
        assert ROWS // 3 <= before < ROWS

        # Whatever the child journaled is exactly what the fake saw, up to the in-flight rows.
        crashed = await journal_states(db)
        pending = {r for r, (s, _, _) in crashed.items() if s == "pending"}
        assert {r for r, (s, _, _) in crashed.items() if s == "sent"} <= {
            "+" + m.wa_id for m in fake.sent
        }

        async with WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url,
            messages_per_second=RATE * 2,
        ) as wa:
            resumed = [
                o async for o in wa.broadcast(
                    rows(), template=TEMPLATE, journal=db, campaign=CAMPAIGN, resume=True
                )
            ]

    assert len(resumed) == ROWS
    final = await journal_states(db)
    # Every recipient ends with a final outcome.
    assert len(final) == ROWS
    assert not [r for r, (s, _, _) in final.items() if s == "pending"]
    # Rows in flight at the kill are reported unknown, never resent.
    interrupted = {o.to for o in resumed if o.error is not None and o.error.type == "Interrupted"}
    assert interrupted == pending
    assert all(final[r][0] == "unknown" for r in pending)
    # Across both runs each recipient got the message at most once...
    received = Counter("+" + m.wa_id for m in fake.sent)
    assert max(received.values()) == 1
    # ...and exactly once when journaled sent, under the id the journal holds.
    wamid = {"+" + m.wa_id: m.id for m in fake.sent}
    for recipient, (status, message_id, _) in final.items():
        if status == "sent":
            assert wamid[recipient] == message_id
        else:
            assert status == "unknown" and recipient in pending


async def _kill_while_blocked(
    fake: FakeCloudAPI, db: str, mode: str,
) -> tuple[set[str], set[str]]:
    """Run the blocked child (``mode``) until its tokens are used, SIGKILL it, and wait
    for the fake to answer the held request.

    Returns:
        The recipients the journal holds ``pending``, and those the fake received.
    """
    loop = asyncio.get_running_loop()
    # The last request with a token is held: it is on the wire when the child dies.
    fake.inject(*[Fault.delay(0.0)] * (TOKENS - 1), Fault.delay(HANG))
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, fake.base_url, fake.access_token, fake.phone_number_id,
        db, mode, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        # Kill once every token is used: the answered rows journaled, one held, the
        # rest of the rows in flight waiting for a token that never comes.
        deadline = loop.time() + 60
        states: dict[str, tuple[str, str | None, str | None]] = {}
        while child.returncode is None:
            assert loop.time() < deadline, f"the child got stuck: {states}"
            states = await journal_states(db) if _exists(db) else {}
            if sum(s == "sent" for s, _, _ in states.values()) == TOKENS - 1 and any(
                    s == "pending" for s, _, _ in states.values()):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # the waiting rows' time to write anything they would
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)
        _, stderr = await child.communicate()
    assert child.returncode == -signal.SIGKILL, stderr.decode()

    crashed = await journal_states(db)
    pending = {r for r, (s, _, _) in crashed.items() if s == "pending"}
    # Only the held row may have gone out; the rows waiting for a token left no mark.
    assert len(pending) == 1, sorted(pending)
    assert {s for s, _, _ in crashed.values()} == {"sent", "pending"}
    # The fake answers the held request after its delay (to a dead client).
    while len(fake.sent) < TOKENS:
        assert loop.time() < deadline + HANG, "the held request never reached the fake"
        await asyncio.sleep(0.05)
    before = {"+" + m.wa_id for m in fake.sent}
    assert pending <= before
    return pending, before


async def _check_finished(
    fake: FakeCloudAPI, db: str, resumed: list[SendOutcome], pending: set[str],
    before: set[str],
) -> None:
    rows = {f"+1555{i:07d}" for i in range(BLOCKED_ROWS)}
    final = await journal_states(db)
    assert len(final) == BLOCKED_ROWS
    # The held row may have been delivered: unknown, never resent.
    assert {r for r, (s, _, _) in final.items() if s == "unknown"} == pending
    # Every row that never reached the fake before the kill is sent now, exactly once.
    assert {o.to for o in resumed if o.status == "sent"} == rows - before
    received = Counter("+" + m.wa_id for m in fake.sent)
    assert max(received.values()) == 1
    assert set(received) == rows


async def test_rows_killed_while_waiting_for_a_throttle_token_are_sent_on_resume(
    journal_target: str,
) -> None:
    db = journal_target
    rows = [f"+1555{i:07d}" for i in range(BLOCKED_ROWS)]
    async with FakeCloudAPI(pair_limit=None) as fake:
        pending, before = await _kill_while_blocked(fake, db, "blocked")
        async with WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url,
        ) as wa:
            resumed = [
                o async for o in wa.broadcast(
                    rows, template=TEMPLATE, journal=db, campaign=CAMPAIGN, resume=True
                )
            ]
        assert len(resumed) == BLOCKED_ROWS
        await _check_finished(fake, db, resumed, pending, before)


async def test_a_shared_worker_killed_while_rows_wait_for_tokens_leaves_them_to_the_takeover(
    fresh_postgres_dsn: str,
) -> None:
    db = fresh_postgres_dsn
    rows = [f"+1555{i:07d}" for i in range(BLOCKED_ROWS)]
    async with FakeCloudAPI(pair_limit=None) as fake:
        pending, before = await _kill_while_blocked(fake, db, "blocked-shared")
        # Another worker takes the dead one's rows over once its lease runs out.
        async with WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url,
        ) as wa:
            taken = [
                o async for o in wa.broadcast(
                    rows, template=TEMPLATE, journal=db, campaign=CAMPAIGN, shared=True,
                    lease=SHARED_LEASE,
                )
            ]
        # The takeover reports the rows it took: all but those the dead worker finished.
        assert len(taken) == BLOCKED_ROWS - (TOKENS - 1)
        await _check_finished(fake, db, taken, pending, before)


def _exists(db: str) -> bool:
    """Whether the journal can be read yet (the child creates an SQLite file on start)."""
    return is_dsn(db) or os.path.exists(db)
