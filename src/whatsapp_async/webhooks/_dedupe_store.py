"""Durable memory of handled webhook updates: the store protocol and the SQLite store.

Meta redelivers a notification until it gets a 200, for up to 7 days, and
to every subscribed app; the router's in-memory LRU forgets after
``dedupe_size`` ids and on every restart. A :class:`DedupeStore` remembers
for a TTL: :class:`SQLiteDedupeStore` in a file, for one process (the
embedded choice), or :class:`~whatsapp_async.webhooks.RedisDedupeStore` for
several processes or machines.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol, runtime_checkable

from ..errors import ConfigurationError

__all__ = ["DEFAULT_DEDUPE_TTL", "DedupeStore", "SQLiteDedupeStore"]

#: Seven days: how long Meta keeps redelivering a notification.
DEFAULT_DEDUPE_TTL = 7 * 24 * 3600.0

#: Expired rows are purged after this many claims (not on every one: it scans).
_PURGE_EVERY = 500


@runtime_checkable
class DedupeStore(Protocol):
    """What the router needs from a dedupe store.

    ``claim`` must be atomic per key: when several callers (tasks, processes)
    claim the same key at once, exactly one gets True.
    """

    async def claim(self, keys: Sequence[str]) -> list[bool]:
        """Remember each key for the store's TTL.

        Args:
            keys: Update keys; a key repeated in ``keys`` is new only the first time.

        Returns:
            One bool per key: True if it was not remembered (the caller handles
            the update), False if it was (a redelivery).
        """
        ...

    async def aclose(self) -> None:
        """Release the store's connection."""
        ...


def _check_ttl(ttl: float) -> float:
    if not ttl > 0:
        raise ConfigurationError("the dedupe ttl must be > 0 seconds")
    return float(ttl)


class SQLiteDedupeStore:
    """Update keys in an SQLite file, each for ``ttl`` seconds.

    The embedded choice for one process: it survives restarts and needs no
    server. Claims run in a worker thread, so the event loop never waits on
    the disk. Several processes may share the file (SQLite locks it), but for
    several machines use :class:`~whatsapp_async.webhooks.RedisDedupeStore`.

    Args:
        path: The database file (created if missing); ``":memory:"`` keeps
            it in memory for this process only.
        ttl: Seconds a key is remembered (default: Meta's 7-day redelivery window).
        clock: Seconds now (``time.time``); tests pass their own.

    Raises:
        ConfigurationError: ``ttl`` is not positive.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        ttl: float = DEFAULT_DEDUPE_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl = _check_ttl(ttl)
        self._clock = clock
        self._lock = threading.Lock()
        self._claims = 0
        self._db: sqlite3.Connection | None = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS webhook_seen (key TEXT PRIMARY KEY, expires REAL NOT NULL)"
        )

    def __repr__(self) -> str:
        return f"<SQLiteDedupeStore ttl={self.ttl:g}s{' closed' if self._db is None else ''}>"

    async def claim(self, keys: Sequence[str]) -> list[bool]:
        """Remember each key for ``ttl`` seconds; True for each that was new.

        Raises:
            ConfigurationError: The store was closed.
        """
        if not keys:
            return []
        return await asyncio.to_thread(self._claim, list(keys))

    def _claim(self, keys: list[str]) -> list[bool]:
        with self._lock:
            db = self._db
            if db is None:
                raise ConfigurationError("this SQLiteDedupeStore is closed")
            now = self._clock()
            expires = now + self.ttl
            fresh: list[bool] = []
            db.execute("BEGIN IMMEDIATE")
            try:
                for key in keys:
                    # An expired row counts as absent: replace it.
                    db.execute("DELETE FROM webhook_seen WHERE key = ? AND expires <= ?",
                               (key, now))
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO webhook_seen (key, expires) VALUES (?, ?)",
                        (key, expires),
                    )
                    fresh.append(cursor.rowcount == 1)
                self._claims += len(keys)
                if self._claims >= _PURGE_EVERY:
                    self._claims = 0
                    db.execute("DELETE FROM webhook_seen WHERE expires <= ?", (now,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return fresh

    async def aclose(self) -> None:
        """Close the database (safe to call twice)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    async def __aenter__(self) -> SQLiteDedupeStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
