"""``whatsapp-async demo``: a broadcast to generated recipients through the sandbox."""

from __future__ import annotations

import argparse
import itertools
import random
import shlex
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .._journal_report import build_report
from ..bulk import Recipient
from ..client import WhatsAppClient
from ._broadcast import run_broadcast
from ._demo_tracking import DEMO_FAILURES, tracking_receiver
from ._report import read_only


async def demo(args: argparse.Namespace) -> int:
    """Run ``demo``: no account and no network, faults and bad rows included.

    Args:
        args: The parsed ``demo`` flags (``--rows``, ``--rate``, ``--seed``, output flags).

    Returns:
        The exit status of the broadcast.
    """
    from ..retry import RetryPolicy
    from ..testing import FakeCloudAPI, FaultPlan

    print(
        f"whatsapp-async demo: a template to {args.rows:,} generated recipients through the "
        f"built-in sandbox at {args.rate:g} messages/s (no account, no network).\n"
        "The sandbox refuses 2% of sends with a transient error (retried) and the list has "
        "a few invalid numbers and duplicates (skipped).\nIts status webhooks go to a "
        "receiver (a web app in another process) that tracks them into the journal: most "
        "messages are delivered, 60% read, about 1% fail (131026, 131049, 131050)."
    )
    plan = FaultPlan(error_rate=0.02, error_code=131000)
    retry = RetryPolicy(initial_backoff=0.05, max_backoff=0.5)
    with tempfile.TemporaryDirectory(prefix="whatsapp-async-demo-") as tmp:
        journal = args.journal or str(Path(tmp) / "demo.db")
        campaign = free_campaign(journal)
        # What the broadcast command would take from its flags.
        settings = argparse.Namespace(
            **{k: v for k, v in vars(args).items() if k != "journal"},
            template="welcome_offer", language="en_US", concurrency=None,
            campaign=campaign, resume=False, resend_unknown=False, retry_failed=False,
        )
        async with tracking_receiver(journal) as receiver, FakeCloudAPI(
            messages_per_second=args.rate, faults=plan, seed=args.seed, pair_limit=None,
            webhook_url=receiver.url, app_secret=receiver.app_secret, read_rate=0.6,
        ) as fake, WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url,
            messages_per_second=args.rate, retry=retry,
        ) as wa:
            for number, failure in _failing(args.rows, args.seed):
                fake.fail_deliveries_to(number, failure)
            code = await run_broadcast(
                wa, _demo_rows(args.rows, args.seed), args=settings, total=args.rows,
                failures=Path(tmp) / "failures.csv",
                title="demo: template 'welcome_offer'", journal=journal,
                show_journal=False,
            )
            print(f"the sandbox accepted {len(fake.sent):,} messages; "
                  f"{fake.count_refusals(131000)} transient refusals were retried; "
                  "waiting for its status webhooks...")
            await fake.flush_webhooks()
        counts = receiver.counts
        print(f"the webhook receiver tracked {counts.applied:,} statuses into the journal")
        with read_only(journal) as reader:
            print("\n" + build_report(reader, campaign).summary())
    if args.journal:
        print(f"\nThe journal is {args.journal} (campaign {campaign!r}); see it again with:\n"
              f"  whatsapp-async report {shlex.quote(args.journal)} --campaign "
              f"{shlex.quote(campaign)} --html report.html")
    _print_next_step()
    return code


#: The list the demo leaves behind, so that the next step it prints runs as is.
_SAMPLE = "phone,name\n" + "".join(
    f"+1555000{i:04d},{name}\n" for i, name in enumerate(("Ana", "Ben", "Chloe", "Dev", "Elif"), 1)
)
_SAMPLE_NAME = "whatsapp-async-sample.csv"


def _print_next_step() -> None:
    try:
        sample = _write_sample(Path(_SAMPLE_NAME))
    except OSError as exc:
        # A read-only directory: say what the file must hold instead.
        print(f"Next: write a CSV with a header 'phone,name' and one row per recipient "
              f"(could not write a sample here: {exc.strerror}), then run:\n"
              f"  whatsapp-async broadcast FILE.csv --template welcome_offer --param name "
              "--sandbox")
        return
    print(f"Next: a sample list of {_SAMPLE.count(chr(10)) - 1} recipients is in {sample}; "
          "broadcast it through the sandbox (then edit it, or use your own CSV):\n"
          f"  whatsapp-async broadcast {shlex.quote(str(sample))} --template welcome_offer "
          "--param name --sandbox")


def _write_sample(path: Path) -> Path:
    """Write the sample at ``path``, or beside it when a different file holds that name."""
    for n in itertools.count(1):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            with candidate.open("x", encoding="utf-8", newline="") as handle:
                handle.write(_SAMPLE)
            return candidate
        except FileExistsError:
            # Never overwrite a user's file; an earlier demo's sample is reused.
            if candidate.read_bytes() == _SAMPLE.encode():
                return candidate
    raise AssertionError("unreachable")  # itertools.count never ends


def free_campaign(journal: str) -> str:
    """``demo``, or ``demo-2``, ``demo-3``... when the journal already holds that campaign."""
    if not Path(journal).is_file():
        return "demo"
    with read_only(journal) as reader:
        taken = set(reader.campaigns())
    return next(name for n in itertools.count(1)
                if (name := "demo" if n == 1 else f"demo-{n}") not in taken)


def _failing(n: int, seed: int) -> Iterator[tuple[str, int]]:
    """The demo numbers whose delivery fails, with a real code, about 1% of them."""
    rng = random.Random(seed + 1)
    for i in range(n):
        roll = rng.random()
        for share, code in DEMO_FAILURES:
            if roll < share:
                yield f"+1555{i:07d}", code
                break
            roll -= share


def _demo_rows(n: int, seed: int) -> Iterator[Recipient]:
    """Generated customers, with a few typos and repeats like a real list."""
    rng = random.Random(seed)
    first = ("Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Giulia", "Hiro", "Ines", "Jon")
    for i in range(n):
        roll = rng.random()
        if roll < 0.002:
            yield Recipient(f"+1 555 {i % 100:02d}", params=["typo"])  # too short: invalid
        elif roll < 0.004 and i:
            yield Recipient(f"+1555{rng.randrange(i):07d}", params=["repeat"])
        else:
            yield Recipient(f"+1555{i:07d}", params=[rng.choice(first)])
