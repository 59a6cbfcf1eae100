"""Broadcast a template to the recipients of a CSV file, journaled so a rerun resumes.

The CSV has a header row with a ``phone`` column (international format) and a
``name`` column, which fills the template's ``{{1}}``::

    phone,name
    +15551230001,Ana
    +15551230002,Ben

Every recipient is written to the journal (an SQLite file) before and after
its send. If the run stops half way (Ctrl-C, a crash, a deploy), run the same
command again with ``--resume``: recipients already recorded are skipped, so
nobody gets the message twice. Progress is printed as it goes, then a summary;
the exit status is 0 only if every row was sent or skipped.

Try it with no account and no network against the library's fake Cloud API
(it writes a sample CSV, stops the first run after a few sends as if it had
been interrupted, then resumes it)::

    python examples/broadcast.py --sandbox

For real, with the ``WHATSAPP_*`` variables set and an approved template::

    export WHATSAPP_ACCESS_TOKEN=... WHATSAPP_PHONE_NUMBER_ID=...
    python examples/broadcast.py customers.csv --template spring_sale --journal sale.db
    python examples/broadcast.py customers.csv --template spring_sale --journal sale.db --resume
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from whatsapp_async import ConfigurationError, WhatsAppClient
from whatsapp_async.bulk import BroadcastProgress, BroadcastReport, Recipient

SANDBOX_TEMPLATE = "spring_sale"


def read_recipients(csv_path: Path) -> Iterator[Recipient]:
    """The rows of ``csv_path`` as recipients, read one at a time (big files are fine)."""
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            yield Recipient(row["phone"], params=[row["name"]])


def count_rows(csv_path: Path) -> int:
    """How many recipients ``csv_path`` holds, for the progress lines."""
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def print_progress(progress: BroadcastProgress) -> None:
    print(f"  {progress.done}/{progress.total} rows: {progress.sent} sent, "
          f"{progress.failed} failed, {progress.skipped} skipped, "
          f"{progress.unknown} unknown ({progress.rate:.0f}/s)", flush=True)


async def broadcast_csv(
    wa: WhatsAppClient,
    csv_path: Path,
    *,
    template: str,
    language: str = "en_US",
    journal: Path,
    campaign: str = "default",
    resume: bool = False,
) -> BroadcastReport:
    """Send ``template`` to every row of ``csv_path``, print rows not sent, return the report.

    Raises:
        ConfigurationError: The journal already holds ``campaign`` and ``resume``
            is off, or ``resume`` is on and it holds no such campaign.
    """
    run = wa.broadcast(
        read_recipients(csv_path), template=template, language=language, journal=journal,
        campaign=campaign, resume=resume, on_progress=print_progress, total=count_rows(csv_path),
    )
    async for outcome in run:
        # Rows done by an earlier run would only repeat what that run printed.
        if outcome.error is not None and outcome.error.type != "AlreadyDone":
            print(f"  row {outcome.row} ({outcome.to}): {outcome.status}, "
                  f"{outcome.error.key}: {outcome.error.message}")
    assert run.report is not None  # set once the loop has ended
    print(run.report.summary())
    return run.report


def write_sample_csv(csv_path: Path) -> None:
    """Eight rows: six people, one number that is not a number, one duplicate."""
    rows = [("+15551230001", "Ana"), ("+15551230002", "Ben"), ("+15551230003", "Chloé"),
            ("12", "Typo"), ("+15551230004", "Dev"), ("+15551230002", "Ben again"),
            ("+15551230005", "Eun"), ("+15551230006", "Femi")]
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "name"])
        writer.writerows(rows)


async def sandbox() -> bool:
    """Interrupt a broadcast to the sample CSV, resume it, check nobody got two messages."""
    from whatsapp_async.testing import FakeCloudAPI

    with tempfile.TemporaryDirectory() as tmp:
        csv_path, journal = Path(tmp) / "customers.csv", Path(tmp) / "sale.db"
        write_sample_csv(csv_path)
        async with FakeCloudAPI(templates={SANDBOX_TEMPLATE}) as fake, WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url,
            messages_per_second=10,  # slow enough to see the progress lines
        ) as wa:
            print(f"Sandbox: {csv_path.name} has {count_rows(csv_path)} rows.")
            print("First run, stopped after three sends as if the process had died:")
            first = wa.broadcast(read_recipients(csv_path), template=SANDBOX_TEMPLATE,
                                 journal=journal, concurrency=1)
            async with first:
                async for outcome in first:
                    if outcome.status == "sent" and outcome.row >= 2:
                        break
            assert first.report is not None
            print(first.report.summary())
            print("Second run, resuming the journal:")
            report = await broadcast_csv(wa, csv_path, template=SANDBOX_TEMPLATE,
                                         journal=journal, resume=True)
            per_recipient = Counter(record.wa_id for record in fake.sent)
            print(f"The sandbox received {len(fake.sent)} messages for "
                  f"{len(per_recipient)} recipients, at most "
                  f"{max(per_recipient.values())} per recipient.")
            return report.failed == report.unknown == 0 and set(per_recipient.values()) == {1}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, help="recipients: phone,name columns")
    parser.add_argument("--template", help="the approved template's name")
    parser.add_argument("--language", default="en_US")
    parser.add_argument("--journal", type=Path, help="SQLite file recording every recipient")
    parser.add_argument("--campaign", default="default", help="name inside the journal")
    parser.add_argument("--resume", action="store_true", help="continue the journal's campaign")
    parser.add_argument("--sandbox", action="store_true",
                        help="run against the built-in fake Cloud API and exit")
    args = parser.parse_args(argv)
    if args.sandbox:
        return 0 if asyncio.run(sandbox()) else 1
    if args.csv is None or args.template is None or args.journal is None:
        parser.error("give a CSV file, --template and --journal (or --sandbox)")

    async def run() -> BroadcastReport:
        async with WhatsAppClient() as wa:  # token and number id from WHATSAPP_* variables
            return await broadcast_csv(
                wa, args.csv, template=args.template, language=args.language,
                journal=args.journal, campaign=args.campaign, resume=args.resume,
            )

    try:
        report = asyncio.run(run())
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
