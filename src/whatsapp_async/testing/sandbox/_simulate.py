"""``POST /_sandbox/simulate/{kind}``: the other webhook fields, fired from the page or a script.

Each kind is one of the fake's ``simulate_*`` methods (template status and
quality, account updates, phone number quality, calls, user preferences,
groups, revoked and edited messages, a chat opened for the first time) or
``change`` for any field with a value of your own. The body holds the
method's arguments by their JSON names; :data:`SIMULATIONS` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import ValidationError

if TYPE_CHECKING:
    from .._server import FakeCloudAPI
    from .._webhooks import WebhookDelivery

__all__ = ["SIMULATIONS", "Simulation", "simulate"]


@dataclass(frozen=True)
class Argument:
    """One body field: its JSON name, the keyword it becomes, its type, whether it is needed."""

    name: str
    kind: type
    required: bool = False
    keyword: str | None = None

    @property
    def parameter(self) -> str:
        return self.keyword or self.name


@dataclass(frozen=True)
class Simulation:
    """A kind of notification: the fake's method and the body fields it takes."""

    method: str
    field: str
    arguments: tuple[Argument, ...]
    #: A body field whose object is spread into the method's keyword arguments.
    spread: str | None = None


def _a(name: str, kind: type = str, *, required: bool = False, keyword: str | None = None
       ) -> Argument:
    return Argument(name, kind, required, keyword)


_FROM = _a("from", required=True, keyword="from_")
_NUMBER = _a("phone_number_id")

#: Every kind ``POST /_sandbox/simulate/{kind}`` takes, with its body fields.
SIMULATIONS: dict[str, Simulation] = {
    "template_status": Simulation("simulate_template_status", "message_template_status_update", (
        _a("name", required=True), _a("status"), _a("language"), _a("template_id", int),
        _a("reason"), _a("category"))),
    "template_quality": Simulation(
        "simulate_template_quality", "message_template_quality_update", (
            _a("name", required=True), _a("new_score", required=True), _a("previous_score"),
            _a("language"), _a("template_id", int))),
    "account_update": Simulation("simulate_account_update", "account_update", (
        _a("event", required=True), _a("details", dict)), spread="details"),
    "phone_number_quality": Simulation(
        "simulate_phone_number_quality", "phone_number_quality_update", (
            _a("event"), _a("current_limit"), _NUMBER)),
    "call": Simulation("simulate_call", "calls", (
        _FROM, _a("event"), _a("call_id"), _a("direction"), _a("name"), _a("status"),
        _a("duration", int), _NUMBER)),
    "user_preference": Simulation("simulate_user_preference", "user_preferences", (
        _FROM, _a("value"), _a("category"))),
    "group": Simulation("simulate_group", "group_lifecycle_update", (
        _a("event_type"), _a("group_id"), _a("field"), _a("details", dict)), spread="details"),
    "revoke": Simulation("simulate_revoke", "messages", (
        _FROM, _a("message_id", required=True), _a("name"))),
    "edit": Simulation("simulate_edit", "messages", (
        _FROM, _a("message_id", required=True), _a("text", required=True), _a("name"))),
    "request_welcome": Simulation("simulate_request_welcome", "messages", (_FROM, _a("name"))),
    "change": Simulation("simulate_change", "", (
        _a("field", required=True), _a("value", dict, required=True), _NUMBER)),
}

_MAX_TEXT = 4096


def _checked(argument: Argument, value: Any) -> Any:
    expected = argument.kind
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(argument.name, "must be a whole number of 0 or more")
        return value
    if expected is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise ValidationError(argument.name, "must be a JSON object")
        return value
    if not isinstance(value, str) or not value:
        raise ValidationError(argument.name, "must be a non-empty string")
    if len(value) > _MAX_TEXT:
        raise ValidationError(argument.name, f"must be at most {_MAX_TEXT} characters")
    return value


def keywords(kind: str, body: Any) -> dict[str, Any]:
    """The keyword arguments of ``kind``'s method, read from a request body.

    Args:
        kind: A key of :data:`SIMULATIONS`.
        body: The decoded JSON body.

    Returns:
        The method's keyword arguments.

    Raises:
        ValidationError: An unknown kind, an unknown or missing field, or a
            field of the wrong type, named in the error.
    """
    simulation = SIMULATIONS.get(kind)
    if simulation is None:
        raise ValidationError("kind", f"must be one of {', '.join(SIMULATIONS)}")
    if not isinstance(body, dict):
        raise ValidationError("body", "must be a JSON object")
    known = {a.name: a for a in simulation.arguments}
    for name in body:
        if name not in known:
            raise ValidationError(name, f"is not a field of {kind} (its fields: "
                                  f"{', '.join(known)})")
    result: dict[str, Any] = {}
    for argument in simulation.arguments:
        if argument.name not in body or body[argument.name] is None:
            if argument.required:
                raise ValidationError(argument.name, f"is required for {kind}")
            continue
        value = _checked(argument, body[argument.name])
        if argument.name == simulation.spread:
            named = set(known) | {a.parameter for a in simulation.arguments}
            clashes = sorted(set(value) & named)
            if clashes:
                raise ValidationError(argument.name, f"must not repeat {', '.join(clashes)}")
            result.update(value)
        else:
            result[argument.parameter] = value
    return result


async def simulate(fake: FakeCloudAPI, kind: str, body: Any) -> WebhookDelivery:
    """Post the notification ``kind`` describes to the fake's webhook URL.

    Args:
        fake: The sandbox (or any running fake with a ``webhook_url``).
        kind: A key of :data:`SIMULATIONS`.
        body: The decoded JSON body: the method's arguments by JSON name.

    Returns:
        The delivery, with the webhook's answer.

    Raises:
        ValidationError: A bad kind or body (see :func:`keywords`), or a
            ``phone_number_id`` that is not a business number of the fake.
        RuntimeError: The fake has no webhook URL.
    """
    arguments = keywords(kind, body)
    number = arguments.get("phone_number_id")
    if number is not None and number not in fake.numbers:
        raise ValidationError("phone_number_id", f"{number} is not a business number of the "
                              f"sandbox ({', '.join(fake.numbers)})")
    method = getattr(fake, SIMULATIONS[kind].method)
    delivery: WebhookDelivery = await method(**arguments)
    return delivery
