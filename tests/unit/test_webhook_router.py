"""WebhookRouter: filters, dedupe, isolation, shutdown and the reply shortcuts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL

from tests.support import BASE, FIXTURES, NO_RETRY, TOKEN, json_bodies
from whatsapp_async import ConfigurationError, WhatsAppClient
from whatsapp_async.webhooks import (
    ChangeEvent,
    ErrorEvent,
    MessageEvent,
    RecentKeys,
    StatusEvent,
    TemplateStatusChange,
    WebhookRouter,
    parse_notification,
    sign,
)

SECRET = "router-secret"
BUSINESS = "109876543210987"
USER = "447700900123"


def raw(name: str) -> bytes:
    folder = FIXTURES / ("facts/webhooks" if name[:2] <= "10" else "webhooks")
    return (folder / name).read_bytes()


TEXT = raw("01_text_from_ctwa_ad.json")
IMAGE = raw("02_image_forwarded.json")
DELIVERED = raw("07_status_delivered_with_pricing.json")
FAILED = raw("08_status_failed_131047.json")
SYSTEM = raw("10_system_user_changed_number.json")
BUTTON = raw("05_template_quick_reply_button.json")
READ = raw("24_status_read.json")
ERRORS = raw("27_value_errors.json")
TEMPLATE_FIELD = raw("30_template_status_update_field.json")
BATCH = raw("31_batch_mixed.json")


@pytest.fixture
def router() -> WebhookRouter:
    return WebhookRouter(app_secret=SECRET, verify_token="verify-me")


async def post(router: WebhookRouter, body: bytes) -> int:
    status = (await router.handle(body, sign(body, SECRET))).status
    await router.join()
    return status


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    async def __call__(self, event: Any) -> None:
        self.events.append(event)


# ------------------------------------------------------------------ routing


async def test_text_message_reaches_a_kind_handler_with_sender_and_number(
    router: WebhookRouter,
) -> None:
    seen = router.on_message(kind="text")(Recorder())
    assert await post(router, TEXT) == 200
    [event] = seen.events
    assert isinstance(event, MessageEvent)
    assert event.message.id == "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FGMTIzNDU2Nzg5MEFCQ0RFRjAA"
    assert (event.sender.wa_id, event.sender.name) == (USER, "Ana Souza")
    assert event.phone_number_id == BUSINESS
    assert event.display_phone_number == "15550001234"
    assert event.waba_id == "214367980012345"
    assert event.text == "Hi, is the hedge trimmer still on offer?"


async def test_kind_filter_skips_other_kinds(router: WebhookRouter) -> None:
    seen = router.on_message(kind="image")(Recorder())
    await post(router, TEXT)
    assert seen.events == []


async def test_kind_filter_accepts_several_kinds(router: WebhookRouter) -> None:
    seen = router.on_message(kind=["text", "image"])(Recorder())
    await post(router, TEXT)
    await post(router, IMAGE)
    assert [e.message.kind for e in seen.events] == ["text", "image"]


async def test_bare_decorator_receives_every_message(router: WebhookRouter) -> None:
    seen = Recorder()

    @router.on_message
    async def handler(event: MessageEvent) -> None:
        await seen(event)

    await post(router, BATCH)
    assert [e.message.kind for e in seen.events] == ["text", "unknown", "text"]


async def test_text_pattern_filters_and_exposes_the_match(router: WebhookRouter) -> None:
    seen = router.on_message(text=r"hedge (\w+)")(Recorder())
    other = router.on_message(text=r"^Bye")(Recorder())
    await post(router, TEXT)
    [event] = seen.events
    assert event.match is not None and event.match.group(1) == "trimmer"
    assert other.events == []


async def test_text_pattern_matches_template_button_text(router: WebhookRouter) -> None:
    seen = router.on_message(text="(?i)stop")(Recorder())
    await post(router, BUTTON)
    assert len(seen.events) == 1


async def test_text_pattern_never_matches_a_message_without_text(router: WebhookRouter) -> None:
    seen = router.on_message(text=".*")(Recorder())
    await post(router, SYSTEM)
    assert seen.events == []


async def test_sender_filter_accepts_numbers_with_or_without_plus(router: WebhookRouter) -> None:
    mine = router.on_message(from_="+447700900123")(Recorder())
    others = router.on_message(from_=["15550009999"])(Recorder())
    await post(router, TEXT)
    assert len(mine.events) == 1
    assert others.events == []


async def test_every_matching_handler_runs(router: WebhookRouter) -> None:
    first = router.on_message(kind="text")(Recorder())
    second = router.on_message()(Recorder())
    await post(router, TEXT)
    assert len(first.events) == len(second.events) == 1


async def test_system_message_sender_falls_back_to_from(router: WebhookRouter) -> None:
    seen = router.on_message(kind="system")(Recorder())
    await post(router, SYSTEM)
    [event] = seen.events
    assert (event.sender.wa_id, event.sender.name) == (USER, None)


def test_unknown_kind_is_refused_at_registration(router: WebhookRouter) -> None:
    with pytest.raises(ConfigurationError, match="txt"):
        router.on_message(kind="txt")


def test_sync_handler_is_refused_at_registration(router: WebhookRouter) -> None:
    def handler(event: MessageEvent) -> None:
        return None

    with pytest.raises(ConfigurationError, match="async"):
        router.on_message(handler)  # type: ignore[type-var]


async def test_status_filter(router: WebhookRouter) -> None:
    failed = router.on_status(status="failed")(Recorder())
    every = router.on_status(Recorder())
    await post(router, DELIVERED)
    await post(router, FAILED)
    assert [e.status.status for e in failed.events] == ["failed"]
    assert [e.status.status for e in every.events] == ["delivered", "failed"]
    assert isinstance(every.events[0], StatusEvent)
    assert every.events[0].phone_number_id == BUSINESS
    assert failed.events[0].status.errors[0].code == 131047


async def test_value_errors_reach_error_handlers(router: WebhookRouter) -> None:
    seen = router.on_error(Recorder())
    await post(router, ERRORS)
    [event] = seen.events
    assert isinstance(event, ErrorEvent)
    assert event.error.code == 131000


async def test_other_fields_reach_change_handlers(router: WebhookRouter) -> None:
    templates = router.on_change(field="message_template_status_update")(Recorder())
    quality = router.on_change(field="phone_number_quality_update")(Recorder())
    await post(router, TEMPLATE_FIELD)
    [event] = templates.events
    assert isinstance(event, ChangeEvent)
    assert event.field == "message_template_status_update"
    assert isinstance(event.change, TemplateStatusChange)
    assert event.change.value.event == "APPROVED"
    assert quality.events == []


async def test_dispatch_returns_the_number_of_started_handlers(router: WebhookRouter) -> None:
    router.on_message(Recorder())
    router.on_status(Recorder())
    router.on_change(Recorder())
    assert router.dispatch(parse_notification(BATCH)) == 3 + 1 + 1
    await router.join()


# ------------------------------------------------------------------ dedupe


async def test_replayed_message_is_dispatched_once(router: WebhookRouter) -> None:
    seen = router.on_message(Recorder())
    assert await post(router, TEXT) == 200
    assert await post(router, TEXT) == 200
    assert len(seen.events) == 1


async def test_replayed_status_is_dispatched_once_but_a_new_status_is_not_dropped(
    router: WebhookRouter,
) -> None:
    seen = router.on_status(Recorder())
    await post(router, DELIVERED)
    await post(router, DELIVERED)
    await post(router, READ)  # same wamid, next status
    assert [e.status.status for e in seen.events] == ["delivered", "read"]


async def test_dedupe_memory_is_bounded() -> None:
    router = WebhookRouter(app_secret=SECRET, dedupe_size=1)
    seen = router.on_message(Recorder())
    await post(router, TEXT)
    await post(router, IMAGE)  # pushes TEXT's id out of the memory
    await post(router, TEXT)
    assert len(seen.events) == 3


async def test_dedupe_can_be_turned_off() -> None:
    router = WebhookRouter(app_secret=SECRET, dedupe_size=0)
    seen = router.on_message(Recorder())
    await post(router, TEXT)
    await post(router, TEXT)
    assert len(seen.events) == 2


def test_recent_keys_forgets_the_least_recently_seen() -> None:
    keys = RecentKeys(2)
    assert keys.add("a") and keys.add("b")
    assert not keys.add("a")  # refreshes "a"
    assert keys.add("c")  # evicts "b"
    assert "a" in keys and "b" not in keys and len(keys) == 2


# ------------------------------------------------------------------ isolation, HTTP results


async def test_raising_handler_is_logged_and_isolated(
    router: WebhookRouter, caplog: pytest.LogCaptureFixture
) -> None:
    @router.on_message
    async def broken(event: MessageEvent) -> None:
        raise RuntimeError("boom")

    survivor = router.on_message(Recorder())
    with caplog.at_level(logging.ERROR, logger="whatsapp_async.webhooks"):
        assert await post(router, TEXT) == 200
    assert len(survivor.events) == 1
    [record] = [r for r in caplog.records if r.name == "whatsapp_async.webhooks"]
    assert "broken" in record.getMessage()
    assert "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FGMTIzNDU2Nzg5MEFCQ0RFRjAA" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert "hedge trimmer" not in caplog.text  # message content is not logged


async def test_answer_comes_before_the_handler_finishes(router: WebhookRouter) -> None:
    release = asyncio.Event()
    finished: list[bool] = []

    @router.on_message
    async def slow(event: MessageEvent) -> None:
        await release.wait()
        finished.append(True)

    reply = await router.handle(TEXT, sign(TEXT, SECRET))
    assert reply.status == 200 and finished == [] and router.running == 1
    release.set()
    await router.join()
    assert finished == [True]


async def test_missing_signature_is_403_and_not_dispatched(router: WebhookRouter) -> None:
    seen = router.on_message(Recorder())
    assert (await router.handle(TEXT, None)).status == 403
    assert router.running == 0 and seen.events == []


async def test_wrong_signature_is_403_and_not_dispatched(router: WebhookRouter) -> None:
    seen = router.on_message(Recorder())
    assert (await router.handle(TEXT, sign(TEXT, "other"))).status == 403
    assert router.running == 0 and seen.events == []


async def test_wrong_signature_does_not_mark_the_message_seen(router: WebhookRouter) -> None:
    seen = router.on_message(Recorder())
    await router.handle(TEXT, sign(TEXT, "other"))
    await post(router, TEXT)
    assert len(seen.events) == 1


async def test_signed_non_json_is_400(router: WebhookRouter) -> None:
    assert (await router.handle(b"<xml/>", sign(b"<xml/>", SECRET))).status == 400


async def test_signed_wrong_shape_is_400(router: WebhookRouter) -> None:
    assert (await router.handle(b"[1, 2]", sign(b"[1, 2]", SECRET))).status == 400


async def test_oversized_body_is_413_before_the_signature_is_computed() -> None:
    router = WebhookRouter(app_secret=SECRET, max_body_size=100)
    assert (await router.handle(TEXT, sign(TEXT, SECRET))).status == 413


def test_handshake_returns_the_challenge(router: WebhookRouter) -> None:
    reply = router.handshake(
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "8472"}
    )
    assert (reply.status, reply.body) == (200, b"8472")


def test_handshake_with_wrong_token_is_403(router: WebhookRouter) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "8472"}
    assert router.handshake(params).status == 403


def test_handshake_without_configured_token_is_403(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WHATSAPP_VERIFY_TOKEN", raising=False)
    router = WebhookRouter(app_secret=SECRET)
    params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    assert router.handshake(params).status == 403


def test_empty_app_secret_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        WebhookRouter(app_secret="")


HANDSHAKE = {"hub.mode": "subscribe", "hub.verify_token": "env-verify", "hub.challenge": "77"}


async def test_the_secret_and_verify_token_fall_back_to_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "env-secret")
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "env-verify")
    router = WebhookRouter()
    assert (await router.handle(TEXT, sign(TEXT, "env-secret"))).status == 200
    assert (await router.handle(TEXT, sign(TEXT, SECRET))).status == 403
    assert router.handshake(HANDSHAKE).status == 200
    await router.aclose()


async def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "env-secret")
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "env-verify")
    router = WebhookRouter(app_secret=SECRET, verify_token="verify-me")
    assert (await router.handle(TEXT, sign(TEXT, "env-secret"))).status == 403
    assert (await router.handle(TEXT, sign(TEXT, SECRET))).status == 200
    assert router.handshake(HANDSHAKE).status == 403
    await router.aclose()


@pytest.mark.parametrize("value", [None, ""])
def test_no_app_secret_anywhere_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("WHATSAPP_APP_SECRET", raising=False)
    else:
        monkeypatch.setenv("WHATSAPP_APP_SECRET", value)
    with pytest.raises(ConfigurationError, match="pass app_secret= or set WHATSAPP_APP_SECRET"):
        WebhookRouter()


def test_repr_hides_the_app_secret(router: WebhookRouter) -> None:
    assert SECRET not in repr(router)


# ------------------------------------------------------------------ shutdown


async def test_aclose_waits_for_running_handlers(router: WebhookRouter) -> None:
    finished: list[bool] = []

    @router.on_message
    async def slow(event: MessageEvent) -> None:
        await asyncio.sleep(0.01)
        finished.append(True)

    await router.handle(TEXT, sign(TEXT, SECRET))
    await router.aclose(timeout=5)
    assert finished == [True]


async def test_aclose_cancels_handlers_past_the_timeout(router: WebhookRouter) -> None:
    cancelled: list[bool] = []

    @router.on_message
    async def stuck(event: MessageEvent) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    await router.handle(TEXT, sign(TEXT, SECRET))
    await router.aclose(timeout=0)
    assert cancelled == [True] and router.running == 0


async def test_aclose_returns_even_if_a_handler_ignores_cancellation(
    router: WebhookRouter,
) -> None:
    release = asyncio.Event()

    @router.on_message
    async def stubborn(event: MessageEvent) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            await release.wait()  # swallows the cancellation and keeps going

    await router.handle(TEXT, sign(TEXT, SECRET))
    try:
        # The outer bound only turns a hang into a failure; aclose must return by itself.
        await asyncio.wait_for(router.aclose(timeout=0), timeout=10)
    finally:
        release.set()
        await router.join()


async def test_posts_after_aclose_are_503(router: WebhookRouter) -> None:
    seen = router.on_message(Recorder())
    await router.aclose()
    assert (await router.handle(TEXT, sign(TEXT, SECRET))).status == 503
    assert seen.events == [] and router.closed


async def test_router_as_async_context_manager_closes() -> None:
    async with WebhookRouter(app_secret=SECRET) as router:
        pass
    assert router.closed


# ------------------------------------------------------------------ reply shortcuts

ENDPOINT = URL(f"{BASE}/{BUSINESS}/messages")
ANSWER = {"messaging_product": "whatsapp", "contacts": [{"input": f"+{USER}", "wa_id": USER}],
          "messages": [{"id": "wamid.REPLY"}]}


@pytest.fixture
def api() -> Iterator[aioresponses]:
    with aioresponses() as mocked:
        yield mocked


@pytest.fixture
async def wa() -> AsyncIterator[WhatsAppClient]:
    # The default number differs on purpose: replies must leave from the receiving one.
    async with WhatsAppClient(access_token=TOKEN, phone_number_id="5550000000",
                              base_url=BASE, retry=NO_RETRY) as client:
        yield client


async def event_for(body: bytes, client: WhatsAppClient | None) -> MessageEvent:
    router = WebhookRouter(app_secret=SECRET, client=client)
    seen = router.on_message(Recorder())
    await post(router, body)
    event: MessageEvent = seen.events[0]
    return event


def sent_bodies(api: aioresponses) -> list[Any]:
    return json_bodies(api, "POST", ENDPOINT)


async def test_reply_text_quotes_the_message_from_the_receiving_number(
    wa: WhatsAppClient, api: aioresponses
) -> None:
    api.post(str(ENDPOINT), payload=ANSWER)
    event = await event_for(TEXT, wa)
    sent = await event.reply_text("Yes, still on offer!")
    assert sent.message_id == "wamid.REPLY"
    [body] = sent_bodies(api)
    assert body["to"] == f"+{USER}"
    assert body["text"]["body"] == "Yes, still on offer!"
    assert body["context"] == {"message_id": event.message.id}


async def test_reply_text_without_quote_has_no_context(
    wa: WhatsAppClient, api: aioresponses
) -> None:
    api.post(str(ENDPOINT), payload=ANSWER)
    await (await event_for(TEXT, wa)).reply_text("Hello", quote=False)
    assert "context" not in sent_bodies(api)[0]


async def test_react_targets_the_message(wa: WhatsAppClient, api: aioresponses) -> None:
    api.post(str(ENDPOINT), payload=ANSWER)
    event = await event_for(IMAGE, wa)
    await event.react("\N{THUMBS UP SIGN}")
    [body] = sent_bodies(api)
    assert body["type"] == "reaction"
    assert body["reaction"] == {"message_id": event.message.id, "emoji": "\N{THUMBS UP SIGN}"}


async def test_mark_read_sends_a_read_receipt(wa: WhatsAppClient, api: aioresponses) -> None:
    api.post(str(ENDPOINT), payload={"success": True})
    event = await event_for(TEXT, wa)
    assert await event.mark_read(typing_indicator=True) is True
    [body] = sent_bodies(api)
    assert body["status"] == "read" and body["message_id"] == event.message.id
    assert body["typing_indicator"] == {"type": "text"}


async def test_reply_without_a_client_is_a_configuration_error() -> None:
    event = await event_for(TEXT, None)
    with pytest.raises(ConfigurationError, match="client"):
        await event.reply_text("hi")


async def test_max_concurrency_limits_handlers_running_at_once() -> None:
    router = WebhookRouter(app_secret=SECRET, max_concurrency=1)
    running: list[int] = []
    peak: list[int] = []

    @router.on_message
    async def slow(event: MessageEvent) -> None:
        running.append(1)
        peak.append(len(running))
        await asyncio.sleep(0)
        running.pop()

    assert await post(router, BATCH) == 200
    assert len(peak) == 3 and max(peak) == 1


def test_max_concurrency_below_one_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        WebhookRouter(app_secret=SECRET, max_concurrency=0)


async def test_handler_may_join_the_router_without_waiting_for_itself(
    router: WebhookRouter,
) -> None:
    joined: list[bool] = []

    @router.on_message
    async def impatient(event: MessageEvent) -> None:
        await router.join()
        joined.append(True)

    await post(router, TEXT)
    assert joined == [True]


# ------------------------------------------------------------------ events as built


def _field_names(cls: type) -> set[str]:
    import dataclasses

    return {f.name for f in dataclasses.fields(cls)}


async def test_dispatched_events_equal_the_ones_their_constructors_build(
    router: WebhookRouter,
) -> None:
    # The router fills the frozen events' fields directly (for speed): what a
    # handler gets must be what the constructor would have made, every field set.
    from whatsapp_async.webhooks import Sender
    from whatsapp_async.webhooks._kind_events import EVENT_FOR_KIND

    messages = router.on_message()(Recorder())
    statuses = router.on_status()(Recorder())
    assert await post(router, TEXT) == 200 and await post(router, DELIVERED) == 200
    [message], [status] = messages.events, statuses.events
    value = parse_notification(TEXT).entry[0].changes[0].value
    assert message == type(message)(
        value, "214367980012345", None, message=value.messages[0],
        sender=Sender(wa_id=USER, name="Ana Souza", identity_key_hash=None))
    assert status == StatusEvent(status.value, status.waba_id, None, status=status.status)
    for event in (message, status, message.sender):
        assert set(vars(event)) == _field_names(type(event))
    # One code path fills every kind's event: no kind may add a field of its own.
    assert all(_field_names(cls) == _field_names(MessageEvent)
               for cls in EVENT_FOR_KIND.values())
