"""The sandbox's control API, request log, statistics, handshake and live events (no browser)."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from whatsapp_async import WhatsAppClient
from whatsapp_async.testing import Fault
from whatsapp_async.testing.sandbox import Sandbox
from whatsapp_async.webhooks import verify_challenge, verify_signature

SECRET = "s3cret"
VERIFY = "t0ken"
CUSTOMER = "447700900123"
TEXT = {"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text",
        "text": {"body": "hi"}}


@dataclass
class Receiver:
    """A webhook endpoint that records what it got and answers the handshake."""

    url: str = ""
    posts: list[tuple[bytes, str | None]] = field(default_factory=list)
    verify_token: str = VERIFY

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(body)["entry"][0]["changes"][0]["value"]["messages"][0]
                for body, _ in self.posts if b'"messages"' in body]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    got = Receiver()

    async def post(request: web.Request) -> web.Response:
        got.posts.append((await request.read(), request.headers.get("X-Hub-Signature-256")))
        return web.Response(text="ok")

    async def get(request: web.Request) -> web.Response:
        try:
            return web.Response(text=verify_challenge(request.query, got.verify_token))
        except Exception:
            return web.Response(status=403)

    app = web.Application()
    app.router.add_post("/webhook", post)
    app.router.add_get("/webhook", get)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    got.url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    yield got
    await runner.cleanup()


@pytest.fixture
async def sandbox(receiver: Receiver) -> AsyncIterator[Sandbox]:
    async with Sandbox(webhook_url=receiver.url, app_secret=SECRET, verify_token=VERIFY,
                       statuses=()) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
               ) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as resp:
        return resp.status, await resp.json()


async def send(http: aiohttp.ClientSession, sandbox: Sandbox, body: dict[str, Any],
               token: str | None = None) -> int:
    url = f"{sandbox.base_url}/{sandbox.phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {token or sandbox.access_token}"}
    async with http.post(url, json=body, headers=headers) as resp:
        await resp.read()
        return resp.status


# ------------------------------------------------------------------ the page

async def test_the_page_and_its_scripts_are_served_from_the_package(
        sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get(sandbox.page_url) as resp:
        assert resp.status == 200 and resp.content_type == "text/html"
        page = await resp.text()
    scripts = ""
    for name in ("render.js", "dashboard.js", "sandbox.js", "sandbox.css"):
        assert f"/static/{name}" in page
        async with http.get(f"{sandbox.url}/static/{name}") as resp:
            assert resp.status == 200
            scripts += await resp.text()
    # The hooks browser tests rely on are all there.
    for hook in ("conversation-list", "conversation", "message", "composer-input",
                 "composer-send", "reply-button", "list-row", "request-log",
                 "dashboard-rate-chart"):
        assert f'"data-testid": "{hook}"' in scripts or f'data-testid="{hook}"' in page, hook
    assert "data-wa-id" in scripts and '"data-direction"' in scripts
    async with http.get(f"{sandbox.url}/static/_app.py") as resp:
        assert resp.status == 404


async def test_page_requests_are_not_in_the_request_log(
        sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    for path in ("/", "/favicon.ico", "/static/sandbox.js", "/_sandbox/info"):
        async with http.get(sandbox.url + path) as resp:
            assert resp.status in (200, 204)
    assert list(sandbox.request_log.entries) == []


# ------------------------------------------------------------ inbound messages

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()


@pytest.mark.parametrize(("fields", "kind", "part"), [
    ({"text": "Hello"}, "text", {"text": {"body": "Hello"}}),
    ({"type": "button_reply", "id": "move", "title": "Reschedule"}, "interactive",
     {"interactive": {"type": "button_reply",
                      "button_reply": {"id": "move", "title": "Reschedule"}}}),
    ({"type": "list_reply", "id": "express", "title": "Express", "description": "Next day"},
     "interactive", {"interactive": {"type": "list_reply", "list_reply": {
         "id": "express", "title": "Express", "description": "Next day"}}}),
    ({"type": "location", "latitude": 51.5, "longitude": -0.12, "location_name": "Home"},
     "location", {"location": {"latitude": 51.5, "longitude": -0.12, "name": "Home"}}),
    ({"type": "reaction", "message_id": "wamid.X", "emoji": "\N{THUMBS UP SIGN}"}, "reaction",
     {"reaction": {"message_id": "wamid.X", "emoji": "\N{THUMBS UP SIGN}"}}),
    ({"type": "quick_reply", "payload": "TRACK", "text": "Track"}, "button",
     {"button": {"payload": "TRACK", "text": "Track"}}),
])
async def test_inbound_reaches_the_webhook_signed_and_of_its_kind(
        sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession,
        fields: dict[str, Any], kind: str, part: dict[str, Any]) -> None:
    status, item = await call(http, "POST", f"{sandbox.url}/_sandbox/inbound",
                              json={"from": f"+{CUSTOMER}", "name": "Ana", **fields})
    assert status == 200
    assert (item["direction"], item["type"], item["wa_id"]) == ("in", kind, CUSTOMER)
    assert item["webhook"] == {"status": 200, "error": None, "signed": True}
    (body, signature), = receiver.posts
    assert verify_signature(body, signature, SECRET)
    (message,) = receiver.messages()
    assert message["type"] == kind and message["from"] == CUSTOMER
    for key, value in part.items():
        assert message[key] == value
    assert json.loads(body)["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"] == {
        "name": "Ana"}
    assert [record.id for record in sandbox.inbound] == [message["id"]]


async def test_an_inbound_image_is_stored_and_previewed(
        sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession) -> None:
    status, item = await call(http, "POST", f"{sandbox.url}/_sandbox/inbound", json={
        "from": CUSTOMER, "type": "image", "data_base64": PNG, "mime_type": "image/png",
        "caption": "my plant"})
    assert status == 200
    image = item["message"]["image"]
    assert image["caption"] == "my plant" and image["mime_type"] == "image/png"
    async with http.get(f"{sandbox.url}/_sandbox/media/{image['id']}") as resp:
        assert resp.status == 200 and resp.content_type == "image/png"
        assert await resp.read() == base64.b64decode(PNG)
    async with http.get(f"{sandbox.url}/_sandbox/media/404") as resp:
        assert resp.status == 404


async def test_a_tap_quotes_the_message_it_answers(
        sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession) -> None:
    status, item = await call(http, "POST", f"{sandbox.url}/_sandbox/inbound", json={
        "from": CUSTOMER, "type": "button_reply", "id": "a", "title": "A",
        "reply_to": "wamid.MENU"})
    assert status == 200
    assert item["message"]["context"]["id"] == "wamid.MENU"


@pytest.mark.parametrize(("fields", "field_name"), [
    ({}, "from"),
    ({"from": "12"}, "from"),
    ({"from": CUSTOMER, "type": "sms"}, "type"),
    ({"from": CUSTOMER}, "text"),
    ({"from": CUSTOMER, "type": "location", "latitude": 91, "longitude": 0}, "latitude"),
    ({"from": CUSTOMER, "type": "button_reply", "title": "A"}, "id"),
    ({"from": CUSTOMER, "type": "image", "data_base64": "***", "mime_type": "image/png"},
     "data_base64"),
    ({"from": CUSTOMER, "text": "x", "phone_number_id": "999"}, "phone_number_id"),
])
async def test_bad_inbound_is_refused_naming_the_field(
        sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession,
        fields: dict[str, Any], field_name: str) -> None:
    status, body = await call(http, "POST", f"{sandbox.url}/_sandbox/inbound", json=fields)
    assert status == 400
    assert body["error"]["field"] == field_name
    assert receiver.posts == [] and sandbox.inbound == []


async def test_inbound_without_a_webhook_says_how_to_get_one(
        http: aiohttp.ClientSession) -> None:
    async with Sandbox() as plain:
        status, body = await call(http, "POST", f"{plain.url}/_sandbox/inbound",
                                  json={"from": CUSTOMER, "text": "hi"})
    assert status == 409 and body["error"]["field"] == "webhook_url"
    assert "start it with --webhook-url" in body["error"]["message"]


# ------------------------------------------------------- sent and conversations

async def test_sent_and_conversations_show_both_directions(
        sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession) -> None:
    await call(http, "POST", f"{sandbox.url}/_sandbox/inbound",
               json={"from": CUSTOMER, "name": "Ana", "text": "hi"})
    assert await send(http, sandbox, TEXT) == 200
    assert await send(http, sandbox, {**TEXT, "to": "+15550001111"}) == 200
    _, sent = await call(http, "GET", f"{sandbox.url}/_sandbox/sent?to=%2B{CUSTOMER}")
    assert [(m["direction"], m["type"], m["body"]["text"]) for m in sent] == [
        ("out", "text", {"body": "hi"})]
    _, every = await call(http, "GET", f"{sandbox.url}/_sandbox/sent?since=1")
    assert [m["wa_id"] for m in every] == ["15550001111"]
    _, conversations = await call(http, "GET", f"{sandbox.url}/_sandbox/conversations")
    assert {c["wa_id"]: (c["name"], c["messages"]) for c in conversations} == {
        CUSTOMER: ("Ana", 2), "15550001111": (None, 1)}
    _, timeline = await call(http, "GET", f"{sandbox.url}/_sandbox/conversations/{CUSTOMER}")
    assert [item["direction"] for item in timeline] == ["in", "out"]
    status, body = await call(http, "GET", f"{sandbox.url}/_sandbox/sent?since=x")
    assert status == 400 and body["error"]["field"] == "since"


async def test_read_marks_join_the_timeline(
        sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession) -> None:
    _, item = await call(http, "POST", f"{sandbox.url}/_sandbox/inbound",
                         json={"from": CUSTOMER, "text": "hi"})
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": item["id"],
            "typing_indicator": {"type": "text"}}
    assert await send(http, sandbox, read) == 200
    _, timeline = await call(http, "GET", f"{sandbox.url}/_sandbox/conversations/{CUSTOMER}")
    assert timeline[-1] == {"kind": "read", "message_id": item["id"], "typing": True,
                            "phone_number_id": sandbox.phone_number_id,
                            "time": timeline[-1]["time"]}
    # A mark-as-read is not a send: the dashboard does not count it.
    assert sandbox.stats.outcomes == {}


# ------------------------------------------------------- request log and stats

async def test_the_request_log_records_status_latency_and_graph_error(
        sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    assert await send(http, sandbox, TEXT) == 200
    assert await send(http, sandbox, TEXT, token="wrong") == 401
    ok, refused = sandbox.request_log.entries
    assert (ok.method, ok.status, ok.code, ok.phone_number_id) == (
        "POST", 200, None, sandbox.phone_number_id)
    assert ok.path == f"/v21.0/{sandbox.phone_number_id}/messages"
    assert (refused.status, refused.code) == (401, 190)
    assert refused.error is not None and "access token" in refused.error
    assert ok.latency_ms >= 0 and refused.seq == ok.seq + 1
    _, rows = await call(http, "GET", f"{sandbox.url}/_sandbox/requests?status=4xx")
    assert [(r["status"], r["code"]) for r in rows] == [(401, 190)]
    _, rows = await call(http, "GET", f"{sandbox.url}/_sandbox/requests?code=190")
    assert len(rows) == 1
    _, rows = await call(http, "GET", f"{sandbox.url}/_sandbox/requests?status=200&limit=5")
    assert [r["seq"] for r in rows] == [ok.seq]
    _, rows = await call(http, "GET", f"{sandbox.url}/_sandbox/requests?path=/media")
    assert rows == []


async def test_drops_and_server_errors_are_logged_and_counted(
        sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.inject(Fault.drop_before(), Fault.server_error(503), Fault.error(131056))
    with pytest.raises(aiohttp.ClientError):
        await send(http, sandbox, TEXT)
    assert await send(http, sandbox, TEXT) == 503
    assert await send(http, sandbox, TEXT) == 400
    assert await send(http, sandbox, TEXT) == 200
    statuses = [(e.status, e.code) for e in sandbox.request_log.entries]
    assert statuses == [(None, None), (503, None), (400, 131056), (200, None)]
    snapshot = sandbox.stats.snapshot()
    assert snapshot["outcomes"] == {"dropped": 1, "server_error": 1, "refused": 1,
                                    "accepted": 1}
    assert snapshot["codes"] == {"131056": 1}
    assert snapshot["numbers"][sandbox.phone_number_id]["accepted"] == 1
    assert sum(count for _, count in snapshot["series"]) == 1
    _, rows = await call(http, "GET", f"{sandbox.url}/_sandbox/requests?status=dropped")
    assert [r["error"] for r in rows] == ["connection dropped"]
    _, rows = await call(http, "GET", f"{sandbox.url}/_sandbox/requests?status=error")
    assert len(rows) == 3


async def test_stats_follow_a_broadcast(sandbox: Sandbox) -> None:
    async with WhatsAppClient(sandbox.access_token, sandbox.phone_number_id,
                              base_url=sandbox.base_url) as wa:
        report = await wa.broadcast([f"+1555{i:07d}" for i in range(25)],
                                    template="welcome_offer")
    assert report.sent == 25
    snapshot = sandbox.stats.snapshot()
    assert snapshot["outcomes"] == {"accepted": 25}
    assert snapshot["peak"] >= 1 and len(snapshot["series"]) == sandbox.stats.window


# ---------------------------------------------------------------------- faults

async def test_faults_switch_on_and_off_live(
        sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    status, plan = await call(http, "POST", f"{sandbox.url}/_sandbox/faults",
                              json={"spec": "error_rate=1,error_code=131000"})
    assert status == 200 and plan["error_rate"] == 1.0 and plan["error_code"] == 131000
    assert await send(http, sandbox, TEXT) == 500
    assert sandbox.request_log.entries[-1].code == 131000
    status, plan = await call(http, "POST", f"{sandbox.url}/_sandbox/faults",
                              json={"latency": [0, 0.01], "operations": ["*"]})
    assert plan["latency"] == [0, 0.01] and plan["operations"] == ["*"]
    assert plan["error_rate"] == 0
    assert await send(http, sandbox, TEXT) == 200
    status, plan = await call(http, "POST", f"{sandbox.url}/_sandbox/faults", json={})
    assert (await call(http, "GET", f"{sandbox.url}/_sandbox/faults"))[1] == plan
    assert plan["latency"] is None


@pytest.mark.parametrize(("body", "field_name"), [
    ({"error_rate": 2}, "faults.error_rate"),
    ({"nonsense": 1}, "faults.nonsense"),
    ({"spec": "error_rate"}, "faults.error_rate"),
    ({"error_rate": 0.6, "drop_after_rate": 0.6}, "faults"),
    ([1], "body"),
])
async def test_bad_faults_are_refused_and_change_nothing(
        sandbox: Sandbox, http: aiohttp.ClientSession, body: Any, field_name: str) -> None:
    status, answer = await call(http, "POST", f"{sandbox.url}/_sandbox/faults", json=body)
    assert status == 400 and answer["error"]["field"] == field_name
    assert sandbox.faults.plan.error_rate == 0


# --------------------------------------------------------------- verification

async def test_the_webhook_is_verified_with_the_handshake(
        sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession) -> None:
    for _ in range(200):
        if sandbox.verification.state == "verified":
            break
        await asyncio.sleep(0.01)
    assert sandbox.verification.state == "verified"
    _, info = await call(http, "GET", f"{sandbox.url}/_sandbox/info")
    assert info["verification"]["state"] == "verified" and info["signed"] is True
    receiver.verify_token = "changed"
    status, state = await call(http, "POST", f"{sandbox.url}/_sandbox/verify")
    assert status == 200 and state["state"] == "failed" and "403" in state["detail"]


async def test_a_bot_started_after_the_sandbox_is_verified_when_it_comes_up() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    url = f"http://127.0.0.1:{port}/webhook"
    async with Sandbox(webhook_url=url, verify_token=VERIFY) as late:
        for _ in range(200):
            if late.verification.attempts:
                break
            await asyncio.sleep(0.01)
        assert late.verification.state == "pending"
        assert "not reachable" in late.verification.detail

        async def get(request: web.Request) -> web.Response:
            return web.Response(text=verify_challenge(request.query, VERIFY))

        app = web.Application()
        app.router.add_get("/webhook", get)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            for _ in range(500):
                if late.verification.state == "verified":
                    break
                await asyncio.sleep(0.01)
            assert late.verification.state == "verified"
        finally:
            await runner.cleanup()


# ---------------------------------------------------------------- live events

async def read_event(resp: aiohttp.ClientResponse, name: str) -> Any:
    event = None
    async for raw in resp.content:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == name:
            return json.loads(line[6:])
    raise AssertionError(f"the stream ended before a {name} event")


async def test_events_push_new_messages_log_entries_and_resets(
        sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{sandbox.url}/_sandbox/events") as resp:
        assert resp.headers["Content-Type"] == "text/event-stream"
        hello = await asyncio.wait_for(read_event(resp, "hello"), 10)
        assert hello["base_url"] == sandbox.base_url
        assert await send(http, sandbox, TEXT) == 200
        (item,) = await asyncio.wait_for(read_event(resp, "timeline"), 10)
        assert (item["direction"], item["type"], item["wa_id"]) == ("out", "text", CUSTOMER)
        requests = await asyncio.wait_for(read_event(resp, "requests"), 10)
        assert [r["status"] for r in requests] == [200]
        stats = await asyncio.wait_for(read_event(resp, "stats"), 10)
        assert stats["outcomes"] == {"accepted": 1}
        status, _ = await call(http, "POST", f"{sandbox.url}/_sandbox/reset")
        assert status == 200
        assert await asyncio.wait_for(read_event(resp, "reset"), 10) == {}
    assert sandbox.sent == [] and list(sandbox.request_log.entries) == []
    assert sandbox.stats.outcomes == {}


async def test_an_open_event_stream_does_not_hold_up_closing() -> None:
    sandbox = Sandbox()
    await sandbox.start()
    async with aiohttp.ClientSession() as http, http.get(
            f"{sandbox.url}/_sandbox/events") as resp:
        await asyncio.wait_for(read_event(resp, "hello"), 10)
        # Well under aiohttp's 60 s graceful shutdown: the stream ends itself.
        await asyncio.wait_for(sandbox.aclose(), 10)
