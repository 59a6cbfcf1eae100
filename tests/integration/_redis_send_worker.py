"""One sending process of the multi-process throttle test.

Run as ``python _redis_send_worker.py '<json settings>'``. It builds its own
WhatsAppClient with either a RedisThrottle or a LocalThrottle, sends text
messages to distinct recipients from ``concurrency`` tasks between
``start_at`` and ``stop_at`` (Unix times), and prints one JSON line: the ids
the API accepted, every attempt's outcome, and what the throttle logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections import Counter
from typing import Any

from whatsapp_async import (
    APIError,
    RetryPolicy,
    ThrottleUnavailableError,
    WhatsAppClient,
    WhatsAppError,
)
from whatsapp_async.throttle import LocalThrottle, RedisThrottle, Throttle


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def main(cfg: dict[str, Any]) -> dict[str, Any]:
    logs = _Collect()
    logging.getLogger("whatsapp_async").addHandler(logs)
    throttle: Throttle
    if cfg["throttle"] == "redis":
        throttle = RedisThrottle(
            cfg["redis_url"], rate=cfg["rate"], key_prefix=cfg["prefix"],
            on_unavailable=cfg.get("on_unavailable", "fail"),
            fallback_fraction=cfg.get("fallback_fraction", 0.5),
            probe_interval=cfg.get("probe_interval", 2.0), socket_timeout=1.0,
        )
    else:
        throttle = LocalThrottle(cfg["rate"], usage_threshold=cfg.get("usage_threshold", 0.9))
    ids: list[str] = []
    outcomes: Counter[str] = Counter()
    attempts = 0
    serial = 0
    stop_at = cfg["stop_at"]

    async def sender(wa: WhatsAppClient) -> None:
        nonlocal attempts, serial
        while time.time() < stop_at:
            serial += 1
            to = f"1{cfg['worker']:02d}{serial:08d}"  # a new recipient each time
            attempts += 1
            try:
                ids.append((await wa.messages.send_text(to, "hello")).message_id)
                outcomes["sent"] += 1
            except ThrottleUnavailableError:
                outcomes["ThrottleUnavailableError"] += 1
                await asyncio.sleep(0.05)
            except APIError as exc:
                outcomes[f"APIError {exc.code}"] += 1
            except WhatsAppError as exc:
                outcomes[type(exc).__name__] += 1

    await asyncio.sleep(max(0.0, cfg["start_at"] - time.time()))
    async with WhatsAppClient(
        access_token=cfg["token"], phone_number_id=cfg["number"], base_url=cfg["base_url"],
        throttle=throttle, retry=RetryPolicy.disabled(), timeout=5,
    ) as wa:
        await asyncio.gather(*(sender(wa) for _ in range(cfg["concurrency"])))
    if isinstance(throttle, RedisThrottle):
        await throttle.aclose()
    return {"ids": ids, "attempts": attempts, "outcomes": dict(outcomes),
            "warnings": logs.messages}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))), flush=True)
