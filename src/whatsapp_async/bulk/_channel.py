"""The queue that carries outcomes from a broadcast's workers to whoever iterates it."""

from __future__ import annotations

import asyncio
from collections import deque

from ._types import SendOutcome

__all__ = ["OutcomeChannel"]


class OutcomeChannel:
    """A bounded outcome queue whose bound can be lifted once nobody may read any more.

    The bound makes a slow reader slow the sends down instead of piling up
    outcomes; lifting it lets the workers finish when the reader has left.
    """

    def __init__(self, capacity: int) -> None:
        self._items: deque[SendOutcome] = deque()
        self._capacity = capacity
        self._closed = False
        self._getter: asyncio.Future[None] | None = None
        self._putters: deque[asyncio.Future[None]] = deque()

    async def put(self, item: SendOutcome) -> None:
        """Add ``item``, waiting while the queue is full."""
        while len(self._items) >= self._capacity:
            waiter = asyncio.get_running_loop().create_future()
            self._putters.append(waiter)
            await waiter
        self._items.append(item)
        if self._getter is not None and not self._getter.done():
            self._getter.set_result(None)

    def unbound(self) -> None:
        """Lift the bound: every waiting and later :meth:`put` returns at once."""
        self._capacity = 1 << 62
        while self._putters:
            waiter = self._putters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    def close(self) -> None:
        """No more items will come: :meth:`get` returns None once the queue is empty."""
        self._closed = True
        if self._getter is not None and not self._getter.done():
            self._getter.set_result(None)

    async def get(self) -> SendOutcome | None:
        """The next outcome, or None once closed and empty."""
        while not self._items:
            if self._closed:
                return None
            self._getter = asyncio.get_running_loop().create_future()
            await self._getter
        item = self._items.popleft()
        while self._putters:
            waiter = self._putters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                break
        return item
