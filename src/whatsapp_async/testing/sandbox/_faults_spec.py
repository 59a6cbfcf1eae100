"""``--faults SPEC`` and ``POST /_sandbox/faults``: fault rates written as text or JSON.

A spec is comma-separated ``name=value`` pairs, e.g.
``error_rate=0.05,error_code=131000,latency=0.02-0.08,drop_after_rate=0.01``.
The names are :class:`~whatsapp_async.testing.FaultPlan`'s; ``latency`` is
seconds, fixed (``0.05``) or a range (``0.02-0.08``); ``operations`` is a
``+``-separated list of operation ids (``sendMessage+uploadMedia``, or ``*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import ValidationError
from .._faults import FaultPlan

__all__ = ["FIELDS", "plan_from_mapping", "plan_from_spec", "plan_to_dict"]

_RATES = ("error_rate", "drop_before_rate", "drop_after_rate", "server_error_rate")
_CODES = ("error_code", "server_error_status")
#: Every field a spec may set.
FIELDS = (*_RATES, *_CODES, "latency", "operations")


def plan_from_spec(spec: str) -> FaultPlan:
    """The plan a ``--faults`` spec describes (an empty spec: no faults).

    Args:
        spec: ``name=value`` pairs separated by commas.

    Returns:
        The fault plan.

    Raises:
        ValidationError: An unknown name, a pair without ``=``, or a value
            out of range (the field names which).
    """
    fields: dict[str, Any] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise ValidationError(f"faults.{name}", "must be written name=value")
        if name == "operations":
            fields[name] = [op for op in value.split("+") if op]
        elif name == "latency" and "-" in value.strip().lstrip("-"):
            low, _, high = value.partition("-")
            fields[name] = [_number(name, low), _number(name, high)]
        else:
            fields[name] = value.strip()
    return plan_from_mapping(fields)


def plan_from_mapping(fields: Mapping[str, Any]) -> FaultPlan:
    """The plan a JSON object (or parsed spec) describes.

    Args:
        fields: Field name -> value; numbers may be given as strings.

    Returns:
        The fault plan.

    Raises:
        ValidationError: An unknown field or a bad value.
    """
    kwargs: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in FIELDS:
            raise ValidationError(f"faults.{name}",
                                  f"unknown field; known: {', '.join(FIELDS)}")
        if name in _RATES:
            rate = _number(name, value)
            if not 0 <= rate <= 1:
                raise ValidationError(f"faults.{name}", "must be between 0 and 1")
            kwargs[name] = rate
        elif name in _CODES:
            number = _number(name, value)
            if number != int(number) or number <= 0:
                raise ValidationError(f"faults.{name}", "must be a positive whole number")
            kwargs[name] = int(number)
        elif name == "latency":
            kwargs[name] = _latency(value)
        elif value is not None:
            ops = [value] if isinstance(value, str) else value
            if not isinstance(ops, list) or not all(isinstance(op, str) for op in ops):
                raise ValidationError("faults.operations", "must be a list of operation ids")
            kwargs[name] = tuple(ops) or ("sendMessage",)
    try:
        return FaultPlan(**kwargs)
    except ValueError as exc:
        raise ValidationError("faults", str(exc)) from None


def plan_to_dict(plan: FaultPlan) -> dict[str, Any]:
    """A plan as JSON (a latency function is shown as ``"custom"``)."""
    latency: Any = plan.latency
    if isinstance(latency, tuple):
        latency = list(latency)
    elif latency is not None and not isinstance(latency, (int, float)):
        latency = "custom"
    return {
        **{name: getattr(plan, name) for name in (*_RATES, *_CODES)},
        "latency": latency,
        "operations": sorted(plan.operations),
    }


def _latency(value: Any) -> float | tuple[float, float] | None:
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValidationError("faults.latency", "a range is [low, high] seconds")
        low, high = _number("latency", value[0]), _number("latency", value[1])
        if not 0 <= low <= high:
            raise ValidationError("faults.latency", "a range needs 0 <= low <= high")
        return (low, high)
    seconds = _number("latency", value)
    if seconds < 0:
        raise ValidationError("faults.latency", "must be >= 0 seconds")
    return seconds


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValidationError(f"faults.{name}", "must be a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"faults.{name}", f"must be a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(f"faults.{name}", "must be a finite number")
    return number
