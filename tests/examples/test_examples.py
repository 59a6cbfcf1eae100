"""Each example in examples/ runs for real against FakeCloudAPI.

Web examples are served the way a server would serve them (ASGI lifespan
startup, requests, shutdown); the fake posts signed inbound messages to them
through a loopback relay, and the tests check what the fake recorded: who got
which message, with which context, and the status codes answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from aiohttp import web

from tests.support import ROOT
from whatsapp_async import WhatsAppClient
from whatsapp_async.journal import Journal
from whatsapp_async.testing import FakeCloudAPI, Fault, Media
from whatsapp_async.webhooks import MAX_BODY_SIZE, SIGNATURE_HEADER

EXAMPLES = ROOT / "examples"
SECRET = "examples-app-secret"
VERIFY = "examples-verify-token"
USER = "447700900123"
TEMPLATE = "spring_sale"

ASGIMessage = MutableMapping[str, Any]
ASGIApp = Callable[..., Awaitable[None]]
Forward = Callable[[bytes, "str | None"], Awaitable[int]]


def load_example(name: str, monkeypatch: pytest.MonkeyPatch | None = None) -> ModuleType:
    """Import ``examples/<name>.py`` afresh; with ``monkeypatch``, as sys.modules[name] too."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    if monkeypatch is not None:  # for imports by name, such as Django's ROOT_URLCONF
        monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


@contextlib.asynccontextmanager
async def lifespan(app: ASGIApp) -> AsyncIterator[None]:
    """Run ``app``'s ASGI lifespan as a server does: startup, the block, shutdown."""
    inbox: asyncio.Queue[ASGIMessage] = asyncio.Queue()
    outbox: asyncio.Queue[ASGIMessage] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    task = asyncio.create_task(app(scope, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    assert (await asyncio.wait_for(outbox.get(), 10))["type"] == "lifespan.startup.complete"
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        done = await asyncio.wait_for(outbox.get(), 10)
        await task
        assert done["type"] == "lifespan.shutdown.complete"


class Relay:
    """Meta's side of the wire: a loopback webhook URL whose POSTs go to ``forward``.

    The fake delivers over HTTP; the ASGI apps under test are called in
    process, so the relay hands each body and signature on and answers the
    fake with the app's status.
    """

    def __init__(self) -> None:
        self.url = ""
        self.forward: Forward | None = None

    async def handle(self, request: web.Request) -> web.Response:
        if self.forward is None:
            return web.Response(status=503)
        body = await request.read()
        return web.Response(status=await self.forward(body, request.headers.get(SIGNATURE_HEADER)))


@pytest.fixture
async def relay() -> AsyncIterator[Relay]:
    relay = Relay()
    app = web.Application()
    app.router.add_post("/webhook", relay.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    relay.url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    yield relay
    await runner.cleanup()


@pytest.fixture
async def fake(relay: Relay) -> AsyncIterator[FakeCloudAPI]:
    # No status webhooks: the tests count exactly what the apps sent and received.
    async with FakeCloudAPI(webhook_url=relay.url, app_secret=SECRET, statuses=(),
                            templates={TEMPLATE}) as fake:
        yield fake


def signed(body: bytes, signature: str | None) -> dict[str, str]:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature
    return headers


def handshake(token: str) -> str:
    return "?" + urlencode({"hub.mode": "subscribe", "hub.verify_token": token,
                            "hub.challenge": "1158201444"})


def assert_replied(fake: FakeCloudAPI, inbound_id: str, text: str) -> None:
    """The app answered ``inbound_id`` with one quoting text and marked it read."""
    assert [(m.wa_id, m.type, m.text) for m in fake.sent] == [(USER, "text", text)]
    assert fake.sent[0].body["context"] == {"message_id": inbound_id}
    assert [mark.message_id for mark in fake.read_marks] == [inbound_id]


# ------------------------------------------------------------------ FastAPI


@contextlib.asynccontextmanager
async def fastapi_served(fake: FakeCloudAPI, relay: Relay) -> AsyncIterator[httpx.AsyncClient]:
    """examples/fastapi_app.py with its lifespan running, reachable by httpx and the fake."""
    app = load_example("fastapi_app").create_app(
        access_token=fake.access_token, phone_number_id=fake.phone_number_id,
        base_url=fake.base_url, app_secret=SECRET, verify_token=VERIFY,
    )
    transport = httpx.ASGITransport(app=app)
    async with lifespan(app), httpx.AsyncClient(transport=transport,
                                                base_url="http://testserver") as http:

        async def forward(body: bytes, signature: str | None) -> int:
            answer = await http.post("/webhook", content=body, headers=signed(body, signature))
            return answer.status_code

        relay.forward = forward
        yield http
    relay.forward = None


async def test_fastapi_notify_sends_the_text(fake: FakeCloudAPI, relay: Relay) -> None:
    async with fastapi_served(fake, relay) as http:
        answer = await http.post("/notify", json={"to": "+1 (555) 123-4567", "text": "Shipped"})
    assert answer.status_code == 200
    assert [(m.to, m.type, m.text) for m in fake.sent] == [("+15551234567", "text", "Shipped")]
    assert answer.json() == {"message_id": fake.sent[0].id}


async def test_fastapi_notify_bad_number_is_422_before_any_request(
    fake: FakeCloudAPI, relay: Relay
) -> None:
    async with fastapi_served(fake, relay) as http:
        answer = await http.post("/notify", json={"to": "12", "text": "Shipped"})
    assert answer.status_code == 422
    assert "to" in answer.json()["detail"]
    assert fake.sent == [] and fake.refusals == []


async def test_fastapi_notify_refused_by_the_api_is_502(fake: FakeCloudAPI, relay: Relay) -> None:
    fake.inject(Fault.error(131026))  # "message undeliverable": not retried
    async with fastapi_served(fake, relay) as http:
        answer = await http.post("/notify", json={"to": "+15551234567", "text": "Hi"})
    assert answer.status_code == 502
    assert "131026" in answer.json()["detail"]
    assert fake.sent == []


async def test_fastapi_webhook_handshake(fake: FakeCloudAPI, relay: Relay) -> None:
    async with fastapi_served(fake, relay) as http:
        good = await http.get("/webhook" + handshake(VERIFY))
        bad = await http.get("/webhook" + handshake("guess"))
    assert (good.status_code, good.text) == (200, "1158201444")
    assert bad.status_code == 403


async def test_fastapi_replies_to_a_signed_inbound_text(fake: FakeCloudAPI, relay: Relay) -> None:
    async with fastapi_served(fake, relay):
        delivery = await fake.simulate_inbound(from_=USER, text="Where is my parcel?", name="Ana")
        assert delivery.status == 200
    # The lifespan shutdown closed the router after its handlers had answered.
    assert_replied(fake, str(delivery.message_id), "Thanks Ana, you said: Where is my parcel?")


async def test_fastapi_refuses_a_forged_notification(fake: FakeCloudAPI, relay: Relay) -> None:
    async with fastapi_served(fake, relay) as http:
        relay.forward = None  # take the fake's signed delivery, post a forged copy instead
        delivery = await fake.simulate_inbound(from_=USER, text="Hi")
        forged = await http.post("/webhook", content=delivery.body,
                                 headers=signed(delivery.body, "sha256=" + "0" * 64))
        unsigned = await http.post("/webhook", content=delivery.body,
                                   headers=signed(delivery.body, None))
    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert fake.sent == [] and fake.read_marks == []


# ------------------------------------------------------------------ Django


@contextlib.asynccontextmanager
async def django_served(
    fake: FakeCloudAPI, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    """examples/django_view.py with its lifespan running, reachable by Django's client and the fake.

    Django is configured once per process, and whoever came first (another
    load, or a documentation snippet) set it up: the settings the example needs
    are put in force for the block, and each load still gets its own client and
    router from the environment, the URL caches cleared so requests reach its views.
    """
    from django.test import override_settings
    from django.urls import clear_url_caches

    for name, value in {
        "WHATSAPP_ACCESS_TOKEN": fake.access_token, "WHATSAPP_BASE_URL": fake.base_url,
        "WHATSAPP_PHONE_NUMBER_ID": fake.phone_number_id, "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY, "DJANGO_ALLOWED_HOSTS": "testserver",
    }.items():
        monkeypatch.setenv(name, value)
    module = load_example("django_view", monkeypatch)
    needed = override_settings(ROOT_URLCONF="django_view", ALLOWED_HOSTS=["testserver"],
                               DATA_UPLOAD_MAX_MEMORY_SIZE=MAX_BODY_SIZE)
    with needed:
        clear_url_caches()
        async with _served_django(module, relay) as client:
            yield client
    clear_url_caches()


@contextlib.asynccontextmanager
async def _served_django(module: ModuleType, relay: Relay) -> AsyncIterator[Any]:
    from django.test import AsyncClient

    client = AsyncClient()
    async with lifespan(module.application):

        async def forward(body: bytes, signature: str | None) -> int:
            headers = {SIGNATURE_HEADER: signature} if signature is not None else {}
            answer = await client.post("/webhook", body, content_type="application/json",
                                       headers=headers)
            return int(answer.status_code)

        relay.forward = forward
        yield client
    relay.forward = None
    assert module.router.closed


async def test_django_notify_sends_the_text(
    fake: FakeCloudAPI, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with django_served(fake, relay, monkeypatch) as client:
        answer = await client.post("/notify", {"to": "+15551234567", "text": "Shipped"},
                                   content_type="application/json")
        wrong_method = await client.get("/notify")
    assert answer.status_code == 200
    assert [(m.to, m.type, m.text) for m in fake.sent] == [("+15551234567", "text", "Shipped")]
    assert answer.json() == {"message_id": fake.sent[0].id}
    assert wrong_method.status_code == 405


async def test_django_notify_bad_input_is_refused_before_any_request(
    fake: FakeCloudAPI, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with django_served(fake, relay, monkeypatch) as client:
        bad_number = await client.post("/notify", {"to": "12", "text": "Shipped"},
                                       content_type="application/json")
        not_json = await client.post("/notify", b"to=12", content_type="text/plain")
    assert bad_number.status_code == 422
    assert "to" in bad_number.json()["error"]
    assert not_json.status_code == 400
    assert fake.sent == [] and fake.refusals == []


async def test_django_notify_refused_by_the_api_is_502(
    fake: FakeCloudAPI, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.inject(Fault.error(131026))
    async with django_served(fake, relay, monkeypatch) as client:
        answer = await client.post("/notify", {"to": "+15551234567", "text": "Hi"},
                                   content_type="application/json")
    assert answer.status_code == 502
    assert "131026" in answer.json()["error"]
    assert fake.sent == []


async def test_django_webhook_handshake(
    fake: FakeCloudAPI, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with django_served(fake, relay, monkeypatch) as client:
        good = await client.get("/webhook" + handshake(VERIFY))
        bad = await client.get("/webhook" + handshake("guess"))
        put = await client.put("/webhook")
    assert (good.status_code, good.content) == (200, b"1158201444")
    assert (bad.status_code, put.status_code) == (403, 405)


async def test_django_replies_to_a_signed_inbound_text(
    fake: FakeCloudAPI, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with django_served(fake, relay, monkeypatch):
        delivery = await fake.simulate_inbound(from_=USER, text="Where is my parcel?", name="Ana")
        assert delivery.status == 200
    # The lifespan shutdown closed the router after its handlers had answered.
    assert_replied(fake, str(delivery.message_id), "Thanks Ana, you said: Where is my parcel?")


async def test_django_refuses_a_forged_notification(
    fake: FakeCloudAPI, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with django_served(fake, relay, monkeypatch) as client:
        relay.forward = None
        delivery = await fake.simulate_inbound(from_=USER, text="Hi")
        forged = await client.post("/webhook", delivery.body, content_type="application/json",
                                   headers={SIGNATURE_HEADER: "sha256=" + "0" * 64})
    assert forged.status_code == 403
    assert fake.sent == [] and fake.read_marks == []


# ------------------------------------------------------------------ broadcast


@pytest.fixture
async def wa(fake: FakeCloudAPI) -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id,
                              base_url=fake.base_url) as client:
        yield client


def write_csv(path: Path, rows: list[tuple[str, str]]) -> None:
    lines = ["phone,name", *(f"{phone},{name}" for phone, name in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def template_sends(fake: FakeCloudAPI) -> list[tuple[str, str]]:
    """(recipient, {{1}}) of every template the fake accepted, in order."""
    sends = []
    for message in fake.sent:
        assert message.type == "template" and message.body["template"]["name"] == TEMPLATE
        (body,) = message.body["template"]["components"]
        sends.append((message.to, body["parameters"][0]["text"]))
    return sends


async def test_broadcast_sends_the_template_once_per_valid_row(
    wa: WhatsAppClient, fake: FakeCloudAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = load_example("broadcast")
    example.write_sample_csv(tmp_path / "customers.csv")
    report = await example.broadcast_csv(wa, tmp_path / "customers.csv", template=TEMPLATE,
                                         journal=tmp_path / "sale.db")
    assert sorted(template_sends(fake)) == [
        ("+15551230001", "Ana"), ("+15551230002", "Ben"), ("+15551230003", "Chloé"),
        ("+15551230004", "Dev"), ("+15551230005", "Eun"), ("+15551230006", "Femi"),
    ]
    assert (report.sent, report.skipped, report.errors) == (
        6, 2, {"Duplicate": 1, "ValidationError": 1})
    out = capsys.readouterr().out
    assert "8/8 rows: 6 sent, 0 failed, 2 skipped, 0 unknown" in out
    assert "row 3 (12): skipped, ValidationError" in out
    assert "row 5 (+15551230002): skipped, Duplicate" in out


async def test_broadcast_resumed_sends_only_to_rows_not_in_the_journal(
    wa: WhatsAppClient, fake: FakeCloudAPI, tmp_path: Path
) -> None:
    example = load_example("broadcast")
    csv_path, journal = tmp_path / "customers.csv", tmp_path / "sale.db"
    first = [("+15551230001", "Ana"), ("+15551230002", "Ben")]
    write_csv(csv_path, first)
    await example.broadcast_csv(wa, csv_path, template=TEMPLATE, journal=journal)
    write_csv(csv_path, [*first, ("+15551230003", "Chloé")])

    again = await example.broadcast_csv(wa, csv_path, template=TEMPLATE, journal=journal,
                                        resume=True)
    assert template_sends(fake)[2:] == [("+15551230003", "Chloé")]
    assert (again.sent, again.errors) == (1, {"AlreadyDone": 2})
    async with Journal(journal) as recorded:
        assert [(e.recipient, e.status) for e in await recorded.entries()] == [
            ("+15551230001", "sent"), ("+15551230002", "sent"), ("+15551230003", "sent")]


def test_broadcast_rerun_without_resume_exits_2_and_sends_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = load_example("broadcast")
    csv_path, journal = tmp_path / "customers.csv", tmp_path / "sale.db"
    write_csv(csv_path, [("+15551230001", "Ana")])

    async def first_run() -> FakeCloudAPI:
        async with FakeCloudAPI() as fake:
            monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", fake.access_token)
            monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", fake.phone_number_id)
            monkeypatch.setenv("WHATSAPP_BASE_URL", fake.base_url)
            argv = [str(csv_path), "--template", TEMPLATE, "--journal", str(journal)]
            # main() runs its own event loop: give it a thread while the fake serves.
            assert await asyncio.to_thread(example.main, argv) == 0
            assert await asyncio.to_thread(example.main, argv) == 2
            assert await asyncio.to_thread(example.main, [*argv, "--resume"]) == 0
            return fake

    fake = asyncio.run(first_run())
    assert [m.to for m in fake.sent] == ["+15551230001"]
    assert "already holds campaign 'default': pass resume=True" in capsys.readouterr().err


def test_broadcast_without_csv_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        load_example("broadcast").main(["--template", TEMPLATE])
    assert exit_info.value.code == 2


def test_broadcast_sandbox_runs_as_a_script() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(EXAMPLES / "broadcast.py"), "--sandbox"],
                          capture_output=True, text=True, timeout=60, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "stopped early: closed by the caller" in done.stdout
    assert "The sandbox received 6 messages for 6 recipients, at most 1 per recipient." \
        in done.stdout


# ------------------------------------------------------------------ echo bot and the rest


async def test_echo_bot_echoes_texts_and_likes_images() -> None:
    echo_bot = load_example("echo_bot")
    # The fake needs the bot's URL and the bot the fake's: bind the bot's socket first.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhook"
    async with FakeCloudAPI(webhook_url=url, app_secret=SECRET, statuses=()) as fake:
        router = echo_bot.build_router(SECRET, VERIFY)
        app = echo_bot.create_app(router, access_token=fake.access_token, base_url=fake.base_url)
        runner = web.AppRunner(app)
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            text = await fake.simulate_inbound(from_=USER, text="Hello bot!")
            image = await fake.simulate_inbound(
                from_=USER, message=Media(kind="image", data=b"\x89PNG", mime_type="image/png"))
            await router.join()
            await fake.flush_webhooks()  # the "sent" status of the reaction, while the bot is up
        finally:
            await runner.cleanup()
    assert (text.status, image.status) == (200, 200)
    # Two handlers ran at once: which answer went out first is not fixed.
    like, reply = sorted(fake.sent, key=lambda m: m.type)
    assert (reply.wa_id, reply.text, reply.body["context"]) == (
        USER, "Hello bot!", {"message_id": text.message_id})
    assert (like.wa_id, like.body["reaction"]) == (
        USER, {"message_id": image.message_id, "emoji": "\N{THUMBS UP SIGN}"})
    assert [(m.message_id, m.typing_indicator) for m in fake.read_marks] == [
        (text.message_id, True)]


async def test_media_roundtrip_downloads_what_it_uploaded(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await load_example("media_roundtrip").main()  # exits 1 if the copy differs
    out = capsys.readouterr().out
    assert re.search(r"sent image message wamid\.\S+ to \+15551234567", out)
    assert "downloaded to downloaded.png: identical to the original: True" in out


async def test_send_every_kind_sends_each_kind_to_the_fake(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await load_example("send_every_kind").against_fake("+1 (650) 555-1234")
    labels = re.findall(r"^\s*([a-z_ ]+): wamid\.", capsys.readouterr().out, re.MULTILINE)
    assert len(labels) == 18 and "template" in labels and "remove reaction" in labels


def test_examples_refer_only_to_files_in_the_repository() -> None:
    mentioned = re.compile(r"(?:examples|tests|docs|whatsapp_async)/[\w/.-]+\.(?:py|md)")
    for example in sorted(EXAMPLES.glob("*.py")):
        source = example.read_text(encoding="utf-8")
        assert "../" not in source and "shared/" not in source, example.name
        for path in mentioned.findall(source):
            assert (ROOT / path).is_file(), f"{example.name} mentions missing {path}"
