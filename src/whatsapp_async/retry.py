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

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    retry_if_exception_type,
    stop_after_attempt,
    wait_chain,
    wait_fixed,
)

from .errors import (
    MAY_HAVE_BEEN_SENT,
    APIError,
    OutcomeUnknownError,
    PairRateLimitError,
    TransportError,
    UnexpectedResponseError,
    WhatsAppError,
)
from .outcome import Fate, fate_of

__all__ = ["RetryPolicy"]

T = TypeVar("T")
log = logging.getLogger("whatsapp_async")


async def _sleep(seconds: float) -> None:
    # Looked up at call time so tests can record waits instead of sleeping them.
    await asyncio.sleep(seconds)


def may_have_been_sent(exc: BaseException) -> bool:
    """Whether ``exc`` leaves open that the server processed the request."""
    return fate_of(exc, attempts=1) is Fate.UNKNOWN


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

    def retryable(self, exc: BaseException) -> bool:
        """Whether a failure of this kind may be tried again (attempt budgets aside).

        Pair-rate-limit errors (131056) are not: they have their own waits.
        """
        if isinstance(exc, (PairRateLimitError, OutcomeUnknownError)):
            return False
        if isinstance(exc, UnexpectedResponseError):
            return exc.status >= 500 or exc.status == 429
        if isinstance(exc, APIError):
            return exc.transient and (
                exc.retry_after is None or exc.retry_after <= self.max_retry_after
            )
        return isinstance(exc, TransportError)

    def _wait(self, state: RetryCallState) -> float:
        """The wait before the next attempt: the server's hint, or the backoff."""
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = self.backoff(state.attempt_number)
        if isinstance(exc, APIError) and exc.retry_after is not None:
            return max(exc.retry_after, wait)
        return wait

    async def run(
        self,
        attempt_fn: Callable[[], Awaitable[T]],
        *,
        idempotent: bool,
        label: object = "request",
    ) -> T:
        """Run ``attempt_fn`` until it succeeds or this policy gives up.

        Args:
            attempt_fn: Makes one attempt; raises a library error on failure.
            idempotent: Whether repeating the request is harmless.
            label: What to call the request in logs (its ``str()``, made only when
                a retry is logged), e.g. ``"POST /123/messages"`` or the
                :class:`~whatsapp_async.APIRequest` itself.

        Returns:
            What the successful attempt returned.

        Raises:
            OutcomeUnknownError: A non-idempotent request may have been processed.
            WhatsAppError: The last failure, when the policy gives up.
        """
        try:
            return await attempt_fn()
        except WhatsAppError as exc:
            return await self.after_failure(exc, attempt_fn, idempotent=idempotent, label=label)

    def _unknown_outcome(self, exc: WhatsAppError, idempotent: bool) -> OutcomeUnknownError | None:
        """The error to raise instead of ``exc`` when resending could deliver twice."""
        if (
            idempotent or self.retry_unknown_outcome
            or not isinstance(exc, (TransportError, UnexpectedResponseError))
            or isinstance(exc, OutcomeUnknownError)
            or fate_of(exc, attempts=1) is not Fate.UNKNOWN
        ):
            return None
        said = str(exc)
        fate = "" if MAY_HAVE_BEEN_SENT in said else f"; {MAY_HAVE_BEEN_SENT}"
        return OutcomeUnknownError(
            f"{said}{fate}. It was not retried: a retry could deliver it twice",
            method=getattr(exc, "method", ""),
            path=getattr(exc, "path", ""),
        )

    async def after_failure(
        self,
        failure: WhatsAppError,
        attempt_fn: Callable[[], Awaitable[T]],
        *,
        idempotent: bool,
        label: object = "request",
    ) -> T:
        """Go on as :meth:`run` does once the first attempt has raised ``failure``.

        The transport makes the first attempt itself (most calls succeed
        first time, and a coroutine less per call counts on the hot path),
        then hands a failure here.

        Args:
            failure: What the first attempt raised.
            attempt_fn: Makes one more attempt.
            idempotent: Whether repeating the request is harmless.
            label: What to call the request in logs (see :meth:`run`).

        Returns:
            What a later successful attempt returned.

        Raises:
            OutcomeUnknownError: A non-idempotent request may have been processed.
            WhatsAppError: The last failure, when the policy gives up.
        """

        async def one_attempt() -> T:
            try:
                return await attempt_fn()
            except WhatsAppError as exc:
                unknown = self._unknown_outcome(exc, idempotent)
                if unknown is not None:
                    raise unknown from exc
                raise

        unknown = self._unknown_outcome(failure, idempotent)
        if unknown is not None:
            raise unknown from failure
        first: WhatsAppError | None = failure
        if not (self.retryable(failure) and self.max_attempts > 1) and not (
            isinstance(failure, PairRateLimitError) and self.pair_limit_delays
        ):
            raise failure

        async def replay_then_attempt() -> T:
            # Tenacity's first attempt replays the failure already seen, so its
            # decisions (and attempt counts) start from it without a resend.
            nonlocal first
            if first is not None:
                failure, first = first, None
                raise failure
            return await one_attempt()

        def log_retry(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome is not None else None
            trace = getattr(exc, "fbtrace_id", None)
            delay = state.next_action.sleep if state.next_action is not None else 0.0
            log.info(
                "retrying %s in %.2fs (attempt %d failed: %s%s)",
                label, delay, state.attempt_number, type(exc).__name__,
                f", fbtrace_id={trace}" if trace else "",
            )

        sleep = lambda seconds: _sleep(seconds)  # noqa: E731 - late lookup, see _sleep
        # 131056 backs off this one send by Meta's 4^X schedule; consecutive
        # hits do not use up the attempts of other failures, so it is a
        # retrying loop of its own inside the general one.
        pair_limit = AsyncRetrying(
            sleep=sleep,
            retry=retry_if_exception_type(PairRateLimitError),
            stop=stop_after_attempt(len(self.pair_limit_delays) + 1),
            wait=wait_chain(*(wait_fixed(d) for d in self.pair_limit_delays or (0.0,))),
            before_sleep=log_retry,
            reraise=True,
        )
        general = AsyncRetrying(
            sleep=sleep,
            retry=retry_if_exception(self.retryable),
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            before_sleep=log_retry,
            reraise=True,
        )

        async def pair_limited_attempt() -> T:
            return await pair_limit(replay_then_attempt)

        return await general(pair_limited_attempt)
