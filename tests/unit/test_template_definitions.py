"""Template definitions: Meta's wire shape, and Meta's rules checked before any request."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from whatsapp_async import ValidationError
from whatsapp_async.types.templates import (
    BodyExample,
    CatalogButton,
    CopyCodeButton,
    FlowButton,
    HeaderExample,
    LimitedTimeOffer,
    MessageTemplate,
    NamedExample,
    OtpApp,
    OtpButton,
    PhoneNumberButton,
    QuickReplyButton,
    TemplateBody,
    TemplateButtons,
    TemplateCard,
    TemplateCarousel,
    TemplateDefinition,
    TemplateFooter,
    TemplateHeader,
    TemplateLimitedTimeOffer,
    UrlButton,
    template_from_dict,
    variables,
)

#: Meta's "seasonal promotion" example of the template-creation guide (as in the v23 spec).
META_MARKETING: dict[str, Any] = {
    "name": "seasonal_promotion",
    "language": "en_US",
    "category": "MARKETING",
    "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Our {{1}} is on!",
         "example": {"header_text": ["Summer Sale"]}},
        {"type": "BODY",
         "text": "Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.",
         "example": {"body_text": [["the end of August", "25OFF", "25%"]]}},
        {"type": "FOOTER", "text": "Use the buttons below to manage your marketing subscriptions"},
        {"type": "BUTTONS", "buttons": [
            {"type": "QUICK_REPLY", "text": "Unsubscribe from Promos"},
            {"type": "QUICK_REPLY", "text": "Unsubscribe from All"},
        ]},
    ],
}


def body(text: str, *rows: str) -> TemplateBody:
    return TemplateBody(text=text, example=BodyExample(body_text=[list(rows)]) if rows else
                        msgspec.UNSET)


def definition(*components: Any, category: str = "UTILITY", **kw: Any) -> TemplateDefinition:
    return TemplateDefinition(name="t", language="en_US", category=category,
                              components=list(components), **kw)


def refused(t: TemplateDefinition) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        t.validate()
    return info.value


# ----------------------------------------------------------------------------- wire shape


def test_a_dict_in_metas_shape_becomes_structs_and_encodes_back_unchanged() -> None:
    t = template_from_dict(META_MARKETING)
    t.validate()
    assert isinstance(t.components[0], TemplateHeader)
    assert isinstance(t.components[3], TemplateButtons)
    assert msgspec.json.decode(msgspec.json.encode(t)) == META_MARKETING


def test_lower_case_types_as_in_some_of_metas_examples_are_read() -> None:
    t = template_from_dict({"name": "x", "language": "en", "category": "marketing",
                            "components": [{"type": "body", "text": "Hello there"}]})
    assert t.category == "MARKETING"
    assert isinstance(t.components[0], TemplateBody)


def test_the_v23_spec_list_answer_decodes() -> None:
    answer = {
        "category": "MARKETING", "id": "920070352646140", "language": "en_US",
        "name": "2023_april_promo", "status": "REJECTED",
        "components": [
            {"format": "TEXT", "text": "Fall Sale", "type": "HEADER"},
            {"example": {"body_text": [["Mark", "FALL25"]]},
             "text": "Hi {{1}}, our Fall Sale is on! Use promo code {{2}} Get an extra 25% off "
                     "every order above $350!", "type": "BODY"},
            {"text": "Not interested in any of our sales? Tap Stop Promotions", "type": "FOOTER"},
            {"buttons": [{"text": "Stop promotions", "type": "QUICK_REPLY"}], "type": "BUTTONS"},
        ],
    }
    t = msgspec.convert(answer, MessageTemplate)
    assert t.status == "REJECTED"
    assert t.components is not None and isinstance(t.components[1], TemplateBody)


def test_variables_are_found_in_order() -> None:
    assert variables("Hi {{1}}, order {{ 2 }} for {{first_name}}") == ["1", "2", "first_name"]


# ----------------------------------------------------------------------------- what passes


@pytest.mark.parametrize("t", [
    definition(body("Hi {{1}}, order {{2}} shipped", "Ann", "4711")),
    definition(
        TemplateHeader(format="IMAGE", example=HeaderExample(header_handle=["4::aW1hZ2U="])),
        body("Your order {{1}} is ready.", "4711"),
        TemplateFooter(text="Reply STOP to opt out"),
        TemplateButtons(buttons=[
            UrlButton(text="Track", url="https://example.com/track/{{1}}",
                      example=["https://example.com/track/4711"]),
            PhoneNumberButton(text="Call us", phone_number="+15550001111"),
        ]),
    ),
    definition(
        TemplateBody(text="Hi {{first_name}}, your code {{code}} expires soon.",
                     example=BodyExample(body_text_named_params=[
                         NamedExample(param_name="first_name", example="Ann"),
                         NamedExample(param_name="code", example="X1")])),
        parameter_format="NAMED",
    ),
    definition(
        TemplateBody(add_security_recommendation=True),
        TemplateFooter(code_expiration_minutes=10),
        TemplateButtons(buttons=[OtpButton(otp_type="ONE_TAP", text="Copy code",
                                           autofill_text="Autofill",
                                           supported_apps=[OtpApp(package_name="com.example.app",
                                                                  signature_hash="K8a/AINcGX7")])]),
        category="AUTHENTICATION",
    ),
    definition(
        body("Rare succulents for sale, {{1}}.", "Pablo"),
        TemplateCarousel(cards=[
            TemplateCard(components=[
                TemplateHeader(format="IMAGE", example=HeaderExample(header_handle=["h"])),
                TemplateBody(text="Aloe, only today"),
                TemplateButtons(buttons=[QuickReplyButton(text="Send more like this")]),
            ]) for _ in range(3)
        ]),
        category="MARKETING",
    ),
    definition(
        TemplateHeader(format="IMAGE", example=HeaderExample(header_handle=["h"])),
        TemplateLimitedTimeOffer(limited_time_offer=LimitedTimeOffer(text="Expiring offer!",
                                                                     has_expiration=True)),
        body("Good news, {{1}}! Use code {{2}} for 25% off.", "Pablo", "CARIBE25"),
        TemplateButtons(buttons=[CopyCodeButton(example="CARIBE25"),
                                 UrlButton(text="Book now!", url="https://example.com/book")]),
        category="MARKETING",
    ),
    definition(body("Browse our catalog, {{1}}.", "Ann"),
               TemplateButtons(buttons=[CatalogButton(text="View catalog")]),
               category="MARKETING"),
    definition(body("Tell us about your stay, please."),
               TemplateButtons(buttons=[FlowButton(text="Start", flow_id="123456",
                                                   flow_action="navigate")])),
    definition(TemplateHeader(format="LOCATION"), body("Your parcel is here, please collect.")),
], ids=["utility", "media-header-url-phone", "named", "authentication", "carousel",
        "limited-time-offer", "catalog", "flow", "location"])
def test_templates_meta_documents_pass(t: TemplateDefinition) -> None:
    t.validate()


# ----------------------------------------------------------------------------- what is refused


@pytest.mark.parametrize(("t", "field", "words"), [
    (definition(body("Hi {{1}}, order {{2}} shipped")), "BODY.example", "2 variable"),
    (definition(body("Hi {{1}}, order {{2}} shipped", "Ann")), "BODY.example.body_text",
     "must give 2"),
    (definition(body("Hi {{1}}, order {{3}} shipped", "a", "b")), "BODY.text", "without gaps"),
    (definition(body("{{1}}, your order shipped", "Ann")), "BODY.text", "first or last"),
    (definition(body("Hi {{name}}, shipped.", "Ann")), "BODY.text", "NAMED"),
    (definition(body("x" * 1025)), "BODY.text", "at most 1024"),
    (definition(TemplateFooter(text="Bye")), "BODY", "needs a BODY"),
    (definition(body("Hi there"), TemplateFooter(text="Bye {{1}}")), "FOOTER.text",
     "may not have variables"),
    (definition(TemplateHeader(format="TEXT", text="Hi {{1}}"), body("Hello there")),
     "HEADER.example.header_text", "has a variable"),
    (definition(TemplateHeader(format="TEXT", text="{{1}} and {{2}}",
                               example=HeaderExample(header_text=["a", "b"])),
                body("Hello there")), "HEADER.text", "at most one variable"),
    (definition(TemplateHeader(format="VIDEO"), body("Hello there")),
     "HEADER.example.header_handle", "upload handle"),
    (definition(TemplateHeader(format="GIF"), body("Hello there")), "HEADER.format", "one of"),
    (definition(body("Hello there"), TemplateButtons(buttons=[
        QuickReplyButton(text="a"), UrlButton(text="u", url="https://e.com"),
        QuickReplyButton(text="b")])), "BUTTONS.buttons", "kept together"),
    (definition(body("Hello there"), TemplateButtons(buttons=[
        UrlButton(text=f"u{i}", url="https://e.com") for i in range(3)])),
     "BUTTONS.buttons[2]", "at most 2 URL"),
    (definition(body("Hello there"), TemplateButtons(buttons=[
        QuickReplyButton(text=f"q{i}") for i in range(11)])), "BUTTONS.buttons", "at most 10"),
    (definition(body("Hello there"), TemplateButtons(buttons=[QuickReplyButton(text="x" * 26)])),
     "BUTTONS.buttons[0].text", "at most 25"),
    (definition(body("Hello there"), TemplateButtons(buttons=[
        UrlButton(text="u", url="https://e.com/{{1}}")])), "BUTTONS.buttons[0].example",
     "sample URL"),
    (definition(body("Hello there"), TemplateButtons(buttons=[
        UrlButton(text="u", url="https://e.com/{{1}}/x", example=["https://e.com/a/x"])])),
     "BUTTONS.buttons[0].url", "at its end"),
    (definition(body("Hello there"), TemplateButtons(buttons=[CopyCodeButton(example="X" * 16)])),
     "BUTTONS.buttons[0].example", "at most 15"),
    (definition(body("Hello there"), TemplateButtons(buttons=[
        FlowButton(text="Go", flow_id="1", flow_name="n")])), "BUTTONS.buttons[0].flow_id",
     "exactly one"),
    (definition(body("Hello there"), TemplateButtons(buttons=[OtpButton(otp_type="COPY_CODE")])),
     "BUTTONS.buttons[0].type", "only for AUTHENTICATION"),
    (definition(TemplateBody(add_security_recommendation=True), category="AUTHENTICATION"),
     "BUTTONS", "one OTP button"),
    (definition(TemplateBody(text="Your code"), TemplateButtons(buttons=[
        OtpButton(otp_type="COPY_CODE")]), category="AUTHENTICATION"), "BODY.text",
     "fixed text"),
    (definition(TemplateBody(add_security_recommendation=True),
                TemplateFooter(code_expiration_minutes=91),
                TemplateButtons(buttons=[OtpButton(otp_type="COPY_CODE")]),
                category="AUTHENTICATION"), "FOOTER.code_expiration_minutes", "1 to 90"),
    (definition(TemplateBody(add_security_recommendation=True),
                TemplateButtons(buttons=[OtpButton(otp_type="ZERO_TAP", supported_apps=[
                    OtpApp(package_name="com.a", signature_hash="K8a/AINcGX7")])]),
                category="AUTHENTICATION"), "BUTTONS.buttons[0].zero_tap_terms_accepted",
     "must be True"),
    (definition(TemplateBody(add_security_recommendation=True),
                TemplateButtons(buttons=[OtpButton(otp_type="ONE_TAP")]),
                category="AUTHENTICATION"), "BUTTONS.buttons[0].supported_apps", "required"),
    (definition(body("Hello there"), TemplateLimitedTimeOffer(
        limited_time_offer=LimitedTimeOffer(text="Offer")), category="UTILITY"),
     "LIMITED_TIME_OFFER", "only for MARKETING"),
    (definition(body("Hello there"), TemplateFooter(text="f"), TemplateLimitedTimeOffer(
        limited_time_offer=LimitedTimeOffer(text="Offer")), category="MARKETING"),
     "FOOTER", "no footer"),
    (definition(body("Hello there"), TemplateLimitedTimeOffer(
        limited_time_offer=LimitedTimeOffer(text="x" * 17)), category="MARKETING"),
     "LIMITED_TIME_OFFER.limited_time_offer.text", "at most 16"),
    (definition(body("Hello there"), TemplateLimitedTimeOffer(
        limited_time_offer=LimitedTimeOffer(text="Offer", has_expiration=True)),
        category="MARKETING"), "BUTTONS", "COPY_CODE"),
    (definition(body("Hello there"), TemplateCarousel(cards=[TemplateCard(components=[
        TemplateHeader(format="IMAGE", example=HeaderExample(header_handle=["h"]))])]),
        category="MARKETING"), "CAROUSEL.cards", "2 to 10"),
    (definition(body("Hello there"), TemplateCarousel(cards=[
        TemplateCard(components=[TemplateHeader(format="IMAGE",
                                                example=HeaderExample(header_handle=["h"]))]),
        TemplateCard(components=[TemplateHeader(format="VIDEO",
                                                example=HeaderExample(header_handle=["h"]))]),
    ]), category="MARKETING"), "CAROUSEL.cards[1]", "same components"),
    (definition(body("Hello there"), TemplateCarousel(cards=[
        TemplateCard(components=[TemplateHeader(format="TEXT", text="t")])] * 2),
        category="MARKETING"), "CAROUSEL.cards[0].HEADER.format", "IMAGE, VIDEO"),
    (definition(body("Hello there"), TemplateFooter(text="f"), TemplateCarousel(cards=[
        TemplateCard(components=[TemplateHeader(format="IMAGE",
                                                example=HeaderExample(header_handle=["h"]))])] * 2),
        category="MARKETING"), "FOOTER", "in their cards"),
    (definition(body("Hello there"), body("Again there")), "BODY", "only once"),
    (TemplateDefinition(name="Order Update", language="en_US", category="UTILITY",
                        components=[body("Hello there")]), "name", "lower-case"),
    (TemplateDefinition(name="x", language="en-US", category="UTILITY",
                        components=[body("Hello there")]), "language", "underscore"),
    (TemplateDefinition(name="x", language="en_US", category="PROMO",
                        components=[body("Hello there")]), "category", "one of"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_broken_rules_name_the_component_and_field(
    t: TemplateDefinition, field: str, words: str
) -> None:
    error = refused(t)
    assert error.field == field
    assert words in error.rule


def test_named_examples_must_cover_every_variable() -> None:
    t = definition(
        TemplateBody(text="Hi {{first_name}}, code {{code}} here.",
                     example=BodyExample(body_text_named_params=[
                         NamedExample(param_name="first_name", example="Ann")])),
        parameter_format="NAMED",
    )
    error = refused(t)
    assert error.field == "BODY.example.body_text_named_params"
    assert "code" in error.rule


def test_a_wrong_type_in_a_hand_built_struct_names_the_component_field() -> None:
    t = definition(TemplateBody(text="Hello {{1}} there",
                                example=BodyExample(body_text=[[1]])))  # type: ignore[list-item]
    error = refused(t)
    assert error.field == "BODY.example.body_text[0][0]"
    assert "Expected `str`" in error.rule
