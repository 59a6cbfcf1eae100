"""A broadcast SIGKILLed midway resumes without sending anyone the message twice.

The test runs FakeCloudAPI in its own process and starts this file as a child
process (``python test_broadcast_crash.py BASE_URL TOKEN NUMBER JOURNAL``) that
broadcasts 5,000 rows with a journal; the child is killed with SIGKILL once
the fake has accepted a good part of them, and the run is resumed here. It
runs on both journal backends (an SQLite file, a PostgreSQL database).
"""

from __future__ import annotations

import asyncio
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


if __name__ == "__main__":
    asyncio.run(_child(*sys.argv[1:5]))
    sys.exit(0)


# ----------------------------------------------------------------------------- the test

from whatsapp_async import WhatsAppClient  # noqa: E402
from whatsapp_async.journal import open_journal  # noqa: E402
from whatsapp_async.testing import FakeCloudAPI  # noqa: E402


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
