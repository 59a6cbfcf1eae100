"""router.wait_for: a user's next message, inline; concurrency, cancellation and timeouts."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.support import FIXTURES
from whatsapp_async import ConfigurationError
from whatsapp_async.webhooks import InteractiveEvent, TextEvent, WebhookRouter, sign

SECRET = "listen-secret"
TEXT = json.loads((FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_text())
BUTTON = json.loads(
    (FIXTURES / "facts" / "webhooks" / "03_interactive_button_reply.json").read_text()
)
USER = "447700900123"


def from_user(payload: dict[str, Any], user: str, n: int, body: str | None = None) -> bytes:
    copy: dict[str, Any] = json.loads(json.dumps(payload))
    value = copy["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = user
    message = value["messages"][0]
    message["from"] = user
    message["id"] = f"wamid.{user}.{n}"
    if body is not None:
        message["text"]["body"] = body
    return json.dumps(copy).encode()


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    async def __call__(self, event: Any) -> None:
        self.events.append(event)


@pytest.fixture
def router() -> WebhookRouter:
    return WebhookRouter(app_secret=SECRET)


async def post(router: WebhookRouter, body: bytes) -> int:
    status = (await router.handle(body, sign(body, SECRET))).status
    await router.join()
    return status


async def started(router: WebhookRouter, count: int = 1) -> None:
    # Let the listener tasks run up to their wait; they need no more than a few turns.
    for _ in range(100):
        if router.waiting >= count:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"{router.waiting} listeners waiting, expected {count}")


async def test_wait_for_takes_the_users_next_message_from_the_handlers(
    router: WebhookRouter,
) -> None:
    handled = router.on_message(Recorder())
    waiting = asyncio.create_task(router.wait_for(from_="+" + USER, kind="text"))
    await started(router)
    await post(router, from_user(TEXT, USER, 1, "blue please"))
    reply = await waiting
    assert isinstance(reply, TextEvent)
    assert reply.message.text.body == "blue please"
    assert handled.events == []
    assert router.waiting == 0
    await post(router, from_user(TEXT, USER, 2))
    assert len(handled.events) == 1


async def test_other_users_and_other_kinds_go_to_the_handlers(router: WebhookRouter) -> None:
    handled = router.on_message(Recorder())
    waiting = asyncio.create_task(router.wait_for(from_=USER, kind="interactive", timeout=5))
    await started(router)
    await post(router, from_user(TEXT, "15550009999", 1))
    await post(router, from_user(TEXT, USER, 2))
    assert not waiting.done()
    await post(router, from_user(BUTTON, USER, 3))
    reply = await waiting
    assert isinstance(reply, InteractiveEvent) and reply.button_reply is not None
    assert [e.message.from_ for e in handled.events] == ["15550009999", USER]


async def test_concurrent_users_each_get_their_own(router: WebhookRouter) -> None:
    users = [f"4477009{i:05d}" for i in range(5)]
    tasks = [asyncio.create_task(router.wait_for(from_=u, timeout=5)) for u in users]
    await started(router, len(users))
    for n, user in enumerate(reversed(users)):
        await post(router, from_user(TEXT, user, n, f"from {user}"))
    replies = await asyncio.gather(*tasks)
    assert [r.text for r in replies] == [f"from {u}" for u in users]


async def test_two_listeners_of_one_user_are_served_oldest_first(router: WebhookRouter) -> None:
    first = asyncio.create_task(router.wait_for(from_=USER))
    await started(router)
    second = asyncio.create_task(router.wait_for(from_=USER))
    await started(router, 2)
    await post(router, from_user(TEXT, USER, 1, "one"))
    await post(router, from_user(TEXT, USER, 2, "two"))
    assert ((await first).text, (await second).text) == ("one", "two")


async def test_text_filter_sets_the_match(router: WebhookRouter) -> None:
    handled = router.on_message(Recorder())
    waiting = asyncio.create_task(router.wait_for(from_=USER, text=r"^(\d+)$"))
    await started(router)
    await post(router, from_user(TEXT, USER, 1, "not a number"))
    await post(router, from_user(TEXT, USER, 2, "42"))
    reply = await waiting
    assert reply.match is not None and reply.match.group(1) == "42"
    assert [e.text for e in handled.events] == ["not a number"]


async def test_timeout_raises_and_withdraws_the_listener(router: WebhookRouter) -> None:
    handled = router.on_message(Recorder())
    with pytest.raises(TimeoutError):
        await router.wait_for(from_=USER, timeout=0.01)
    assert router.waiting == 0
    await post(router, from_user(TEXT, USER, 1))
    assert len(handled.events) == 1


async def test_cancelled_listener_loses_nothing(router: WebhookRouter) -> None:
    handled = router.on_message(Recorder())
    waiting = asyncio.create_task(router.wait_for(from_=USER))
    await started(router)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert router.waiting == 0
    await post(router, from_user(TEXT, USER, 1))
    assert len(handled.events) == 1


async def test_a_redelivery_is_not_handed_to_a_later_listener(router: WebhookRouter) -> None:
    body = from_user(TEXT, USER, 1)
    first = asyncio.create_task(router.wait_for(from_=USER))
    await started(router)
    await post(router, body)
    await first
    second = asyncio.create_task(router.wait_for(from_=USER, timeout=0.05))
    await started(router)
    await post(router, body)
    with pytest.raises(TimeoutError):
        await second


async def test_a_post_refused_for_backlog_does_not_reach_listeners() -> None:
    router = WebhookRouter(app_secret=SECRET, max_concurrency=1, max_backlog=0)
    gate = asyncio.Event()

    async def slow(event: Any) -> None:
        await gate.wait()

    router.on_message(slow)
    await router.handle(from_user(TEXT, "15550009999", 1), sign(from_user(
        TEXT, "15550009999", 1), SECRET))
    waiting = asyncio.create_task(router.wait_for(from_=USER, timeout=5))
    await started(router)
    body = from_user(TEXT, USER, 2)
    assert (await router.handle(body, sign(body, SECRET))).status == 503
    assert not waiting.done()
    gate.set()
    await router.join()
    assert await post(router, body) == 200
    assert (await waiting).message.id == f"wamid.{USER}.2"


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"from_": ""}, "from_"), ({"from_": USER, "kind": "poll"}, "poll"),
])
async def test_bad_arguments_are_refused(
    router: WebhookRouter, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(ConfigurationError, match=match):
        await router.wait_for(**kwargs)
