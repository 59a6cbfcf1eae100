"""The sandbox's templates: drawn from definitions, approved, rejected and paused live."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.integration.test_sandbox_control import SECRET, VERIFY, Receiver, call, receiver
from whatsapp_async.testing.sandbox import Sandbox
from whatsapp_async.webhooks import verify_signature

__all__ = ["receiver"]  # the fixture, shared

DEFINITIONS = [
    {"name": "order_update", "language": "en_US",
     "components": [{"type": "BODY", "text": "Hi {{1}}"}]},
    {"name": "order_update", "language": "de_DE",
     "components": [{"type": "BODY", "text": "Hallo {{1}}"}]},
    {"name": "spring_sale", "language": "en_US", "status": "PAUSED",
     "components": [{"type": "BODY", "text": "Spring sale: 20% off"}]},
]


@pytest.fixture
async def sandbox(receiver: Receiver) -> AsyncIterator[Sandbox]:
    async with Sandbox(webhook_url=receiver.url, app_secret=SECRET, verify_token=VERIFY,
                       statuses=(), template_definitions=DEFINITIONS) as running:
        yield running


async def send_template(http: aiohttp.ClientSession, sandbox: Sandbox, name: str) -> Any:
    body = {"messaging_product": "whatsapp", "to": "15550001111", "type": "template",
            "template": {"name": name, "language": {"code": "en_US"}}}
    if name == "order_update":  # its body takes one parameter
        body["template"]["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]
    status, answer = await call(
        http, "POST", f"{sandbox.base_url}/{sandbox.phone_number_id}/messages", json=body,
        headers={"Authorization": f"Bearer {sandbox.access_token}"})
    return status, answer


async def test_only_approved_templates_can_be_sent(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as http:
        assert (await send_template(http, sandbox, "order_update"))[0] == 200
        # A paused template is refused with Meta's own code for it.
        _, answer = await send_template(http, sandbox, "spring_sale")
        assert answer["error"]["code"] == 132015
        assert (await send_template(http, sandbox, "unknown"))[1]["error"]["code"] == 132001


async def test_pausing_a_template_refuses_its_sends_and_tells_the_webhook(
        sandbox: Sandbox, receiver: Receiver) -> None:
    async with aiohttp.ClientSession() as http:
        status, changed = await call(
            http, "POST", f"{sandbox.url}/_sandbox/templates/order_update/status",
            json={"status": "PAUSED", "language": "en_US", "reason": "LOW_QUALITY"})
        assert status == 200
        assert [(d["language"], d["status"]) for d in changed] == [("en_US", "PAUSED")]
        await sandbox.flush_webhooks()
        (body, signature), = receiver.posts
        assert verify_signature(body, signature, SECRET)
        change = json.loads(body)["entry"][0]["changes"][0]
        assert change["field"] == "message_template_status_update"
        assert change["value"] == {
            "event": "PAUSED", "message_template_id": int(changed[0]["id"]),
            "message_template_name": "order_update",
            "message_template_language": "en_US", "reason": "LOW_QUALITY"}
        # The English one is paused now: its sends get Meta's code for that.
        assert (await send_template(http, sandbox, "order_update"))[1]["error"]["code"] == \
            132015

        await call(http, "POST", f"{sandbox.url}/_sandbox/templates/order_update/status",
                   json={"status": "REJECTED"})
        assert (await send_template(http, sandbox, "order_update"))[1]["error"]["code"] == \
            132001
        await call(http, "POST", f"{sandbox.url}/_sandbox/templates/spring_sale/status",
                   json={"status": "APPROVED"})
        assert (await send_template(http, sandbox, "spring_sale"))[0] == 200
        _, info = await call(http, "GET", f"{sandbox.url}/_sandbox/info")
        assert [t["status"] for t in info["templates"]] == ["REJECTED", "REJECTED", "APPROVED"]
        await sandbox.flush_webhooks()
        events = [json.loads(b)["entry"][0]["changes"][0]["value"]["event"]
                  for b, _ in receiver.posts]
        assert events == ["PAUSED", "REJECTED", "REJECTED", "APPROVED"]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("order_update", {"status": "LOST"}, "status"),
    ("order_update", {}, "status"),
    ("nope", {"status": "PAUSED"}, "name"),
    ("order_update", {"status": "PAUSED", "language": "fr_FR"}, "name"),
    ("order_update", {"status": "PAUSED", "reason": 3}, "reason"),
])
async def test_a_bad_status_change_is_refused(
        sandbox: Sandbox, receiver: Receiver, path: str, body: dict[str, Any],
        field: str) -> None:
    async with aiohttp.ClientSession() as http:
        status, answer = await call(
            http, "POST", f"{sandbox.url}/_sandbox/templates/{path}/status", json=body)
    assert status == 400 and answer["error"]["field"] == field
    assert [d["status"] for d in sandbox.template_definitions] == [
        "APPROVED", "APPROVED", "PAUSED"]
    assert receiver.posts == []
