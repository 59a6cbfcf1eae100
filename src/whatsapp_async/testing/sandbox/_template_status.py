"""The templates panel: approve, reject or pause a template, as Meta's review does.

A status change updates the page's definition and hands the change to the
fake's template registry (:meth:`FakeCloudAPI.set_template_status`), which
refuses sends of a template that is not approved as Meta does (132015 paused,
132016 disabled, ...) and posts the ``message_template_status_update`` webhook.
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
        sandbox.set_template_status(definition["name"], status,
                                    language=definition["language"], reason=reason or "NONE")
    return changed

