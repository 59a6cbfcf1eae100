"""The router's handler tasks: failures isolated, concurrency and backlog capped, bounded stop."""

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


class _Job:
    """What a task runs, for the logs: the handler and the update (ids only)."""

    __slots__ = ("handler", "started", "what")

    def __init__(self, handler: object, what: str) -> None:
        self.handler = handler
        self.what = what
        self.started = False

    def describe(self) -> str:
        state = "running" if self.started else "waiting for a slot"
        return f"{_handler_name(self.handler)} on {self.what} ({state})"


class HandlerTasks:
    """Runs each handler call as its own task and keeps track of the unfinished ones.

    Args:
        max_concurrency: At most this many handlers run at once (the others
            wait their turn); None does not limit.
        max_backlog: At most this many handler calls may wait for a slot (with
            no concurrency limit: be unfinished); None does not limit.
        handler_timeout: Seconds a handler may run before it is cancelled; None
            lets it run.
    """

    def __init__(
        self,
        max_concurrency: int | None,
        max_backlog: int | None = None,
        handler_timeout: float | None = None,
    ) -> None:
        self._tasks: dict[asyncio.Task[None], _Job] = {}
        self._max_concurrency = max_concurrency
        self._max_backlog = max_backlog
        self._timeout = handler_timeout
        # Created lazily: a Semaphore made outside a running loop binds to the wrong one
        # on Python 3.10 (routers are usually built at import time).
        self._slots: asyncio.Semaphore | None = None

    def __len__(self) -> int:
        return len(self._tasks)

    def can_take(self, calls: int) -> bool:
        """Whether ``calls`` more handler calls fit in the backlog.

        A batch bigger than the whole backlog is still taken when a slot is
        free and nothing waits: refused every time, Meta's redeliveries of it
        would never get through.
        """
        if self._max_backlog is None or calls == 0:
            return True
        slots = self._max_concurrency or 0
        unfinished = len(self._tasks)
        return unfinished + calls - slots <= self._max_backlog or unfinished < max(slots, 1)

    def spawn(self, handler: Callable[[Any], Awaitable[Any]], event: object, what: str) -> None:
        """Start ``handler(event)`` as a task; ``what`` names the update in logs (ids only).

        Call it inside the running event loop.
        """
        if self._max_concurrency is not None and self._slots is None:
            self._slots = asyncio.Semaphore(self._max_concurrency)
        job = _Job(handler, what)
        task = asyncio.get_running_loop().create_task(self._run(handler, event, job))
        self._tasks[task] = job
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._tasks.pop(task, None)

    async def _run(
        self, handler: Callable[[Any], Awaitable[Any]], event: object, job: _Job
    ) -> None:
        try:
            if self._slots is None and self._timeout is None:
                job.started = True  # _call's plain case, a coroutine less per handler call
                await handler(event)
            elif self._slots is None:
                await self._call(handler, event, job)
            else:
                async with self._slots:
                    await self._call(handler, event, job)
        except Exception:
            # Isolated on purpose: the endpoint already answered 200 and other
            # handlers must not notice. Ids only: message content is personal data.
            log.exception("webhook handler %s failed on %s", _handler_name(handler), job.what)

    async def _call(
        self, handler: Callable[[Any], Awaitable[Any]], event: object, job: _Job
    ) -> None:
        job.started = True
        if self._timeout is None:
            await handler(event)
            return
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            await asyncio.wait_for(handler(event), self._timeout)
        except asyncio.TimeoutError:
            # A handler may raise TimeoutError itself; only the clock says it was ours.
            if loop.time() - started < self._timeout:
                raise
            log.warning("webhook handler %s timed out after %ss on %s; cancelled",
                        _handler_name(handler), self._timeout, job.what)

    async def join(self) -> None:
        """Wait until no task is running (including ones started meanwhile)."""
        while others := self._others():
            await asyncio.wait(others)

    def _others(self) -> set[asyncio.Task[None]]:
        # A handler that awaits join() or stop() must not wait for itself.
        current = asyncio.current_task()
        return {task for task in self._tasks if task is not current}

    async def stop(self, timeout: float | None) -> None:
        """Wait for the unfinished tasks; cancel those left after ``timeout`` seconds.

        Each cancelled call is logged with its handler and update ids: it was
        acknowledged, so Meta will not send it again. A cancelled task gets one
        more second to stop; one that ignores the cancellation is left behind,
        so this always returns.

        Args:
            timeout: Seconds to wait before cancelling; None waits without limit.
        """
        pending = self._others()
        if not pending:
            return
        _, still_running = await asyncio.wait(pending, timeout=timeout)
        if still_running:
            log.warning("cancelling %d acknowledged webhook handler call(s) unfinished after %ss",
                        len(still_running), timeout)
            for task in still_running:
                job = self._tasks.get(task)
                if job is not None:
                    log.warning("cancelled webhook handler %s", job.describe())
                task.cancel()
            # A handler may swallow the cancellation; shutdown must stay bounded anyway.
            _, ignoring = await asyncio.wait(still_running, timeout=_CANCEL_GRACE)
            if ignoring:
                log.warning("%d webhook handler(s) ignored cancellation; not waiting for them",
                            len(ignoring))
