"""``whatsapp-async broadcast``: a template to every row of a CSV, journaled and resumable."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from .._journal_backend import JournalBackend, is_dsn
from ..bulk import Broadcast, Recipient, check_campaign
from ..client import WhatsAppClient
from ..errors import MAY_HAVE_BEEN_SENT, ConfigurationError
from ..journal import open_journal
from ._campaign import campaign_totals
from ._csv_input import CsvRecipients, read_recipients, scan_csv
from ._display import Display, make_display
from ._exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from ._failures import FailureWriter, LineOf, RowListing
from ._preflight import preflight_rows, wants_preflight
from ._send import template_of
from ._settings import credentials, shared_throttle


async def broadcast(args: argparse.Namespace) -> int:
    """Run ``broadcast``: check the whole CSV, then send (or only build, with ``--dry-run``).

    Args:
        args: The parsed ``broadcast`` flags.

    Returns:
        The exit status.

    Raises:
        CsvInputError: The CSV cannot be used.
        ConfigurationError: Missing credentials, or a journal that does not fit ``--resume``.
    """
    total = scan_csv(args.csv, phone_column=args.phone_column, params=args.param or [])
    if args.dry_run:
        await _dry_run_preflight(args)
        return await _dry_run(args, total)
    failures = Path(args.failures) if args.failures else Path(f"{args.csv}.failures.csv")
    async with shared_throttle(args.redis_url, rate=args.rate) as throttle, credentials(
        args, rate=args.rate
    ) as creds, WhatsAppClient(
        creds.token, creds.phone_number_id, base_url=creds.base_url,
        messages_per_second=args.rate, throttle=throttle,
        business_account_id=creds.business_account_id,
    ) as wa:
        if wants_preflight(args, creds.business_account_id, any_template=creds.any_template):
            rows = _recipients(args)
            await preflight_rows(wa, args, rows, rows.line_of)
        recipients = _recipients(args)
        return await run_broadcast(
            wa, recipients, args=args, total=total, failures=failures,
            title=f"template {args.template!r} to {args.csv}", journal=args.journal,
            line_of=recipients.line_of,
        )


async def run_broadcast(
    wa: WhatsAppClient,
    recipients: Iterator[Recipient],
    *,
    args: argparse.Namespace,
    total: int | None,
    failures: Path,
    title: str,
    journal: str | None,
    show_journal: bool = True,
    line_of: LineOf | None = None,
) -> int:
    """Broadcast with progress, a failures CSV, a summary and Ctrl-C handling.

    Args:
        wa: The client to send through.
        recipients: The rows.
        args: Template, language, concurrency, campaign, ``--resume`` and its
            companions, and the output flags (``--plain``, ``--quiet``).
        total: Rows to expect, when known.
        failures: Where rows not sent go (failed, unknown, invalid, duplicate).
        title: The summary's heading.
        journal: The journal file (or PostgreSQL DSN), if any.
        show_journal: Print where the failures and the journal are.
        line_of: The source file line of a row by its position, for the failures CSV.

    Returns:
        The exit status.

    Raises:
        ConfigurationError: ``--resume`` without a journal, or a used journal without ``--resume``.
    """
    shared = bool(getattr(args, "shared", False))
    if shared:
        total = None  # this worker takes a share of the rows
    async with _campaign_journal(journal, campaign=args.campaign, resume=args.resume,
                                 shared=shared) as opened:
        display = make_display(total, plain=args.plain, quiet=args.quiet)
        writer = FailureWriter(failures, line_of)
        bc = wa.broadcast(
            recipients, template=args.template, language=args.language,
            concurrency=args.concurrency, journal=opened, campaign=args.campaign,
            resume=args.resume, resend_unknown=args.resend_unknown,
            retry_failed=args.retry_failed, on_progress=display.update, total=total,
            marketing_messages=getattr(args, "marketing_messages", False),
            shared=shared, lease=getattr(args, "lease", 30.0),
        )
        try:
            with _Interrupts(bc, display) as interrupts:
                async with bc:
                    async for outcome in bc:
                        writer.add(outcome)
        finally:
            writer.close()
            display.close()
        # A resumed run's own counts skip what earlier runs did (a shared worker's, what
        # the other workers did): show the campaign's too.
        wants_totals = opened is not None and (args.resume or shared)
        totals = await campaign_totals(opened) if opened is not None and wants_totals else None
    report = bc.report
    assert report is not None
    display.summary(report, title, totals)
    if writer.count and show_journal:
        print(f"{writer.count} row(s) not sent (failed, unknown, invalid or duplicate) "
              f"listed in {failures}")
    if report.journal and show_journal:
        again = "--shared" if shared else "--resume"
        hint = f"; rerun with {again} to continue" if report.cancelled else ""
        if hint and report.failed:
            # --resume alone skips refused rows (an expired token refuses every row in flight).
            hint += f" (add --retry-failed to resend the {report.failed} refused row(s))"
        print(f"journal: {report.journal} (campaign {report.campaign!r}){hint}")
    if interrupts.count:
        return EXIT_INTERRUPTED
    return EXIT_OK if report.ok else EXIT_FAILED


@contextlib.asynccontextmanager
async def _campaign_journal(
    path: str | None, *, campaign: str, resume: bool, shared: bool = False
) -> AsyncIterator[JournalBackend | None]:
    # Opened here rather than by the engine so that a journal that does not fit
    # --resume is refused in terms of the flags, before any progress is shown.
    if path is None:
        if resume:
            raise ConfigurationError("--resume needs --journal FILE (the journal of the run to "
                                     "continue)")
        if shared:
            raise ConfigurationError("--shared needs --journal postgresql://... (the workers "
                                     "share the campaign's rows there)")
        yield None
        return
    if resume and not is_dsn(path) and not await asyncio.to_thread(os.path.exists, path):
        raise ConfigurationError(f"--resume: there is no journal at {path!r}")
    if shared and not is_dsn(path):
        raise ConfigurationError(f"--shared needs a postgresql:// --journal, not {path!r}: "
                                 "workers share the campaign's rows in PostgreSQL")
    async with open_journal(path, campaign=campaign) as journal:
        if not shared:  # a worker joins the campaign others started: no --resume needed
            await check_campaign(
                journal, resume=resume, resume_word="--resume", campaign_word="--campaign"
            )
        yield journal


class _Interrupts:
    """First Ctrl-C stops taking rows; the second cancels sends in flight."""

    def __init__(self, broadcast: Broadcast, display: Display) -> None:
        self.count = 0
        self._broadcast = broadcast
        self._display = display
        self._loop = asyncio.get_running_loop()

    def __enter__(self) -> _Interrupts:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            self._loop.add_signal_handler(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            self._loop.remove_signal_handler(signal.SIGINT)

    def _on_sigint(self) -> None:
        self.count += 1
        if self.count == 1:
            self._display.message(
                "stopping: no new rows; waiting for sends in flight (Ctrl-C again to abort them)"
            )
            self._broadcast.stop("interrupted (Ctrl-C)")
        else:
            self._display.message(
                f"aborting sends in flight; each one is recorded as unknown if {MAY_HAVE_BEEN_SENT}"
            )
            self._broadcast.abort()


async def _dry_run(args: argparse.Namespace, total: int) -> int:
    from ..types.messages import build_request

    async def check(wa: WhatsAppClient, to: str, row: Recipient) -> None:
        build_request(to, row.message or template_of(args.template, args.language, row.params))

    # The scripted send builds and validates every request without any network.
    rows = _recipients(args)
    listing = RowListing(rows.line_of)
    async with WhatsAppClient("dry-run", "0") as wa:
        bc = Broadcast(wa, rows, template=args.template, language=args.language,
                       send=check, total=total)
        async with bc:
            async for outcome in bc:
                listing.add(outcome)
    report = bc.report
    assert report is not None
    print(
        f"dry run: {report.total} rows; would send {report.sent}, skip {report.skipped} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(report.errors.items())) or 'none'}); "
        "nothing was sent"
    )
    for line in listing.lines():
        print(f"  {line}")
    return EXIT_OK


async def _dry_run_preflight(args: argparse.Namespace) -> None:
    # A dry run sends nothing, but it asks the account for the template when it can.
    if getattr(args, "no_preflight", False):
        return
    has_account = bool(getattr(args, "business_account_id", None)
                       or os.environ.get("WHATSAPP_BUSINESS_ACCOUNT_ID")
                       or args.sandbox or getattr(args, "sandbox_url", None))
    if not has_account:
        wants_preflight(args, None)  # says why it is skipped
        return
    async with credentials(args, rate=args.rate) as creds, WhatsAppClient(
        creds.token, creds.phone_number_id, base_url=creds.base_url,
        business_account_id=creds.business_account_id,
    ) as wa:
        if wants_preflight(args, creds.business_account_id, any_template=creds.any_template):
            rows = _recipients(args)
            checked = await preflight_rows(wa, args, rows, rows.line_of)
            print(f"pre-flight: {checked} row(s) fit template {args.template!r} "
                  f"({args.language})")


def _recipients(args: argparse.Namespace) -> CsvRecipients:
    return read_recipients(args.csv, phone_column=args.phone_column, params=args.param or [])
