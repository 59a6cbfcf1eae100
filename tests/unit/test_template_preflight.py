"""Pre-flight's rules, one by one: a template send checked against its definition.

``check_send`` is what ``send_template(..., preflight=True)`` and a
broadcast's ``preflight=True`` run before anything goes out; the definitions
here are the API's JSON, decoded as ``wa.templates`` decodes them. The
end-to-end path (the fake, the cache, a broadcast) is in
tests/integration/test_fake_templates.py.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import msgspec
import pytest

from whatsapp_async import RetryPolicy, ValidationError, WhatsAppClient
from whatsapp_async.resources._template_preflight import (
    TemplateCache,
    check_send,
    template_cache,
)
from whatsapp_async.types.messages import (
    BodyComponent,
    ButtonComponent,
    CarouselCard,
    CarouselComponent,
    CouponCodeParameter,
    Currency,
    CurrencyParameter,
    DateTime,
    DateTimeParameter,
    DocumentParameter,
    HeaderComponent,
    Image,
    ImageParameter,
    Language,
    Location,
    LocationParameter,
    PayloadParameter,
    Template,
    TextParameter,
    VideoParameter,
)
from whatsapp_async.types.messages import Document as DocumentMedia
from whatsapp_async.types.messages import Video as VideoMedia
from whatsapp_async.types.templates import MessageTemplate

IMAGE = ImageParameter(image=Image(id="1"))
PARAMETER_OF_FORMAT: dict[str, Any] = {
    "TEXT": TextParameter(text="x"),
    "IMAGE": IMAGE,
    "VIDEO": VideoParameter(video=VideoMedia(id="1")),
    "DOCUMENT": DocumentParameter(document=DocumentMedia(id="1")),
    "LOCATION": LocationParameter(location=Location(latitude=1.0, longitude=2.0)),
}


def definition(*components: dict[str, Any], status: str = "APPROVED",
               category: str = "MARKETING", parameter_format: str | None = None,
               ) -> MessageTemplate:
    raw: dict[str, Any] = {"id": "1", "name": "t", "language": "en_US", "category": category,
                           "status": status, "components": list(components)}
    if parameter_format is not None:
        raw["parameter_format"] = parameter_format
    return msgspec.convert(raw, MessageTemplate)


def message(*components: Any) -> Template:
    return Template(name="t", language=Language(code="en_US"), components=list(components))


def refusal(template: MessageTemplate, sent: Template) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_send(sent, template)
    return info.value


def body(*texts: str, **named: str) -> BodyComponent:
    params: list[Any] = [TextParameter(text=t) for t in texts]
    params += [TextParameter(text=v, parameter_name=k) for k, v in named.items()]
    return BodyComponent(parameters=params)


BODY_2 = {"type": "BODY", "text": "Hi {{1}}, order {{2}}"}
PLAIN_BODY = {"type": "BODY", "text": "Hello there"}


# ----------------------------------------------------------------------------- status


@pytest.mark.parametrize("status", ["PAUSED", "PENDING", "REJECTED"])
def test_only_an_approved_template_is_sent(status: str) -> None:
    err = refusal(definition(PLAIN_BODY, status=status), message())
    assert err.field == "template.status"
    assert f"is {status}; only APPROVED templates can be sent" in err.rule
    assert "template 't' (en_US)" in err.rule  # names the template and its language


def test_a_template_without_a_status_is_not_approved() -> None:
    err = refusal(definition(PLAIN_BODY, status=""), message())
    assert err.field == "template.status" and "is not approved;" in err.rule


def test_a_matching_send_passes() -> None:
    check_send(message(body("Ann", "4711")), definition(BODY_2))
    check_send(Template(name="t", language=Language(code="en_US")), definition(PLAIN_BODY))


# ----------------------------------------------------------------------------- header


@pytest.mark.parametrize("header", [None, {"type": "HEADER", "format": "TEXT", "text": "Hi"}])
def test_a_header_without_a_variable_takes_no_parameters(header: dict[str, Any] | None) -> None:
    template = definition(*([header] if header else []), PLAIN_BODY)
    check_send(message(HeaderComponent(parameters=[])), template)
    err = refusal(template, message(HeaderComponent(parameters=[TextParameter(text="x")])))
    assert err.field == "template.components[header].parameters"
    assert err.rule == "template 't' (en_US): HEADER has no variable; send no header parameters"


@pytest.mark.parametrize("fmt", sorted(PARAMETER_OF_FORMAT))
def test_a_header_with_a_variable_needs_its_one_parameter_of_its_format(fmt: str) -> None:
    header = {"type": "HEADER", "format": fmt, **({"text": "Hi {{1}}"} if fmt == "TEXT" else {})}
    template = definition(header, PLAIN_BODY)
    right = PARAMETER_OF_FORMAT[fmt]
    check_send(message(HeaderComponent(parameters=[right])), template)
    for sent in (message(), message(HeaderComponent(parameters=[]))):
        err = refusal(template, sent)
        assert err.field == "template.components[header].parameters"
        assert f"HEADER ({fmt}) needs 1 parameter, got 0" in err.rule
    err = refusal(template, message(HeaderComponent(parameters=[right, right])))
    assert err.field == "template.components[header].parameters"
    assert "HEADER takes 1 parameter, got 2" in err.rule
    wrong = PARAMETER_OF_FORMAT["IMAGE" if fmt != "IMAGE" else "VIDEO"]
    err = refusal(template, message(HeaderComponent(parameters=[wrong])))
    assert err.field == "template.components[header].parameters[0].type"
    assert f"HEADER is {fmt}, not {type(wrong).__name__}" in err.rule


# ----------------------------------------------------------------------------- body


def test_the_body_count_is_checked_and_the_variables_shown() -> None:
    err = refusal(definition(BODY_2), message(body("Ann")))
    assert err.field == "template.components[body].parameters"
    assert "BODY expects 2 parameter(s) ({{1}}, {{2}}), got 1" in err.rule
    err = refusal(definition(PLAIN_BODY), message(body("Ann")))
    assert "BODY expects 0 parameter(s) (none), got 1" in err.rule
    err = refusal(definition(), message(body("Ann")))  # no BODY at all: no variables either
    assert "BODY expects 0 parameter(s) (none), got 1" in err.rule


def test_a_repeated_variable_is_one_parameter() -> None:
    template = definition({"type": "BODY", "text": "{{1}} and {{1}} again, {{2}}"})
    check_send(message(body("a", "b")), template)


def test_an_authentication_body_takes_the_code_whatever_its_text() -> None:
    template = definition({"type": "BODY"}, category="AUTHENTICATION")
    check_send(message(body("123456")), template)
    err = refusal(template, message())
    assert "BODY expects 1 parameter(s) ({{1}}), got 0" in err.rule


def test_named_variables_need_each_parameter_named_after_one_of_them() -> None:
    template = definition({"type": "BODY", "text": "Hi {{first_name}} from {{shop}}"})
    check_send(message(body(shop="S", first_name="Ann")), template)
    err = refusal(template, message(body("Ann", "S")))
    assert err.field == "template.components[body].parameters[0].parameter_name"
    assert "BODY uses named variables (first_name, shop): give each parameter its name" \
        in err.rule
    err = refusal(template, message(body(first_name="Ann", city="X")))
    assert err.field == "template.components[body].parameters[1].parameter_name"
    assert "BODY has no variable {{city}} (it has first_name, shop)" in err.rule


def test_a_named_parameter_format_makes_even_digit_names_named() -> None:
    template = definition({"type": "BODY", "text": "Hi {{1}}"}, parameter_format="NAMED")
    check_send(message(body(**{"1": "Ann"})), template)
    err = refusal(template, message(body("Ann")))
    assert err.field == "template.components[body].parameters[0].parameter_name"


def test_positional_variables_take_no_names() -> None:
    err = refusal(definition(BODY_2), message(body("Ann", **{"2": "x"})))
    assert err.field == "template.components[body].parameters[1].parameter_name"
    assert "BODY uses positional variables: parameters have no names" in err.rule


def test_money_and_dates_count_as_positional_parameters_without_names() -> None:
    money = CurrencyParameter(currency=Currency(fallback_value="$1", code="USD",
                                                amount_1000=1000))
    when = DateTimeParameter(date_time=DateTime(fallback_value="May 1"))
    check_send(message(BodyComponent(parameters=[money, when])), definition(BODY_2))
    named = definition({"type": "BODY", "text": "Pay {{amount}}"})
    err = refusal(named, message(BodyComponent(parameters=[money])))
    assert err.field == "template.components[body].parameters[0].parameter_name"
    assert "give each parameter its name" in err.rule


# ----------------------------------------------------------------------------- buttons


def buttons(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "BUTTONS", "buttons": list(items)}


QUICK = {"type": "QUICK_REPLY", "text": "Stop"}
URL_VAR = {"type": "URL", "text": "Shop", "url": "https://example.com/{{1}}"}
URL_FIXED = {"type": "URL", "text": "Home", "url": "https://example.com/"}
COPY = {"type": "COPY_CODE", "example": "X1"}


def url_value(index: str, sub_type: str = "url") -> ButtonComponent:
    return ButtonComponent(sub_type=sub_type, index=index, parameters=[TextParameter(text="s")])


def test_a_button_index_past_the_definitions_buttons_is_refused() -> None:
    template = definition(PLAIN_BODY, buttons(QUICK, URL_FIXED))
    err = refusal(template, message(url_value("2")))
    assert err.field == "template.components[button 2].index"
    assert "has 2 button(s); there is no button 2" in err.rule
    err = refusal(definition(PLAIN_BODY), message(url_value("0")))  # no BUTTONS at all
    assert "has 0 button(s); there is no button 0" in err.rule


@pytest.mark.parametrize(("button", "sub_type"), [
    (QUICK, "quick_reply"), (URL_FIXED, "url"), (COPY, "copy_code"),
    ({"type": "FLOW", "text": "Go", "flow_id": "1"}, "flow"),
    ({"type": "CATALOG", "text": "See"}, "catalog"),
    ({"type": "MPM", "text": "See"}, "mpm"),
    ({"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy"}, "url"),
    ({"type": "VOICE_CALL", "text": "Call"}, "voice_call"),
    ({"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+15551234567"}, "phone_number"),
])
def test_a_buttons_sub_type_must_be_the_definitions(button: dict[str, Any], sub_type: str) -> None:
    template = definition(PLAIN_BODY, buttons(button))
    check_send(message(url_value("0", sub_type)), template)
    other = "flow" if sub_type != "flow" else "url"
    err = refusal(template, message(url_value("0", other)))
    assert err.field == "template.components[button 0].sub_type"
    assert f"button 0 is {sub_type}, not {other}" in err.rule


def test_a_malformed_button_index_is_left_to_the_messages_own_check() -> None:
    template = definition(PLAIN_BODY, buttons(QUICK))
    check_send(message(url_value("x"), url_value("-1"), body()), template)


def test_a_url_with_a_variable_and_a_copy_code_button_need_their_values() -> None:
    template = definition(PLAIN_BODY, buttons(URL_FIXED, URL_VAR, COPY))
    coupon = ButtonComponent(sub_type="copy_code", index="2",
                             parameters=[CouponCodeParameter(coupon_code="X1")])
    check_send(message(url_value("1"), coupon), template)
    err = refusal(template, message(coupon))
    assert err.field == "template.components[button 1]"
    assert "URL button 1 takes a value: send a button component with its parameter" in err.rule
    err = refusal(template, message(url_value("1")))
    assert err.field == "template.components[button 2]"
    assert "copy-code button 2 takes a value" in err.rule
    err = refusal(template, message())  # both missing: the first is named
    assert err.field == "template.components[button 1]"


def test_a_fixed_url_button_and_a_quick_reply_need_no_values() -> None:
    check_send(message(), definition(PLAIN_BODY, buttons(QUICK, URL_FIXED)))
    quick = ButtonComponent(sub_type="quick_reply", index="0",
                            parameters=[PayloadParameter(payload="p")])
    check_send(message(quick), definition(PLAIN_BODY, buttons(QUICK, URL_FIXED)))


# ----------------------------------------------------------------------------- carousel


def card_definition(text: str, *card_buttons: dict[str, Any]) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"type": "HEADER", "format": "IMAGE"},
                                   {"type": "BODY", "text": text}]
    if card_buttons:
        parts.append(buttons(*card_buttons))
    return {"components": parts}


def carousel(*cards: dict[str, Any]) -> dict[str, Any]:
    return {"type": "CAROUSEL", "cards": list(cards)}


def card(i: int, *params: str, extra: tuple[Any, ...] = ()) -> CarouselCard:
    return CarouselCard(card_index=i, components=[
        HeaderComponent(parameters=[IMAGE]),
        BodyComponent(parameters=[TextParameter(text=p) for p in params]), *extra,
    ])


def test_a_carousel_needs_one_value_card_per_defined_card() -> None:
    template = definition(PLAIN_BODY, carousel(card_definition("Use {{1}}"),
                                               card_definition("Use {{1}}")))
    check_send(message(CarouselComponent(cards=[card(0, "A"), card(1, "B")])), template)
    err = refusal(template, message())
    assert err.field == "template.components[carousel]"
    assert "CAROUSEL has 2 cards: send a CarouselComponent with their values" in err.rule
    err = refusal(template, message(CarouselComponent(cards=[card(0, "A")])))
    assert err.field == "template.components[carousel].cards"
    assert "CAROUSEL has 2 cards, got 1" in err.rule


def test_each_cards_body_count_is_checked() -> None:
    template = definition(PLAIN_BODY, carousel(card_definition("Use {{1}} and {{1}}"),
                                               card_definition("No variable")))
    err = refusal(template, message(CarouselComponent(cards=[card(0, "A"), card(1, "B")])))
    assert err.field == "template.components[carousel].cards[1].body.parameters"
    assert "card 1's BODY expects 0 parameter(s), got 1" in err.rule
    err = refusal(template, message(CarouselComponent(cards=[card(0), card(1)])))
    assert err.field == "template.components[carousel].cards[0].body.parameters"
    assert "card 0's BODY expects 1 parameter(s), got 0" in err.rule
    no_body = CarouselCard(card_index=1, components=[HeaderComponent(parameters=[IMAGE])])
    check_send(message(CarouselComponent(cards=[card(0, "A"), no_body])), template)


def test_a_card_without_a_body_takes_no_body_values() -> None:
    template = definition(PLAIN_BODY, carousel({"components": [
        {"type": "HEADER", "format": "IMAGE"}]}))
    err = refusal(template, message(CarouselComponent(cards=[card(0, "A")])))
    assert "card 0's BODY expects 0 parameter(s), got 1" in err.rule


def test_each_cards_buttons_are_checked_against_that_card() -> None:
    template = definition(PLAIN_BODY, carousel(card_definition("Hi", URL_VAR)))
    check_send(message(CarouselComponent(cards=[card(0, extra=(url_value("0"),))])), template)
    err = refusal(template, message(CarouselComponent(cards=[card(0)])))
    assert err.field == "template.components[carousel].cards[0][button 0]"
    err = refusal(template, message(CarouselComponent(cards=[
        card(0, extra=(url_value("0", "quick_reply"),))])))
    assert err.field == "template.components[carousel].cards[0][button 0].sub_type"
    # a card defined without buttons has none to give values to
    plain = definition(PLAIN_BODY, carousel(card_definition("Hi")))
    err = refusal(plain, message(CarouselComponent(cards=[card(0, extra=(url_value("0"),))])))
    assert err.field == "template.components[carousel].cards[0][button 0].index"


@pytest.mark.parametrize("index", [-1, 2])
def test_a_card_index_out_of_range_is_left_to_the_messages_own_check(index: int) -> None:
    template = definition(PLAIN_BODY, carousel(card_definition("Use {{1}}"),
                                               card_definition("Use {{1}}")))
    check_send(message(CarouselComponent(cards=[card(0, "A"), card(index)])), template)


def test_a_malformed_card_does_not_stop_the_check_of_the_cards_after_it() -> None:
    template = definition(PLAIN_BODY, carousel(card_definition("Use {{1}}"),
                                               card_definition("Use {{1}}")))
    not_an_int: Any = "0"  # a card index of the wrong type: the message's own check says so
    odd = CarouselCard(card_index=not_an_int, components=[])
    check_send(message(CarouselComponent(cards=[odd, card(1, "B")])), template)
    err = refusal(template, message(CarouselComponent(cards=[card(5), card(1)])))
    assert err.field == "template.components[carousel].cards[1].body.parameters"


# ----------------------------------------------------------------------------- the cache


async def test_a_client_and_its_views_share_one_cache() -> None:
    async with WhatsAppClient("t", "1", business_account_id="2") as wa:
        cache = template_cache(wa)
        assert template_cache(wa) is cache
        assert template_cache(wa.with_options(retry=RetryPolicy.disabled())) is cache
        async with WhatsAppClient("t", "1", business_account_id="2") as other:
            assert template_cache(other) is not cache


class _Templates:
    def __init__(self, found: MessageTemplate | None, account: str = "waba") -> None:
        self._business_account_id = account
        self.found = found
        self.asked: list[tuple[str, str]] = []

    async def find(self, name: str, language: str) -> MessageTemplate | None:
        self.asked.append((name, language))
        return self.found


class _Client:
    def __init__(self, templates: _Templates) -> None:
        self.templates = templates


async def test_the_cache_keeps_a_definition_for_its_ttl_per_account_name_and_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    # the module's own clock only (the event loop keeps the real one)
    monkeypatch.setattr("whatsapp_async.resources._template_preflight.time",
                        SimpleNamespace(monotonic=lambda: now[0]))
    found = definition(PLAIN_BODY)
    templates = _Templates(found)
    client: Any = _Client(templates)
    cache = TemplateCache(ttl=10)
    assert await cache.definition(client, "t", "en_US") is found
    now[0] += 10  # exactly the ttl: still trusted
    assert await cache.definition(client, "t", "en_US") is found
    assert templates.asked == [("t", "en_US")]
    await cache.definition(client, "t", "de")
    await cache.definition(client, "u", "en_US")
    other: Any = _Client(_Templates(found, account="other"))
    await cache.definition(other, "t", "en_US")
    assert templates.asked == [("t", "en_US"), ("t", "de"), ("u", "en_US")]
    now[0] += 0.5  # past the ttl of the first fetch
    await cache.definition(client, "t", "en_US")
    assert templates.asked[-1] == ("t", "en_US") and len(templates.asked) == 4
    cache.clear()
    await cache.definition(client, "u", "en_US")
    assert len(templates.asked) == 5


async def test_a_missing_template_is_refused_naming_the_account_and_not_remembered() -> None:
    templates = _Templates(None)
    client: Any = _Client(templates)
    cache = TemplateCache()
    for _ in range(2):
        with pytest.raises(ValidationError) as info:
            await cache.definition(client, "nope", "en_US")
        assert info.value.field == "template.name"
        assert "template 'nope' does not exist in en_US in business account waba" \
            in info.value.rule
    assert len(templates.asked) == 2


def test_the_default_ttl_is_five_minutes() -> None:
    assert TemplateCache().ttl == 300.0
