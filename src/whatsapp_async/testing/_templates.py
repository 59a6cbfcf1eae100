"""The fake's message templates: what it knows, and how it refuses a send that does not fit.

Definitions come from ``FakeCloudAPI(templates=[...])`` (the library's
Structs, dicts in Meta's message-template shape, or bare names) and from
``POST /{waba-id}/message_templates``. A send is checked the way Meta checks
it, with Meta's codes: 132001 (no such template in that language, or not
approved), 132015 (paused), 132016 (disabled), 132000 (parameter count),
132012 (parameter format), 132005 (text too long once filled in), 132007
(format characters in a parameter).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ..errors import ValidationError
from ..types.templates import MessageTemplate, TemplateDefinition, template_from_dict, variables
from ._graph import GraphError

__all__ = ["StoredTemplate", "TemplateBook", "load_templates", "template_status_webhook"]

_BODY_MAX = 1024
_MEDIA = {"IMAGE": "image", "VIDEO": "video", "DOCUMENT": "document", "LOCATION": "location"}
_POLICY = re.compile(r"[\n\t]| {5,}")


@dataclass
class StoredTemplate:
    """One template (one name in one language) of the fake's business account.

    Attributes:
        id: Its id.
        name: Its name.
        language: Its language code.
        category: ``MARKETING``, ``UTILITY`` or ``AUTHENTICATION``.
        status: ``APPROVED``, ``PENDING``, ``REJECTED``, ``PAUSED``, ``DISABLED``.
        components: Its components, as dicts in Meta's shape (None: name only,
            sends are not checked against it).
        parameter_format: ``POSITIONAL`` or ``NAMED``.
        rejected_reason: Why it was rejected.
    """

    id: str
    name: str
    language: str
    category: str
    status: str
    components: list[dict[str, Any]] | None
    parameter_format: str = "POSITIONAL"
    rejected_reason: str = "NONE"
    quality_score: str = "UNKNOWN"

    def json(self) -> dict[str, Any]:
        """The template as ``GET`` answers it."""
        out: dict[str, Any] = {
            "id": self.id, "name": self.name, "language": self.language,
            "category": self.category, "status": self.status,
            "parameter_format": self.parameter_format,
            "components": self.components or [],
            "quality_score": {"score": self.quality_score},
        }
        if self.status == "REJECTED":
            out["rejected_reason"] = self.rejected_reason
        return out


def _as_dict(definition: object) -> dict[str, Any]:
    if isinstance(definition, (TemplateDefinition, MessageTemplate)):
        data = msgspec.to_builtins(definition)
        assert isinstance(data, dict)
        return data
    if isinstance(definition, dict):
        return definition
    raise TypeError(f"a template is a TemplateDefinition, MessageTemplate, dict or name, "
                    f"got {type(definition).__name__}")


@dataclass
class TemplateBook:
    """Every template the fake knows, by id.

    Args:
        initial: What ``templates=`` gave; kept to restore on ``reset()``.
        permissive: Accept sends of templates the book does not know.
    """

    initial: list[object] = field(default_factory=list)
    permissive: bool = True
    by_id: dict[str, StoredTemplate] = field(default_factory=dict)
    _next: int = 1_000_000_000_000_000

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget created templates and status changes; keep the initial ones."""
        self.by_id.clear()
        for item in self.initial:
            self.add(item, status=None, check=False)

    def new_id(self) -> str:
        """A fresh template id (digits, as Meta's)."""
        self._next += 1
        return str(self._next)

    def add(self, item: object, *, status: str | None, check: bool = True) -> StoredTemplate:
        """Store a definition (or a bare name, known in every language).

        Args:
            item: A name, a dict in Meta's shape, or a library Struct.
            status: Its status; None takes the dict's own (APPROVED if it has none).
            check: Apply Meta's rules (a created template); raise GraphError 100.
        """
        if isinstance(item, str):
            stored = StoredTemplate(self.new_id(), item, "*", "UTILITY", "APPROVED", None)
            self.by_id[stored.id] = stored
            return stored
        data = _as_dict(item)
        try:
            definition = template_from_dict(data)
            if check:
                definition.validate()
        except ValidationError as exc:
            raise GraphError(100, str(exc), message=f"(#100) Invalid parameter: {exc}",
                             subcode=2388299) from None
        if self.find(definition.name, definition.language) is not None:
            raise GraphError(100, "Content in this language already exists",
                             message="(#100) Invalid parameter", subcode=2388024)
        components = msgspec.to_builtins(definition.components)
        stored = StoredTemplate(
            str(data.get("id") or self.new_id()), definition.name, definition.language,
            definition.category, status or str(data.get("status") or "APPROVED").upper(),
            components,
            parameter_format=(definition.parameter_format
                              if isinstance(definition.parameter_format, str) else "POSITIONAL"),
        )
        self.by_id[stored.id] = stored
        return stored

    def find(self, name: str, language: str) -> StoredTemplate | None:
        """The template ``name`` in ``language`` (a bare name matches every language)."""
        for t in self.by_id.values():
            if t.name == name and t.language in (language, "*"):
                return t
        return None

    def named(self, name: str) -> list[StoredTemplate]:
        """Every language of template ``name``."""
        return [t for t in self.by_id.values() if t.name == name]

    def matching(self, query: dict[str, str]) -> Iterable[StoredTemplate]:
        """The templates the list filters select (``name`` matches a part of the name)."""
        for t in self.by_id.values():
            if "name" in query and query["name"] not in t.name:
                continue
            if "status" in query and t.status != query["status"]:
                continue
            if "category" in query and t.category != query["category"]:
                continue
            if "language" in query and t.language != query["language"]:
                continue
            if "quality_score" in query and t.quality_score != query["quality_score"]:
                continue
            yield t

    def check_send(self, template: dict[str, Any]) -> None:
        """Refuse a template send as Meta would.

        Raises:
            GraphError: 132001, 132015, 132016, 132000, 132012, 132005 or 132007.
        """
        name, language = template["name"], template["language"]["code"]
        stored = self.find(name, language)
        if stored is None:
            if self.permissive:
                return
            raise GraphError(132001, f"template name ({name}) does not exist in {language}")
        if stored.status == "PAUSED":
            raise GraphError(132015, f"Template {name} is paused due to low quality")
        if stored.status == "DISABLED":
            raise GraphError(132016, f"Template {name} has been disabled due to low quality")
        if stored.status != "APPROVED":
            raise GraphError(132001, f"template name ({name}) does not exist in {language} "
                             f"(it is {stored.status})")
        if stored.components is None:
            return
        sent = {c.get("type"): c for c in template.get("components", [])
                if isinstance(c, dict) and c.get("type") in ("header", "body")}
        for c in stored.components:
            if c.get("type") == "HEADER":
                _check_header(c, sent.get("header"))
            elif c.get("type") == "BODY":
                if stored.category == "AUTHENTICATION":
                    # Meta writes the text; its one variable is the code.
                    c = {**c, "text": "{{1}} is your verification code."}
                _check_body(c, sent.get("body"), stored.parameter_format)


def _params(component: dict[str, Any] | None) -> list[dict[str, Any]]:
    if component is None:
        return []
    return [p for p in component.get("parameters", []) if isinstance(p, dict)]


def _check_header(definition: dict[str, Any], sent: dict[str, Any] | None) -> None:
    fmt = definition.get("format", "TEXT")
    params = _params(sent)
    expected = len(variables(definition.get("text", ""))) if fmt == "TEXT" else 1
    if fmt == "LOCATION" and not params:
        expected = 0  # a location header may come from the template itself
    if len(params) != expected:
        raise GraphError(132000, f"header: number of localizable_params ({len(params)}) does "
                         f"not match the expected number of params ({expected})")
    wanted = "text" if fmt == "TEXT" else _MEDIA.get(fmt)
    for p in params:
        if p.get("type") != wanted:
            raise GraphError(132012, f"header: parameter of type {p.get('type')} does not "
                             f"match the header format {fmt}")


def _check_body(definition: dict[str, Any], sent: dict[str, Any] | None, fmt: str) -> None:
    text = definition.get("text", "")
    names = list(dict.fromkeys(variables(text)))
    params = _params(sent)
    if len(params) != len(names):
        raise GraphError(132000, f"body: number of localizable_params ({len(params)}) does not "
                         f"match the expected number of params ({len(names)})")
    values: dict[str, str] = {}
    for i, p in enumerate(params):
        kind = p.get("type")
        value: object = p.get("text") if kind == "text" else None
        if kind in ("currency", "date_time"):
            inner = p.get(kind)
            value = inner.get("fallback_value") if isinstance(inner, dict) else None
        shown = value if isinstance(value, str) else ""
        if isinstance(value, str) and _POLICY.search(value):
            raise GraphError(132007, "Param text cannot have new-line/tab characters or more "
                             "than 4 consecutive spaces")
        name = p.get("parameter_name")
        if fmt == "NAMED":
            if name not in names:
                raise GraphError(132012, f"body: parameter {i} has no parameter_name of the "
                                 f"template ({', '.join(names)})")
            values[name] = shown
        else:
            if name is not None:
                raise GraphError(132012, "body: the template has positional parameters; "
                                 "parameter_name is not expected")
            values[names[i]] = shown
    filled = re.sub(r"\{\{\s*([^{}]*?)\s*\}\}", lambda m: values.get(m.group(1), ""), text)
    if len(filled) > _BODY_MAX:
        raise GraphError(132005, f"body: translated text too long ({len(filled)} characters, "
                         f"at most {_BODY_MAX})")


def template_status_webhook(waba_id: str, template: StoredTemplate, event: str,
                            reason: str, now: int) -> dict[str, Any]:
    """The ``message_template_status_update`` notification of a status change."""
    return {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": waba_id,
            "time": now,
            "changes": [{
                "value": {
                    "event": event,
                    "message_template_id": int(template.id),
                    "message_template_name": template.name,
                    "message_template_language": template.language,
                    "reason": reason,
                },
                "field": "message_template_status_update",
            }],
        }],
    }


def load_templates(path: str) -> list[dict[str, Any]]:
    """Read a JSON file holding a list of templates in Meta's message-template shape.

    Each one is checked the way ``FakeCloudAPI(templates=...)`` reads it.

    Raises:
        ValueError: The file is not JSON, not a list of objects, or an item is
            not a template (the message names the item).
        OSError: The file cannot be read.
    """
    with open(path, encoding="utf-8") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(t, dict) for t in data):
        raise ValueError(f"{path}: must hold a JSON list of template objects")
    for i, item in enumerate(data):
        try:
            template_from_dict(item)
        except ValidationError as exc:
            raise ValueError(f"{path}: item {i}: {exc}") from None
    return data
