"""A campaign report as one self-contained HTML page, its charts drawn by matplotlib.

matplotlib (the ``report`` extra) draws the charts as SVG, inlined in the
page: no script, no font or image to fetch, so the file opens offline in any
browser, can be mailed or archived, and stays small (tens of kilobytes,
where an interactive plotly page carries megabytes of JavaScript). Its
``Figure`` is used without ``pyplot``, so no GUI backend or global state is
involved and it is safe off the main thread.
"""

from __future__ import annotations

import html
import io
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError

if TYPE_CHECKING:
    from ._journal_report import CampaignReport

__all__ = ["render_html", "write_html"]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left}td.n{text-align:right}svg{max-width:100%;height:auto}
"""


def _figure_module() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # the optional extra
        raise ConfigurationError(
            "an HTML report needs matplotlib: pip install 'whatsapp-async[report]'"
        ) from exc
    return Figure


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    # Keep the <svg> element only: the XML prolog and doctype do not belong inside HTML.
    return text[text.index("<svg"):]


def _funnel(report: CampaignReport, figure: Any) -> str:
    fig = figure(figsize=(7, 2.8))
    ax = fig.add_subplot()
    labels = ["rows", "accepted", "delivered", "read", "failed", "unknown", "skipped"]
    values = [report.rows, report.accepted, report.delivered, report.read, report.failed,
              report.unknown, report.skipped]
    colors = ["#888", "#4a7ebb", "#3c9d5d", "#1f6b3a", "#c0392b", "#d68910", "#aaa"]
    bars = ax.barh(labels[::-1], values[::-1], color=colors[::-1])
    ax.bar_label(bars, padding=3)
    ax.set_xlabel("rows")
    ax.set_title("Funnel")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _timeline(report: CampaignReport, figure: Any) -> str:
    fig = figure(figsize=(7, 3))
    ax = fig.add_subplot()
    times = [datetime.fromisoformat(b.start) for b in report.timeline]
    width = report.bucket_seconds
    for name, color in (("sent", "#4a7ebb"), ("delivered", "#3c9d5d"), ("read", "#1f6b3a")):
        ax.plot(times, [getattr(b, name) / width for b in report.timeline], label=name,
                color=color, drawstyle="steps-post")
    ax.set_ylabel("per second")
    ax.set_title(f"Sends, deliveries and reads over time ({width}s buckets, UTC)")
    ax.legend()
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    return _svg(fig)


def _table(head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    def cell(v: Any) -> str:
        klass = ' class="n"' if isinstance(v, (int, float)) else ""
        return f"<td{klass}>{html.escape('' if v is None else str(v))}</td>"

    header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def render_html(report: CampaignReport) -> str:
    """The report as one HTML page with inline SVG charts.

    Raises:
        ConfigurationError: matplotlib is not installed.
    """
    figure = _figure_module()
    title = f"Campaign {report.campaign}"
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}"
        f"</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>",
        f"<p>Sends from {html.escape(report.first_sent or '-')} to "
        f"{html.escape(report.last_sent or '-')}.</p>",
        _funnel(report, figure),
    ]
    if report.timeline:
        parts.append(_timeline(report, figure))
    timing = [(name, p.count, p.p50, p.p90, p.p99, p.max)
              for name, p in (("delivered", report.time_to_delivered),
                              ("read", report.time_to_read)) if p is not None]
    if timing:
        parts.append("<h2>Seconds from acceptance</h2>")
        parts.append(_table(("to", "messages", "p50", "p90", "p99", "max"), timing))
    if report.failures:
        parts.append("<h2>Failures</h2>")
        parts.append(_table(("code", "rows", "stage", "title", "what to do"), [
            (f.key, f.count, f.stage, f.title, f.hint) for f in report.failures]))
    if report.skipped_by_reason:
        parts.append("<h2>Skipped</h2>")
        parts.append(_table(("reason", "rows"), list(report.skipped_by_reason.items())))
    if report.pricing:
        parts.append("<h2>Pricing</h2>")
        parts.append(_table(("category", "rows"), list(report.pricing.items())))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(report: CampaignReport, path: str | os.PathLike[str]) -> None:
    """Write :func:`render_html` of ``report`` to ``path``.

    Raises:
        ConfigurationError: matplotlib is not installed.
        OSError: The file cannot be written.
    """
    page = render_html(report)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page)
