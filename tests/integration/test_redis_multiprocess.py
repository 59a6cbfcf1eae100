"""Four processes share one number's budget through RedisThrottle.

Each worker process (``_redis_send_worker.py``) has its own WhatsAppClient and
throttle and sends as fast as its throttle lets it to a FakeCloudAPI running
in this process, which enforces 100 messages/s per number with 130429.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.redis_server import RedisServer
from whatsapp_async.testing import FakeCloudAPI

WORKER = Path(__file__).with_name("_redis_send_worker.py")
ROOT = Path(__file__).resolve().parents[2]
NUMBER = "1234567890"
RATE = 100.0


async def run_workers(
    fake: FakeCloudAPI,
    configs: Sequence[dict[str, Any]],
    *,
    duration: float,
    events: Sequence[tuple[float, Callable[[], None]]] = (),
) -> tuple[float, list[dict[str, Any]]]:
    """Run one worker process per config; returns the start time and their reports.

    ``events`` are (seconds after the start, action) run here while they send.
    """
    start_at = time.time() + 2.0  # time for the workers to import and connect
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = []
    for i, cfg in enumerate(configs):
        settings = {
            "worker": i, "base_url": fake.base_url, "token": fake.access_token,
            "number": NUMBER, "start_at": start_at, "stop_at": start_at + duration,
            "concurrency": 8, **cfg,
        }
        procs.append(await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER), json.dumps(settings), env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        ))
    for at, action in events:
        await asyncio.sleep(max(0.0, start_at + at - time.time()))
        await asyncio.to_thread(action)
    outputs = await asyncio.wait_for(
        asyncio.gather(*(p.communicate() for p in procs)), timeout=duration + 60
    )
    reports = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()[-3000:]
        reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    return start_at, reports


def worker_of(wa_id: str) -> int:
    """Workers write their number into the recipient: ``1WW########``."""
    return int(wa_id[1:3])


def redis_config(url: str, prefix: str, **extra: Any) -> dict[str, Any]:
    return {"throttle": "redis", "redis_url": url, "prefix": prefix, "rate": RATE, **extra}


async def test_four_processes_share_one_budget_through_redis(redis_server: RedisServer) -> None:
    prefix = f"mp{uuid.uuid4().hex[:8]}"
    async with FakeCloudAPI(phone_numbers=(NUMBER,), messages_per_second=RATE) as fake:
        start, reports = await run_workers(
            fake, [redis_config(redis_server.url, prefix)] * 4, duration=10.0
        )
    # Steady state: skip the first second (start-up, the initial burst).
    begin, end = start + 1.0, start + 9.5
    steady = [m for m in fake.sent if begin <= m.time < end]
    rate = len(steady) / (end - begin)
    per_worker = [sum(1 for m in steady if worker_of(m.wa_id) == i) for i in range(4)]
    assert fake.count_refusals(130429) == 0
    assert abs(rate - RATE) <= 0.03 * RATE, f"aggregate {rate:.1f}/s"
    assert all(n > 0.1 * len(steady) for n in per_worker), per_worker
    assert sum(r["outcomes"].get("sent", 0) for r in reports) == len(fake.sent)


async def test_a_local_throttle_per_process_trips_the_limit() -> None:
    async with FakeCloudAPI(phone_numbers=(NUMBER,), messages_per_second=RATE) as fake:
        # Without pacing from the usage headers, which would ease each process off
        # before 130429 and hide what a throttle per process does.
        _, reports = await run_workers(
            fake, [{"throttle": "local", "rate": RATE, "usage_threshold": None}] * 4,
            duration=2.0,
        )
    # Each process believes it owns the whole 100/s: together they send 400/s.
    assert fake.count_refusals(130429) > 0
    assert sum(r["outcomes"].get("APIError 130429", 0) for r in reports) > 0


async def test_redis_killed_mid_run(own_redis_server: RedisServer) -> None:
    prefix = f"mp{uuid.uuid4().hex[:8]}"
    common = {"fallback_fraction": 0.5, "probe_interval": 0.5}
    configs = [
        redis_config(own_redis_server.url, prefix, on_unavailable="local", **common),
        redis_config(own_redis_server.url, prefix, on_unavailable="local", **common),
        redis_config(own_redis_server.url, prefix, on_unavailable="fail", **common),
        redis_config(own_redis_server.url, prefix, on_unavailable="fail", **common),
    ]
    local, fail = (0, 1), (2, 3)
    marks: dict[str, float] = {}

    def kill() -> None:
        own_redis_server.kill()
        marks["killed"] = time.time()

    def restart() -> None:
        marks["restarting"] = time.time()
        own_redis_server.start()

    async with FakeCloudAPI(phone_numbers=(NUMBER,), messages_per_second=RATE) as fake:
        _, reports = await run_workers(
            fake, configs, duration=5.0, events=[(1.5, kill), (3.0, restart)]
        )
    killed, back = marks["killed"], marks["restarting"]

    def sent_by(workers: tuple[int, ...], after: float, before: float) -> int:
        return sum(1 for m in fake.sent
                   if worker_of(m.wa_id) in workers and after <= m.time < before)

    # Nothing crashed (every worker exited 0 and reported), and every attempt
    # ended as a send the API accepted or as an error raised before the network.
    for report in reports:
        assert set(report["outcomes"]) <= {"sent", "ThrottleUnavailableError"}
        assert sum(report["outcomes"].values()) == report["attempts"]
    # No send lost or doubled: the fake holds exactly the ids the workers got.
    accepted = [i for r in reports for i in r["ids"]]
    assert sorted(accepted) == sorted(m.id for m in fake.sent)
    assert len(set(accepted)) == len(accepted)
    # "local": kept sending on a local limit, warned once, went back to Redis.
    assert sent_by(local, killed + 0.5, back) > 0
    for i in local:
        warnings = reports[i]["warnings"]
        assert [w for w in warnings if "falling back" in w] == [warnings[0]]
        assert any("reachable again" in w for w in warnings)
    # "fail": raised ThrottleUnavailableError instead of sending, then recovered.
    assert all(reports[i]["outcomes"].get("ThrottleUnavailableError", 0) > 0 for i in fail)
    assert sent_by(fail, killed + 0.5, back) == 0
    assert sent_by(fail, back + 1.0, float("inf")) > 0
    assert fake.count_refusals(130429) == 0
