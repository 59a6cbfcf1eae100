"""parse_notification edges found by mutation testing: what each refusal says."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import FIXTURES
from whatsapp_async.webhooks import InvalidPayloadError, parse_notification

TEXT = json.loads((FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_text())
DEEP = "[" * 50_000 + "]" * 50_000


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def _nested_before(key: str) -> bytes:
    """The text fixture with a too-deeply nested extra key just before ``key``."""
    return body(TEXT).replace(f'"{key}"'.encode(), f'"zz": {DEEP}, "{key}"'.encode(), 1)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (_nested_before("type"), "JSON nested too deeply"),
        (_nested_before("field"), "JSON nested too deeply"),
        (_nested_before("changes"), "JSON nested too deeply in the body"),
        (b'{"object": "x", "entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
         "JSON nested too deeply in the body"),
    ],
    ids=["in-a-message", "in-a-change", "in-an-entry", "the-entry-list"],
)
def test_too_deep_nesting_is_refused_saying_so(raw: bytes, text: str) -> None:
    with pytest.raises(InvalidPayloadError) as info:
        parse_notification(raw)
    assert str(info.value) == f"invalid webhook payload: {text}"
