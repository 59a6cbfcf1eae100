"""examples/send_every_kind.py keeps working against the local fake Cloud API."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from whatsapp_async import WhatsAppClient
from whatsapp_async.testing import FakeCloudAPI

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "send_every_kind.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("send_every_kind", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_example_sends_every_kind_to_the_fake() -> None:
    example = load_example()
    async with FakeCloudAPI() as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url
    ) as wa:
        sent = await example.send_all(wa, "+1 (650) 555-1234")

    assert [s.message_id for s in sent] == [record.id for record in fake.sent]
    assert {record.type for record in fake.sent} == {
        "text", "image", "video", "audio", "document", "sticker", "location", "contacts",
        "interactive", "template", "reaction",
    }
    assert {record.body["to"] for record in fake.sent} == {"+16505551234"}
