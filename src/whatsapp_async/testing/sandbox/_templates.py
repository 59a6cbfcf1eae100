"""``--templates FILE``: template definitions the page renders sends with.

The file is JSON: a list of definitions shaped like the Graph API's
``message_templates`` entries (``name``, ``language``, ``status``,
``components`` with ``HEADER`` / ``BODY`` / ``FOOTER`` / ``BUTTONS``), or an
object with such a list under ``data``. The fake then knows those names only:
a send of any other template is refused with 132001, as Meta refuses it.

Hook for the fake's own template registry: :func:`fake_settings` is the one
place that turns the definitions into ``FakeCloudAPI`` arguments. Today it
passes the names (``templates=``); when the fake keeps whole definitions
(statuses, approval, status webhooks), hand them over here instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import ValidationError

__all__ = ["fake_settings", "load_templates"]


def load_templates(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a templates file.

    Args:
        path: A JSON file of template definitions.

    Returns:
        The definitions, each with ``name``, ``language`` and ``components``.

    Raises:
        ValidationError: The file cannot be read, is not JSON, or a
            definition lacks a name or language or has bad components.
    """
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError("templates", f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValidationError("templates", f"{path} is not JSON: {exc}") from None
    if isinstance(data, dict):
        data = data.get("data")
    if not isinstance(data, list):
        raise ValidationError("templates", "must be a list of definitions (or {\"data\": [...]})")
    return [_definition(i, item) for i, item in enumerate(data)]


def _definition(i: int, item: Any) -> dict[str, Any]:
    where = f"templates[{i}]"
    if not isinstance(item, dict):
        raise ValidationError(where, "must be an object")
    for key in ("name", "language"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise ValidationError(f"{where}.{key}", "must be a non-empty string")
    components = item.get("components", [])
    if not isinstance(components, list) or not all(
            isinstance(c, dict) and isinstance(c.get("type"), str) for c in components):
        raise ValidationError(f"{where}.components", "must be a list of objects with a type")
    return {"name": item["name"], "language": item["language"],
            "status": item.get("status", "APPROVED"), "category": item.get("category"),
            "components": components}


def fake_settings(definitions: Sequence[dict[str, Any]] | None) -> dict[str, Any]:
    """The ``FakeCloudAPI`` keyword arguments the definitions call for."""
    if definitions is None or not definitions:
        return {}
    # Only approved templates can be sent (the templates panel changes this live).
    return {"templates": sorted({d["name"] for d in definitions
                                 if d.get("status", "APPROVED") == "APPROVED"})}
