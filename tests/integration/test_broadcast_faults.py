"""Broadcasts against FakeCloudAPI with seeded faults: nothing lost, nothing sent twice."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from whatsapp_async import Recipient, SendOutcome, WhatsAppClient
from whatsapp_async.bulk import BroadcastReport
from whatsapp_async.journal import export_csv
from whatsapp_async.testing import FakeCloudAPI, Fault, FaultPlan

RATE = 2000.0
#: Random faults on every run, seeded so a failure can be replayed.
pytestmark = pytest.mark.fake_cloud_api(
    messages_per_second=RATE, seed=3,
    faults=FaultPlan(error_rate=0.05, error_code=131000, drop_after_rate=0.01),
)


def rows(n: int, *, seed: int = 7) -> Iterator[Recipient]:
    """``n`` rows: mostly distinct numbers, ~1% invalid, ~1% repeats of earlier rows."""
    rng = random.Random(seed)
    for i in range(n):
        roll = rng.random()
        if roll < 0.01:
            yield Recipient(rng.choice(["12345", "+0123456789", "call me", ""]), params=["x"])
        elif roll < 0.02 and i > 0:
            yield Recipient(f"+1 555 {rng.randrange(i):07d}", params=["again"])
        else:
            yield Recipient(f"+1555{i:07d}", params=[f"name {i}"])


@pytest.fixture
def fake_cloud_api(fake_cloud_api: FakeCloudAPI) -> FakeCloudAPI:
    """The plugin's fake with throughput and pair-limit refusals queued early in the run,
    on top of the random faults."""
    fake_cloud_api.inject(
        Fault.error(130429), Fault.error(131056), Fault.error(131056), Fault.error(130429)
    )
    return fake_cloud_api


def check_consistency(
    outcomes: list[SendOutcome], report: BroadcastReport, fake: FakeCloudAPI, n: int
) -> None:
    # Every row has exactly one outcome.
    assert sorted(o.row for o in outcomes) == list(range(n))
    # The report counts what the stream showed.
    status = Counter(o.status for o in outcomes)
    assert (report.sent, report.failed, report.unknown, report.skipped) == (
        status["sent"], status["failed"], status["unknown"], status["skipped"]
    )
    assert report.total == n
    # Nobody got the message twice; sent rows are on record with their wamid.
    received = Counter(m.wa_id for m in fake.sent)
    assert max(received.values()) == 1
    by_number = {o.to: o for o in outcomes if o.status != "skipped"}
    wamids = {m.wa_id: m.id for m in fake.sent}
    for number, outcome in by_number.items():
        digits = number[1:]
        if outcome.status == "sent":
            assert wamids[digits] == outcome.message_id
        elif outcome.status == "failed":
            assert digits not in wamids
    # Everything the fake accepted belongs to a sent or unknown row.
    accepted = {"+" + d for d in wamids}
    assert accepted <= {o.to for o in outcomes if o.status in ("sent", "unknown")}


async def test_ten_thousand_rows_with_faults_end_with_one_outcome_each(
    wa: WhatsAppClient, fake: FakeCloudAPI
) -> None:
    n = 10_000
    bc = wa.broadcast(rows(n), template="spring_sale", total=n)
    outcomes = [o async for o in bc]
    report = bc.report
    assert report is not None
    check_consistency(outcomes, report, fake, n)
    # The seeded faults really happened and were handled as designed.
    assert fake.dropped > 0
    assert report.unknown >= fake.dropped - report.failed
    assert report.errors.get("OutcomeUnknownError", 0) == report.unknown
    assert report.errors.get("Duplicate", 0) > 0
    assert report.errors.get("ValidationError", 0) > 0
    assert fake.count_refusals(131000) > 0
    assert fake.count_refusals(131056) == 2
    assert not report.cancelled


async def test_sent_templates_carry_the_rows_parameters(
    wa: WhatsAppClient, fake: FakeCloudAPI
) -> None:
    fake.set_faults(None)
    fake.faults.clear()
    report = await wa.broadcast(
        [Recipient("+15550000001", params={"1": "Ana", "2": "10%"})],
        template="spring_sale", language="pt_BR",
    )
    assert report.sent == 1
    template = fake.sent[0].body["template"]
    assert template["name"] == "spring_sale"
    assert template["language"] == {"code": "pt_BR"}
    assert template["components"] == [
        {"type": "body", "parameters": [
            {"type": "text", "text": "Ana"}, {"type": "text", "text": "10%"},
        ]}
    ]


async def test_attempts_count_the_retries_of_a_row(wa: WhatsAppClient, fake: FakeCloudAPI) -> None:
    fake.set_faults(None)
    fake.faults.clear()
    fake.inject(Fault.error(131000), Fault.error(131000))
    [outcome] = [o async for o in wa.broadcast(["+15550000001"], template="t")]
    assert (outcome.status, outcome.attempts) == ("sent", 3)


async def test_a_stopped_and_resumed_campaign_sends_each_recipient_at_most_once(
    wa: WhatsAppClient, fake: FakeCloudAPI, tmp_path: Path
) -> None:
    n = 3_000
    db = tmp_path / "campaign.db"
    first = wa.broadcast(rows(n), template="spring_sale", journal=db, campaign="spring")
    seen: list[SendOutcome] = []
    async with first:
        async for outcome in first:
            seen.append(outcome)
            if len(seen) == 1_000:
                first.stop()
    assert first.report is not None and first.report.cancelled
    second = wa.broadcast(rows(n), template="spring_sale", journal=db, campaign="spring",
                          resume=True)
    again = [o async for o in second]
    assert len(again) == n
    received = Counter(m.wa_id for m in fake.sent)
    assert max(received.values()) == 1
    # Rows finished in the first run are skipped in the second, not resent.
    finished = {o.to for o in seen if o.status in ("sent", "failed")}
    assert all(o.status == "skipped" for o in again if o.to in finished)
    # The journal ends with a final outcome for every recipient.
    out = tmp_path / "all.csv"
    export_csv(db, out, statuses=("pending",))
    assert out.read_text(encoding="utf-8").count("\n") == 1  # header only
