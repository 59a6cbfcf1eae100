"""``whatsapp-async report`` and ``whatsapp-async journal export``: read a journal.

The journal is an SQLite file or a PostgreSQL DSN; either is read without
being changed (no table is created, no file upgraded).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .._journal_backend import is_dsn, redact_dsn
from .._journal_export import EXPORT_FORMATS, LineOf, export_to, header_line
from .._journal_reader import JournalReader, SqliteReader
from .._journal_report import build_report
from .._journal_schema import journal_error
from ..errors import ConfigurationError, JournalError
from ._csv_input import line_map
from ._exit_codes import EXIT_OK


@contextmanager
def read_only(path_text: str) -> Iterator[JournalReader]:
    """A reader of the journal (a file or a DSN): reading never changes or upgrades it.

    Raises:
        ConfigurationError: No such file, or the journal cannot be read (saying why).
    """
    if is_dsn(path_text):
        from .._journal_pg_schema import read_only as pg_read_only

        try:
            with pg_read_only(path_text) as reader:
                yield reader
        except JournalError as exc:
            raise ConfigurationError(str(exc)) from exc
        return
    path = Path(path_text)
    if not path.is_file():
        raise ConfigurationError(f"there is no journal at {path_text!r}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield SqliteReader(conn)
    except sqlite3.Error as exc:
        error = journal_error(path, exc)
        raise ConfigurationError(str(error)) from exc
    finally:
        conn.close()


def _campaign(reader: JournalReader, path: str, wanted: str | None) -> str:
    """The campaign to read: the one asked for, or the journal's only one."""
    names = reader.campaigns()
    path = redact_dsn(path) if is_dsn(path) else path
    held = ", ".join(repr(n) for n in names) or "no campaigns"
    if wanted is not None:
        if wanted not in names:
            raise ConfigurationError(
                f"the journal {path} holds no campaign {wanted!r} (it holds {held})")
        return wanted
    if len(names) != 1:
        raise ConfigurationError(
            f"the journal {path} holds {held}: choose one with --campaign")
    return names[0]


async def report(args: argparse.Namespace) -> int:
    """Run ``report JOURNAL`` (see :func:`report_sync`) off the event loop."""
    return await asyncio.to_thread(report_sync, args)


def report_sync(args: argparse.Namespace) -> int:
    """Run ``report JOURNAL``: print the funnel (or JSON), optionally write an HTML page.

    Args:
        args: ``journal``, ``campaign``, ``json`` and ``html``.

    Returns:
        The exit status.

    Raises:
        ConfigurationError: No such file or campaign, or matplotlib is missing for ``--html``.
    """
    with read_only(args.journal) as reader:
        campaign = _campaign(reader, args.journal, args.campaign)
        result = build_report(reader, campaign)
    if args.html:
        result.write_html(args.html)
    if args.json:
        print(result.to_json())
    else:
        print(result.summary())
        if args.html:
            print(f"report page: {args.html}")
    return EXIT_OK


async def journal_export(args: argparse.Namespace) -> int:
    """Run ``journal export JOURNAL`` (see :func:`export_sync`) off the event loop."""
    return await asyncio.to_thread(export_sync, args)


def export_sync(args: argparse.Namespace) -> int:
    """Run ``journal export JOURNAL``: one line per source row, to a file or stdout.

    Args:
        args: ``journal``, ``campaign``, ``format`` and ``output``.

    Returns:
        The exit status.

    Raises:
        ConfigurationError: No such file or campaign.
    """
    line_of: LineOf = header_line
    if args.csv:
        try:
            line_of = line_map(args.csv).line_of
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"--csv {args.csv}: cannot be read ({exc})") from exc
    with read_only(args.journal) as reader:
        campaign = _campaign(reader, args.journal, args.campaign)
        if args.output:
            with open(args.output, "w", newline="", encoding="utf-8") as handle:
                count = export_to(reader, handle, campaign, args.format, line_of)
            print(f"{count} rows of campaign {campaign!r} written to {args.output}",
                  file=sys.stderr)
        else:
            export_to(reader, sys.stdout, campaign, args.format, line_of)
    return EXIT_OK


def add_report_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report`` and ``journal export`` to the command line's subcommands."""
    r = commands.add_parser(
        "report", help="what became of a campaign: delivered, read, failed and why",
        description="The funnel of a journaled campaign (rows, accepted, delivered, read, "
        "failed by code, unknown, skipped), from the broadcast's journal and the status "
        "webhooks tracked into it.",
    )
    r.add_argument("journal", help="the SQLite journal file, or a postgresql:// DSN")
    r.add_argument("--campaign", help="campaign name (default: the file's only campaign)")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.add_argument("--html", metavar="FILE",
                   help="also write a self-contained HTML page with charts (needs matplotlib)")
    j = commands.add_parser("journal", help="work with a journal file (export)")
    actions = j.add_subparsers(dest="action", required=True, metavar="ACTION")
    e = actions.add_parser(
        "export", help="one line per source row: outcome, wamid, delivery and read times",
        description="Write one line per source row of a campaign: its CSV line, send "
        "outcome, wamid, attempts, error, and delivery and read times in ISO 8601.",
    )
    e.add_argument("--csv", metavar="FILE",
                   help="the broadcast's CSV, for exact line numbers where blank lines or "
                   "multi-line cells shift them (default: row + 2, a header and one line "
                   "per row)")
    e.add_argument("journal", help="the SQLite journal file, or a postgresql:// DSN")
    e.add_argument("--campaign", help="campaign name (default: the file's only campaign)")
    e.add_argument("--format", choices=EXPORT_FORMATS, required=True, help="csv or jsonl")
    e.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
