"""Conformance of wa.flows: every Flows operation through the library, against Prism.

Prism serves ``tests/fixtures/openapi/flows.yaml`` (the Flows paths, forms and
answers of Meta's v23.0 spec) and refuses a request that does not match it
(422/415/400/401), so a 2xx here means the library sent what Graph asks for.
Static answers are the spec's examples or placeholders: the checks look at
shapes, not values.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import yaml

from tests.support import FIXTURES, TOKEN
from whatsapp_async import RetryPolicy, WhatsAppClient
from whatsapp_async.types.flows import Flow, FlowAsset, FlowCreated, FlowJSONUpload

SPEC = FIXTURES / "openapi" / "flows.yaml"
FLOW = "1234567890123456"
WABA = "102290129340398"
NUMBER = "106540352242922"
FLOW_JSON = {"version": "7.1", "screens": [{
    "id": "ONLY", "terminal": True, "layout": {"type": "SingleColumnLayout", "children": []}}]}
PEM = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"


@pytest.fixture(scope="module")
def prism_flows_url() -> Iterator[str]:
    from tests.prism_server import PrismServer, PrismUnavailable, prism_missing

    reason = prism_missing()
    if reason is not None:
        pytest.skip(reason)
    server = PrismServer(spec=SPEC)
    try:
        server.start()
    except PrismUnavailable as exc:
        pytest.skip(f"Prism conformance skipped: {exc}")
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
async def wa(prism_flows_url: str) -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(TOKEN, NUMBER, business_account_id=WABA,
                              base_url=prism_flows_url,
                              retry=RetryPolicy.disabled()) as client:
        yield client


async def test_list(wa: WhatsAppClient) -> None:
    flows = [flow async for flow in wa.flows.list(page_size=10)]
    assert flows and all(isinstance(f, Flow) for f in flows)


async def test_create(wa: WhatsAppClient) -> None:
    created = await wa.flows.create("signup", ["SIGN_UP", "OTHER"],
                                    endpoint_uri="https://example.com/flow",
                                    flow_json=FLOW_JSON, publish=True)
    assert isinstance(created, FlowCreated) and created.id


async def test_get(wa: WhatsAppClient) -> None:
    flow = await wa.flows.get(FLOW)
    assert isinstance(flow, Flow) and flow.id


async def test_update(wa: WhatsAppClient) -> None:
    assert await wa.flows.update(FLOW, name="renamed", categories=["OTHER"]) in (True, False)


async def test_upload_json_and_assets(wa: WhatsAppClient) -> None:
    upload = await wa.flows.upload_json(FLOW, FLOW_JSON)
    assert isinstance(upload, FlowJSONUpload)
    assets = await wa.flows.assets(FLOW)
    assert all(isinstance(a, FlowAsset) for a in assets)


async def test_publish_deprecate_delete(wa: WhatsAppClient) -> None:
    for outcome in (await wa.flows.publish(FLOW), await wa.flows.deprecate(FLOW),
                    await wa.flows.delete(FLOW)):
        assert isinstance(outcome, bool)


async def test_public_key(wa: WhatsAppClient) -> None:
    assert isinstance(await wa.flows.set_public_key(PEM), bool)
    info = await wa.flows.get_public_key()
    assert info.business_public_key_signature_status in ("VALID", "MISMATCH")


def test_every_operation_has_a_case() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    operations = {op["operationId"] for ops in spec["paths"].values()
                  for key, op in ops.items() if key != "parameters"}
    assert operations == {
        "listFlows", "createFlow", "getFlow", "updateFlowMetadata", "deleteFlow",
        "listAssetsGetFlowJsonUrl", "updateFlowJson", "publishFlow", "deprecateFlow",
        "getBusinessEncryptionPublicKey", "setBusinessEncryptionPublicKey",
    }
