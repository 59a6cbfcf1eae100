"""Fuzz: generated and mutated bodies never crash the parser with a foreign exception."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import FIXTURES
from whatsapp_async.webhooks import (
    InvalidPayloadError,
    MessageEvent,
    Notification,
    WebhookRouter,
    parse_notification,
    sign,
)

PAYLOADS = [
    json.loads(p.read_text(encoding="utf-8"))
    for folder in (FIXTURES / "facts" / "webhooks", FIXTURES / "webhooks")
    for p in sorted(folder.glob("*.json"))
]
RAW = [json.dumps(p, separators=(",", ":")).encode() for p in PAYLOADS]

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["type", "id", "from", "timestamp", "text", "body", "field", "value",
                         "messages", "statuses", "metadata", "entry", "changes", "object",
                         "context", "errors", "code", "status", "phone_number_id", "x"]),
        children, max_size=4,
    ),
    max_leaves=12,
)


def parses_or_refuses(raw: bytes) -> None:
    try:
        result = parse_notification(raw)
    except InvalidPayloadError:
        return
    assert isinstance(result, Notification)
    # Walking the result must not fail either.
    for message in result.messages():
        assert isinstance(message.kind, str)
    for status in result.statuses():
        assert isinstance(status.status, str)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += paths(child, (*prefix, index))
    return found


def replaced(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(node))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    parses_or_refuses(raw)


@FUZZ
@given(json_values)
def test_random_json_values(value: Any) -> None:
    parses_or_refuses(json.dumps(value).encode())


@FUZZ
@given(st.data())
def test_fixture_with_one_node_replaced_by_random_json(data: st.DataObject) -> None:
    payload = data.draw(st.sampled_from(PAYLOADS))
    path = data.draw(st.sampled_from(paths(payload)))
    parses_or_refuses(json.dumps(replaced(payload, path, data.draw(json_values))).encode())


@FUZZ
@given(st.data())
def test_fixture_with_one_node_deleted(data: st.DataObject) -> None:
    payload = json.loads(json.dumps(data.draw(st.sampled_from(PAYLOADS))))
    path = data.draw(st.sampled_from([p for p in paths(payload) if p]))
    parent = payload
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    parses_or_refuses(json.dumps(payload).encode())


@FUZZ
@given(st.data())
def test_fixture_bytes_mutated(data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from(RAW)))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip":
            raw[position] ^= data.draw(st.integers(1, 255))
        elif action == "delete":
            del raw[position]
        else:
            raw.insert(position, data.draw(st.sampled_from(b'{}[]",:0-.e\\u')))
    parses_or_refuses(bytes(raw))


@FUZZ
@given(st.data())
def test_fixture_messages_with_random_type(data: st.DataObject) -> None:
    payload = json.loads(json.dumps(PAYLOADS[0]))
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message["type"] = data.draw(st.text(max_size=12) | st.sampled_from(
        ["image", "audio", "interactive", "order", "system", "unsupported", "unknown"]))
    parses_or_refuses(json.dumps(payload).encode())


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()),
                 st.sampled_from(RAW)))
def test_router_answers_any_signed_body_with_200_or_400(raw: bytes) -> None:
    async def scenario() -> int:
        router = WebhookRouter(app_secret="fuzz")

        @router.on_message
        async def handler(event: MessageEvent) -> None:
            _ = (event.text, event.sender, event.phone_number_id)

        status = (await router.handle(raw, sign(raw, "fuzz"))).status
        await router.aclose()
        return status

    assert asyncio.run(scenario()) in (200, 400)
