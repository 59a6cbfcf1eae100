"""Progress and summaries: a live rich bar and tables, or plain text without rich."""

from __future__ import annotations

import sys
import time
from typing import IO, Protocol

from ..bulk import BroadcastProgress, BroadcastReport
from ._campaign import STATUSES, CampaignTotals


class Display(Protocol):
    """Where a broadcast shows its progress, its messages and its summary."""

    def update(self, progress: BroadcastProgress) -> None: ...
    def close(self) -> None: ...
    def message(self, text: str) -> None: ...
    def summary(
        self, report: BroadcastReport, title: str, campaign: CampaignTotals | None = None
    ) -> None: ...


def format_eta(eta: float | None) -> str:
    """``eta`` seconds as ``m:ss`` (``h:mm:ss`` past an hour), or ``?`` while unknown.

    Args:
        eta: Seconds remaining, or None.

    Returns:
        The text to show.
    """
    if eta is None:
        return "?"
    minutes, seconds = divmod(round(eta), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def make_display(total: int | None, *, plain: bool, quiet: bool) -> Display:
    """Rich when it is installed and wanted; plain text otherwise.

    Args:
        total: Rows to expect, when known.
        plain: Plain text even with rich installed.
        quiet: No progress output (summaries and messages still show).

    Returns:
        A display, already showing progress.
    """
    if not plain and not quiet:
        try:
            return RichDisplay(total)
        except ImportError:
            pass  # rich is the optional ``cli`` extra
    return PlainDisplay(sys.stderr, quiet=quiet)


def _counts_line(p: BroadcastProgress) -> str:
    share = f" {100 * p.done / p.total:5.1f}%" if p.total else ""
    total = f"/{p.total}" if p.total else ""
    return (
        f"{p.done}{total}{share} | sent {p.sent} failed {p.failed} unknown {p.unknown} "
        f"skipped {p.skipped} | {p.rate:,.0f}/s | {p.elapsed:,.1f}s | eta {format_eta(p.eta)}"
    )


class PlainDisplay:
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

    def summary(
        self, report: BroadcastReport, title: str, campaign: CampaignTotals | None = None
    ) -> None:
        self.close()
        lines = [title, report.summary()]
        if campaign is not None:
            lines.append(campaign.summary())
        print("\n".join(lines), file=sys.stdout, flush=True)


_STYLES = {"sent": "green", "failed": "red", "unknown": "yellow", "pending": "yellow",
           "total": "bold"}


class RichDisplay:
    """A live progress bar and a summary table, with rich.

    Raises:
        ImportError: rich is not installed.
    """

    def __init__(
        self, total: int | None, *, err: IO[str] | None = None, out: IO[str] | None = None
    ) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        # The streams default to the terminal's stderr (progress) and stdout (summary).
        self._console = Console(stderr=True) if err is None else Console(file=err)
        self._out = Console() if out is None else Console(file=out)
        self._progress = Progress(
            TextColumn("[bold]broadcast"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}" if total else "{task.completed}"),
            TextColumn("[green]sent {task.fields[sent]}[/] [red]failed {task.fields[failed]}[/] "
                       "[yellow]unknown {task.fields[unknown]}[/] skipped {task.fields[skipped]}"),
            TextColumn("{task.fields[rate]:,.0f}/s"),
            TimeElapsedColumn(),
            TextColumn("eta {task.fields[eta]}"),
            console=self._console,
            transient=False,
        )
        self._task = self._progress.add_task(
            "broadcast", total=total, sent=0, failed=0, unknown=0, skipped=0, rate=0.0,
            eta=format_eta(None),
        )
        self._progress.start()

    def update(self, p: BroadcastProgress) -> None:
        self._progress.update(
            self._task, completed=p.done, sent=p.sent, failed=p.failed, unknown=p.unknown,
            skipped=p.skipped, rate=p.rate, eta=format_eta(p.eta),
        )

    def close(self) -> None:
        self._progress.stop()

    def message(self, text: str) -> None:
        self._console.print(text)

    def summary(
        self, report: BroadcastReport, title: str, campaign: CampaignTotals | None = None
    ) -> None:
        from rich.table import Table

        self.close()
        self._out.print(f"[bold]{title}[/]")
        table = Table(show_header=True)
        table.add_column("outcome")
        table.add_column("this run" if campaign else "rows", justify="right")
        if campaign is not None:
            table.add_column(f"campaign {campaign.name!r}, all runs", justify="right")
        rows = [(s, getattr(report, s)) for s in STATUSES if s != "pending"]
        if campaign is not None and campaign.get("pending"):
            rows.append(("pending", 0))  # left by a crashed run: sent or not, nobody knows
        for name, value in [*rows, ("total", report.total)]:
            style = _STYLES.get(name, "")
            cells = [value]
            if campaign is not None:
                cells.append(campaign.total if name == "total" else campaign.get(name))
            table.add_row(name, *(f"[{style}]{c}[/]" if style else str(c) for c in cells))
        self._out.print(table)
        if report.errors:
            errors = Table(title="errors", show_header=True)
            errors.add_column("code / reason")
            errors.add_column("rows", justify="right")
            for reason, count in sorted(report.errors.items(), key=lambda kv: (-kv[1], kv[0])):
                errors.add_row(reason, str(count))
            self._out.print(errors)
        line = f"{report.duration:.1f}s at {report.rate:,.1f} requests/s"
        if report.cancelled:
            line += f" - stopped early: {report.stop_reason}"
        self._out.print(line)
