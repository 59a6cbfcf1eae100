"""Many workers on one campaign (``broadcast(shared=True)``): the engine's side of the claims.

Each worker process gives the broadcast the same rows. The first one loads
them into the PostgreSQL journal (:mod:`whatsapp_async._journal_pg_claims`),
with each row's normalised recipient and the earlier row it repeats worked out
once, over the whole source: so a duplicate is a duplicate whichever worker
takes it, and only the first row of a recipient is ever sent. Then every
worker claims batches of rows, processes them with the usual
:class:`~whatsapp_async.bulk._row_send.RowSender` (the recipient's journaled
state, claimed along with the row, gives the resume rules) and marks each row
done once its outcome is durable. A heartbeat renews the worker's lease; a
worker that cannot renew it stops, since its rows may be taken over.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import msgspec

from .._journal_pg_claims import CampaignRows, ClaimedRow, PreparedRow
from ..errors import ValidationError
from ._dedupe import NEW, PREV_BY_STATUS, PREV_FINAL, SEEN, RecipientStates
from ._row_input import normalize_phone_number
from ._row_send import RowFate
from ._types import Recipient

if TYPE_CHECKING:
    from .._journal_pg import PostgresJournal
    from ._control import RunControl

__all__ = ["SharedDuplicate", "SharedRows", "worker_id"]

log = logging.getLogger("whatsapp_async")


class SharedDuplicate(msgspec.Struct, frozen=True, gc=False):
    """A claimed row that repeats an earlier row's recipient: it gets a row entry, no send.

    Attributes:
        to: The normalised recipient.
        first_row: The row it repeats.
    """

    to: str
    first_row: int


class _Stored(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """What a shared campaign keeps of a row (a per-row ``message`` cannot be stored)."""

    to: Any
    params: list[str] | dict[str, str] | None = None
    callback_data: str | None = None


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(_Stored).decode


def worker_id() -> str:
    """This worker's lease owner id: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class _Preparer:
    """Turns source rows into :data:`PreparedRow` s, hashing them into the source's fingerprint."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self._states = RecipientStates()

    def fingerprint(self) -> str:
        return self.digest.hexdigest()

    def prepare(self, index: int, row: Recipient | str) -> PreparedRow:
        recipient = row if isinstance(row, Recipient) else Recipient(row)
        if recipient.message is not None:
            raise ValidationError(
                f"rows[{index}].message", "a shared campaign stores each row's to, params and "
                "callback_data, not a per-row message: give the broadcast template= or message="
            )
        params = recipient.params
        if params is not None and not isinstance(params, dict):
            params = list(params)
        payload = _encode(_Stored(recipient.to, params, recipient.callback_data))
        self.digest.update(payload + b"\n")
        try:
            to = normalize_phone_number(recipient.to)
        except ValidationError:
            return index, payload.decode(), None, None  # the taker records it invalid
        previous = self._states.mark(to, SEEN, index)
        first = self._states.first_row(to) if previous != NEW else None
        return index, payload.decode(), to, first

    def run(self, rows: Iterable[Recipient | str]) -> Iterator[PreparedRow]:
        for index, row in enumerate(rows):
            yield self.prepare(index, row)

    async def arun(self, rows: AsyncIterable[Recipient | str]) -> AsyncIterator[PreparedRow]:
        index = 0
        async for row in rows:
            yield self.prepare(index, row)
            index += 1


class SharedRows:
    """One worker's rows of a shared campaign: load or join, claim, settle, renew, release.

    Args:
        journal: The open PostgreSQL journal.
        control: The run's control (stopped on a lost lease).
        seen: The run's recipient states, given each claimed recipient's journaled state.
        lease: Seconds a claim lasts without renewal (renewed every third of it).
        batch: Rows claimed at a time.
    """

    def __init__(
        self, journal: PostgresJournal, control: RunControl, seen: RecipientStates, *,
        lease: float, batch: int,
    ) -> None:
        self.rows = CampaignRows(journal, worker_id(), lease)
        self._control = control
        self._seen = seen
        self._lease = lease
        self._batch = batch
        self._queue: deque[ClaimedRow] = deque()
        self._heartbeat: asyncio.Task[None] | None = None
        self._renewed = time.monotonic()
        self.loaded = False

    async def load(self, rows: Iterable[Recipient | str] | AsyncIterable[Recipient | str]
                   ) -> None:
        """Load the campaign's rows (first worker) or check they are the loaded ones; renew.

        Raises:
            ConfigurationError: The campaign was loaded from other rows.
            ValidationError: A row carries its own ``message`` (not storable).
            JournalError: The database failed.
        """
        preparer = _Preparer()
        prepared = (preparer.arun(rows) if isinstance(rows, AsyncIterable)
                    else preparer.run(rows))
        self.loaded = await self.rows.load(prepared, preparer.fingerprint)
        log.info("broadcast: campaign %r %s as worker %s", self.rows.campaign,
                 "loaded" if self.loaded else "joined", self.rows.worker)
        self._renewed = time.monotonic()
        self._heartbeat = asyncio.create_task(self._beat(), name="whatsapp-async-lease")

    async def next(self) -> tuple[int, Recipient | SharedDuplicate] | None:
        """The next row to process, claiming a batch when none is left; None when all are done.

        While rows are held by other workers (or in flight here) it waits for
        them to end or for their leases to run out, so a campaign is finished
        by whoever is left.

        Raises:
            JournalError: The database failed.
        """
        control = self._control
        while not control.stopping:
            if self._queue:
                return self._item(self._queue.popleft())
            claimed = await self.rows.claim(self._batch)
            if claimed:
                for c in claimed:
                    if c.status is not None and c.recipient is not None:
                        self._seen.mark(c.recipient, PREV_BY_STATUS.get(c.status, PREV_FINAL))
                self._queue.extend(claimed)
                continue
            if await self.rows.open_rows() == 0:
                return None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(control.stopped.wait(), min(1.0, self._lease / 4))
        return None

    def _item(self, claimed: ClaimedRow) -> tuple[int, Recipient | SharedDuplicate]:
        if claimed.duplicate_of is not None and claimed.recipient is not None:
            return claimed.row, SharedDuplicate(claimed.recipient, claimed.duplicate_of)
        stored = _decode(claimed.payload)
        return claimed.row, Recipient(stored.to, stored.params, None, stored.callback_data)

    async def settle(self, row: int, fate: RowFate) -> None:
        """After a row's processing: mark it done, give it back, or leave its lease to run out."""
        try:
            if fate == "done":
                await self.rows.done([row])
            elif fate == "release":
                await self.rows.release([row])
            # "keep": its outcome may not be durable; whoever takes it over applies the
            # resume rules to what the journal holds.
        except Exception as exc:  # the row is taken over later: it has its outcome or a mark
            log.warning("broadcast: could not settle row %d of the shared campaign: %s",
                        row, exc)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self._lease / 3)
            try:
                await self.rows.renew()
                self._renewed = time.monotonic()
            except Exception as exc:
                if time.monotonic() - self._renewed > self._lease * 0.75:
                    self._control.stop(
                        f"lost the shared campaign's lease ({exc}): its rows may be taken "
                        "over by other workers"
                    )
                    return
                log.warning("broadcast: could not renew the lease: %s", exc)

    async def close(self) -> None:
        """Stop renewing and give back the rows claimed but never started."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None
        unstarted = [c.row for c in self._queue]
        self._queue.clear()
        if unstarted:
            try:
                await self.rows.release(unstarted)
            except Exception as exc:  # their leases run out instead
                log.warning("broadcast: could not give back %d unstarted rows: %s",
                            len(unstarted), exc)
