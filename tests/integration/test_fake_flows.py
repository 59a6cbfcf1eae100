"""wa.flows against the fake: the lifecycle with state, Meta-like refusals and
validation errors, paging, assets, metrics and the Flow encryption key."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from whatsapp_async import APIError, ConfigurationError, ValidationError, WhatsAppClient
from whatsapp_async.flows import FlowJSONError
from whatsapp_async.testing import FakeCloudAPI

FLOW_JSON: dict[str, Any] = {
    "version": "7.1",
    "screens": [{
        "id": "WELCOME", "title": "Welcome", "terminal": True,
        "data": {"name": {"type": "string", "__example__": "Ana"}},
        "layout": {"type": "SingleColumnLayout", "children": [
            {"type": "TextBody", "text": "${data.name}"},
            {"type": "Footer", "label": "Done",
             "on-click-action": {"name": "complete", "payload": {}}},
        ]},
    }],
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudAPI]:
    async with FakeCloudAPI() as running:
        yield running


@pytest.fixture
async def wa(fake: FakeCloudAPI) -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id,
                              business_account_id=fake.waba_id,
                              base_url=fake.base_url) as client:
        yield client


async def test_lifecycle_create_upload_publish_deprecate(fake: FakeCloudAPI,
                                                         wa: WhatsAppClient) -> None:
    created = await wa.flows.create("signup", ["SIGN_UP"])
    flow = await wa.flows.get(created.id)
    assert (flow.name, flow.status, flow.categories) == ("signup", "DRAFT", ["SIGN_UP"])
    upload = await wa.flows.upload_json(created.id, FLOW_JSON)
    assert upload.valid and upload.describe() == ""
    assets = await wa.flows.assets(created.id)
    assert [a.asset_type for a in assets] == ["FLOW_JSON"]
    async with aiohttp.ClientSession() as http, http.get(assets[0].download_url or "") as r:
        assert json.loads(await r.read()) == FLOW_JSON
    assert (await wa.flows.get(created.id)).json_version == "7.1"
    assert await wa.flows.publish(created.id)
    assert fake.flows[created.id].status == "PUBLISHED"
    with pytest.raises(APIError) as refused:
        await wa.flows.update(created.id, name="renamed")
    assert refused.value.code == 139003
    with pytest.raises(APIError):
        await wa.flows.delete(created.id)
    assert await wa.flows.deprecate(created.id)
    assert (await wa.flows.get(created.id, fields=["status"])).status == "DEPRECATED"


async def test_a_draft_is_updated_and_deleted(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    created = await wa.flows.create("contact", ["CONTACT_US"],
                                    endpoint_uri="https://example.com/flow")
    assert await wa.flows.update(created.id, name="contact-us", categories=["OTHER"])
    flow = await wa.flows.get(created.id, fields=["name", "categories", "endpoint_uri"])
    assert (flow.name, flow.categories, flow.endpoint_uri) == (
        "contact-us", ["OTHER"], "https://example.com/flow")
    assert await wa.flows.delete(created.id)
    assert created.id not in fake.flows


async def test_create_with_json_and_publish_at_once(wa: WhatsAppClient) -> None:
    created = await wa.flows.create("quick", ["SURVEY"], flow_json=json.dumps(FLOW_JSON),
                                    publish=True)
    assert created.validation_errors == []
    assert (await wa.flows.get(created.id)).status == "PUBLISHED"


async def test_meta_validation_errors_are_typed_and_block_publishing(
        wa: WhatsAppClient) -> None:
    created = await wa.flows.create("broken", ["OTHER"])
    text = '{\n  "version": "7.1",\n  "initial-text": 1,\n  "screens": []\n}'
    upload = await wa.flows.upload_json(created.id, text, check=False)
    assert not upload.valid
    first = upload.validation_errors[0]
    assert (first.error, first.line_start, first.column_start) == ("INVALID_PROPERTY", 3, 3)
    assert str(first).startswith("line 3, columns 3-16: INVALID_PROPERTY: ")
    assert "screens" in upload.describe()
    flow = await wa.flows.get(created.id)
    assert [e.error for e in flow.validation_errors or []] == [
        "INVALID_PROPERTY", "MISSING_REQUIRED_PROPERTY"]
    with pytest.raises(APIError) as refused:
        await wa.flows.publish(created.id)
    assert refused.value.code == 139002


async def test_names_are_unique_per_account(wa: WhatsAppClient) -> None:
    await wa.flows.create("dup", ["OTHER"])
    with pytest.raises(APIError, match="not unique"):
        await wa.flows.create("dup", ["OTHER"])


async def test_list_follows_the_pages(wa: WhatsAppClient) -> None:
    ids = [(await wa.flows.create(f"flow-{i}", ["OTHER"])).id for i in range(5)]
    seen = [flow.id async for flow in wa.flows.list(page_size=2)]
    assert seen == ids
    named = [f.name async for f in wa.flows.list(fields=["name"])]
    assert named == [f"flow-{i}" for i in range(5)]


async def test_metrics_are_read(wa: WhatsAppClient) -> None:
    created = await wa.flows.create("measured", ["OTHER"])
    metric = await wa.flows.metrics(created.id, "ENDPOINT_REQUEST_COUNT", granularity="DAY",
                                    since="2026-11-01", until="2026-11-30")
    assert (metric.name, metric.granularity) == ("ENDPOINT_REQUEST_COUNT", "DAY")


async def test_public_key_round_trip(fake: FakeCloudAPI, wa: WhatsAppClient) -> None:
    assert (await wa.flows.get_public_key()).business_public_key_signature_status == "MISMATCH"
    pem = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"
    assert await wa.flows.set_public_key(pem)
    info = await wa.flows.get_public_key()
    assert (info.business_public_key, info.business_public_key_signature_status) == (
        pem, "VALID")
    assert fake.flow_public_keys[fake.phone_number_id] == pem


@pytest.mark.parametrize(("call", "field"), [
    (lambda wa: wa.flows.create("", ["OTHER"]), "name"),
    (lambda wa: wa.flows.create("x", []), "categories"),
    (lambda wa: wa.flows.create("x", "OTHER"), "categories"),
    (lambda wa: wa.flows.create("x", ["BOOKING"]), "categories"),
    (lambda wa: wa.flows.create("x", ["OTHER"], publish=True), "publish"),
    (lambda wa: wa.flows.create("x", ["OTHER"], endpoint_uri="http://e.com"), "endpoint_uri"),
    (lambda wa: wa.flows.get("../me"), "flow_id"),
    (lambda wa: wa.flows.get("1", fields=["nope"]), "fields"),
    (lambda wa: wa.flows.update("1"), "update"),
    (lambda wa: wa.flows.metrics("1", "NOPE"), "name"),
    (lambda wa: wa.flows.metrics("1", "ENDPOINT_AVAILABILITY", since="1/2/2026"), "since"),
    (lambda wa: wa.flows.set_public_key("ssh-rsa AAAA"), "public_key"),
    (lambda wa: wa.flows.upload_json("1", {"version": "7.1", "screens": []}), "screens"),
    (lambda wa: wa.flows.upload_json("1", "{not json"), "flow_json"),
])
async def test_bad_input_is_refused_before_any_request(
        fake: FakeCloudAPI, wa: WhatsAppClient, call: Any, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        await call(wa)
    assert refused.value.field == field
    assert fake.refusals == [] and fake.flows == {}


async def test_list_page_size_is_checked(wa: WhatsAppClient) -> None:
    with pytest.raises(ValidationError, match="page_size"):
        [f async for f in wa.flows.list(page_size=0)]


async def test_local_checks_name_every_problem(wa: WhatsAppClient) -> None:
    with pytest.raises(FlowJSONError) as refused:
        await wa.flows.create("x", ["OTHER"], flow_json={"screens": [{"id": "A"}]})
    assert [p.path for p in refused.value.problems] == ["version", "screens[0].layout",
                                                        "screens"]


async def test_flows_need_the_account(fake: FakeCloudAPI) -> None:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id,
                              base_url=fake.base_url) as wa:
        with pytest.raises(ConfigurationError, match="business_account_id"):
            await wa.flows.create("x", ["OTHER"])
        with pytest.raises(ConfigurationError, match="business_account_id"):
            [f async for f in wa.flows.list()]
