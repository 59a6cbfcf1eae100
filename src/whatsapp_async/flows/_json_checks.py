"""Checks of a Flow JSON before it is uploaded: the basics Meta rejects.

The JSON is taken as the user wrote it (a str, bytes or a mapping) and never
rewritten: these checks only read it. They cover what makes Meta refuse a
Flow JSON outright or a publish later (no version, no screens, no terminal
screen, a routing model naming unknown screens, a ``${data.x}`` that the
screen does not declare, a navigation to a screen that does not exist); Meta's
own validation, returned by the upload, stays the final word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ValidationError

__all__ = ["FlowJSONError", "FlowJSONProblem", "check_flow_json", "flow_json_problems",
           "load_flow_json"]

_VERSION = re.compile(r"[0-9]+\.[0-9]+")
# Meta: a screen id is letters and underscores; SUCCESS is reserved for the
# endpoint's "close the flow" answer.
_SCREEN_ID = re.compile(r"[A-Za-z_]+")
_RESERVED_SCREEN = "SUCCESS"
_DATA_REF = re.compile(r"\$\{data\.([A-Za-z0-9_]+)")


@dataclass(frozen=True)
class FlowJSONProblem:
    """One problem of a Flow JSON: where (a JSON path) and which rule it breaks."""

    path: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}"


class FlowJSONError(ValidationError):
    """A Flow JSON breaks rules Meta enforces; nothing was uploaded.

    Attributes:
        problems: Every problem found, in document order. ``field`` and
            ``rule`` (of :class:`ValidationError`) describe the first.
    """

    def __init__(self, problems: list[FlowJSONProblem]) -> None:
        self.problems = problems
        super().__init__(problems[0].path, problems[0].rule)
        more = len(problems) - 1
        if more:
            self.args = (str(self) + f" (and {more} more: "
                         + "; ".join(str(p) for p in problems[1:]) + ")",)


def load_flow_json(flow_json: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    """The Flow JSON as a mapping.

    Raises:
        FlowJSONError: Not JSON, or not a JSON object.
    """
    if isinstance(flow_json, Mapping):
        return flow_json
    if not isinstance(flow_json, (str, bytes, bytearray)):
        raise FlowJSONError([FlowJSONProblem(
            "flow_json", f"must be a str, bytes or mapping, got {type(flow_json).__name__}")])
    try:
        loaded = json.loads(flow_json)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FlowJSONError([FlowJSONProblem("flow_json", f"is not valid JSON ({exc})")]) from None
    if not isinstance(loaded, dict):
        raise FlowJSONError([FlowJSONProblem("flow_json", "must be a JSON object")])
    return loaded


def flow_json_problems(flow_json: str | bytes | Mapping[str, Any]) -> list[FlowJSONProblem]:
    """Every basic problem of a Flow JSON (an empty list when none is found).

    Args:
        flow_json: The Flow JSON as text, bytes or an already parsed mapping.

    Returns:
        The problems, each with a JSON path (``screens[1].layout``) and the rule.
    """
    try:
        doc = load_flow_json(flow_json)
    except FlowJSONError as exc:
        return exc.problems
    problems: list[FlowJSONProblem] = []

    def add(path: str, rule: str) -> None:
        problems.append(FlowJSONProblem(path, rule))

    version = doc.get("version")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        add("version", 'is required, a string like "7.1"')
    screens = doc.get("screens")
    if not isinstance(screens, list) or not screens:
        add("screens", "must be a non-empty list of screens")
        return problems
    ids = _screen_ids(screens, add)
    if not any(isinstance(s, Mapping) and s.get("terminal") is True for s in screens):
        add("screens", 'needs at least one screen with "terminal": true')
    _check_routing(doc, ids, add)
    for index, screen in enumerate(screens):
        if isinstance(screen, Mapping):
            _check_screen(index, screen, ids, add)
    return problems


def check_flow_json(flow_json: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    """Check a Flow JSON and return it parsed; raise if it has basic problems.

    Args:
        flow_json: The Flow JSON as text, bytes or a mapping.

    Returns:
        The JSON as a mapping (the given mapping itself when one was given).

    Raises:
        FlowJSONError: A problem was found (all of them are in ``problems``).
    """
    problems = flow_json_problems(flow_json)
    if problems:
        raise FlowJSONError(problems)
    return load_flow_json(flow_json)


def _screen_ids(screens: list[Any], add: Any) -> set[str]:
    ids: set[str] = set()
    for index, screen in enumerate(screens):
        where = f"screens[{index}]"
        if not isinstance(screen, Mapping):
            add(where, "must be an object")
            continue
        screen_id = screen.get("id")
        if not isinstance(screen_id, str) or not _SCREEN_ID.fullmatch(screen_id):
            add(f"{where}.id", "is required: letters and underscores only")
            continue
        if screen_id == _RESERVED_SCREEN:
            add(f"{where}.id", "SUCCESS is reserved and cannot be a screen id")
        if screen_id in ids:
            add(f"{where}.id", f"{screen_id!r} is the id of an earlier screen too")
        ids.add(screen_id)
        if not isinstance(screen.get("layout"), Mapping):
            add(f"{where}.layout", "is required (an object with type and children)")
    return ids


def _check_routing(doc: Mapping[str, Any], ids: set[str], add: Any) -> None:
    routing = doc.get("routing_model")
    if routing is None:
        if "data_api_version" in doc:
            add("routing_model", "is required when data_api_version is set (a flow with "
                "an endpoint)")
        return
    if not isinstance(routing, Mapping):
        add("routing_model", "must be an object of screen id -> list of screen ids")
        return
    for source, targets in routing.items():
        if not isinstance(source, str) or source not in ids:
            add(f"routing_model.{source}", "names a screen that does not exist")
        if not isinstance(targets, list):
            add(f"routing_model.{source}", "must be a list of screen ids")
            continue
        for target in targets:
            if not isinstance(target, str) or target not in ids:
                add(f"routing_model.{source}", f"routes to {target!r}, which is not a screen")
            elif target == source:
                add(f"routing_model.{source}", "cannot route a screen to itself")


def _check_screen(index: int, screen: Mapping[str, Any], ids: set[str], add: Any) -> None:
    where = f"screens[{index}]"
    declared = screen.get("data")
    if declared is not None and not isinstance(declared, Mapping):
        add(f"{where}.data", "must be an object of field name -> declaration")
        declared = None
    fields = set(declared or ())
    for path, text in _strings(screen.get("layout"), f"{where}.layout"):
        for name in _DATA_REF.findall(text):
            if name not in fields:
                add(path, f"refers to ${{data.{name}}}, which the screen's data does not declare")
    for path, target in _navigations(screen.get("layout"), f"{where}.layout"):
        if target not in ids:
            add(path, f"navigates to {target!r}, which is not a screen")


def _strings(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")


def _navigations(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        if node.get("name") == "navigate":
            target = node.get("next")
            if isinstance(target, Mapping) and target.get("type", "screen") == "screen":
                name = target.get("name")
                if isinstance(name, str):
                    yield f"{path}.next.name", name
        for key, value in node.items():
            yield from _navigations(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _navigations(value, f"{path}[{i}]")
