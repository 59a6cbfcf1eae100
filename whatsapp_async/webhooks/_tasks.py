"""The router's handler tasks: failures isolated, concurrency capped, shutdown bounded."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["HandlerTasks"]

log = logging.getLogger("whatsapp_async.webhooks")

#: Seconds :meth:`HandlerTasks.stop` gives cancelled handlers to finish.
_CANCEL_GRACE = 1.0


def _handler_name(handler: object) -> str:
    return getattr(handler, "__qualname__", None) or repr(handler)


class HandlerTasks:
    """Runs each handler call as its own task and keeps track of the running ones.

    Args:
        max_concurrency: At most this many handlers run at once (the others
            wait their turn); None does not limit.
    """

    def __init__(self, max_concurrency: int | None) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._max_concurrency = max_concurrency
        # Created lazily: a Semaphore made outside a running loop binds to the wrong one
        # on Python 3.10 (routers are usually built at import time).
        self._slots: asyncio.Semaphore | None = None

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, handler: Callable[[Any], Awaitable[Any]], event: object, what: str) -> None:
        """Start ``handler(event)`` as a task; ``what`` names the update in logs (ids only).

        Call it inside the running event loop.
        """
        if self._max_concurrency is not None and self._slots is None:
            self._slots = asyncio.Semaphore(self._max_concurrency)
        task = asyncio.get_running_loop().create_task(self._run(handler, event, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, handler: Callable[[Any], Awaitable[Any]], event: object, what: str
    ) -> None:
        try:
            if self._slots is None:
                await handler(event)
            else:
                async with self._slots:
                    await handler(event)
        except Exception:
            # Isolated on purpose: the endpoint already answered 200 and other
            # handlers must not notice. Ids only: message content is personal data.
            log.exception("webhook handler %s failed on %s", _handler_name(handler), what)

    async def join(self) -> None:
        """Wait until no task is running (including ones started meanwhile)."""
        while others := self._others():
            await asyncio.wait(others)

    def _others(self) -> set[asyncio.Task[None]]:
        # A handler that awaits join() or stop() must not wait for itself.
        current = asyncio.current_task()
        return {task for task in self._tasks if task is not current}

    async def stop(self, timeout: float | None) -> None:
        """Wait for the running tasks; cancel those still running after ``timeout`` seconds.

        A cancelled task gets one more second to stop; one that ignores the
        cancellation is left behind, so this always returns.

        Args:
            timeout: Seconds to wait before cancelling; None waits without limit.
        """
        pending = self._others()
        if not pending:
            return
        _, still_running = await asyncio.wait(pending, timeout=timeout)
        if still_running:
            log.warning("cancelling %d webhook handler(s) still running after %ss",
                        len(still_running), timeout)
            for task in still_running:
                task.cancel()
            # A handler may swallow the cancellation; shutdown must stay bounded anyway.
            _, ignoring = await asyncio.wait(still_running, timeout=_CANCEL_GRACE)
            if ignoring:
                log.warning("%d webhook handler(s) ignored cancellation; not waiting for them",
                            len(ignoring))
