"""The sandbox's settings: ``--faults`` specs, ``--templates`` files and the command's flags."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from whatsapp_async import ValidationError
from whatsapp_async.testing import FaultPlan
from whatsapp_async.testing.__main__ import _parser, _serve
from whatsapp_async.testing.sandbox import load_templates, plan_from_mapping, plan_from_spec

TEMPLATES = [{
    "name": "order_update", "language": "en_US", "status": "APPROVED",
    "components": [{"type": "BODY", "text": "Hi {{1}}, your order is {{2}}."}],
}]


def test_a_spec_sets_the_plans_fields() -> None:
    plan = plan_from_spec("error_rate=0.05, error_code=131056,latency=0.02-0.08,"
                          "drop_after_rate=0.01,operations=sendMessage+uploadMedia")
    assert plan == FaultPlan(error_rate=0.05, error_code=131056, latency=(0.02, 0.08),
                             drop_after_rate=0.01, operations=("sendMessage", "uploadMedia"))
    assert plan_from_spec("latency=0.5").latency == 0.5
    assert plan_from_spec("") == FaultPlan()


@pytest.mark.parametrize(("spec", "field"), [
    ("error_rate", "faults.error_rate"),
    ("error_rate=x", "faults.error_rate"),
    ("error_rate=1.5", "faults.error_rate"),
    ("error_rate=nan", "faults.error_rate"),
    ("error_code=1.5", "faults.error_code"),
    ("latency=0.5-0.1", "faults.latency"),
    ("latency=-1", "faults.latency"),
    ("speed=3", "faults.speed"),
    ("error_rate=0.7,server_error_rate=0.7", "faults"),
])
def test_a_bad_spec_names_the_field(spec: str, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        plan_from_spec(spec)
    assert info.value.field == field


def test_a_json_plan_takes_numbers_and_lists() -> None:
    plan = plan_from_mapping({"error_rate": 0.5, "latency": [0, 0.1], "operations": ["*"]})
    assert (plan.error_rate, plan.latency, tuple(plan.operations)) == (0.5, (0.0, 0.1), ("*",))
    with pytest.raises(ValidationError, match=r"faults\.error_rate"):
        plan_from_mapping({"error_rate": True})
    with pytest.raises(ValidationError, match=r"faults\.operations"):
        plan_from_mapping({"operations": [1]})


def test_templates_are_read_from_a_list_or_a_graph_answer(tmp_path: Path) -> None:
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(TEMPLATES))
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps({"data": TEMPLATES}))
    assert load_templates(listed) == load_templates(graph)
    (definition,) = load_templates(listed)
    assert (definition["name"], definition["status"]) == ("order_update", "APPROVED")


@pytest.mark.parametrize(("content", "field"), [
    (None, "templates"),
    ("{not json", "templates"),
    ('{"templates": []}', "templates"),
    ('[{"language": "en_US"}]', "templates[0].name"),
    ('[{"name": "a", "language": "en", "components": [{}]}]', "templates[0].components"),
    ('[{"name": "a", "language": "en_US"}]', "templates[0].components"),
])
def test_a_bad_templates_file_names_what_is_wrong(
        tmp_path: Path, content: str | None, field: str) -> None:
    path = tmp_path / "templates.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValidationError) as info:
        load_templates(path)
    assert info.value.field == field


def test_bad_flags_are_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    parser = _parser("whatsapp-async sandbox")
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--faults", "error_rate=2"])
    assert info.value.code == 2
    assert "faults.error_rate: must be between 0 and 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["--templates", str(tmp_path / "missing.json")])
    assert "cannot read" in capsys.readouterr().err


async def test_the_command_serves_the_page_with_its_flags(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    templates = tmp_path / "templates.json"
    templates.write_text(json.dumps(TEMPLATES))
    args = _parser("whatsapp-async sandbox").parse_args([
        "--port", "0", "--webhook-url", "http://127.0.0.1:9/webhook", "--app-secret", "s3cret",
        "--templates", str(templates), "--faults", "latency=0.001", "--open",
    ])
    stop = asyncio.Event()
    task = asyncio.create_task(_serve(args, stop))
    out = ""
    for _ in range(500):
        out += capsys.readouterr().out
        if "Press Ctrl-C" in out:
            break
        await asyncio.sleep(0.01)
    try:
        assert "WHATSAPP_APP_SECRET=s3cret" in out
        assert "WHATSAPP_VERIFY_TOKEN=sandbox-verify-token" in out
        assert "Webhooks go to http://127.0.0.1:9/webhook" in out
        page = re.search(r"dashboard: (http://\S+/)", out)
        assert page is not None and opened == [page[1]]
        base = re.search(r"WHATSAPP_BASE_URL=(\S+)", out)
        assert base is not None
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{page[1]}_sandbox/faults") as resp:
                assert (await resp.json())["latency"] == 0.001
            async with http.get(f"{page[1]}_sandbox/templates") as resp:
                assert [t["name"] for t in await resp.json()] == ["order_update"]
            body: dict[str, Any] = {
                "messaging_product": "whatsapp", "to": "15550001111", "type": "template",
                "template": {"name": "other", "language": {"code": "en_US"}}}
            async with http.post(f"{base[1]}/1234567890/messages", json=body,
                                 headers={"Authorization": "Bearer test-token"}) as resp:
                assert (await resp.json())["error"]["code"] == 132001
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
