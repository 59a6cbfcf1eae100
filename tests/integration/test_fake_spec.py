"""The fake answers every operation of the seed spec with shapes its schemas accept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.support import PHONE_NUMBER_ID, TOKEN
from whatsapp_async.testing import OPENAPI_SPEC, FakeCloudAPI

SPEC_PATH = OPENAPI_SPEC

#: Top-level answer fields the fake sends beyond the spec's schema, on purpose:
#: the single-code QR GET wraps the code in "data" as Meta's own spec and docs do.
EXTRA_FIELDS = {"getQrCode": {"data"}}


def _resolve(node: Any, spec: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolve(target, spec)
        return {k: _resolve(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, spec) for v in node]
    return node


@pytest.fixture(scope="module")
def operations() -> dict[str, dict[str, Any]]:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = {}
    for ops in spec["paths"].values():
        for op in ops.values():
            responses = {}
            for status, response in op["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema is not None:
                    responses[status] = _resolve(schema, spec)
            found[op["operationId"]] = responses
    return found


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as s:
        yield s


async def _exercise(fake: FakeCloudAPI, http: aiohttp.ClientSession
                    ) -> dict[str, tuple[int, Any]]:
    """Call every operation once, in an order that makes each succeed."""
    base = f"{fake.base_url}/{PHONE_NUMBER_ID}"
    answers: dict[str, tuple[int, Any]] = {}

    async def call(op: str, method: str, url: str, **kwargs: Any) -> Any:
        async with http.request(method, url, **kwargs) as resp:
            body = await resp.json()
            answers[op] = (resp.status, body)
            return body

    await call("sendMessage", "POST", f"{base}/messages", json={
        "messaging_product": "whatsapp", "to": "+15551234567", "type": "text",
        "text": {"body": "hi"}})
    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", "application/pdf")
    form.add_field("file", b"%PDF-1.4 fake", filename="a.pdf", content_type="application/pdf")
    media_id = (await call("uploadMedia", "POST", f"{base}/media", data=form))["id"]
    await call("getMediaUrl", "GET", f"{fake.base_url}/{media_id}")
    await call("deleteMedia", "DELETE", f"{fake.base_url}/{media_id}")
    await call("getPhoneNumber", "GET", base, params={"fields": (
        "id,verified_name,display_phone_number,quality_rating,code_verification_status,"
        "platform_type,throughput,is_official_business_account")})
    await call("setTwoStepVerification", "POST", base, json={"pin": "123456"})
    await call("updateBusinessProfile", "POST", f"{base}/whatsapp_business_profile", json={
        "messaging_product": "whatsapp", "about": "About us", "email": "a@example.com",
        "websites": ["https://example.com"], "vertical": "RETAIL",
        "profile_picture_handle": "h1"})
    await call("getBusinessProfile", "GET", f"{base}/whatsapp_business_profile", params={
        "fields": "about,address,description,email,profile_picture_url,websites,vertical"})
    await call("requestVerificationCode", "POST", f"{base}/request_code",
               json={"code_method": "SMS", "language": "en_US"})
    await call("verifyCode", "POST", f"{base}/verify_code",
               json={"code": fake.verification_code()})
    await call("deregisterPhoneNumber", "POST", f"{base}/deregister",
               json={"messaging_product": "whatsapp"})
    await call("registerPhoneNumber", "POST", f"{base}/register",
               json={"messaging_product": "whatsapp", "pin": "123456"})
    code = (await call("createQrCode", "POST", f"{base}/message_qrdls",
                       json={"prefilled_message": "Hi", "generate_qr_image": "SVG"}))["code"]
    await call("listQrCodes", "GET", f"{base}/message_qrdls")
    await call("getQrCode", "GET", f"{base}/message_qrdls/{code}")
    await call("updateQrCode", "POST", f"{base}/message_qrdls/{code}",
               json={"prefilled_message": "Hello"})
    await call("deleteQrCode", "DELETE", f"{base}/message_qrdls/{code}")
    return answers


async def test_every_spec_operation_is_served(
    fake: FakeCloudAPI, http: aiohttp.ClientSession, operations: dict[str, Any]
) -> None:
    answers = await _exercise(fake, http)
    assert set(answers) == set(operations)
    assert {op: status for op, (status, _) in answers.items()} == dict.fromkeys(answers, 200)


async def test_success_answers_validate_against_the_spec(
    fake: FakeCloudAPI, http: aiohttp.ClientSession, operations: dict[str, Any]
) -> None:
    answers = await _exercise(fake, http)
    for op, (_, body) in answers.items():
        schema = operations[op]["200"]
        errors = list(Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(body))
        assert errors == [], f"{op}: {errors[0].message}"
        declared = set(schema.get("properties", {}))
        extra = set(body) - declared - EXTRA_FIELDS.get(op, set())
        assert not extra, f"{op} answers fields the spec does not declare: {extra}"


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, {"messaging_product": "whatsapp", "to": "1", "type": "text"}, "400"),
        ({"Authorization": "Bearer wrong"}, {}, "401"),
    ],
)
async def test_error_answers_validate_against_the_spec(
    fake: FakeCloudAPI, operations: dict[str, Any], headers: dict[str, str],
    body: dict[str, Any], status: str,
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", **headers}
    async with aiohttp.ClientSession(headers=headers) as http, http.post(
            f"{fake.base_url}/{PHONE_NUMBER_ID}/messages", json=body) as resp:
        answer = await resp.json()
        assert str(resp.status) == status
    Draft202012Validator(operations["sendMessage"][status]).validate(answer)
    assert set(answer["error"]) >= {"message", "type", "code", "fbtrace_id"}
