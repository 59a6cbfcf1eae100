"""Constants, helpers and small fakes shared by the test suite.

Import from here (``from tests.support import BASE, TOKEN``), not from a test
module (its tests and fixtures come along into the importer) nor from a conftest
(that is for fixtures).
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import msgspec
from aioresponses import aioresponses
from yarl import URL

from whatsapp_async import RetryPolicy, ThrottleUnavailableError, WhatsAppClient

__all__ = [
    "BASE",
    "FAST_RETRY",
    "FIXTURES",
    "NO_RETRY",
    "PHONE_NUMBER_ID",
    "ROOT",
    "TOKEN",
    "BlockingThrottle",
    "RecordingThrottle",
    "UnavailableThrottle",
    "free_port",
    "get_number",
    "json_bodies",
    "load_fixture",
    "only_request",
    "send",
]

# ------------------------------------------------------------------ places

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_fixture(relative: str) -> Any:
    """Load a JSON fixture from ``tests/fixtures``."""
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------ constants

#: The client's default Graph API prefix, version included.
BASE = "https://graph.facebook.com/v21.0"
#: The access token of test clients; also FakeCloudAPI's default token.
TOKEN = "test-token"
#: The business number of test clients; also FakeCloudAPI's default first number.
PHONE_NUMBER_ID = "1234567890"

#: Never retry: the first answer is the one the test sees.
NO_RETRY = RetryPolicy.disabled()
#: The production retry logic with millisecond waits, so retries cost no test time.
#: Derive a variant a test needs with ``dataclasses.replace(FAST_RETRY, max_attempts=3)``.
FAST_RETRY = RetryPolicy(
    initial_backoff=0.001, max_backoff=0.01, jitter=0.0,
    pair_limit_delays=(0.001, 0.004, 0.016, 0.064),
)


# ------------------------------------------------------------------ aioresponses


def only_request(mock: aioresponses) -> tuple[str, URL, Any]:
    """The one request ``mock`` saw: method, URL and JSON body (None without one).

    Fails the test if there were several requests or several calls to one URL.
    """
    (((method, url), (call,)),) = mock.requests.items()
    data = call.kwargs.get("data")
    return method, url, json.loads(data) if data else None


def json_bodies(mock: aioresponses, method: str, url: str | URL) -> list[Any]:
    """The JSON bodies sent with ``method`` to ``url``, in order."""
    calls = mock.requests.get((method, URL(url)), [])
    return [json.loads(call.kwargs["data"]) for call in calls]


# ------------------------------------------------------------------ raw calls
# The resource layer validates what it sends; these go around it so a test
# sees the transport, the retry policy and the fake alone.


class _Text(msgspec.Struct, kw_only=True):
    messaging_product: str = "whatsapp"
    to: str
    type: str = "text"
    text: dict[str, str]


class _Sent(msgspec.Struct, frozen=True):
    messages: list[dict[str, str]]


class _Node(msgspec.Struct, frozen=True):
    id: str


async def send(wa: WhatsAppClient, to: str = "+15551234567") -> str:
    """Send a text through the bare request path; returns the message id."""
    answer = await wa.messages._request(
        "POST", wa.messages._phone_number_id, "messages", cast_to=_Sent,
        body=_Text(to=to, text={"body": "hello"}), throttle=True,
    )
    return answer.messages[0]["id"]


async def get_number(wa: WhatsAppClient) -> str:
    """GET the client's number node through the bare request path; returns its id."""
    node = await wa.messages._request("GET", wa.messages._phone_number_id, cast_to=_Node)
    return node.id


# ------------------------------------------------------------------ throttles


class RecordingThrottle:
    """A throttle that lets every send through at once and records who asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def acquire(self, phone_number_id: str) -> None:
        self.asked.append(phone_number_id)

    async def report_rate_limited(
        self, phone_number_id: str, retry_after: float | None = None
    ) -> None:
        return None


class BlockingThrottle(RecordingThrottle):
    """A throttle that never lets a send through; ``all_waiting`` is set once
    ``waiting_for`` sends wait at once."""

    def __init__(self, waiting_for: int) -> None:
        super().__init__()
        self._wanted = waiting_for
        self.all_waiting = asyncio.Event()

    @property
    def waiting(self) -> int:
        return len(self.asked)

    async def acquire(self, phone_number_id: str) -> None:
        await super().acquire(phone_number_id)
        if self.waiting >= self._wanted:
            self.all_waiting.set()
        await asyncio.Event().wait()


class UnavailableThrottle(RecordingThrottle):
    """A shared throttle whose store is down: every acquire after the first
    ``working`` ones raises :class:`ThrottleUnavailableError`."""

    def __init__(self, working: int = 0) -> None:
        super().__init__()
        self._working = working

    async def acquire(self, phone_number_id: str) -> None:
        await super().acquire(phone_number_id)
        if len(self.asked) > self._working:
            raise ThrottleUnavailableError("redis is down")
