"""FakeCloudAPI over raw HTTP: every operation's happy path and its refusals."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.support import PHONE_NUMBER_ID, TOKEN
from whatsapp_async.testing import FakeCloudAPI

#: The fake's first number, short for the many raw URLs below.
NUMBER = PHONE_NUMBER_ID
AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytestmark = pytest.mark.fake_cloud_api(phone_numbers=(NUMBER, "2222222222"))


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        yield session


async def call(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as resp:
        return resp.status, await resp.json(content_type=None)


def text_message(to: str = "+15551234567", body: str = "Hello") -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def upload_form(data: bytes = b"\x89PNG fake image", mime: str = "image/png") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", mime)
    form.add_field("file", data, filename="photo.png", content_type=mime)
    return form


# ------------------------------------------------------------------ basics


async def test_base_url_carries_the_version_prefix(fake: FakeCloudAPI) -> None:
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/v21.0"


async def test_send_answers_a_wamid_and_records_the_message(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages",
                              json=text_message())
    assert status == 200
    message_id = body["messages"][0]["id"]
    assert message_id.startswith("wamid.")
    assert body["contacts"] == [{"input": "+15551234567", "wa_id": "15551234567"}]
    [record] = fake.sent
    assert (record.id, record.phone_number_id, record.to, record.type, record.text) == (
        message_id, NUMBER, "+15551234567", "text", "Hello")


async def test_wamids_are_unique(fake: FakeCloudAPI, http: aiohttp.ClientSession) -> None:
    for _ in range(5):
        await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=text_message())
    assert len({m.id for m in fake.sent}) == 5


async def test_same_seed_gives_same_ids(http: aiohttp.ClientSession) -> None:
    ids = []
    for _ in range(2):
        async with FakeCloudAPI(seed=7) as fake:
            await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=text_message())
            ids.append(fake.sent[0].id)
    assert ids[0] == ids[1]


async def test_template_send_reports_message_status(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    body = {"messaging_product": "whatsapp", "to": "15551234567", "type": "template",
            "template": {"name": "hello_world", "language": {"code": "en_US"}}}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert status == 200
    assert answer["messages"][0]["message_status"] == "accepted"


@pytest.mark.fake_cloud_api(templates=["order_update"])
async def test_unknown_template_is_refused_when_templates_are_listed(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    body = {"messaging_product": "whatsapp", "to": "15551234567", "type": "template",
            "template": {"name": "nope", "language": {"code": "en_US"}}}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert (status, answer["error"]["code"]) == (404, 132001)


async def test_mark_read_answers_success_and_is_not_a_sent_message(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    body = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.ABC",
            "typing_indicator": {"type": "text"}}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert (status, answer) == (200, {"success": True})
    assert fake.sent == []
    assert fake.read_marks[0].message_id == "wamid.ABC"
    assert fake.read_marks[0].typing_indicator


# ---------------------------------------------------------------- refusals


async def test_missing_token_is_refused_with_190(fake: FakeCloudAPI) -> None:
    async with aiohttp.ClientSession() as anonymous:
        status, body = await call(anonymous, "POST", f"{fake.base_url}/{NUMBER}/messages",
                                  json=text_message())
    assert (status, body["error"]["code"], body["error"]["type"]) == (401, 190, "OAuthException")
    assert fake.sent == []


async def test_wrong_token_is_refused_with_190(fake: FakeCloudAPI) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": "Bearer nope"}) as other:
        status, body = await call(other, "GET", f"{fake.base_url}/{NUMBER}")
    assert (status, body["error"]["code"]) == (401, 190)


async def test_error_body_carries_a_trace_id(fake: FakeCloudAPI, http: aiohttp.ClientSession
                                              ) -> None:
    async with http.get(f"{fake.base_url}/999") as resp:
        body = await resp.json()
        assert resp.headers["x-fb-trace-id"] == body["error"]["fbtrace_id"]


async def test_unknown_phone_number_id_is_refused_with_100(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/999/messages",
                              json=text_message())
    assert (status, body["error"]["code"], body["error"]["error_subcode"]) == (400, 100, 33)


async def test_unknown_path_is_refused_with_100(fake: FakeCloudAPI, http: aiohttp.ClientSession
                                                 ) -> None:
    status, body = await call(http, "GET", f"{fake.base_url}/{NUMBER}/nothing_here")
    assert (status, body["error"]["code"]) == (400, 100)


async def test_malformed_json_is_refused_with_100(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages",
                              data=b"{not json", headers={"Content-Type": "application/json"})
    assert (status, body["error"]["code"]) == (400, 100)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"messaging_product": "telegram"}, 100, "messaging_product"),
        ({"to": "hello"}, 100, "to"),
        ({"type": "fax"}, 100, "type"),
        ({"text": None}, 131008, "text"),
        ({"text": {"body": "x" * 4097}}, 100, "text.body"),
        ({"text": {"body": ""}}, 100, "text.body"),
        ({"biz_opaque_callback_data": "x" * 513}, 131009, "biz_opaque_callback_data"),
    ],
)
async def test_invalid_text_message_is_refused(
    fake: FakeCloudAPI, http: aiohttp.ClientSession, change: dict[str, Any], code: int,
    field: str,
) -> None:
    body = {**text_message(), **change}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert (status, answer["error"]["code"]) == (400, code)
    assert field in answer["error"]["message"] + answer["error"].get("error_data", {}).get(
        "details", "")
    assert fake.sent == []


def buttons(*titles: str) -> dict[str, Any]:
    return {"type": "button", "body": {"text": "Pick one"}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)
    ]}}


def list_message(rows: int, *, title: str = "Row") -> dict[str, Any]:
    return {"type": "list", "body": {"text": "Choose"}, "action": {
        "button": "Options",
        "sections": [{"title": "S", "rows": [
            {"id": f"r{i}", "title": title} for i in range(rows)]}],
    }}


@pytest.mark.parametrize(
    ("interactive", "field"),
    [
        (buttons("A", "B", "C", "D"), "interactive.action.buttons"),
        (buttons("x" * 21), "interactive.action.buttons[0].reply.title"),
        (buttons("Same", "Same"), "interactive.action.buttons[1].reply.title"),
        (list_message(11), "interactive.action.sections"),
        (list_message(1, title="t" * 25), "interactive.action.sections[0].rows[0].title"),
        ({**buttons("A"), "footer": {"text": "f" * 61}}, "interactive.footer.text"),
        ({**buttons("A"), "body": {"text": "b" * 1025}}, "interactive.body.text"),
    ],
)
async def test_interactive_over_limits_is_refused_with_131009(
    fake: FakeCloudAPI, http: aiohttp.ClientSession, interactive: dict[str, Any], field: str
) -> None:
    body = {"messaging_product": "whatsapp", "to": "15551234567", "type": "interactive",
            "interactive": interactive}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert (status, answer["error"]["code"]) == (400, 131009)
    assert answer["error"]["error_data"]["details"].startswith(field + ":")


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("image", {"link": "https://example.com/a.jpg", "caption": "c" * 1025}),
        ("audio", {"id": "123", "caption": "no captions on audio"}),
        ("image", {"id": "1", "link": "https://example.com/a.jpg"}),
        ("location", {"latitude": 91, "longitude": 0}),
        ("reaction", {"message_id": "wamid.X", "emoji": "not an emoji"}),
    ],
)
async def test_invalid_message_objects_are_refused_with_131009(
    fake: FakeCloudAPI, http: aiohttp.ClientSession, kind: str, payload: dict[str, Any]
) -> None:
    body = {"messaging_product": "whatsapp", "to": "15551234567", "type": kind, kind: payload}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert (status, answer["error"]["code"]) == (400, 131009)


async def test_media_message_without_id_or_link_is_refused_with_131008(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    body = {"messaging_product": "whatsapp", "to": "15551234567", "type": "image",
            "image": {"caption": "where is the picture?"}}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert (status, answer["error"]["code"]) == (400, 131008)


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("image", {"link": "https://example.com/a.jpg", "caption": "c" * 1024}),
        ("document", {"link": "https://example.com/a.pdf", "filename": "a.pdf"}),
        ("sticker", {"id": "555"}),
        ("location", {"latitude": -33.9, "longitude": 18.4, "name": "Cape Town"}),
        ("reaction", {"message_id": "wamid.X", "emoji": "\U0001f44d"}),
        ("reaction", {"message_id": "wamid.X", "emoji": ""}),
        ("interactive", list_message(10)),
        ("interactive", buttons("Yes", "No", "x" * 20)),
        ("template", {"name": "order", "language": {"code": "en_US"}, "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "t" * 1024}]},
            {"type": "button", "sub_type": "quick_reply", "index": "0",
             "parameters": [{"type": "payload", "payload": "STOP"}]},
        ]}),
    ],
)
async def test_valid_messages_at_the_limits_are_accepted(
    fake: FakeCloudAPI, http: aiohttp.ClientSession, kind: str, payload: dict[str, Any]
) -> None:
    body = {"messaging_product": "whatsapp", "to": "15551234567", "type": kind, kind: payload}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert status == 200, answer
    assert fake.sent[0].type == kind


async def test_contacts_message_needs_a_name_part_besides_the_formatted_name(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    body = {"messaging_product": "whatsapp", "to": "15551234567", "type": "contacts",
            "contacts": [{"name": {"formatted_name": "Ana"}}]}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert (status, answer["error"]["code"]) == (400, 131008)


async def test_contacts_message_needs_a_formatted_name(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    body = {"messaging_product": "whatsapp", "to": "15551234567", "type": "contacts",
            "contacts": [{"name": {"first_name": "Ana"}}]}
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=body)
    assert (status, answer["error"]["code"]) == (400, 131008)


# ------------------------------------------------------------------- media


async def test_media_upload_lookup_download_and_delete(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    data = b"\x89PNG" + bytes(range(256)) * 10
    status, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/media",
                                data=upload_form(data))
    assert status == 200
    media_id = answer["id"]
    status, info = await call(http, "GET", f"{fake.base_url}/{media_id}")
    assert status == 200
    assert info["sha256"] == hashlib.sha256(data).hexdigest()
    assert (info["file_size"], info["mime_type"], info["id"]) == (len(data), "image/png", media_id)
    async with http.get(info["url"]) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "image/png"
        assert await resp.read() == data
    status, answer = await call(http, "DELETE", f"{fake.base_url}/{media_id}")
    assert (status, answer) == (200, {"success": True})
    status, answer = await call(http, "GET", f"{fake.base_url}/{media_id}")
    assert (status, answer["error"]["code"]) == (400, 100)
    async with http.get(info["url"]) as resp:
        assert resp.status == 404


async def test_media_download_needs_the_bearer_token(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    _, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/media", data=upload_form())
    _, info = await call(http, "GET", f"{fake.base_url}/{answer['id']}")
    async with aiohttp.ClientSession() as anonymous, anonymous.get(info["url"]) as resp:
        assert resp.status == 401


async def test_media_url_expires_after_its_ttl(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    _, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/media", data=upload_form())
    _, info = await call(http, "GET", f"{fake.base_url}/{answer['id']}")
    fake.advance(301)
    async with http.get(info["url"]) as resp:
        assert resp.status == 404
    _, fresh = await call(http, "GET", f"{fake.base_url}/{answer['id']}")
    async with http.get(fresh["url"]) as resp:
        assert resp.status == 200


async def test_media_lookup_checks_the_owner_number(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    _, answer = await call(http, "POST", f"{fake.base_url}/{NUMBER}/media", data=upload_form())
    status, body = await call(http, "GET", f"{fake.base_url}/{answer['id']}",
                              params={"phone_number_id": "2222222222"})
    assert (status, body["error"]["code"]) == (400, 100)


async def test_media_upload_of_an_unsupported_type_is_refused(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/media",
                              data=upload_form(b"MZ", "application/x-msdownload"))
    assert (status, body["error"]["code"]) == (400, 100)
    assert fake.media == {}


async def test_media_upload_over_the_size_limit_is_refused(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    sticker = b"RIFF" + bytes(500 * 1024)
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/media",
                              data=upload_form(sticker, "image/webp"))
    assert (status, body["error"]["code"]) == (400, 131053)


async def test_unknown_media_id_is_refused_with_100(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "DELETE", f"{fake.base_url}/4242424242424242")
    assert (status, body["error"]["code"]) == (400, 100)


# ------------------------------------------------------- phone number, PIN


async def test_phone_number_info_default_fields(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "GET", f"{fake.base_url}/{NUMBER}")
    assert status == 200
    assert set(body) == {"id", "display_phone_number", "verified_name", "quality_rating"}


async def test_phone_number_info_requested_fields(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "GET", f"{fake.base_url}/{NUMBER}",
                              params={"fields": "throughput,platform_type,status"})
    assert status == 200
    assert body == {"throughput": {"level": "STANDARD"}, "platform_type": "CLOUD_API",
                    "status": "CONNECTED", "id": NUMBER}


async def test_phone_number_info_unknown_field_is_refused(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "GET", f"{fake.base_url}/{NUMBER}",
                              params={"fields": "favourite_colour"})
    assert (status, body["error"]["code"]) == (400, 100)


async def test_two_step_pin_is_stored(fake: FakeCloudAPI, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}", json={"pin": "135790"})
    assert (status, body) == (200, {"success": True})
    assert fake.numbers[NUMBER].pin == "135790"


@pytest.mark.parametrize("pin", ["12345", "1234567", "abcdef", None])
async def test_two_step_pin_must_be_six_digits(
    fake: FakeCloudAPI, http: aiohttp.ClientSession, pin: str | None
) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}", json={"pin": pin})
    assert (status, body["error"]["code"]) == (400, 100)
    assert fake.numbers[NUMBER].pin is None


# -------------------------------------------------------- business profile


async def test_business_profile_update_is_persisted(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    update = {"messaging_product": "whatsapp", "about": "Garden tools", "vertical": "RETAIL",
              "websites": ["https://example.com"], "email": "shop@example.com"}
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/whatsapp_business_profile",
                              json=update)
    assert (status, body) == (200, {"success": True})
    status, body = await call(http, "GET", f"{fake.base_url}/{NUMBER}/whatsapp_business_profile",
                              params={"fields": "about,vertical,websites,email"})
    assert status == 200
    assert body == {"data": [{"about": "Garden tools", "vertical": "RETAIL",
                              "websites": ["https://example.com"], "email": "shop@example.com",
                              "messaging_product": "whatsapp"}]}


@pytest.mark.parametrize(
    "change",
    [{"about": "a" * 140}, {"websites": ["https://a.com", "https://b.com", "https://c.com"]},
     {"vertical": "SPACESHIPS"}, {"email": "not-an-email"}, {"colour": "blue"}],
)
async def test_business_profile_invalid_update_is_refused(
    fake: FakeCloudAPI, http: aiohttp.ClientSession, change: dict[str, Any]
) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/whatsapp_business_profile",
                              json={"messaging_product": "whatsapp", **change})
    assert (status, body["error"]["code"]) == (400, 100)


# ------------------------------------------------------------ registration


async def test_registration_state_machine(fake: FakeCloudAPI, http: aiohttp.ClientSession
                                          ) -> None:
    base = f"{fake.base_url}/{NUMBER}"
    status, _ = await call(http, "POST", f"{base}/deregister",
                           json={"messaging_product": "whatsapp"})
    assert status == 200
    assert not fake.numbers[NUMBER].registered
    status, body = await call(http, "POST", f"{base}/messages", json=text_message())
    assert (status, body["error"]["code"]) == (400, 133010)
    status, _ = await call(http, "POST", f"{base}/request_code",
                           json={"code_method": "SMS", "language": "en_US"})
    assert status == 200
    code = fake.verification_code(NUMBER)
    assert code is not None and len(code) == 6
    status, body = await call(http, "POST", f"{base}/verify_code", json={"code": code})
    assert (status, body) == (200, {"success": True})
    status, _ = await call(http, "POST", f"{base}/register",
                           json={"messaging_product": "whatsapp", "pin": "123456"})
    assert status == 200
    assert fake.numbers[NUMBER].registered
    status, _ = await call(http, "POST", f"{base}/messages", json=text_message())
    assert status == 200


async def test_wrong_verification_code_is_refused(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    base = f"{fake.base_url}/{NUMBER}"
    await call(http, "POST", f"{base}/request_code", json={"code_method": "VOICE",
                                                           "language": "en_US"})
    wrong = "000000" if fake.verification_code(NUMBER) != "000000" else "111111"
    status, body = await call(http, "POST", f"{base}/verify_code", json={"code": wrong})
    assert (status, body["error"]["code"]) == (400, 136025)


async def test_request_code_needs_a_known_method(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/request_code",
                              json={"code_method": "PIGEON", "language": "en_US"})
    assert (status, body["error"]["code"]) == (400, 100)


async def test_register_with_a_pin_other_than_the_two_step_pin_is_refused(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    await call(http, "POST", f"{fake.base_url}/{NUMBER}", json={"pin": "111111"})
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/register",
                              json={"messaging_product": "whatsapp", "pin": "222222"})
    assert (status, body["error"]["code"]) == (400, 133005)


@pytest.mark.fake_cloud_api(register_budget=3)
async def test_register_budget_is_enforced_with_133016(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    url = f"{fake.base_url}/{NUMBER}/deregister"
    statuses = [(await call(http, "POST", url, json={"messaging_product": "whatsapp"}))[0]
                for _ in range(3)]
    status, body = await call(http, "POST", url, json={"messaging_product": "whatsapp"})
    assert statuses == [200, 200, 200]
    assert (status, body["error"]["code"]) == (400, 133016)
    fake.advance(72 * 3600 + 1)
    status, _ = await call(http, "POST", url, json={"messaging_product": "whatsapp"})
    assert status == 200


# ---------------------------------------------------------------- QR codes


async def test_qr_code_crud(fake: FakeCloudAPI, http: aiohttp.ClientSession) -> None:
    base = f"{fake.base_url}/{NUMBER}/message_qrdls"
    status, created = await call(http, "POST", base, json={"prefilled_message": "Hi there",
                                                           "generate_qr_image": "PNG"})
    assert status == 200
    code = created["code"]
    assert len(code) == 14
    assert created["deep_link_url"] == f"https://wa.me/message/{code}"
    async with http.get(created["qr_image_url"]) as resp:
        assert (resp.status, resp.content_type) == (200, "image/png")
    status, listed = await call(http, "GET", base)
    assert [q["code"] for q in listed["data"]] == [code]
    status, updated = await call(http, "POST", f"{base}/{code}", json={"prefilled_message": "Yo"})
    assert updated["prefilled_message"] == "Yo"
    status, one = await call(http, "GET", f"{base}/{code}")
    assert one["data"][0]["prefilled_message"] == "Yo"
    status, deleted = await call(http, "DELETE", f"{base}/{code}")
    assert (status, deleted) == (200, {"success": True})
    status, gone = await call(http, "GET", f"{base}/{code}")
    assert (status, gone["error"]["code"]) == (400, 100)


async def test_qr_code_message_over_140_characters_is_refused(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "POST", f"{fake.base_url}/{NUMBER}/message_qrdls",
                              json={"prefilled_message": "m" * 141, "generate_qr_image": "SVG"})
    assert (status, body["error"]["code"]) == (400, 100)
    assert fake.qr_codes == {}


async def test_qr_codes_are_per_number(fake: FakeCloudAPI, http: aiohttp.ClientSession) -> None:
    _, created = await call(http, "POST", f"{fake.base_url}/{NUMBER}/message_qrdls",
                            json={"prefilled_message": "Hi", "generate_qr_image": "SVG"})
    status, body = await call(http, "GET",
                              f"{fake.base_url}/2222222222/message_qrdls/{created['code']}")
    assert (status, body["error"]["code"]) == (400, 100)


async def test_reset_starts_afresh(fake: FakeCloudAPI, http: aiohttp.ClientSession) -> None:
    await call(http, "POST", f"{fake.base_url}/{NUMBER}/messages", json=text_message())
    await call(http, "POST", f"{fake.base_url}/{NUMBER}/deregister",
               json={"messaging_product": "whatsapp"})
    fake.reset()
    assert fake.sent == []
    assert fake.numbers[NUMBER].registered
    assert not fake.numbers[NUMBER].register_calls


async def test_reset_does_not_reissue_message_ids(
    fake: FakeCloudAPI, http: aiohttp.ClientSession
) -> None:
    # Webhook receivers dedupe on wamids: a repeated id after reset() would
    # make a long-lived router drop the new message as a redelivery.
    url = f"{fake.base_url}/{NUMBER}/messages"
    _, before = await call(http, "POST", url, json=text_message())
    fake.reset()
    _, after = await call(http, "POST", url, json=text_message())
    assert after["messages"][0]["id"] != before["messages"][0]["id"]
