"""The PostgreSQL journal's tables, its driver import, and what a PostgreSQL failure means.

The tables are the SQLite journal's (:mod:`whatsapp_async._journal_schema`),
same names and columns, so one set of queries reads both
(:mod:`whatsapp_async._journal_reader`). They are created when a journal
first opens a database, under a transaction-scoped advisory lock so that many
processes opening it at once create them once; ``journal_schema`` says which
layout the database has. psycopg is imported only here and only when a
PostgreSQL journal is used: the library imports without it.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._journal_backend import redact_dsn
from .errors import ConfigurationError, JournalError

if TYPE_CHECKING:
    import psycopg

    from ._journal_reader import PostgresReader

__all__ = [
    "PG_SCHEMA_VERSION", "advisory_key", "ensure_schema", "pg_error", "psycopg_module",
    "read_only",
]

#: The layout this version writes (1: the SQLite journal's tables; 2: the shared
#: campaigns' source rows and their leases, :mod:`whatsapp_async._journal_pg_claims`).
PG_SCHEMA_VERSION = 2

#: The advisory lock held while the tables are created (any constant unlikely to clash).
_SCHEMA_LOCK = 0x7761_6A6F_7572_6E01

_SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (
    name TEXT PRIMARY KEY,
    created_at DOUBLE PRECISION NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    holder TEXT
);
CREATE TABLE IF NOT EXISTS outcomes (
    campaign TEXT NOT NULL,
    recipient TEXT NOT NULL,
    row INTEGER,
    status TEXT NOT NULL,
    message_id TEXT,
    error_code BIGINT,
    error_type TEXT,
    error_message TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (campaign, recipient)
);
CREATE INDEX IF NOT EXISTS outcomes_by_row ON outcomes (campaign, row);
CREATE INDEX IF NOT EXISTS outcomes_by_message ON outcomes (message_id)
    WHERE message_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS row_outcomes (
    campaign TEXT NOT NULL,
    row INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,
    duplicate_of INTEGER,
    error_code BIGINT,
    error_type TEXT,
    error_message TEXT,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (campaign, row)
);
CREATE TABLE IF NOT EXISTS deliveries (
    message_id TEXT PRIMARY KEY,
    campaign_key TEXT,
    row INTEGER,
    sent_at DOUBLE PRECISION,
    delivered_at DOUBLE PRECISION,
    read_at DOUBLE PRECISION,
    played_at DOUBLE PRECISION,
    failed_at DOUBLE PRECISION,
    error_code BIGINT,
    error_title TEXT,
    error_detail TEXT,
    pricing_category TEXT,
    billable INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_by_row ON deliveries (campaign_key, row);
CREATE TABLE IF NOT EXISTS campaign_sources (
    campaign TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    total INTEGER NOT NULL,
    loaded_at DOUBLE PRECISION NOT NULL,
    loaded_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS campaign_rows (
    campaign TEXT NOT NULL,
    row INTEGER NOT NULL,
    payload TEXT NOT NULL,
    recipient TEXT,
    duplicate_of INTEGER,
    state TEXT NOT NULL DEFAULT 'ready',
    lease_owner TEXT,
    lease_until DOUBLE PRECISION,
    PRIMARY KEY (campaign, row)
);
CREATE INDEX IF NOT EXISTS campaign_rows_open ON campaign_rows (campaign, row)
    WHERE state <> 'done';
CREATE TABLE IF NOT EXISTS journal_schema (version INTEGER NOT NULL);
"""

_INSTALL = "pip install 'whatsapp-async[postgres]'"


def psycopg_module() -> ModuleType:
    """psycopg, imported on first use.

    Raises:
        ConfigurationError: psycopg (or psycopg-pool) is not installed; says what to install.
    """
    try:
        import psycopg
        import psycopg_pool  # noqa: F401 - the journal's writes go through its pool
    except ImportError as exc:
        raise ConfigurationError(
            f"a postgresql:// journal needs psycopg 3 and psycopg-pool ({exc.name} is not "
            f"installed): {_INSTALL}"
        ) from exc
    return psycopg


def advisory_key(*parts: str) -> int:
    """A signed 64-bit advisory lock key naming ``parts`` (a campaign, a purpose)."""
    digest = hashlib.sha256("\x00".join(("whatsapp-async", *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def ensure_schema(conn: psycopg.AsyncConnection[Any]) -> None:
    """Create the tables on ``conn`` (autocommit) unless the database has them already.

    Raises:
        psycopg.Error: The statements failed (no rights, a server error).
    """
    found = await (await conn.execute("SELECT to_regclass('journal_schema')")).fetchone()
    if found is not None and found[0] is not None:
        row = await (await conn.execute("SELECT max(version) FROM journal_schema")).fetchone()
        if row is not None and row[0] is not None and row[0] >= PG_SCHEMA_VERSION:
            return
    async with conn.transaction():
        # Concurrent CREATE ... IF NOT EXISTS can still collide: one opener at a time.
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        await conn.execute(_SCHEMA)
        row = await (await conn.execute("SELECT max(version) FROM journal_schema")).fetchone()
        if row is None or row[0] is None:
            await conn.execute("INSERT INTO journal_schema (version) VALUES (%s)",
                               (PG_SCHEMA_VERSION,))
        elif row[0] < PG_SCHEMA_VERSION:
            await conn.execute("UPDATE journal_schema SET version = %s", (PG_SCHEMA_VERSION,))


def pg_error(dsn: str, exc: BaseException) -> JournalError:
    """The :class:`JournalError` of a PostgreSQL failure on the journal at ``dsn``."""
    where = redact_dsn(dsn)
    text = str(exc).strip() or type(exc).__name__
    psycopg = psycopg_module()
    if isinstance(exc, psycopg.OperationalError):
        advice = ("the server cannot be reached or dropped the connection: check the DSN, "
                  "that the server runs and accepts this user; the campaign can be resumed "
                  "once that is fixed")
    else:
        advice = ("PostgreSQL refused the journal's statement (rights on the database, or "
                  "tables made by something else under the same names)")
    return JournalError(f"the journal {where} cannot be used ({text}): {advice}", where)


@contextlib.contextmanager
def read_only(dsn: str) -> Iterator[PostgresReader]:
    """A blocking reader of the journal at ``dsn``, in one read-only transaction.

    Reading never creates tables: a database no journal opened reads as empty.

    Raises:
        ConfigurationError: psycopg is not installed.
        JournalError: The server cannot be reached, or a read failed.
    """
    from ._journal_reader import PostgresReader

    psycopg = psycopg_module()
    try:
        conn = psycopg.connect(dsn, connect_timeout=10)
    except psycopg.Error as exc:
        raise pg_error(dsn, exc) from exc
    try:
        conn.read_only = True
        # One snapshot for the whole read: the report's streams agree with each other.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        yield PostgresReader(conn)
    except psycopg.Error as exc:
        raise pg_error(dsn, exc) from exc
    finally:
        conn.close()
