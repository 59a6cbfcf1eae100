"""A throttle whose buckets live in Redis, shared by every process that uses it.

Per-process limiters each believe they own a number's whole budget; a web
app's workers, a chatbot and a broadcast script sending from one number then
trip 130429 together. :class:`RedisThrottle` keeps one bucket per business
number in Redis instead, updated by a single Lua script so that any number of
processes on any number of machines share one budget without races.

The script is a GCRA (generic cell rate algorithm) that reads the clock of the
Redis server (``TIME``), never a client's, so skew between machines cannot
hand out extra tokens. Each call *reserves* the next free send slot and returns
how long to wait for it, so a waiting sender sleeps once instead of polling.
Within one process, callers for one number queue locally and at most
``max_reserved`` of them hold a reservation at a time, which bounds both the
calls made to Redis and what can still go out after a 130429 pause starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import weakref
from collections.abc import Mapping
from types import TracebackType
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from ._redis_script import SCRIPT
from .errors import ThrottleUnavailableError
from .throttle import LocalThrottle, check_rates

try:
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import RedisError
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "RedisThrottle needs redis-py; install the extra: pip install 'whatsapp-async[redis]'"
    ) from exc

__all__ = ["RedisThrottle"]

log = logging.getLogger("whatsapp_async")

OnUnavailable = Literal["fail", "local"]


def _redacted(url: str) -> str:
    """``url`` without user, password or query (which may carry a password), for logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class RedisThrottle:
    """A rate limit per business number, kept in Redis and shared by all processes.

    Give every process that sends from a number (web workers, bots, broadcast
    scripts, on any machine) a ``RedisThrottle`` pointing at the same Redis and
    prefix, and together they stay under the number's limit::

        throttle = RedisThrottle("redis://localhost:6379/0", rate=80)
        async with WhatsAppClient(access_token=..., phone_number_id=...,
                                  throttle=throttle) as wa:
            ...
        await throttle.aclose()

    Buckets follow Redis's clock, not the clients', so clock skew between
    machines does not matter. A 130429 reported by any process pauses the number
    for everyone and halves its rate (never below ``min_rate_fraction``), which
    then climbs back by a tenth of the configured rate per quiet
    ``recovery_interval``, as :class:`~whatsapp_async.LocalThrottle` does. A
    bucket key expires ``idle_ttl`` seconds after it last mattered.

    Args:
        redis_url_or_client: A ``redis://``/``rediss://``/``unix://`` URL, or
            a ``redis.asyncio.Redis`` client to borrow (never closed here).
        rate: Messages per second for numbers without a rate of their own
            (from ``rates`` or :meth:`set_rate`).
        burst: Sends that may go out back to back; defaults to a tenth of a
            second's worth (at least 1), which keeps sends evenly spaced.
        rates: Per-number default rates, e.g. ``{"1234567890": 1000}``. A rate
            stored with :meth:`set_rate` overrides both.
        key_prefix: Prefix of every Redis key; processes that share a budget
            must use the same one.
        on_unavailable: When Redis cannot be reached: ``"fail"`` raises
            :class:`~whatsapp_async.errors.ThrottleUnavailableError` before
            anything is sent; ``"local"`` falls back to a
            :class:`~whatsapp_async.LocalThrottle` in this process (logged once
            per outage) and returns to Redis when it answers again. Senders
            queued on the fallback then take their slot from Redis, and for
            ``probe_interval`` + 1 s a process back on Redis (in either mode)
            also keeps to the fallback's share, as other processes may still
            be on theirs: no second gets more than rate plus burst.
        fallback_fraction: Share of the rate (and burst) the local fallback allows; with N
            processes sharing a number, ``1 / N`` keeps the sum under the limit.
        idle_ttl: Seconds an unused bucket stays in Redis.
        min_rate_fraction: Floor of the rate after repeated 130429s.
        recovery_interval: Seconds without a 130429 between recovery steps.
        max_pause: Longest pause after a 130429, in seconds.
        probe_interval: While Redis is unreachable, seconds between attempts
            to reach it again; meanwhile sends fail at once (``"fail"``) or use
            the local fallback (``"local"``) instead of waiting for Redis.
        socket_timeout: Seconds to connect to Redis and to wait for an answer,
            for a client made from a URL.
        max_reserved: Send slots this process may hold per number at once
            (the other senders queue locally). More lets one process send
            faster when Redis is far away; each held slot may still be used
            after another process reports a 130429.

    Raises:
        ValueError: A rate, burst, fraction or interval is out of range.
    """

    def __init__(
        self,
        redis_url_or_client: str | aioredis.Redis,
        *,
        rate: float = 80.0,
        burst: float | None = None,
        rates: Mapping[str, float] | None = None,
        key_prefix: str = "whatsapp_async",
        on_unavailable: OnUnavailable = "fail",
        fallback_fraction: float = 0.5,
        idle_ttl: float = 300.0,
        min_rate_fraction: float = 0.1,
        recovery_interval: float = 5.0,
        max_pause: float = 30.0,
        probe_interval: float = 2.0,
        socket_timeout: float = 2.0,
        max_reserved: int = 4,
    ) -> None:
        check_rates(rate, burst=burst, rates=rates)
        if on_unavailable not in ("fail", "local"):
            raise ValueError(f"on_unavailable must be 'fail' or 'local', got {on_unavailable!r}")
        if not 0 < fallback_fraction <= 1:
            raise ValueError(f"fallback_fraction must be in (0, 1], got {fallback_fraction!r}")
        if not 0 < min_rate_fraction <= 1:
            raise ValueError(f"min_rate_fraction must be in (0, 1], got {min_rate_fraction!r}")
        for name, seconds in (("idle_ttl", idle_ttl), ("recovery_interval", recovery_interval),
                              ("max_pause", max_pause), ("probe_interval", probe_interval),
                              ("socket_timeout", socket_timeout)):
            if not seconds > 0:
                raise ValueError(f"{name} must be > 0 seconds, got {seconds!r}")
        if max_reserved < 1:
            raise ValueError(f"max_reserved must be >= 1, got {max_reserved!r}")
        if isinstance(redis_url_or_client, str):
            self._where = _redacted(redis_url_or_client)
            # One immediate reconnect (a pooled connection may be stale after a
            # Redis restart), no backoff: a throttle must answer or fail fast.
            self._redis = aioredis.Redis.from_url(
                redis_url_or_client,
                socket_timeout=socket_timeout,
                socket_connect_timeout=socket_timeout,
                retry=Retry(NoBackoff(), 1),
            )
            self._owns_redis = True
        else:
            self._where = "the given Redis client"
            self._redis = redis_url_or_client
            self._owns_redis = False
        self.rate = float(rate)
        self._burst = float(burst) if burst is not None else 0.0
        self._rates = {k: float(v) for k, v in (rates or {}).items()}
        self._prefix = key_prefix
        self._on_unavailable: OnUnavailable = on_unavailable
        self._fallback_fraction = fallback_fraction
        self._idle_ms = round(idle_ttl * 1000)
        self._interval_us = round(recovery_interval * 1_000_000)
        self._min_fraction = min_rate_fraction
        self._max_pause_us = round(max_pause * 1_000_000)
        self._probe_interval = probe_interval
        self._script = self._redis.register_script(SCRIPT)
        self._max_reserved = max_reserved
        self._gates: weakref.WeakValueDictionary[str, asyncio.Semaphore] = (
            weakref.WeakValueDictionary()
        )
        self._seen: dict[str, float] = {}
        # when the last Redis slot handed to this process falls, per number
        self._slots_until: dict[str, float] = {}
        self._local: LocalThrottle | None = None
        self._down = False
        self._back: asyncio.Event | None = None  # set when Redis answers after an outage
        self._recovering_until = 0.0
        self._next_probe = 0.0
        self._cause = ""

    def __repr__(self) -> str:
        state = "falling back to local" if self._down else "shared"
        return f"RedisThrottle(rate={self.rate:g}, prefix={self._prefix!r}, {state})"

    # ------------------------------------------------------------------ keys

    def bucket_key(self, phone_number_id: str) -> str:
        """The Redis key of the number's bucket (the number is a hash tag, for Redis Cluster)."""
        return f"{self._prefix}:{{{phone_number_id}}}:bucket"

    def rate_key(self, phone_number_id: str) -> str:
        """The Redis key holding the number's shared configured rate, if one was set."""
        return f"{self._prefix}:{{{phone_number_id}}}:rate"

    # ------------------------------------------------------------------ protocol

    async def acquire(self, phone_number_id: str) -> None:
        """Wait until one more message may be sent from ``phone_number_id``.

        Raises:
            ThrottleUnavailableError: Redis could not be reached and
                ``on_unavailable="fail"``; nothing was sent.
        """
        while True:
            was_down = self._down
            if self._use_redis():
                if time.monotonic() < self._recovering_until:
                    # Other processes may still be on their fallback until
                    # their next probe: keep to this process's share meanwhile.
                    await self._fallback().acquire(phone_number_id)
                gate = self._gates.get(phone_number_id)
                if gate is None:
                    gate = self._gates[phone_number_id] = asyncio.Semaphore(self._max_reserved)
                async with gate:
                    # An outage found by another caller while this one queued:
                    # do not make every queued caller wait for Redis to time out.
                    if was_down or not self._down:
                        if await self._take(phone_number_id):
                            return
                    elif self._on_unavailable == "fail":
                        raise self._error()
            elif self._on_unavailable == "fail":
                raise self._error()
            if await self._wait_on_fallback(phone_number_id):
                return

    async def report_rate_limited(
        self, phone_number_id: str, retry_after: float | None = None
    ) -> None:
        """Pause ``phone_number_id`` for every process and halve its shared rate after a 130429.

        Reports that arrive during the pause (or within a second of the report
        that started it) are taken as the same event: they may lengthen the
        pause but do not slow the number down again. Never raises: with Redis
        unreachable the local fallback is told instead (``"local"`` mode).
        """
        if self._use_redis():
            after = -1 if retry_after is None else round(max(retry_after, 0.0) * 1_000_000)
            try:
                _, pause_us = await self._call("penalize", phone_number_id, extra=after)
            except RedisError as exc:
                with contextlib.suppress(ThrottleUnavailableError):
                    self._went_down(exc)
            else:
                self._came_back()
                log.info(
                    "throughput limit hit for number %s: all processes pause %.1fs, "
                    "shared rate now %.1f/s",
                    phone_number_id, pause_us / 1e6, self._seen[phone_number_id],
                )
                return
        if self._on_unavailable == "local":
            await self._fallback().report_rate_limited(phone_number_id, retry_after)

    # ------------------------------------------------------------------ settings

    async def set_rate(self, phone_number_id: str, rate: float) -> None:
        """Store ``phone_number_id``'s configured rate in Redis, for every process.

        It overrides ``rate`` and ``rates`` of all throttles with this prefix
        and ends a slow-down in progress. It is configuration, so it does not
        expire.

        Raises:
            ValueError: ``rate`` is not positive.
            ThrottleUnavailableError: Redis could not be reached.
        """
        check_rates(rate)
        try:
            await self._call("set", phone_number_id, rate=float(rate))
        except RedisError as exc:
            raise self._error(exc) from exc

    def rate_for(self, phone_number_id: str) -> float:
        """The rate applied to ``phone_number_id`` when this process last asked Redis.

        It is the shared rate (lower after a 130429) as of this process's last
        send from ``phone_number_id``; the configured one before the first send, and the
        fallback's while Redis is unreachable. :meth:`fetch_rate` asks Redis now.
        """
        if self._down and self._local is not None:
            return self._local.rate_for(phone_number_id)
        return self._seen.get(phone_number_id) or self._rates.get(phone_number_id, self.rate)

    async def fetch_rate(self, phone_number_id: str) -> float:
        """The rate every process applies to the number right now (lower after a 130429).

        Raises:
            ThrottleUnavailableError: Redis could not be reached.
        """
        try:
            await self._call("peek", phone_number_id)
        except RedisError as exc:
            raise self._error(exc) from exc
        return self._seen[phone_number_id]

    # ------------------------------------------------------------------ lifecycle

    async def aclose(self) -> None:
        """Close the Redis connections this throttle opened (a borrowed client stays open)."""
        if self._owns_redis:
            await self._redis.aclose()

    async def __aenter__(self) -> RedisThrottle:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ internals

    async def _call(
        self, op: str, phone_number_id: str, *, extra: int = -1, rate: float | None = None
    ) -> tuple[int, int]:
        """Run the script once; returns its flag and time (us), and notes the rate."""
        result = await self._script(
            keys=[self.bucket_key(phone_number_id), self.rate_key(phone_number_id)],
            args=[
                op,
                rate if rate is not None else self._rates.get(phone_number_id, self.rate),
                self._burst,
                self._idle_ms,
                self._interval_us,
                self._min_fraction,
                self._max_pause_us,
                extra,
            ],
        )
        flag, micros, rate_milli = result
        self._seen[phone_number_id] = int(rate_milli) / 1000
        return int(flag), int(micros)

    async def _take(self, phone_number_id: str) -> bool:
        """Take a slot from Redis and wait for it; False if Redis failed ("local" mode)."""
        while True:
            try:
                reserved, wait_us = await self._call("take", phone_number_id)
            except RedisError as exc:
                self._went_down(exc)
                return False
            self._came_back()
            if reserved:
                until = time.monotonic() + wait_us / 1e6
                if until > self._slots_until.get(phone_number_id, 0.0):
                    self._slots_until[phone_number_id] = until
                if wait_us > 0:
                    await asyncio.sleep(wait_us / 1e6)
                return True
            # Paused after a 130429: a few sleepers per process and number, spread
            # a little so the processes do not all call at the pause's end.
            await asyncio.sleep(wait_us / 1e6 * (1 + 0.1 * random.random()))
            if self._down:
                if self._on_unavailable == "fail":
                    raise self._error()
                return False

    def _use_redis(self) -> bool:
        """Whether to ask Redis now: always when up; while down, one probe per interval."""
        if not self._down:
            return True
        now = time.monotonic()
        if now >= self._next_probe:
            self._next_probe = now + self._probe_interval
            return True
        return False

    def _error(self, exc: BaseException | None = None) -> ThrottleUnavailableError:
        if exc is not None:
            self._cause = f"{type(exc).__name__}: {exc}"
        return ThrottleUnavailableError(
            f"the shared throttle's Redis ({self._where}) is unreachable ({self._cause}); "
            "nothing was sent. Pass on_unavailable='local' to fall back to a per-process "
            "limit"
        )

    def _went_down(self, exc: BaseException) -> None:
        """Note an outage; raise in "fail" mode, otherwise switch to the fallback."""
        error = self._error(exc)
        if not self._down:
            self._down = True
            self._back = asyncio.Event()
            self._next_probe = time.monotonic() + self._probe_interval
            if self._on_unavailable == "local":
                log.warning(
                    "shared throttle: Redis (%s) is unreachable (%s); falling back to %.0f%% "
                    "of the rate in this process, checking Redis every %gs",
                    self._where, self._cause, self._fallback_fraction * 100,
                    self._probe_interval,
                )
            else:
                log.warning(
                    "shared throttle: Redis (%s) is unreachable (%s); sends fail until it is "
                    "back (checked every %gs)", self._where, self._cause, self._probe_interval,
                )
        else:
            log.debug("shared throttle: Redis still unreachable (%s)", self._cause)
        if self._on_unavailable == "fail":
            raise error from exc

    def _came_back(self) -> None:
        if self._down:
            self._down = False
            # One probe period for the other processes to notice too, and one
            # second (what the receiver counts in) for their fallback's last
            # grants to age out.
            self._recovering_until = time.monotonic() + self._probe_interval + 1.0
            if self._back is not None:
                self._back.set()
            log.warning("shared throttle: Redis (%s) is reachable again", self._where)

    async def _wait_on_fallback(self, phone_number_id: str) -> bool:
        """Take a fallback token; False if Redis came back first (then take from Redis).

        A caller still queued here when Redis answers again must not drain
        this process's share on top of the full shared rate Redis hands out.
        """
        # Slots Redis gave out before the outage go first: the fallback's
        # share comes on top of nothing.
        delay = self._slots_until.get(phone_number_id, 0.0) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        back = self._back
        if back is None or back.is_set():
            return False
        grant = asyncio.ensure_future(self._fallback().acquire(phone_number_id))
        woken = asyncio.ensure_future(back.wait())
        try:
            await asyncio.wait((grant, woken), return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            if not grant.done():
                grant.cancel()
        return grant.done() and not grant.cancelled()

    def _fallback(self) -> LocalThrottle:
        if self._local is None:
            fraction = self._fallback_fraction
            self._local = LocalThrottle(
                self.rate * fraction,
                # the burst is shared like the rate: the fallbacks together
                # may not start an outage with more than one burst
                burst=max(1.0, self._burst * fraction) if self._burst else None,
                rates={k: v * fraction for k, v in self._rates.items()},
                min_rate_fraction=self._min_fraction,
                recovery_interval=self._interval_us / 1e6,
                max_pause=self._max_pause_us / 1e6,
            )
        return self._local
