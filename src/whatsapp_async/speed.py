"""The event loop the library's own programs run on: uvloop when it is installed.

``pip install 'whatsapp-async[speed]'`` adds uvloop, a faster event loop
(libuv); with it the same process sends about a fifth more messages per core.
The ``whatsapp-async`` command runs on it when it is importable, and on the
standard asyncio loop otherwise: nothing else changes.

An application that starts its own loop picks it itself. :func:`run` is
:func:`asyncio.run` with that choice made::

    from whatsapp_async.speed import run

    async def main() -> None:
        async with WhatsAppClient() as wa:
            await wa.broadcast(rows).run()

    run(main())

A web framework has its own switch (``uvicorn --loop uvloop``, for one). The
client, the throttle and the broadcast engine work on either loop.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Coroutine
from types import ModuleType
from typing import Any, TypeVar

__all__ = ["run", "uvloop_module"]

T = TypeVar("T")


def uvloop_module() -> ModuleType | None:
    """The uvloop module if it is installed (and new enough to run coroutines), else None."""
    try:
        module = importlib.import_module("uvloop")
    except ImportError:
        return None
    return module if callable(getattr(module, "run", None)) else None


def run(main: Coroutine[Any, Any, T], *, use_uvloop: bool = True) -> T:
    """Run ``main`` to completion on a new event loop, uvloop's when installed.

    Args:
        main: The coroutine to run.
        use_uvloop: False to use the standard asyncio loop even when uvloop is
            installed.

    Returns:
        What ``main`` returned.
    """
    uvloop = uvloop_module() if use_uvloop else None
    if uvloop is None:
        return asyncio.run(main)
    result: T = uvloop.run(main)
    return result
