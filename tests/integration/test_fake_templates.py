"""``wa.templates`` against the fake, the fake's template checks, and pre-flight."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from whatsapp_async import ConfigurationError, TemplateError, ValidationError, WhatsAppClient
from whatsapp_async.bulk import Recipient
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.types.messages import (
    BodyComponent,
    ButtonComponent,
    HeaderComponent,
    ImageParameter,
    PayloadParameter,
    TextParameter,
)
from whatsapp_async.types.messages import Image as ImageMedia
from whatsapp_async.types.templates import (
    BodyExample,
    HeaderExample,
    QuickReplyButton,
    TemplateBody,
    TemplateButtons,
    TemplateDefinition,
    TemplateHeader,
    UrlButton,
)

#: The template of issue 15's "Done when".
ORDER_UPDATE: dict[str, Any] = {
    "name": "order_update", "language": "en_US", "category": "UTILITY", "status": "APPROVED",
    "components": [{"type": "BODY", "text": "Hi {{1}}, order {{2}} shipped",
                    "example": {"body_text": [["Ann", "4711"]]}}],
}
PROMO: dict[str, Any] = {
    "name": "promo", "language": "en_US", "category": "MARKETING", "status": "APPROVED",
    "components": [
        {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1n"]}},
        {"type": "BODY", "text": "Hi {{first_name}}, see what is new.",
         "example": {"body_text_named_params": [{"param_name": "first_name",
                                                 "example": "Ann"}]}},
        {"type": "BUTTONS", "buttons": [
            {"type": "QUICK_REPLY", "text": "Stop"},
            {"type": "URL", "text": "Shop", "url": "https://example.com/{{1}}",
             "example": ["https://example.com/spring"]},
        ]},
    ],
    "parameter_format": "NAMED",
}
TO = "+15551234567"


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudAPI]:
    async with FakeCloudAPI(templates=[ORDER_UPDATE, PROMO]) as server:
        yield server


@pytest.fixture
async def wa(fake: FakeCloudAPI) -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=fake.base_url,
                              business_account_id=fake.waba_id) as client:
        yield client


def rows(*params: list[str]) -> list[Recipient]:
    return [Recipient(f"+1555000{i:04d}", params=p) for i, p in enumerate(params)]


# ----------------------------------------------------------------------------- issue 15, Done when


async def test_done_when_a_one_parameter_broadcast_is_refused_before_any_send(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    report = await wa.broadcast(rows(["Ann"], ["Bob"], ["Cy"]), template="order_update",
                                preflight=True)
    assert len(fake.sent) == 0
    assert report.sent == 0 and report.skipped == 3
    assert report.errors == {"ValidationError": 3}
    assert fake.refusals == []  # refused here, not by the API


async def test_done_when_a_two_parameter_broadcast_is_sent_in_full(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    report = await wa.broadcast(rows(["Ann", "4711"], ["Bob", "4712"]), template="order_update",
                                preflight=True)
    assert report.sent == 2 and len(fake.sent) == 2
    texts = [p["text"] for p in fake.sent[1].body["template"]["components"][0]["parameters"]]
    assert texts == ["Bob", "4712"]


async def test_done_when_list_yields_order_update(wa: WhatsAppClient) -> None:
    names = [t.name async for t in wa.templates.list()]
    assert "order_update" in names
    [found] = [t async for t in wa.templates.list(name="order_update")]
    assert found.status == "APPROVED" and found.category == "UTILITY"
    assert isinstance(found.components and found.components[0], TemplateBody)


async def test_done_when_create_get_edit_delete_round_trip(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    created = await wa.templates.create(
        "spring_sale", language="en_US", category="MARKETING",
        components=[
            TemplateHeader(format="TEXT", text="Spring sale"),
            TemplateBody(text="Hi {{1}}, 20% off today only.",
                         example=BodyExample(body_text=[["Ann"]])),
            TemplateButtons(buttons=[QuickReplyButton(text="Stop promotions")]),
        ],
    )
    assert created.status == "PENDING" and created.category == "MARKETING"
    got = await wa.templates.get(created.id)
    assert (got.name, got.language, got.status) == ("spring_sale", "en_US", "PENDING")
    assert got.components is not None and len(got.components) == 3
    assert await wa.templates.edit(created.id, components=[
        TemplateBody(text="Hi {{1}}, 30% off today only.", example=BodyExample(body_text=[["A"]]))
    ])
    edited = await wa.templates.get(created.id)
    assert edited.components == [TemplateBody(text="Hi {{1}}, 30% off today only.",
                                              example=BodyExample(body_text=[["A"]]))]
    assert await wa.templates.delete(name="spring_sale")
    assert [t.name async for t in wa.templates.list()] == ["order_update", "promo"]


# ----------------------------------------------------------------------------- the resource


async def test_list_follows_the_pages(wa: WhatsAppClient, fake: FakeCloudAPI) -> None:
    for i in range(4):
        await wa.templates.create(TemplateDefinition(
            name=f"note_{i}", language="en_US", category="UTILITY",
            components=[TemplateBody(text=f"Note number {i} for you")]))
    names = [t.name async for t in wa.templates.list(page_size=2)]
    assert names == ["order_update", "promo", "note_0", "note_1", "note_2", "note_3"]
    pending = [t.name async for t in wa.templates.list(status="PENDING", category="UTILITY")]
    assert pending == ["note_0", "note_1", "note_2", "note_3"]


async def test_list_filters_are_checked_before_any_request(wa: WhatsAppClient) -> None:
    with pytest.raises(ValidationError) as info:
        wa.templates.list(status="LIVE")
    assert info.value.field == "status"


async def test_create_breaking_a_rule_sends_nothing(wa: WhatsAppClient, fake: FakeCloudAPI
                                                    ) -> None:
    with pytest.raises(ValidationError) as info:
        await wa.templates.create("bad", language="en_US", category="UTILITY",
                                  components=[TemplateBody(text="Hi {{1}}, welcome here")])
    assert info.value.field == "BODY.example"
    assert fake.template_book.find("bad", "en_US") is None


async def test_the_fake_refuses_a_template_against_the_rules_and_a_duplicate(
    wa: WhatsAppClient, fake: FakeCloudAPI
) -> None:
    from whatsapp_async import InvalidParameterError

    with pytest.raises(InvalidParameterError):
        await wa.templates.create(TemplateDefinition(
            name="order_update", language="en_US", category="UTILITY",
            components=[TemplateBody(text="Again and again")]))


async def test_delete_by_id_removes_one_language(wa: WhatsAppClient, fake: FakeCloudAPI) -> None:
    for language in ("en_US", "de"):
        await wa.templates.create("hello", language=language, category="UTILITY",
                                  components=[TemplateBody(text="Hello there")])
    german = fake.template("hello", "de")
    assert await wa.templates.delete(template_id=german.id)
    assert [t.language async for t in wa.templates.list(name="hello")] == ["en_US"]


async def test_account_bound_calls_need_a_business_account(fake: FakeCloudAPI) -> None:
    async with WhatsAppClient(fake.access_token, fake.phone_number_id,
                              base_url=fake.base_url) as client:
        with pytest.raises(ConfigurationError):
            [t async for t in client.templates.list()]
        with pytest.raises(ConfigurationError):
            await client.messages.send_template(TO, "order_update", preflight=True)
        view = client.for_account(fake.waba_id)
        assert [t.name async for t in view.templates.list(name="promo")] == ["promo"]


# ----------------------------------------------------------------------------- the fake refuses


async def test_the_fake_refuses_sends_as_meta_does(wa: WhatsAppClient, fake: FakeCloudAPI
                                                   ) -> None:
    def body(*values: str, named: bool = False) -> list[Any]:
        return [BodyComponent(parameters=[
            TextParameter(text=v, parameter_name="first_name") if named else TextParameter(text=v)
            for v in values])]

    cases: list[tuple[int, Any]] = [
        (132001, wa.messages.send_template(TO, "nope")),
        (132001, wa.messages.send_template(TO, "order_update", language="de")),
        (132000, wa.messages.send_template(TO, "order_update", components=body("Ann"))),
        (132012, wa.messages.send_template(TO, "order_update", components=[
            BodyComponent(parameters=[TextParameter(text="Ann", parameter_name="a"),
                                      TextParameter(text="1", parameter_name="b")])])),
        (132005, wa.messages.send_template(TO, "order_update", components=body("A" * 1000,
                                                                                "B" * 100))),
        (132007, wa.messages.send_template(TO, "order_update", components=body("Ann\nX", "1"))),
        (132012, wa.messages.send_template(TO, "promo", components=[
            HeaderComponent(parameters=[TextParameter(text="not an image")]),
            *body("Ann", named=True)])),
    ]
    for code, call in cases:
        with pytest.raises(TemplateError) as info:
            await call
        assert info.value.code == code
    assert fake.sent == []
    fake.pause_template("order_update")
    with pytest.raises(TemplateError) as info:
        await wa.messages.send_template(TO, "order_update", components=body("Ann", "1"))
    assert info.value.code == 132015
    fake.set_template_status("order_update", "DISABLED")
    with pytest.raises(TemplateError) as info:
        await wa.messages.send_template(TO, "order_update", components=body("Ann", "1"))
    assert info.value.code == 132016


async def test_a_permissive_fake_accepts_unknown_templates_but_checks_known_ones() -> None:
    async with FakeCloudAPI(templates=[ORDER_UPDATE], permissive_templates=True) as fake, \
            WhatsAppClient(fake.access_token, fake.phone_number_id,
                           base_url=fake.base_url) as client:
        await client.messages.send_template(TO, "anything")
        with pytest.raises(TemplateError):
            await client.messages.send_template(TO, "order_update")
        assert len(fake.sent) == 1


async def test_without_templates_the_fake_accepts_any_template() -> None:
    async with FakeCloudAPI() as fake, WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url) as client:
        await client.messages.send_template(TO, "spring_sale")
        assert fake.permissive_templates and len(fake.sent) == 1


async def test_reset_restores_the_initial_templates(wa: WhatsAppClient, fake: FakeCloudAPI
                                                    ) -> None:
    await wa.templates.create("extra", language="en_US", category="UTILITY",
                              components=[TemplateBody(text="Extra text here")])
    fake.pause_template("order_update")
    fake.reset()
    assert [t.name async for t in wa.templates.list()] == ["order_update", "promo"]
    assert fake.template("order_update").status == "APPROVED"


# ----------------------------------------------------------------------------- pre-flight


async def test_preflight_send_names_template_component_and_parameter(
    wa: WhatsAppClient, fake: FakeCloudAPI
) -> None:
    with pytest.raises(ValidationError) as info:
        await wa.messages.send_template(TO, "order_update", preflight=True,
                                        components=[BodyComponent(parameters=[
                                            TextParameter(text="Ann")])])
    assert info.value.field == "template.components[body].parameters"
    assert "'order_update'" in info.value.rule and "BODY expects 2" in info.value.rule
    assert fake.sent == [] and fake.refusals == []


async def test_preflight_checks_header_names_and_buttons(wa: WhatsAppClient,
                                                         fake: FakeCloudAPI) -> None:
    image = HeaderComponent(parameters=[ImageParameter(image=ImageMedia(
        link="https://example.com/a.jpg"))])
    named = BodyComponent(parameters=[TextParameter(text="Ann", parameter_name="first_name")])
    url = ButtonComponent(sub_type="url", index="1", parameters=[TextParameter(text="spring")])
    bad: list[tuple[list[Any], str]] = [
        ([named, url], "template.components[header].parameters"),
        ([image, BodyComponent(parameters=[TextParameter(text="Ann")]), url],
         "template.components[body].parameters[0].parameter_name"),
        ([image, named], "template.components[button 1]"),
        ([image, named, ButtonComponent(sub_type="quick_reply", index="1",
                                        parameters=[PayloadParameter(payload="x")])],
         "template.components[button 1].sub_type"),
        ([image, named, url, ButtonComponent(sub_type="url", index="5", parameters=[
            TextParameter(text="x")])], "template.components[button 5].index"),
    ]
    for components, field in bad:
        with pytest.raises(ValidationError) as info:
            await wa.messages.send_template(TO, "promo", components=components, preflight=True)
        assert info.value.field == field, info.value
    await wa.messages.send_template(TO, "promo", components=[image, named, url], preflight=True)
    assert len(fake.sent) == 1


async def test_preflight_refuses_unknown_and_paused_templates(
    wa: WhatsAppClient, fake: FakeCloudAPI
) -> None:
    with pytest.raises(ValidationError) as info:
        await wa.messages.send_template(TO, "nope", preflight=True)
    assert "does not exist" in info.value.rule
    fake.pause_template("order_update")
    with pytest.raises(ValidationError) as info:
        await wa.broadcast(rows(["Ann", "1"]), template="order_update", preflight=True)
    assert info.value.field == "template.status" and "PAUSED" in info.value.rule
    assert fake.sent == []


async def test_preflight_fetches_the_definition_once(wa: WhatsAppClient,
                                                     fake: FakeCloudAPI) -> None:
    seen: list[str] = []

    async def count(attempt: Any, call_next: Any) -> Any:
        answer = await call_next(attempt)
        seen.append(f"{answer.method} {answer.path}")
        return answer

    view = wa.with_middleware(count)
    for _ in range(3):
        await view.messages.send_template(
            TO, "order_update", preflight=True,
            components=[BodyComponent(parameters=[TextParameter(text="A"),
                                                  TextParameter(text="1")])])
    assert seen.count(f"GET /{fake.waba_id}/message_templates") == 1
    assert len(fake.sent) == 3


# ----------------------------------------------------------------------------- status webhooks


async def test_status_changes_post_message_template_status_update() -> None:
    from aiohttp import web

    received: list[Any] = []

    async def handle(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with FakeCloudAPI(templates=[ORDER_UPDATE], webhook_url=url) as fake:
            stored = fake.template("order_update")
            fake.reject_template("order_update", reason="INCORRECT_CATEGORY")
            fake.approve_template("order_update")
            await fake.flush_webhooks()
    finally:
        await runner.cleanup()
    changes = [p["entry"][0]["changes"][0] for p in received]
    assert [c["field"] for c in changes] == ["message_template_status_update"] * 2
    assert changes[0]["value"] == {
        "event": "REJECTED", "message_template_id": int(stored.id),
        "message_template_name": "order_update", "message_template_language": "en_US",
        "reason": "INCORRECT_CATEGORY",
    }
    assert changes[1]["value"]["event"] == "APPROVED"
    assert received[0]["entry"][0]["id"] == fake.waba_id


async def test_templates_given_as_structs(fake: FakeCloudAPI) -> None:
    definition = TemplateDefinition(
        name="welcome", language="en_US", category="MARKETING",
        components=[TemplateHeader(format="IMAGE", example=HeaderExample(header_handle=["h"])),
                    TemplateBody(text="Welcome aboard, friend!"),
                    TemplateButtons(buttons=[UrlButton(text="Open", url="https://e.com")])])
    async with FakeCloudAPI(templates=[definition]) as other, WhatsAppClient(
            other.access_token, other.phone_number_id, base_url=other.base_url) as client:
        with pytest.raises(TemplateError) as info:
            await client.messages.send_template(TO, "welcome")  # no image header
        assert info.value.code == 132000
        assert other.template("welcome").status == "APPROVED"


# ----------------------------------------------------------------------------- sandbox --templates


def test_sandbox_refuses_a_templates_file_that_is_not_a_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from whatsapp_async.testing.__main__ import main

    bad = tmp_path / "t.json"
    bad.write_text(json.dumps([{"name": "x", "language": "en_US"}]), encoding="utf-8")
    # A usage error (exit 2) before anything is served, naming the item and field.
    with pytest.raises(SystemExit) as info:
        main(["--templates", str(bad)])
    assert info.value.code == 2
    assert "templates[0].components" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["--templates", str(tmp_path / "missing.json")])
    assert info.value.code == 2


def test_sandbox_serves_the_templates_of_its_file(tmp_path: Path) -> None:
    file = tmp_path / "t.json"
    file.write_text(json.dumps([ORDER_UPDATE]), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "whatsapp_async.testing", "--port", "0", "--templates",
         str(file)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
        lines = [proc.stdout.readline().strip() for _ in range(5)]
        [account] = [x.split("=", 1)[1] for x in lines
                     if x.startswith("WHATSAPP_BUSINESS_ACCOUNT_ID=")]
        request = urllib.request.Request(f"{base_url}/{account}/message_templates",
                                         headers={"Authorization": "Bearer test-token"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert [t["name"] for t in json.loads(resp.read())["data"]] == ["order_update"]
        send = urllib.request.Request(
            f"{base_url}/1234567890/messages", method="POST",
            headers={"Authorization": "Bearer test-token", "Content-Type": "application/json"},
            data=json.dumps({"messaging_product": "whatsapp", "to": "+15551234567",
                             "type": "template", "template": {
                                 "name": "spring_sale", "language": {"code": "en_US"}}}).encode(),
        )
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(send, timeout=10)
        assert json.loads(info.value.read())["error"]["code"] == 132001
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


AUTH: dict[str, Any] = {
    "name": "login_code", "language": "en_US", "category": "AUTHENTICATION", "status": "APPROVED",
    "components": [
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "FOOTER", "code_expiration_minutes": 5},
        {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE",
                                         "text": "Copy code"}]},
    ],
}


async def test_an_authentication_template_takes_the_code_in_body_and_button() -> None:
    async with FakeCloudAPI(templates=[AUTH]) as fake, WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url,
            business_account_id=fake.waba_id) as client:
        code = [BodyComponent(parameters=[TextParameter(text="123456")]),
                ButtonComponent(sub_type="url", index="0",
                                parameters=[TextParameter(text="123456")])]
        await client.messages.send_template(TO, "login_code", components=code, preflight=True)
        with pytest.raises(ValidationError):
            await client.messages.send_template(TO, "login_code", components=code[1:],
                                                preflight=True)
        with pytest.raises(TemplateError) as info:
            await client.messages.send_template(TO, "login_code", components=code[1:])
        assert info.value.code == 132000
        assert len(fake.sent) == 1


async def test_preflight_does_not_remember_a_missing_template(wa: WhatsAppClient) -> None:
    with pytest.raises(ValidationError):
        await wa.messages.send_template(TO, "fresh", preflight=True)
    await wa.templates.create("fresh", language="en_US", category="UTILITY",
                              components=[TemplateBody(text="Fresh text here")])
    with pytest.raises(ValidationError) as info:
        await wa.messages.send_template(TO, "fresh", preflight=True)
    assert "PENDING" in info.value.rule  # found now, but not approved yet


async def test_preflight_refetches_after_the_ttl(wa: WhatsAppClient, fake: FakeCloudAPI) -> None:
    from whatsapp_async.resources._template_preflight import template_cache

    params = [BodyComponent(parameters=[TextParameter(text="A"), TextParameter(text="1")])]
    await wa.messages.send_template(TO, "order_update", components=params, preflight=True)
    fake.pause_template("order_update")
    # Within the TTL the cached (approved) definition is trusted; the API refuses instead.
    with pytest.raises(TemplateError) as refused:
        await wa.messages.send_template(TO, "order_update", components=params, preflight=True)
    assert refused.value.code == 132015
    cache = template_cache(wa)
    cache.ttl = 0.0
    with pytest.raises(ValidationError) as info:
        await wa.messages.send_template(TO, "order_update", components=params, preflight=True)
    assert "PAUSED" in info.value.rule


def test_the_fake_keeps_the_templates_it_was_given() -> None:
    assert FakeCloudAPI(templates=["a"]).templates == ("a",)
    assert FakeCloudAPI().templates is None


CAROUSEL: dict[str, Any] = {
    "name": "cards", "language": "en_US", "category": "MARKETING", "status": "APPROVED",
    "components": [
        {"type": "BODY", "text": "Rare succulents for sale."},
        {"type": "CAROUSEL", "cards": [{"components": [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["h"]}},
            {"type": "BODY", "text": "Use code {{1}} today.", "example": {"body_text": [["A"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "More"}]},
        ]}] * 2},
    ],
}
COUPON: dict[str, Any] = {
    "name": "coupon", "language": "en_US", "category": "MARKETING", "status": "APPROVED",
    "components": [{"type": "BODY", "text": "Your code is ready, friend."},
                   {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "X1"}]}],
}


async def test_preflight_checks_copy_code_and_carousel_cards() -> None:
    from whatsapp_async.types.messages import (
        CarouselCard,
        CarouselComponent,
        CouponCodeParameter,
    )

    def card(i: int, *params: str) -> CarouselCard:
        return CarouselCard(card_index=i, components=[
            HeaderComponent(parameters=[ImageParameter(image=ImageMedia(id="1"))]),
            BodyComponent(parameters=[TextParameter(text=p) for p in params]),
        ])

    async with FakeCloudAPI(templates=[CAROUSEL, COUPON]) as fake, WhatsAppClient(
            fake.access_token, fake.phone_number_id, base_url=fake.base_url,
            business_account_id=fake.waba_id) as client:
        send = client.messages.send_template
        with pytest.raises(ValidationError) as info:
            await send(TO, "coupon", preflight=True)
        assert info.value.field == "template.components[button 0]"
        assert "copy-code" in info.value.rule
        await send(TO, "coupon", preflight=True, components=[ButtonComponent(
            sub_type="copy_code", index="0", parameters=[CouponCodeParameter(coupon_code="X1")])])
        bad = [
            ([], "template.components[carousel]"),
            ([CarouselComponent(cards=[card(0, "A")])], "template.components[carousel].cards"),
            ([CarouselComponent(cards=[card(0, "A"), card(1)])],
             "template.components[carousel].cards[1].body.parameters"),
        ]
        for components, field in bad:
            with pytest.raises(ValidationError) as info:
                await send(TO, "cards", preflight=True, components=components)
            assert info.value.field == field
        await send(TO, "cards", preflight=True,
                   components=[CarouselComponent(cards=[card(0, "A"), card(1, "B")])])
        assert len(fake.sent) == 2


async def test_a_rows_own_message_is_not_checked_against_the_broadcast_template(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    from whatsapp_async.types.messages import Language, Template

    promo = Template(name="promo", language=Language(code="en_US"), components=[
        HeaderComponent(parameters=[ImageParameter(image=ImageMedia(id="1"))]),
        BodyComponent(parameters=[TextParameter(text="Ann", parameter_name="first_name")]),
        ButtonComponent(sub_type="url", index="1", parameters=[TextParameter(text="spring")]),
    ])
    rows = [Recipient("+15550000001", params=["Ann", "1"]),
            Recipient("+15550000002", message=promo)]
    report = await wa.broadcast(rows, template="order_update", preflight=True)
    assert report.sent == 2, report.errors


@pytest.mark.fake_cloud_api(templates=[ORDER_UPDATE])
async def test_the_plugins_client_is_bound_to_the_fakes_account(
    whatsapp_client: WhatsAppClient, fake_cloud_api: FakeCloudAPI
) -> None:
    assert whatsapp_client.business_account_id == fake_cloud_api.waba_id
    assert [t.name async for t in whatsapp_client.templates.list()] == ["order_update"]


async def test_preflight_checks_a_broadcasts_template_message_too(
    fake: FakeCloudAPI, wa: WhatsAppClient
) -> None:
    from whatsapp_async.types.messages import Language, Template

    message = Template(name="order_update", language=Language(code="en_US"),
                       components=[BodyComponent(parameters=[TextParameter(text="Ann")])])
    report = await wa.broadcast(["+15550000001", "+15550000002"], message=message,
                                preflight=True)
    assert report.skipped == 2 and fake.sent == []
