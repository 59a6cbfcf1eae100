"""The ``whatsapp-async`` command: broadcasts from a CSV, one-off sends, a demo, a sandbox.

Exit status: 0 when everything went out, 1 when any row failed or ended
unknown (or the run was cut short), 2 for bad input or settings (nothing sent),
130 after Ctrl-C. Progress and tables use `rich` when it is installed
(``pip install 'whatsapp-async[cli]'``), plain text otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from ._version import __version__
from .bulk import (
    Broadcast,
    BroadcastProgress,
    BroadcastReport,
    Recipient,
    SendOutcome,
    template_message,
)
from .client import WhatsAppClient
from .errors import ConfigurationError, ValidationError, WhatsAppError
from .throttle import Throttle
from .types.messages import Language, Template

__all__ = ["CsvInputError", "main", "read_recipients", "scan_csv"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

#: Columns of the failures CSV.
FAILURE_COLUMNS = ("phone", "row", "status", "error_code", "error_type", "error_message")


class CsvInputError(Exception):
    """The recipients CSV cannot be used; nothing was sent."""


# --------------------------------------------------------------------------- CSV input


def _open_csv(path: Path) -> IO[str]:
    # utf-8-sig: spreadsheet exports often start with a byte-order mark.
    return path.open(newline="", encoding="utf-8-sig", errors="strict")


def scan_csv(path: str | os.PathLike[str], *, phone_column: str, params: Sequence[str]) -> int:
    """Check the whole CSV before anything is sent, without holding it in memory.

    Args:
        path: The CSV file.
        phone_column: Header of the phone number column.
        params: Headers of the template's parameter columns, in order.

    Returns:
        The number of data rows.

    Raises:
        CsvInputError: Missing file, bad encoding, no header or rows, a missing
            column, a row with the wrong number of fields, or an empty parameter.
    """
    source = Path(path)
    if not source.is_file():
        raise CsvInputError(f"{source}: no such file")
    count = 0
    try:
        with _open_csv(source) as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise CsvInputError(f"{source}: the file is empty (a header row is needed)")
            names = [h.strip() for h in header]
            missing = [c for c in (phone_column, *params) if c not in names]
            if missing:
                raise CsvInputError(
                    f"{source}: no column {', '.join(repr(c) for c in missing)} in the header "
                    f"(found: {', '.join(repr(n) for n in names)})"
                )
            wanted = [names.index(c) for c in params]
            for line, row in enumerate(reader, start=2):
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                if len(row) != len(names):
                    raise CsvInputError(
                        f"{source}, line {line}: {len(row)} fields, but the header has "
                        f"{len(names)}; the template needs {len(params)} parameter(s) per row"
                    )
                for column, index in zip(params, wanted, strict=True):
                    if not row[index].strip():
                        raise CsvInputError(
                            f"{source}, line {line}: parameter column {column!r} is empty; the "
                            f"template needs {len(params)} parameter(s) per row"
                        )
                count += 1
    except UnicodeDecodeError as exc:
        raise CsvInputError(
            f"{source}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise CsvInputError(f"{source}: malformed CSV: {exc}") from None
    if count == 0:
        raise CsvInputError(f"{source}: no data rows below the header")
    return count


def read_recipients(
    path: str | os.PathLike[str], *, phone_column: str, params: Sequence[str]
) -> Iterator[Recipient]:
    """Yield one :class:`Recipient` per data row, lazily (check with :func:`scan_csv` first)."""
    with _open_csv(Path(path)) as handle:
        reader = csv.reader(handle)
        names = [h.strip() for h in next(reader)]
        phone = names.index(phone_column)
        wanted = [names.index(c) for c in params]
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            values = [row[i].strip() for i in wanted]
            yield Recipient(row[phone].strip(), params=values or None)


# --------------------------------------------------------------------------- output


class _Display(Protocol):
    def update(self, progress: BroadcastProgress) -> None: ...
    def close(self) -> None: ...
    def message(self, text: str) -> None: ...
    def summary(self, report: BroadcastReport, title: str) -> None: ...


def _counts_line(p: BroadcastProgress) -> str:
    share = f" {100 * p.done / p.total:5.1f}%" if p.total else ""
    total = f"/{p.total}" if p.total else ""
    return (
        f"{p.done}{total}{share} | sent {p.sent} failed {p.failed} unknown {p.unknown} "
        f"skipped {p.skipped} | {p.rate:,.0f}/s | {p.elapsed:,.1f}s"
    )


class _PlainDisplay:
    """A progress line on stderr: rewritten in place on a terminal, every 5 s otherwise."""

    def __init__(self, stream: IO[str], *, quiet: bool = False) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._quiet = quiet
        self._last = 0.0
        self._dirty = False

    def update(self, progress: BroadcastProgress) -> None:
        if self._quiet:
            return
        if self._tty:
            self._stream.write("\r\x1b[K" + _counts_line(progress))
            self._stream.flush()
            self._dirty = True
        elif time.monotonic() - self._last >= 5.0:
            self._last = time.monotonic()
            print(_counts_line(progress), file=self._stream, flush=True)

    def close(self) -> None:
        if self._dirty:
            self._stream.write("\n")
            self._stream.flush()
            self._dirty = False

    def message(self, text: str) -> None:
        self.close()
        print(text, file=self._stream, flush=True)

    def summary(self, report: BroadcastReport, title: str) -> None:
        self.close()
        print(f"{title}\n{report.summary()}", file=sys.stdout, flush=True)


class _RichDisplay:
    """A live progress bar and a summary table, with rich."""

    def __init__(self, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._console = Console(stderr=True)
        self._out = Console()
        self._progress = Progress(
            TextColumn("[bold]broadcast"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}" if total else "{task.completed}"),
            TextColumn("[green]sent {task.fields[sent]}[/] [red]failed {task.fields[failed]}[/] "
                       "[yellow]unknown {task.fields[unknown]}[/] skipped {task.fields[skipped]}"),
            TextColumn("{task.fields[rate]:,.0f}/s"),
            TimeElapsedColumn(),
            console=self._console,
            transient=False,
        )
        self._task = self._progress.add_task(
            "broadcast", total=total, sent=0, failed=0, unknown=0, skipped=0, rate=0.0
        )
        self._progress.start()

    def update(self, p: BroadcastProgress) -> None:
        self._progress.update(
            self._task, completed=p.done, sent=p.sent, failed=p.failed, unknown=p.unknown,
            skipped=p.skipped, rate=p.rate,
        )

    def close(self) -> None:
        self._progress.stop()

    def message(self, text: str) -> None:
        self._console.print(text)

    def summary(self, report: BroadcastReport, title: str) -> None:
        from rich.table import Table

        self.close()
        self._out.print(f"[bold]{title}[/]")
        table = Table(show_header=True)
        table.add_column("outcome")
        table.add_column("rows", justify="right")
        for name, value, style in (
            ("sent", report.sent, "green"), ("failed", report.failed, "red"),
            ("unknown", report.unknown, "yellow"), ("skipped", report.skipped, ""),
            ("total", report.total, "bold"),
        ):
            table.add_row(name, f"[{style}]{value}[/]" if style else str(value))
        self._out.print(table)
        if report.errors:
            errors = Table(title="errors", show_header=True)
            errors.add_column("code / reason")
            errors.add_column("rows", justify="right")
            for key, count in sorted(report.errors.items(), key=lambda kv: (-kv[1], kv[0])):
                errors.add_row(key, str(count))
            self._out.print(errors)
        line = f"{report.duration:.1f}s at {report.rate:,.1f} requests/s"
        if report.cancelled:
            line += f" - stopped early: {report.stop_reason}"
        self._out.print(line)


def _display(total: int | None, *, plain: bool, quiet: bool) -> _Display:
    if not plain and not quiet:
        try:
            return _RichDisplay(total)
        except ImportError:
            pass
    return _PlainDisplay(sys.stderr, quiet=quiet)


class _FailureWriter:
    """Writes failed, unknown and invalid rows to a CSV, opened on the first one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, outcome: SendOutcome) -> None:
        error = outcome.error
        if outcome.status == "skipped" and (error is None or error.type != "ValidationError"):
            return  # duplicates and rows done earlier are not failures
        if outcome.status == "sent":
            return
        if self._writer is None:
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(FAILURE_COLUMNS)
        self._writer.writerow((
            outcome.to, outcome.row, outcome.status,
            "" if error is None or error.code is None else error.code,
            "" if error is None else error.type, "" if error is None else error.message,
        ))
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class _Credentials:
    token: str = field(repr=False)  # never shown, even by accident
    phone_number_id: str
    base_url: str | None


@contextlib.asynccontextmanager
async def _credentials(args: argparse.Namespace, *, rate: float) -> AsyncIterator[_Credentials]:
    """Flags, then environment variables; or an in-process sandbox with ``--sandbox``."""
    if getattr(args, "sandbox", False):
        from .testing import FakeCloudAPI

        async with FakeCloudAPI(messages_per_second=rate) as fake:
            yield _Credentials(fake.access_token, fake.phone_number_id, fake.base_url)
        return
    token = args.token or os.environ.get("WHATSAPP_ACCESS_TOKEN")
    number = args.phone_number_id or os.environ.get("WHATSAPP_PHONE_NUMBER_ID")
    base_url = args.base_url or os.environ.get("WHATSAPP_BASE_URL") or None
    if not token:
        raise ConfigurationError(
            "no access token: set WHATSAPP_ACCESS_TOKEN or pass --token (or use --sandbox)"
        )
    if not number:
        raise ConfigurationError(
            "no business phone number id: set WHATSAPP_PHONE_NUMBER_ID or pass "
            "--phone-number-id (or use --sandbox)"
        )
    yield _Credentials(token, number, base_url)


def _make_throttle(args: argparse.Namespace) -> Throttle | None:
    url = getattr(args, "redis_url", None)
    if not url:
        return None
    try:
        from .throttle import RedisThrottle
    except ImportError as exc:
        raise ConfigurationError(
            "--redis-url needs the redis extra: pip install 'whatsapp-async[redis]'"
        ) from exc
    throttle: Throttle = RedisThrottle(url, rate=args.rate)
    return throttle


# --------------------------------------------------------------------------- broadcast


class _Interrupts:
    """First Ctrl-C stops taking rows; the second cancels sends in flight."""

    def __init__(self, broadcast: Broadcast, display: _Display) -> None:
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
                "aborting sends in flight; any that may have gone out are recorded as unknown"
            )
            self._broadcast.abort()


async def _run_broadcast(
    wa: WhatsAppClient,
    recipients: Iterator[Recipient],
    *,
    args: argparse.Namespace,
    total: int | None,
    failures: Path,
    title: str,
    journal: str | None,
    show_journal: bool = True,
) -> int:
    display = _display(total, plain=args.plain, quiet=args.quiet)
    writer = _FailureWriter(failures)
    bc = wa.broadcast(
        recipients, template=args.template, language=args.language,
        concurrency=args.concurrency, journal=journal, campaign=args.campaign,
        resume=args.resume, resend_unknown=args.resend_unknown, retry_failed=args.retry_failed,
        on_progress=display.update, total=total,
    )
    try:
        with _Interrupts(bc, display) as interrupts:
            async with bc:
                async for outcome in bc:
                    writer.add(outcome)
    finally:
        writer.close()
        display.close()
    report = bc.report
    assert report is not None
    display.summary(report, title)
    if writer.count and show_journal:
        print(f"{writer.count} row(s) needing attention written to {failures}")
    if report.journal and show_journal:
        hint = "; rerun with --resume to continue" if report.cancelled else ""
        if hint and report.failed:
            # --resume alone skips refused rows (an expired token refuses every row in flight).
            hint += f" (add --retry-failed to resend the {report.failed} refused row(s))"
        print(f"journal: {report.journal} (campaign {report.campaign!r}){hint}")
    if interrupts.count:
        return EXIT_INTERRUPTED
    return EXIT_OK if report.ok else EXIT_FAILED


async def _dry_run(args: argparse.Namespace, total: int) -> int:
    from .types.messages import build_request

    async def check(wa: WhatsAppClient, number: str, row: Recipient) -> None:
        build_request(number, row.message or _template_for(args, row))

    # The scripted send builds and validates every request without any network.
    async with WhatsAppClient("dry-run", "0") as wa:
        bc = Broadcast(wa, _recipients(args), template=args.template, language=args.language,
                       send=check, total=total)
        report = await bc
    would_send = report.sent
    print(
        f"dry run: {report.total} rows; would send {would_send}, skip {report.skipped} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(report.errors.items())) or 'none'}); "
        "nothing was sent"
    )
    return EXIT_OK


def _template_for(args: argparse.Namespace, row: Recipient) -> Template:
    base = Template(name=args.template, language=Language(code=args.language))
    return template_message(base, row.params)


def _recipients(args: argparse.Namespace) -> Iterator[Recipient]:
    return read_recipients(args.csv, phone_column=args.phone_column, params=args.param or [])


async def _broadcast(args: argparse.Namespace) -> int:
    total = scan_csv(args.csv, phone_column=args.phone_column, params=args.param or [])
    if args.dry_run:
        return await _dry_run(args, total)
    failures = Path(args.failures) if args.failures else Path(f"{args.csv}.failures.csv")
    throttle = _make_throttle(args)
    try:
        async with _credentials(args, rate=args.rate) as creds, WhatsAppClient(
            creds.token, creds.phone_number_id, base_url=creds.base_url,
            messages_per_second=args.rate, throttle=throttle,
        ) as wa:
            return await _run_broadcast(
                wa, _recipients(args), args=args, total=total, failures=failures,
                title=f"template {args.template!r} to {args.csv}", journal=args.journal,
            )
    finally:
        aclose = getattr(throttle, "aclose", None)
        if aclose is not None:
            await aclose()


# --------------------------------------------------------------------------- demo


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


async def _demo(args: argparse.Namespace) -> int:
    from .retry import RetryPolicy
    from .testing import FakeCloudAPI, FaultPlan

    print(
        f"whatsapp-async demo: a template to {args.rows:,} generated recipients through the "
        f"built-in sandbox at {args.rate:g} messages/s (no account, no network).\n"
        "The sandbox refuses 2% of sends with a transient error (retried) and the list has "
        "a few invalid numbers and duplicates (skipped)."
    )
    plan = FaultPlan(error_rate=0.02, error_code=131000)
    retry = RetryPolicy(initial_backoff=0.05, max_backoff=0.5)
    with tempfile.TemporaryDirectory(prefix="whatsapp-async-demo-") as tmp:
        journal = str(Path(tmp) / "demo.db")
        async with FakeCloudAPI(
            messages_per_second=args.rate, faults=plan, seed=args.seed, pair_limit=None
        ) as fake, WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url,
            messages_per_second=args.rate, retry=retry,
        ) as wa:
            args.template, args.language, args.concurrency = "welcome_offer", "en_US", None
            args.campaign, args.resume, args.resend_unknown, args.retry_failed = (
                "demo", False, False, False,
            )
            code = await _run_broadcast(
                wa, _demo_rows(args.rows, args.seed), args=args, total=args.rows,
                failures=Path(tmp) / "failures.csv", title="demo: template 'welcome_offer'",
                journal=journal, show_journal=False,
            )
            print(f"the sandbox accepted {len(fake.sent):,} messages; "
                  f"{fake.count_refusals(131000)} transient refusals were retried")
    print("Next: whatsapp-async broadcast recipients.csv --template NAME --param name "
          "--journal run.db --sandbox")
    return code


# --------------------------------------------------------------------------- send


async def _send(args: argparse.Namespace) -> int:
    async with _credentials(args, rate=80.0) as creds, WhatsAppClient(
        creds.token, creds.phone_number_id, base_url=creds.base_url
    ) as wa:
        if args.kind == "text":
            sent = await wa.messages.send_text(args.to, args.body, preview_url=args.preview_url)
        elif args.kind == "image":
            if bool(args.media_id) == bool(args.link):
                raise ConfigurationError("give exactly one of --media-id or --link")
            sent = await wa.messages.send_image(
                args.to, media_id=args.media_id, link=args.link, caption=args.caption
            )
        else:
            message = template_message(
                Template(name=args.template, language=Language(code=args.language)),
                args.param or None,
            )
            sent = await wa.messages.send(args.to, message)
    print(f"sent {sent.message_id}" + (f" to {sent.wa_id}" if sent.wa_id else ""))
    return EXIT_OK


# --------------------------------------------------------------------------- parsing


def _add_credentials(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("credentials (default: environment variables)")
    group.add_argument("--token", help="access token (default: $WHATSAPP_ACCESS_TOKEN)")
    group.add_argument("--phone-number-id",
                       help="business phone number id (default: $WHATSAPP_PHONE_NUMBER_ID)")
    group.add_argument("--base-url", help="API prefix with version (default: $WHATSAPP_BASE_URL "
                       "or https://graph.facebook.com/v21.0)")
    group.add_argument("--sandbox", action="store_true",
                       help="send to an in-process fake Cloud API instead (no account needed)")


def _positive(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="whatsapp-async", description="WhatsApp Cloud API from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = commands.add_parser("broadcast", help="send a template to every row of a CSV",
                            description="Send a template to every row of a CSV file: a phone "
                            "column plus one column per template parameter.")
    b.add_argument("csv", help="recipients CSV (UTF-8) with a header row")
    b.add_argument("--template", required=True, help="approved template name")
    b.add_argument("--language", default="en_US", help="template language (default en_US)")
    b.add_argument("--param", action="append", metavar="COLUMN",
                   help="CSV column for the next body parameter {{1}}, {{2}}... (repeatable)")
    b.add_argument("--phone-column", default="phone", help="phone number column (default phone)")
    b.add_argument("--rate", type=_positive, default=80.0,
                   help="messages per second (default 80, the standard limit)")
    b.add_argument("--concurrency", type=int, help="sends in flight at most (default: derived)")
    b.add_argument("--journal", help="SQLite journal file; needed to --resume")
    b.add_argument("--campaign", default="default", help="campaign name in the journal")
    b.add_argument("--resume", action="store_true",
                   help="continue the journaled campaign: rows with an outcome are skipped")
    b.add_argument("--resend-unknown", action="store_true",
                   help="with --resume: resend rows whose earlier send may or may not have "
                   "happened (risks a duplicate)")
    b.add_argument("--retry-failed", action="store_true",
                   help="with --resume: resend rows the API refused before")
    b.add_argument("--dry-run", action="store_true",
                   help="check the CSV and build every message; send nothing")
    b.add_argument("--failures", help="CSV for failed, unknown and invalid rows "
                   "(default: <csv>.failures.csv)")
    b.add_argument("--redis-url", help="share the rate limit through Redis (needs the redis "
                   "extra)")
    b.add_argument("--plain", action="store_true", help="plain text output even with rich")
    b.add_argument("--quiet", action="store_true", help="no progress output")
    _add_credentials(b)

    s = commands.add_parser("send", help="send one message")
    kinds = s.add_subparsers(dest="kind", required=True, metavar="KIND")
    text = kinds.add_parser("text", help="a text message")
    text.add_argument("--to", required=True)
    text.add_argument("--body", required=True)
    text.add_argument("--preview-url", action="store_true")
    image = kinds.add_parser("image", help="an image by media id or https link")
    image.add_argument("--to", required=True)
    image.add_argument("--media-id")
    image.add_argument("--link")
    image.add_argument("--caption")
    template = kinds.add_parser("template", help="an approved template")
    template.add_argument("--to", required=True)
    template.add_argument("--template", required=True)
    template.add_argument("--language", default="en_US")
    template.add_argument("--param", action="append", metavar="VALUE",
                          help="value of the next body parameter (repeatable)")
    for sub in (text, image, template):
        _add_credentials(sub)

    d = commands.add_parser("demo", help="broadcast to 10,000 generated recipients in a sandbox")
    d.add_argument("--rows", type=int, default=10_000, help="recipients (default 10000)")
    d.add_argument("--rate", type=_positive, default=1000.0,
                   help="messages per second (default 1000)")
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--plain", action="store_true", help="plain text output even with rich")
    d.add_argument("--quiet", action="store_true", help="no progress output")

    commands.add_parser("sandbox", add_help=False,
                        help="serve a fake Cloud API on loopback (see 'sandbox --help')")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns:
        The exit status.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["sandbox"]:
        from .testing.__main__ import main as sandbox_main

        return sandbox_main(args_list[1:])
    args = _parser().parse_args(args_list)
    runner = {"broadcast": _broadcast, "send": _send, "demo": _demo}[args.command]
    try:
        return asyncio.run(runner(args))
    except CsvInputError as exc:
        print(f"error: {exc}; nothing was sent", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigurationError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except sqlite3.Error as exc:
        # Only opening (or reading back) the journal raises here, before any send;
        # the engine handles write failures during the run itself.
        print(f"error: the journal cannot be used: {exc}; nothing was sent", file=sys.stderr)
        return EXIT_USAGE
    except WhatsAppError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
