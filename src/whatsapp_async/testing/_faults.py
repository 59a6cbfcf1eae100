"""Seeded, deterministic fault injection for resilience tests.

Two ways to ask for trouble:

* a :class:`FaultPlan` of rates ("answer 5% of sends with 131000, add
  20-80 ms of latency"), drawn from a ``random.Random`` seeded once, so the
  same seed and the same order of requests give the same faults;
* scripted :class:`Fault` objects queued with ``FakeCloudAPI.inject(...)``,
  consumed one per matching request, for tests that need one exact failure.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = ["Fault", "FaultInjector", "FaultKind", "FaultPlan", "Latency"]

FaultKind = Literal["error", "drop_before", "drop_after", "server_error", "delay"]

#: A latency: fixed seconds, a ``(low, high)`` uniform range, or a function of the
#: fake's seeded ``random.Random`` (e.g. ``lambda r: r.expovariate(1 / 0.05)``).
Latency: TypeAlias = float | tuple[float, float] | Callable[[random.Random], float]

#: Operation names follow the seed spec's ``operationId``s, plus "downloadMedia".
SEND = "sendMessage"


@dataclass(frozen=True)
class Fault:
    """One scripted failure for the next matching request.

    Build them with the class methods, e.g. ``Fault.drop_after()``.

    Attributes:
        kind: What happens: ``"error"`` (a Graph error body with ``code``),
            ``"drop_before"`` (connection closed before processing: nothing
            recorded), ``"drop_after"`` (processed and recorded, then the
            connection is closed without an answer), ``"server_error"`` (an
            HTTP ``status`` with an HTML body, nothing processed) or
            ``"delay"`` (``seconds`` of latency, then normal processing).
        code: Graph error code for ``"error"``.
        status: HTTP status for ``"server_error"`` (or to override an error's).
        seconds: Latency for ``"delay"``.
    """

    kind: FaultKind
    code: int = 0
    status: int | None = None
    seconds: float = 0.0

    @classmethod
    def error(cls, code: int = 131000, *, status: int | None = None) -> Fault:
        """Answer with a Graph error body carrying ``code``."""
        return cls("error", code=code, status=status)

    @classmethod
    def drop_before(cls) -> Fault:
        """Close the connection before the request is processed."""
        return cls("drop_before")

    @classmethod
    def drop_after(cls) -> Fault:
        """Process (and record) the request, then close without answering."""
        return cls("drop_after")

    @classmethod
    def server_error(cls, status: int = 502) -> Fault:
        """Answer ``status`` with a non-Graph (HTML) body, like a failing proxy."""
        return cls("server_error", status=status)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Wait ``seconds`` before processing the request."""
        return cls("delay", seconds=seconds)


@dataclass(frozen=True)
class FaultPlan:
    """Rates of random faults. Every rate is a fraction between 0 and 1.

    Args:
        error_rate: Fraction answered with a Graph error body of ``error_code``.
        error_code: The code of those errors (131000 "Something went wrong"
            by default, a transient one).
        drop_before_rate: Fraction whose connection is closed before processing.
        drop_after_rate: Fraction processed, then closed without an answer.
        server_error_rate: Fraction answered ``server_error_status`` without a
            Graph body.
        server_error_status: HTTP status of those answers.
        latency: Added before processing every matching request.
        operations: Operations the plan applies to (``"*"`` for all); by
            default only message sends.
    """

    error_rate: float = 0.0
    error_code: int = 131000
    drop_before_rate: float = 0.0
    drop_after_rate: float = 0.0
    server_error_rate: float = 0.0
    server_error_status: int = 503
    latency: Latency | None = None
    operations: Collection[str] = (SEND,)

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.drop_before_rate, self.drop_after_rate,
                 self.server_error_rate)
        if any(not 0 <= r <= 1 for r in rates) or sum(rates) > 1:
            raise ValueError("fault rates must be within 0..1 and add up to at most 1")

    def applies_to(self, operation: str) -> bool:
        return "*" in self.operations or operation in self.operations


class FaultInjector:
    """Decides, per request, which fault (if any) it gets.

    Args:
        plan: Random fault rates.
        seed: Seed of the random draws; same seed and order, same faults.
    """

    def __init__(self, plan: FaultPlan | None = None, *, seed: int = 0) -> None:
        self.plan = plan or FaultPlan()
        self._random = random.Random(f"faults:{seed}")
        self._scripted: deque[tuple[Fault, str]] = deque()

    def configure(self, plan: FaultPlan | None) -> None:
        """Replace the plan (``None`` turns random faults off)."""
        self.plan = plan or FaultPlan()

    def inject(self, faults: Collection[Fault], operation: str) -> None:
        """Queue ``faults`` for the next requests of ``operation`` (``"*"``: any)."""
        self._scripted.extend((fault, operation) for fault in faults)

    def clear(self) -> None:
        """Forget queued faults."""
        self._scripted.clear()

    @property
    def pending(self) -> int:
        """Scripted faults not yet used."""
        return len(self._scripted)

    def latency(self, operation: str) -> float:
        """Seconds of random latency for one request of ``operation``."""
        latency = self.plan.latency
        if latency is None or not self.plan.applies_to(operation):
            return 0.0
        if isinstance(latency, (int, float)):
            return float(latency)
        if isinstance(latency, tuple):
            return self._random.uniform(*latency)
        return max(0.0, float(latency(self._random)))

    def draw(self, operation: str) -> Fault | None:
        """The fault for one request of ``operation``, or None."""
        if self._scripted:
            for i, (fault, op) in enumerate(self._scripted):
                if op == "*" or op == operation:
                    del self._scripted[i]
                    return fault
        plan = self.plan
        total = (plan.error_rate + plan.drop_before_rate + plan.drop_after_rate
                 + plan.server_error_rate)
        if total == 0 or not plan.applies_to(operation):
            return None
        x = self._random.random()
        if x < plan.error_rate:
            return Fault.error(plan.error_code)
        x -= plan.error_rate
        if x < plan.drop_before_rate:
            return Fault.drop_before()
        x -= plan.drop_before_rate
        if x < plan.drop_after_rate:
            return Fault.drop_after()
        x -= plan.drop_after_rate
        if x < plan.server_error_rate:
            return Fault.server_error(plan.server_error_status)
        return None
