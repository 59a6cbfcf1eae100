"""Throughput limiting per business phone number.

Meta limits how many messages one business number may send per second (80 by
default, up to 1,000). Every send of a :class:`~whatsapp_async.WhatsAppClient`
(and of its views, and of other clients given the same throttle object) takes a
token from that number's bucket first, so the program as a whole stays under the
limit instead of learning it from ``130429`` errors.

:class:`RedisThrottle` (extra ``redis``) shares one budget among processes and machines.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ._bucket import Bucket
from ._usage import read_usage

if TYPE_CHECKING:
    from ._redis_throttle import RedisThrottle as RedisThrottle
    from .middleware import Answer

__all__ = ["LocalThrottle", "Throttle", "apply_pacing_rules"]

log = logging.getLogger("whatsapp_async")


def __getattr__(name: str) -> Any:
    # RedisThrottle is imported on first use so that redis stays an optional extra.
    if name == "RedisThrottle":
        from ._redis_throttle import RedisThrottle

        return RedisThrottle
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@runtime_checkable
class Throttle(Protocol):
    """What the client needs from a throttle. Keys are business phone number ids.

    The client only reports what it saw; what an answer means for the pace of
    a number is decided here, in :func:`apply_pacing_rules`. A throttle that
    wants to read answers its own way (say, the usage headers) defines
    ``async def observe(self, phone_number_id: str, answer: Answer) -> None``,
    which is then called instead with every answer to its numbers' sends.

    A throttle may also define ``def acquire_nowait(self, phone_number_id: str)
    -> bool``: the client calls it first and skips :meth:`acquire` when it
    returns True (a token was free and is taken), which saves a coroutine per
    send. A subclass that overrides ``acquire`` must override it too.

    An optional method (``observe``, ``acquire_nowait``, ``note_usage``) set
    to None counts as not defined.
    """

    async def acquire(self, phone_number_id: str) -> None:
        """Wait until one more message may be sent from ``phone_number_id``."""

    async def report_rate_limited(
        self, phone_number_id: str, retry_after: float | None = None
    ) -> None:
        """Tell the throttle that ``phone_number_id`` got a throughput error (130429)."""


Observer = Callable[[str, "Answer"], Awaitable[None]]


async def apply_pacing_rules(throttle: Throttle, phone_number_id: str, answer: Answer) -> None:
    """What an answer to a send means for the pace of its business number.

    * ``130429`` (the number's throughput limit): pause and slow the number
      down (:meth:`Throttle.report_rate_limited`), with the server's hint
      from ``X-Business-Use-Case-Usage`` as the pause when it gives one.
    * Any other answer leaves the pace alone: a 400 is about one message, a
      5xx about the server, and ``131056`` (the pair limit) about one
      recipient, whose send the retry policy waits out on its own (1, 4, 16,
      64 s) while the number's other sends go on.

    Args:
        throttle: The throttle to tell.
        phone_number_id: The number the request was sent from.
        answer: The server's answer.
    """
    if answer.status < 400:
        return
    error = answer.error
    if error is not None and error.code == 130429:
        await throttle.report_rate_limited(phone_number_id, error.retry_after)


def observer_for(throttle: Throttle) -> Observer | None:
    """The throttle's own ``observe`` if it has one; None means :func:`apply_pacing_rules`.

    The rules only act on error answers, so the caller applies them to those
    alone and a success costs no extra call on the hot path.
    """
    own: Observer | None = getattr(throttle, "observe", None)
    return own


UsageHook = Callable[[str, "str | None", "str | None"], None]


def usage_hook(throttle: Throttle) -> UsageHook | None:
    """The throttle's ``note_usage(phone_number_id, business, app)``, if it has one.

    The client calls it with the usage headers of each answer to a send
    that carries them (see :meth:`LocalThrottle.note_usage`).
    """
    own: UsageHook | None = getattr(throttle, "note_usage", None)
    return own


def acquire_nowait_for(throttle: Throttle) -> Callable[[str], bool] | None:
    """The throttle's ``acquire_nowait(phone_number_id)``, if it has one (see :class:`Throttle`)."""
    own: Callable[[str], bool] | None = getattr(throttle, "acquire_nowait", None)
    return own


def check_rates(
    rate: float, *, burst: float | None = None, rates: Mapping[str, float] | None = None
) -> None:
    """Refuse a non-positive rate (default or per number) or a burst below one token.

    Raises:
        ValueError: A rate is not > 0 or ``burst`` is below 1.
    """
    for value in (rate, *(rates or {}).values()):
        if not value > 0:
            raise ValueError(f"rate must be > 0 messages per second, got {value!r}")
    if burst is not None and not burst >= 1:
        raise ValueError(f"burst must be >= 1, got {burst!r}")


@dataclass(slots=True)
class _Bucket:
    tokens: Bucket
    base_rate: float
    rate: float
    last_used: float
    penalties: int = 0
    last_penalty: float = field(default=-1e18)
    # when the last counted 130429 event began, and when its pause ends
    event_at: float = field(default=-1e18)
    pause_until: float = field(default=-1e18)
    # the rate the usage headers allow (inf: no limit), and the headers it came from
    usage_cap: float = field(default=float("inf"))
    usage_seen: tuple[str | None, str | None] = field(default=(None, None))

    @property
    def effective_rate(self) -> float:
        return min(self.rate, self.usage_cap)


class LocalThrottle:
    """A token bucket per business number in this process.

    On a 130429 the number's bucket is held shut for a pause (the API's hint, or
    1 s doubling per consecutive hit up to ``max_pause``) and its rate halves
    (never below ``min_rate_fraction`` of the configured rate). The answers to
    sends that were in flight together are one hit, not one each. After each
    quiet ``recovery_interval`` the rate climbs back by a tenth of the
    configured rate. Buckets idle for ``idle_ttl`` seconds are dropped.
    Taking a token costs the same whatever the number of numbers, and the
    senders waiting on one number are served in the order they came.

    Args:
        rate: Messages per second for every number not listed in ``rates``.
        burst: Tokens that may be taken at once; defaults to a tenth of a
            second's worth (at least 1), which keeps sends evenly spaced.
        rates: Per-number rates, e.g. ``{"1234567890": 1000}``.
        idle_ttl: Seconds after which an unused bucket is forgotten.
        min_rate_fraction: Floor of the rate after repeated 130429s.
        recovery_interval: Seconds without a 130429 between recovery steps.
        max_pause: Longest pause after a 130429, in seconds.
        usage_threshold: Share of the allowance (from the answers'
            ``X-Business-Use-Case-Usage`` / ``X-App-Usage`` headers) above which
            the number slows down: linearly, down to ``min_rate_fraction`` of
            its rate at 100 %, so it eases off before Meta answers 130429. An
            ``estimated_time_to_regain_access`` in the headers pauses it that
            long (at most ``max_pause``). None reads no usage headers.

    Raises:
        ValueError: A rate or burst is not positive.
    """

    def __init__(
        self,
        rate: float = 80.0,
        *,
        burst: float | None = None,
        rates: Mapping[str, float] | None = None,
        idle_ttl: float = 300.0,
        min_rate_fraction: float = 0.1,
        recovery_interval: float = 5.0,
        max_pause: float = 30.0,
        usage_threshold: float | None = 0.9,
    ) -> None:
        check_rates(rate, burst=burst, rates=rates)
        if usage_threshold is not None and not 0 < usage_threshold < 1:
            raise ValueError(f"usage_threshold must be between 0 and 1, got {usage_threshold!r}")
        self._usage_threshold = usage_threshold
        self.rate = float(rate)
        self._burst = burst
        self._rates = {k: float(v) for k, v in (rates or {}).items()}
        self._idle_ttl = idle_ttl
        self._min_fraction = min_rate_fraction
        self._recovery_interval = recovery_interval
        self._max_pause = max_pause
        self._buckets: dict[str, _Bucket] = {}
        self._next_sweep = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clock: Callable[[], float] = time.monotonic

    def __repr__(self) -> str:
        return f"LocalThrottle(rate={self.rate:g}, numbers={len(self._buckets)})"

    def rate_for(self, phone_number_id: str) -> float:
        """The rate now applied to ``phone_number_id`` (lower than configured after a 130429)."""
        bucket = self._buckets.get(phone_number_id)
        return bucket.effective_rate if bucket else self._rates.get(phone_number_id, self.rate)

    async def set_rate(self, phone_number_id: str, rate: float) -> None:
        """Change the configured rate of one number (e.g. after a throughput upgrade).

        A coroutine like :meth:`RedisThrottle.set_rate`, so code can switch
        throttles without changing its calls.

        Raises:
            ValueError: ``rate`` is not positive.
        """
        check_rates(rate)
        self._rates[phone_number_id] = float(rate)
        bucket = self._buckets.get(phone_number_id)
        if bucket is not None:
            bucket.base_rate = bucket.rate = float(rate)
            self._retune(bucket)

    def acquire_nowait(self, phone_number_id: str) -> bool:
        """Take a token of ``phone_number_id``'s bucket if one is free now.

        Returns:
            True if a token was taken; False means call :meth:`acquire` (the
            bucket is empty, others are queued, or the number is new or slowed
            down), and nothing was taken.
        """
        bucket = self._buckets.get(phone_number_id)
        if bucket is None or bucket.rate < bucket.base_rate:
            return False
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._use_loop(loop)
        now = self._clock()
        # Bucket.try_take, inlined: this runs once per message sent.
        tokens = bucket.tokens
        tat = tokens.tat
        if tat - now > tokens.slack or tokens.waiters:
            return False  # acquire() then queues, after dropping waiters that are gone
        tokens.tat = (tat if tat > now else now) + tokens.interval
        bucket.last_used = now
        return True

    def _use_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        # The stock loop's clock is time.monotonic itself; calling that directly
        # saves a Python frame per send. Any other loop (uvloop, a test's
        # virtual clock) is asked for its own time.
        stock = getattr(type(loop), "time", None) is asyncio.BaseEventLoop.time
        self._clock = time.monotonic if stock else loop.time

    async def acquire(self, phone_number_id: str) -> None:
        """Wait for one token of ``phone_number_id``'s bucket."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        bucket = self._buckets.get(phone_number_id)
        if bucket is None:
            self._sweep(now)
            bucket = self._new_bucket(phone_number_id, now)
        elif bucket.rate < bucket.base_rate:
            self._recover(bucket, now)
        bucket.last_used = now
        await bucket.tokens.take(loop)

    def note_usage(self, phone_number_id: str, business: str | None, app: str | None) -> None:
        """Slow ``phone_number_id`` down as the usage headers of its answers near 100 %.

        Called by the client with the ``X-Business-Use-Case-Usage`` and
        ``X-App-Usage`` headers of each answer that has either. Repeated
        header text costs a comparison: only a change is read.

        Args:
            phone_number_id: The number the request was sent from.
            business: The ``X-Business-Use-Case-Usage`` header, if any.
            app: The ``X-App-Usage`` header, if any.
        """
        bucket = self._buckets.get(phone_number_id)
        seen = (business, app)
        threshold = self._usage_threshold
        if bucket is None or bucket.usage_seen == seen or threshold is None:
            return
        bucket.usage_seen = seen
        usage = read_usage(business, app)
        if usage is None:
            return
        share, regain = usage
        floor = self._min_fraction
        if share <= threshold:
            cap = float("inf")
        else:
            over = min(1.0, (share - threshold) / (1.0 - threshold))
            cap = bucket.base_rate * max(floor, 1.0 - over * (1.0 - floor))
        hold = min(regain, self._max_pause)
        if cap != bucket.usage_cap or hold > 0:
            if cap < bucket.usage_cap:
                log.info(
                    "usage of number %s at %.0f%% of its allowance: rate now %.1f/s",
                    phone_number_id, share * 100, min(bucket.rate, cap),
                )
            bucket.usage_cap = cap
            self._retune(bucket, hold=hold)

    async def report_rate_limited(
        self, phone_number_id: str, retry_after: float | None = None
    ) -> None:
        """Pause ``phone_number_id``'s sends and halve its rate after a 130429.

        Reports that arrive during the pause (or within a second of the report
        that started it) are answers to sends made before the slow-down took
        effect, so they are the same event: they may lengthen the pause but do
        not slow the number down again, as with :class:`RedisThrottle`.
        """
        loop = asyncio.get_running_loop()
        now = loop.time()
        bucket = self._buckets.get(phone_number_id) or self._new_bucket(phone_number_id, now)
        if now < max(bucket.pause_until, bucket.event_at + 1.0):
            if retry_after is not None:
                until = now + min(max(retry_after, 0.0), self._max_pause)
                if until > bucket.pause_until:
                    bucket.pause_until = until
                    self._retune(bucket, hold=until - now)
            return
        bucket.penalties = bucket.penalties + 1 if now - bucket.event_at < 60 else 1
        bucket.event_at = bucket.last_penalty = now
        bucket.rate = max(bucket.base_rate * self._min_fraction, bucket.rate / 2)
        pause = retry_after if retry_after is not None else 2.0 ** (bucket.penalties - 1)
        pause = min(max(pause, 0.0), self._max_pause)
        bucket.pause_until = now + pause
        self._retune(bucket, hold=pause)
        log.info(
            "throughput limit hit for number %s: pausing %.1fs, rate now %.1f/s",
            phone_number_id, pause, bucket.rate,
        )

    def _new_bucket(self, phone_number_id: str, now: float) -> _Bucket:
        rate = self._rates.get(phone_number_id, self.rate)
        # Bucket() starts nearly full: the first send goes at once, the next
        # ones at the rate. An empty bucket would add a whole burst on top of
        # the first second's sends, and Meta counts them all in that second.
        tokens = Bucket(rate, self._burst_for(rate), now)
        bucket = self._buckets[phone_number_id] = _Bucket(tokens, rate, rate, now)
        return bucket

    def _burst_for(self, rate: float) -> float:
        return self._burst if self._burst is not None else max(1.0, rate / 10)

    def _recover(self, bucket: _Bucket, now: float) -> None:
        steps = int((now - bucket.last_penalty) / self._recovery_interval)
        if steps <= 0:
            return
        rate = min(bucket.base_rate, bucket.rate + steps * bucket.base_rate / 10)
        if rate != bucket.rate:
            bucket.rate = rate
            bucket.last_penalty += steps * self._recovery_interval
            self._retune(bucket)

    def _retune(self, bucket: _Bucket, hold: float = 0.0) -> None:
        # Senders already queued on the bucket slow down too. A pause is a
        # bucket filled past its brim: nothing comes out for `hold` seconds.
        loop = asyncio.get_running_loop()
        rate = bucket.effective_rate
        bucket.tokens.retune(rate, self._burst_for(rate), loop.time(), loop, hold=hold)

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + self._idle_ttl / 2
        stale = [
            phone_number_id
            for phone_number_id, b in self._buckets.items()
            if now - b.last_used > self._idle_ttl and now - b.last_penalty > self._idle_ttl
        ]
        for phone_number_id in stale:
            del self._buckets[phone_number_id]
