"""The request log and the broadcast statistics, filled by one aiohttp middleware.

Every call to the fake's API (not the page or the control API) is logged with
its method, path, status, latency and Graph error; every message send also
counts in the :class:`SendStats` the dashboard draws.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

__all__ = ["LogEntry", "RequestLog", "SendStats", "as_json", "matches"]

#: ``POST /vNN.N/{phone-number-id}/messages``: a send (or a mark-as-read).
_SEND_PATH = re.compile(r"^/v\d+\.\d+/(?P<node>[^/]+)/messages/?$")
#: Paths that are the sandbox's own, not the Cloud API's.
_OWN = ("/_sandbox/", "/static/")
_PAGE = ("/", "/favicon.ico")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class LogEntry:
    """One API call the sandbox served.

    Attributes:
        seq: Position in the log (counts from 1, never reused).
        time: Unix time the call arrived.
        method: HTTP method.
        path: Path and query.
        status: HTTP status answered; None when the connection was dropped.
        latency_ms: Time to the answer, in milliseconds.
        code: Graph error code of a refusal.
        error: Graph error message of a refusal (or why there was no answer).
        phone_number_id: The business number of a send.
    """

    seq: int
    time: float
    method: str
    path: str
    status: int | None
    latency_ms: float
    code: int | None = None
    error: str | None = None
    phone_number_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def matches(entry: LogEntry, query: Mapping[str, str]) -> bool:
    """Whether ``entry`` passes the request log's filters.

    Args:
        entry: A log entry.
        query: ``status`` (``200``, ``4xx``, ``error`` for any refusal or
            drop), ``code`` (Graph code), ``method``, ``path`` (substring).

    Returns:
        True when every given filter matches.
    """
    status = query.get("status")
    if status:
        shown = "dropped" if entry.status is None else str(entry.status)
        if status == "error":
            if entry.status is not None and entry.status < 400:
                return False
        elif status.endswith("xx"):
            if not shown.startswith(status[0]):
                return False
        elif shown != status:
            return False
    code = query.get("code")
    if code and str(entry.code) != code:
        return False
    method = query.get("method")
    if method and entry.method != method.upper():
        return False
    path = query.get("path")
    return not (path and path not in entry.path)


class SendStats:
    """Message sends by outcome, per second and per business number.

    Outcomes: ``accepted``, ``refused`` (a Graph error; also counted by
    code), ``server_error`` (an answer without a Graph body) and ``dropped``.

    Args:
        window: Seconds of per-second history kept for the chart.
    """

    def __init__(self, window: int = 120) -> None:
        self.window = window
        self.reset()

    def reset(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.codes: Counter[int] = Counter()
        self._per_second: dict[int, int] = {}
        self._numbers: dict[str, dict[int, int]] = {}
        self._accepted_by_number: Counter[str] = Counter()

    def note(self, outcome: str, phone_number_id: str, code: int | None, when: float) -> None:
        """Count one send."""
        self.outcomes[outcome] += 1
        if code is not None:
            self.codes[code] += 1
        if outcome != "accepted":
            return
        second = int(when)
        self._per_second[second] = self._per_second.get(second, 0) + 1
        per_number = self._numbers.setdefault(phone_number_id, {})
        per_number[second] = per_number.get(second, 0) + 1
        self._accepted_by_number[phone_number_id] += 1
        if len(self._per_second) > self.window * 2:
            self._trim(second)

    def _trim(self, now: int) -> None:
        oldest = now - self.window
        for series in (self._per_second, *self._numbers.values()):
            for second in [s for s in series if s < oldest]:
                del series[second]

    def snapshot(self, now: float | None = None) -> dict[str, Any]:
        """What the dashboard shows, as JSON.

        Returns:
            ``outcomes`` and ``codes`` (totals), ``series`` (``[second,
            accepted]`` for the last ``window`` seconds, zeros included),
            ``numbers`` (per business number: ``accepted`` in total and
            ``rate``, accepted per second over the last 5 complete seconds)
            and ``peak`` (the best second).
        """
        current = int(time.time() if now is None else now)
        start = current - self.window + 1
        series = [[s, self._per_second.get(s, 0)] for s in range(start, current + 1)]
        numbers = {
            number: {
                "accepted": self._accepted_by_number[number],
                "rate": sum(per.get(s, 0) for s in range(current - 5, current)) / 5,
            }
            for number, per in self._numbers.items()
        }
        return {
            "outcomes": dict(self.outcomes),
            "codes": {str(code): n for code, n in sorted(self.codes.items())},
            "series": series,
            "numbers": numbers,
            "peak": max(self._per_second.values(), default=0),
        }


class RequestLog:
    """The last ``size`` API calls, and the middleware that records them.

    Args:
        stats: Where message sends are counted.
        on_change: Called after each recorded call (wakes the live page).
        size: Entries kept.
    """

    def __init__(self, stats: SendStats, on_change: Callable[[], None], size: int = 5000
                 ) -> None:
        self.stats = stats
        self._on_change = on_change
        self.entries: deque[LogEntry] = deque(maxlen=size)
        self.seq = 0

    def reset(self) -> None:
        self.entries.clear()

    def since(self, seq: int) -> list[LogEntry]:
        """Entries recorded after ``seq``, oldest first."""
        return [e for e in self.entries if e.seq > seq]

    def filtered(self, query: Mapping[str, str], limit: int) -> list[LogEntry]:
        """The newest ``limit`` entries passing :func:`matches`, oldest first."""
        picked: list[LogEntry] = []
        for entry in reversed(self.entries):
            if matches(entry, query):
                picked.append(entry)
                if len(picked) >= limit:
                    break
        picked.reverse()
        return picked

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in _PAGE or request.path.startswith(_OWN):
            return await handler(request)
        arrived, started = time.time(), time.perf_counter()
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            self._record(request, exc.status, None, exc.reason, arrived, started)
            raise
        transport = request.transport
        if transport is None or transport.is_closing():
            # A drop fault closed the connection: the caller got no answer.
            self._record(request, None, None, "connection dropped", arrived, started)
        else:
            code, error = _graph_error(response)
            self._record(request, response.status, code, error, arrived, started, response)
        return response

    def _record(self, request: web.Request, status: int | None, code: int | None,
                error: str | None, arrived: float, started: float,
                response: web.StreamResponse | None = None) -> None:
        latency = (time.perf_counter() - started) * 1000
        send = _SEND_PATH.match(request.path) if request.method == "POST" else None
        number = send["node"] if send else None
        self.seq += 1
        self.entries.append(LogEntry(self.seq, arrived, request.method, request.path_qs,
                                     status, round(latency, 2), code, error, number))
        if number is not None and _is_send(status, response):
            self.stats.note(_outcome(status, code), number, code, arrived)
        self._on_change()


def _is_send(status: int | None, response: web.StreamResponse | None) -> bool:
    # A mark-as-read shares the path; its success answer has no "messages".
    if status != 200:
        return True
    body = getattr(response, "body", None)
    return isinstance(body, bytes) and b'"messages"' in body


def _outcome(status: int | None, code: int | None) -> str:
    if status is None:
        return "dropped"
    if status == 200:
        return "accepted"
    return "refused" if code is not None else "server_error"


def _graph_error(response: web.StreamResponse) -> tuple[int | None, str | None]:
    if response.status < 400:
        return None, None
    body = getattr(response, "body", None)
    if not isinstance(body, bytes) or response.content_type != "application/json":
        return None, f"HTTP {response.status} without a Graph error body"
    try:
        error = json.loads(body).get("error", {})
    except (ValueError, AttributeError):
        return None, None
    code = error.get("code") if isinstance(error, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return (code if isinstance(code, int) else None,
            message if isinstance(message, str) else None)


def as_json(entries: Iterable[LogEntry]) -> list[dict[str, Any]]:
    """Entries as JSON objects."""
    return [entry.to_json() for entry in entries]
