"""The templates panel: approve, reject or pause a template, as Meta's review does.

A status change updates the definition, decides which names the fake
accepts (only approved ones: a send of another gets 132001), and posts the
``message_template_status_update`` webhook Meta posts.

Hook for the fake's own template registry: when ``FakeCloudAPI`` keeps
template statuses itself, :func:`apply_status` is the one place to hand the
change to it instead of narrowing ``fake.templates``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...errors import ValidationError

if TYPE_CHECKING:
    from ._app import Sandbox

__all__ = ["STATUSES", "apply_status", "prepare_definitions"]

#: The review outcomes the panel can set (Meta's ``event`` values).
STATUSES = ("APPROVED", "REJECTED", "PAUSED", "PENDING", "DISABLED")
_FIRST_ID = 1_000_000_000_000_001


def prepare_definitions(definitions: Sequence[dict[str, Any]]) -> None:
    """Fill in what a definition may leave out: a stable ``id`` (by position),
    ``status`` (approved) and ``components`` (none)."""
    for i, definition in enumerate(definitions):
        definition.setdefault("id", str(_FIRST_ID + i))
        definition.setdefault("status", "APPROVED")
        definition.setdefault("components", [])


def apply_status(sandbox: Sandbox, name: str, status: str, *, language: str | None = None,
                 reason: str | None = None) -> list[dict[str, Any]]:
    """Set the status of template ``name`` (every language, or one) and notify the webhook.

    Args:
        sandbox: Whose definitions change.
        name: The template's name.
        status: One of :data:`STATUSES`.
        language: Only this language's definition; all of them if None.
        reason: Meta's ``reason`` (``NONE`` by default; e.g. ``INCORRECT_CATEGORY``).

    Returns:
        The definitions changed.

    Raises:
        ValidationError: An unknown status, or no such template.
    """
    if status not in STATUSES:
        raise ValidationError("status", f"must be one of {', '.join(STATUSES)}")
    changed = [d for d in sandbox.template_definitions
               if d["name"] == name and language in (None, d["language"])]
    if not changed:
        raise ValidationError("name", f"no template {name!r}"
                              + (f" in {language}" if language else ""))
    for definition in changed:
        definition["status"] = status
    sandbox.templates = frozenset(
        d["name"] for d in sandbox.template_definitions if d["status"] == "APPROVED")
    for definition in changed:
        sandbox.notify_template_status(_notification(sandbox, definition, reason or "NONE"),
                                       definition["id"])
    return changed


def _notification(sandbox: Sandbox, definition: dict[str, Any], reason: str) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": sandbox.waba_id,
            "time": int(sandbox.now()),
            "changes": [{
                "value": {
                    "event": definition["status"],
                    "message_template_id": int(definition["id"]),
                    "message_template_name": definition["name"],
                    "message_template_language": definition["language"],
                    "reason": reason,
                },
                "field": "message_template_status_update",
            }],
        }],
    }
