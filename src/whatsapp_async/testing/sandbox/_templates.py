"""``--templates FILE``: template definitions the page renders sends with.

The file is JSON: a list of definitions shaped like the Graph API's
``message_templates`` entries (``name``, ``language``, ``status``,
``components`` with ``HEADER`` / ``BODY`` / ``FOOTER`` / ``BUTTONS``), or an
object with such a list under ``data``. The fake then knows those names only:
a send of any other template is refused with 132001, as Meta refuses it.

:func:`fake_settings` hands the definitions to the fake's own template
registry (``FakeCloudAPI(templates=...)``), which checks each send against its
template (132000, 132012, 132015, ...) and keeps the statuses the templates
panel changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import ValidationError
from ...types.templates import template_from_dict

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
    if not any(c["type"].upper() == "BODY" for c in components):
        # Meta requires a body on every message template.
        raise ValidationError(f"{where}.components", "must hold a BODY component")
    definition = {"name": item["name"], "language": item["language"],
                  "status": item.get("status", "APPROVED"),
                  # The page needs no category; the fake's registry does.
                  "category": item.get("category") or "UTILITY",
                  "components": components}
    try:
        template_from_dict(definition)
    except ValidationError as exc:
        raise ValidationError(where, f"is not a message template: {exc.rule}") from None
    return definition


def fake_settings(definitions: Sequence[dict[str, Any]] | None) -> dict[str, Any]:
    """The ``FakeCloudAPI`` keyword arguments the definitions call for."""
    if definitions is None or not definitions:
        return {}
    keys = ("name", "language", "status", "components")
    return {"templates": [{"category": d.get("category") or "UTILITY",
                           **{k: d[k] for k in keys if d.get(k) is not None}}
                          for d in definitions]}
