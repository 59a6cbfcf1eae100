"""check_flow_json: the basics Meta rejects, found before upload; the user's JSON as is."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whatsapp_async import ValidationError
from whatsapp_async.flows import FlowJSONError, check_flow_json, flow_json_problems
from whatsapp_async.types.flows import FlowValidationError

GOOD: dict[str, Any] = {
    "version": "7.1",
    "data_api_version": "3.0",
    "routing_model": {"PICK": ["CONFIRM"], "CONFIRM": []},
    "screens": [
        {"id": "PICK", "title": "Pick", "data": {"slots": {"type": "array"}},
         "layout": {"type": "SingleColumnLayout", "children": [
             {"type": "Dropdown", "name": "slot", "data-source": "${data.slots}"},
             {"type": "Footer", "label": "Next", "on-click-action": {
                 "name": "navigate", "next": {"type": "screen", "name": "CONFIRM"},
                 "payload": {}}}]}},
        {"id": "CONFIRM", "title": "Confirm", "terminal": True,
         "layout": {"type": "SingleColumnLayout", "children": []}},
    ],
}


def broken(change: Any) -> list[str]:
    doc = copy.deepcopy(GOOD)
    change(doc)
    return [str(p) for p in flow_json_problems(doc)]


def test_a_good_flow_is_returned_as_given() -> None:
    assert check_flow_json(GOOD) is GOOD
    text = json.dumps(GOOD, indent=4)
    assert check_flow_json(text) == GOOD
    assert flow_json_problems(text.encode()) == []


def test_version_is_required() -> None:
    assert broken(lambda d: d.pop("version")) == ['version: is required, a string like "7.1"']


def test_screens_are_required() -> None:
    assert broken(lambda d: d.update(screens=[])) == [
        "screens: must be a non-empty list of screens"]


def test_a_terminal_screen_is_required() -> None:
    assert broken(lambda d: d["screens"][1].pop("terminal")) == [
        'screens: needs at least one screen with "terminal": true']


def test_routing_model_must_name_real_screens() -> None:
    problems = broken(lambda d: d["routing_model"].update(PICK=["NOWHERE"], GHOST=[]))
    assert problems == ["routing_model.PICK: routes to 'NOWHERE', which is not a screen",
                        "routing_model.GHOST: names a screen that does not exist"]
    assert broken(lambda d: d.pop("routing_model")) == [
        "routing_model: is required when data_api_version is set (a flow with an endpoint)"]


def test_referenced_data_fields_must_be_declared() -> None:
    problems = broken(lambda d: d["screens"][0]["data"].pop("slots"))
    assert problems == ["screens[0].layout.children[0].data-source: refers to ${data.slots}, "
                        "which the screen's data does not declare"]


def test_navigation_targets_must_exist() -> None:
    def retarget(doc: dict[str, Any]) -> None:
        doc["screens"][0]["layout"]["children"][1]["on-click-action"]["next"]["name"] = "GONE"

    assert broken(retarget) == ["screens[0].layout.children[1].on-click-action.next.name: "
                                "navigates to 'GONE', which is not a screen"]


def test_screen_ids_are_checked() -> None:
    assert broken(lambda d: d["screens"][1].update(id="PICK")) == [
        "screens[1].id: 'PICK' is the id of an earlier screen too",
        "routing_model.PICK: routes to 'CONFIRM', which is not a screen",
        "routing_model.CONFIRM: names a screen that does not exist",
        "screens[0].layout.children[1].on-click-action.next.name: navigates to 'CONFIRM', "
        "which is not a screen",
    ]
    assert "reserved" in broken(lambda d: d["screens"][1].update(id="SUCCESS"))[0]
    assert broken(lambda d: d["screens"][1].update(id="step-2"))[0].startswith(
        "screens[1].id: is required")


def test_the_error_is_a_validation_error_listing_every_problem() -> None:
    with pytest.raises(FlowJSONError) as refused:
        check_flow_json({"screens": [{"id": "A"}]})
    error = refused.value
    assert isinstance(error, ValidationError)
    assert error.field == "version"
    assert "and 2 more" in str(error) and "screens[0].layout" in str(error)


@pytest.mark.parametrize("value", ["{", "[1]", 42])
def test_not_a_json_object(value: Any) -> None:
    with pytest.raises(FlowJSONError) as refused:
        check_flow_json(value)
    assert refused.value.field == "flow_json"


def test_meta_validation_errors_read_well() -> None:
    raw = {"error": "INVALID_PROPERTY", "error_type": "JSON_SCHEMA_ERROR",
           "message": 'The property "initial-text" cannot be specified at '
                      '"$root/screens/2/layout/children/0".',
           "line_start": 46, "line_end": 46, "column_start": 17, "column_end": 30}
    error = msgspec.convert(raw, FlowValidationError)
    assert error.path == "$root/screens/2/layout/children/0"
    assert error.screen_index == 2
    assert error.component == "children/0"
    assert str(error) == ('line 46, columns 17-30 (screen 2): INVALID_PROPERTY: '
                          + raw["message"])
    pointed = msgspec.convert({**raw, "pointers": [
        {"path": "screens[1].layout", "line_start": 3}]}, FlowValidationError)
    assert pointed.screen_index == 1


def test_junk_inside_the_routing_model_is_a_problem_not_a_crash() -> None:
    problems = broken(lambda d: d["routing_model"].update(PICK=[["CONFIRM"], None]))
    assert problems == ["routing_model.PICK: routes to ['CONFIRM'], which is not a screen",
                        "routing_model.PICK: routes to None, which is not a screen"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6)
    | st.sampled_from(["${data.x}", "navigate", "screen", "SUCCESS", "A", "7.1"]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "version", "screens", "routing_model", "layout",
                                       "data", "terminal", "name", "next", "type", "x"]),
                      inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(doc=_JSON)
def test_any_json_gets_problems_never_a_crash(doc: Any) -> None:
    problems = flow_json_problems(json.dumps(doc))
    assert all(p.path and p.rule for p in problems)
