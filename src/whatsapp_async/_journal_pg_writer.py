"""Group commit for the PostgreSQL journal: the records that arrive together, one transaction.

Every record of a broadcast row (its ``pending`` mark, its outcome, a shared
campaign's ``done`` mark) must be committed before its caller goes on. One
statement and one commit each costs the client several milliseconds of CPU
per row, so a :class:`PgWriter` task owns one connection and, while a
transaction is in flight, collects what else is written; the next
transaction takes all of it (outcomes, row entries and done marks in one
statement: data-modifying CTEs over ``unnest`` of arrays; a lone record in
its plain single-row statement, which alone needs no BEGIN and COMMIT), and
each caller's await returns after that COMMIT.

Only records whose callers are all waiting at once share a transaction, so
any order among them is one the callers could have seen; still, the records
of one key (a recipient, a row) are applied in the order they were written:
a record meeting an earlier one of another kind for the same key starts a
new statement group. When a shared transaction fails on one bad record, each
record is retried alone, so only its own caller gets the error; when the
connection broke, the writer reconnects and tries the batch once more (every
record is idempotent, so a COMMIT whose answer was lost does no harm).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._journal_pg_schema import pg_error, psycopg_module

if TYPE_CHECKING:
    import psycopg

__all__ = ["DONE", "FORGET", "OUTCOME", "ROW", "PgWriter", "WriteOp"]

#: Most records one transaction takes; bounds the latency of the last of them.
MAX_BATCH = 512

# The kinds of record, and the table (conflict domain) of each.
OUTCOME, ROW, FORGET, DONE = "outcome", "row", "forget", "done"
_TABLE = {OUTCOME: "outcomes", FORGET: "outcomes", ROW: "row_outcomes", DONE: "campaign_rows"}

# One statement for the outcomes, row entries and done marks of a group (each part
# may be given no rows): one round trip, and alone it needs no BEGIN and COMMIT.
_WRITE = (
    "WITH o AS (INSERT INTO outcomes (campaign, recipient, row, status, message_id, "
    "error_code, error_type, error_message, attempts, updated_at) SELECT %s, u.* FROM unnest("
    "%s::text[], %s::integer[], %s::text[], %s::text[], %s::bigint[], %s::text[], "
    "%s::text[], %s::integer[], %s::float8[]) AS u "
    "ON CONFLICT (campaign, recipient) DO UPDATE SET row = excluded.row, "
    "status = excluded.status, message_id = excluded.message_id, "
    "error_code = excluded.error_code, error_type = excluded.error_type, "
    "error_message = excluded.error_message, attempts = excluded.attempts, "
    "updated_at = excluded.updated_at), "
    "r AS (INSERT INTO row_outcomes (campaign, row, recipient, status, duplicate_of, "
    "error_code, error_type, error_message, updated_at) SELECT %s, u.* FROM unnest("
    "%s::integer[], %s::text[], %s::text[], %s::integer[], %s::bigint[], %s::text[], "
    "%s::text[], %s::float8[]) AS u "
    "ON CONFLICT (campaign, row) DO UPDATE SET recipient = excluded.recipient, "
    "status = excluded.status, duplicate_of = excluded.duplicate_of, "
    "error_code = excluded.error_code, error_type = excluded.error_type, "
    "error_message = excluded.error_message, updated_at = excluded.updated_at), "
    "d AS (UPDATE campaign_rows AS c SET state = 'done', lease_owner = NULL, "
    "lease_until = NULL FROM unnest(%s::integer[], %s::text[]) AS u(row, owner) "
    "WHERE c.campaign = %s AND c.row = u.row AND c.lease_owner = u.owner RETURNING c.row) "
    "SELECT row FROM d"
)
_OUTCOME_WIDTH, _ROW_WIDTH = 9, 8

# A record alone costs the server about half as much as a single-row unnest: the plain
# statements of each kind, for batches of one.
_ONE = {
    OUTCOME: (
        "INSERT INTO outcomes (campaign, recipient, row, status, message_id, error_code, "
        "error_type, error_message, attempts, updated_at) VALUES "
        "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
        "ON CONFLICT (campaign, recipient) DO UPDATE SET row = excluded.row, "
        "status = excluded.status, message_id = excluded.message_id, "
        "error_code = excluded.error_code, error_type = excluded.error_type, "
        "error_message = excluded.error_message, attempts = excluded.attempts, "
        "updated_at = excluded.updated_at"
    ),
    ROW: (
        "INSERT INTO row_outcomes (campaign, row, recipient, status, duplicate_of, "
        "error_code, error_type, error_message, updated_at) VALUES "
        "(%s,%s,%s,%s,%s,%s,%s,%s,%s) "
        "ON CONFLICT (campaign, row) DO UPDATE SET recipient = excluded.recipient, "
        "status = excluded.status, duplicate_of = excluded.duplicate_of, "
        "error_code = excluded.error_code, error_type = excluded.error_type, "
        "error_message = excluded.error_message, updated_at = excluded.updated_at"
    ),
    DONE: (
        "UPDATE campaign_rows SET state = 'done', lease_owner = NULL, lease_until = NULL "
        "WHERE campaign = %s AND row = ANY(%s) AND lease_owner = %s RETURNING row"
    ),
}
_RESTORE = ("UPDATE outcomes SET status = %s WHERE campaign = %s AND recipient = %s "
            "AND status = 'pending'")
_DELETE = "DELETE FROM outcomes WHERE campaign = %s AND recipient = %s AND status = 'pending'"


@dataclass(slots=True)
class WriteOp:
    """One record waiting for its transaction.

    Attributes:
        kind: :data:`OUTCOME`, :data:`ROW`, :data:`FORGET` or :data:`DONE`.
        keys: What it writes in its table (a recipient, rows).
        values: Its columns (``OUTCOME``, ``ROW``), ``(prior_status,)`` for
            ``FORGET``, the lease owner for ``DONE``.
        future: Resolved after COMMIT: None, or for ``DONE`` how many of its
            rows were marked.
    """

    kind: str
    keys: tuple[Any, ...]
    values: tuple[Any, ...]
    future: asyncio.Future[Any]


@dataclass(slots=True)
class _Group:
    """Records of a batch with no key written by two kinds: one statement per kind."""

    ops: dict[str, dict[Any, WriteOp]] = field(default_factory=dict)
    forgets: list[WriteOp] = field(default_factory=list)
    owner: dict[tuple[str, Any], str] = field(default_factory=dict)

    def takes(self, op: WriteOp) -> bool:
        table = _TABLE[op.kind]
        for key in op.keys:
            kind = self.owner.get((table, key))
            if kind is not None and (kind != op.kind or kind in (FORGET, DONE)):
                return False  # applied after the earlier one, in a statement of its own
        return True

    def add(self, op: WriteOp) -> None:
        table = _TABLE[op.kind]
        for key in op.keys:
            self.owner[(table, key)] = op.kind
        if op.kind == FORGET:
            self.forgets.append(op)
        else:
            # The same key again (an upsert): the later values win, as in sequence.
            self.ops.setdefault(op.kind, {})[op.keys if op.kind == DONE else op.keys[0]] = op


def _columns(ops: dict[Any, WriteOp] | None, width: int) -> list[list[Any]]:
    """The records' values as one array per column, by key (see :meth:`PgWriter._apply`)."""
    if not ops:
        return [[] for _ in range(width)]
    rows = [ops[key].values for key in sorted(ops)]
    return [list(column) for column in zip(*rows, strict=True)]


class PgWriter:
    """The journal's one writer task: drains the records, commits them in batches.

    Args:
        connect: Opens the writer's connection (autocommit).
        dsn: For the errors' text (the password is never shown).
        campaign: The campaign every record belongs to.
    """

    def __init__(self, connect: Callable[[], Awaitable[psycopg.AsyncConnection[Any]]],
                 dsn: str, campaign: str) -> None:
        self._connect = connect
        self._dsn = dsn
        self._campaign = campaign
        self._queue: deque[WriteOp] = deque()
        self._wake = asyncio.Event()
        self._stopping = False
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect and start the writer task.

        Raises:
            psycopg.Error: The connection failed.
        """
        self._conn = await self._connect()
        self._task = asyncio.create_task(self._run(), name="whatsapp-async-pg-journal")

    def submit(self, kind: str, keys: tuple[Any, ...], values: tuple[Any, ...]
               ) -> asyncio.Future[Any]:
        """Queue a record; the future resolves once it is committed (or with its error).

        Raises:
            RuntimeError: The writer was stopped.
        """
        if self._stopping or self._task is None:
            raise RuntimeError("the journal is not open")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append(WriteOp(kind, keys, values, future))
        self._wake.set()
        return future

    async def stop(self) -> None:
        """Commit what was queued, then end the task and disconnect."""
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    async def _run(self) -> None:
        queue = self._queue
        try:
            while True:
                if not queue:
                    if self._stopping:
                        return
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                batch = [queue.popleft() for _ in range(min(len(queue), MAX_BATCH))]
                await self._commit(batch)
                # Let the callers just resolved queue their next records (a row's done
                # mark follows its outcome at once): they join the next transaction.
                await asyncio.sleep(0)
        except BaseException as exc:
            # Cancelled (the loop is ending): nobody waiting must hang.
            for op in (*queue,):
                if not op.future.done():
                    op.future.set_exception(RuntimeError(f"the journal writer stopped: {exc!r}"))
            raise

    async def _commit(self, batch: list[WriteOp]) -> None:
        psycopg = psycopg_module()
        try:
            results = await self._transaction(batch)
        except psycopg.OperationalError:
            # The connection broke (server restart, idle timeout): once more on a new one.
            try:
                await self._reconnect()
                results = await self._transaction(batch)
            except psycopg.Error as again:
                self._fail(batch, again)
                return
        except psycopg.Error as exc:
            if len(batch) == 1:
                self._fail(batch, exc)
                return
            # One record was refused: alone, each gets its own answer.
            for op in batch:
                await self._commit([op])
            return
        except BaseException as exc:
            self._fail(batch, exc)
            raise
        for op in batch:
            if not op.future.done():
                op.future.set_result(results.get(id(op)))

    def _fail(self, batch: list[WriteOp], exc: BaseException) -> None:
        psycopg = psycopg_module()
        error = pg_error(self._dsn, exc) if isinstance(exc, psycopg.Error) else exc
        for op in batch:
            if not op.future.done():
                op.future.set_exception(error)

    async def _reconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()
        self._conn = await self._connect()

    async def _transaction(self, batch: list[WriteOp]) -> dict[int, Any]:
        conn = self._conn
        if conn is None:
            await self._reconnect()
            conn = self._conn
            assert conn is not None
        groups = [_Group()]
        for op in batch:
            if not groups[-1].takes(op):
                groups.append(_Group())
            groups[-1].add(op)
        results: dict[int, Any] = {}
        if len(groups) == 1 and not groups[0].forgets:
            # One statement is a transaction of its own (autocommit).
            await self._apply(conn, groups[0], results)
            return results
        async with conn.transaction():
            for group in groups:
                await self._apply(conn, group, results)
        return results

    async def _apply(self, conn: psycopg.AsyncConnection[Any], group: _Group,
                     results: dict[int, Any]) -> None:
        campaign = self._campaign
        # Keys in one order in every writer (sorted): two workers' batches never wait
        # on each other in a cycle.
        done = group.ops.get(DONE)
        single = _single(group)
        if single is not None:
            params: tuple[Any, ...] = (
                (campaign, list(single.keys), *single.values) if single.kind == DONE
                else (campaign, *single.values)
            )
            cur = await conn.execute(_ONE[single.kind], params)
        elif group.ops:
            pairs = sorted({(row, op.values[0]) for op in done.values() for row in op.keys}
                           if done else ())
            cur = await conn.execute(_WRITE, (
                campaign, *_columns(group.ops.get(OUTCOME), _OUTCOME_WIDTH),
                campaign, *_columns(group.ops.get(ROW), _ROW_WIDTH),
                [r for r, _ in pairs], [o for _, o in pairs], campaign,
            ))
        if done:
            marked = {row for (row,) in await cur.fetchall()}
            for op in done.values():
                results[id(op)] = sum(1 for row in op.keys if row in marked)
        for op in group.forgets:
            (prior,) = op.values
            if prior is not None:
                await conn.execute(_RESTORE, (prior, campaign, op.keys[0]))
            else:
                await conn.execute(_DELETE, (campaign, op.keys[0]))


def _single(group: _Group) -> WriteOp | None:
    """The group's one outcome, row entry or done mark, when it has only one."""
    if len(group.ops) != 1:
        return None
    (ops,) = group.ops.values()
    if len(ops) != 1:
        return None
    (op,) = ops.values()
    return op
