"""When a failed request is tried again, and when it must not be.

The rule is the request's fate (ARCHITECTURE rule 2):

* **not sent** (connect error, no free connection): always safe to retry;
* **rejected** with a Graph error body: nothing was created; retry only the
  transient codes, waiting for the server's hint when it gives one;
* **outcome unknown** (timeout or reset after the body was written, 5xx
  without a Graph body): idempotent requests (GET, DELETE, or ones the
  resource marks idempotent) are retried; anything else, a message send above
  all, raises :class:`~whatsapp_async.errors.OutcomeUnknownError` so a message
  is never delivered twice behind the caller's back.

A pair-rate-limit error (131056) waits 1, 4, 16, 64 s (Meta's 4^X rule) for
that one send only; other sends carry on.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, stop_never

from .errors import (
    APIError,
    OutcomeUnknownError,
    PairRateLimitError,
    TransportError,
    UnexpectedResponseError,
    WhatsAppError,
)

__all__ = ["RetryPolicy"]

T = TypeVar("T")
log = logging.getLogger("whatsapp_async")


async def _sleep(seconds: float) -> None:
    # Looked up at call time so tests can record waits instead of sleeping them.
    await asyncio.sleep(seconds)


def may_have_been_sent(exc: BaseException) -> bool:
    """Whether ``exc`` leaves open that the server processed the request."""
    if isinstance(exc, TransportError):
        return exc.may_have_been_sent
    if isinstance(exc, UnexpectedResponseError):
        return exc.may_have_been_sent
    return False


@dataclass(frozen=True)
class RetryPolicy:
    """How failed requests are retried. Immutable; share one freely.

    Args:
        max_attempts: Attempts in all for one call (1 = never retry), except
            pair-rate-limit waits, which follow ``pair_limit_delays``.
        initial_backoff: First wait, in seconds.
        multiplier: Growth of the wait per attempt.
        max_backoff: Cap of one wait, in seconds.
        jitter: Fraction of each wait that is randomised (0 to 1), so many
            clients do not retry in lockstep.
        max_retry_after: The longest server hint (``estimated_time_to_regain_access``)
            worth waiting for; a longer one raises at once.
        retry_unknown_outcome: Resend non-idempotent requests (message sends)
            whose outcome is unknown. Off by default: it can deliver a message twice.
        pair_limit_delays: Waits after consecutive 131056 errors; empty to not retry them.
    """

    max_attempts: int = 4
    initial_backoff: float = 0.5
    multiplier: float = 2.0
    max_backoff: float = 30.0
    jitter: float = 0.5
    max_retry_after: float = 60.0
    retry_unknown_outcome: bool = False
    pair_limit_delays: tuple[float, ...] = (1.0, 4.0, 16.0, 64.0)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")
        if self.initial_backoff < 0 or self.max_backoff < 0:
            raise ValueError("backoff times must be >= 0")

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1, pair_limit_delays=())

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (1-based), jitter included."""
        base = min(self.max_backoff, self.initial_backoff * self.multiplier ** (attempt - 1))
        return base * (1 - self.jitter * random.random())

    def next_delay(self, exc: BaseException, attempt: int, pair_hits: int) -> float | None:
        """Seconds to wait before the next attempt, or None to give up.

        Args:
            exc: The failure of attempt number ``attempt``.
            attempt: 1-based number of the failed attempt, pair-limit hits excluded.
            pair_hits: Consecutive 131056 errors so far, this one included.
        """
        if isinstance(exc, PairRateLimitError):
            if pair_hits <= len(self.pair_limit_delays):
                return self.pair_limit_delays[pair_hits - 1]
            return None
        if attempt >= self.max_attempts or isinstance(exc, OutcomeUnknownError):
            return None
        if isinstance(exc, TransportError):
            return self.backoff(attempt)
        if isinstance(exc, UnexpectedResponseError):
            return self.backoff(attempt) if exc.status >= 500 or exc.status == 429 else None
        if isinstance(exc, APIError) and exc.transient:
            if exc.retry_after is not None:
                if exc.retry_after > self.max_retry_after:
                    return None
                return max(exc.retry_after, self.backoff(attempt))
            return self.backoff(attempt)
        return None

    async def run(
        self,
        attempt_fn: Callable[[], Awaitable[T]],
        *,
        idempotent: bool,
        label: str = "request",
    ) -> T:
        """Run ``attempt_fn`` until it succeeds or this policy gives up.

        Args:
            attempt_fn: Makes one attempt; raises a library error on failure.
            idempotent: Whether repeating the request is harmless.
            label: What to call the request in logs, e.g. ``"POST /123/messages"``.

        Returns:
            What the successful attempt returned.

        Raises:
            OutcomeUnknownError: A non-idempotent request may have been processed.
            WhatsAppError: The last failure, when the policy gives up.
        """
        failures = {"attempt": 0, "pair": 0, "total": 0}
        delay = 0.0

        async def one_attempt() -> T:
            try:
                return await attempt_fn()
            except (TransportError, UnexpectedResponseError) as exc:
                if (
                    not idempotent
                    and not self.retry_unknown_outcome
                    and may_have_been_sent(exc)
                    and not isinstance(exc, OutcomeUnknownError)
                ):
                    raise OutcomeUnknownError(
                        f"{exc}. The request may have been processed (a message may "
                        "have been sent); it was not retried to avoid a duplicate",
                        method=getattr(exc, "method", ""),
                        path=getattr(exc, "path", ""),
                    ) from exc
                raise

        def decide(exc: BaseException | None) -> bool:
            """Count the failure and set ``delay``; False means give up."""
            nonlocal delay
            if exc is None:
                return False
            failures["total"] += 1
            if isinstance(exc, PairRateLimitError):
                failures["pair"] += 1
            else:
                failures["attempt"] += 1
                failures["pair"] = 0
            wait = self.next_delay(exc, max(failures["attempt"], 1), failures["pair"])
            if wait is None:
                return False
            delay = wait
            trace = getattr(exc, "fbtrace_id", None)
            log.info(
                "retrying %s in %.2fs (attempt %d failed: %s%s)",
                label, delay, failures["total"], type(exc).__name__,
                f", fbtrace_id={trace}" if trace else "",
            )
            return True

        # Fast path: most calls succeed first time, and building a tenacity
        # controller costs more CPU than the request's own bookkeeping.
        try:
            return await one_attempt()
        except WhatsAppError as exc:
            if not decide(exc):
                raise
        await _sleep(delay)

        def should_retry(state: RetryCallState) -> bool:
            return decide(state.outcome.exception() if state.outcome else None)

        retrying = AsyncRetrying(
            sleep=lambda seconds: _sleep(seconds),
            stop=stop_never,
            wait=lambda state: delay,
            retry=should_retry,
            reraise=True,
        )
        return await retrying(one_attempt)
