"""The limits each message Struct enforces, named by the dotted wire field."""

from __future__ import annotations

from typing import Any

import pytest

from whatsapp_async import ValidationError
from whatsapp_async.types.messages import (
    Body,
    BodyComponent,
    ButtonComponent,
    Contact,
    ContactAddress,
    ContactName,
    ContactPhone,
    Contacts,
    ContactUrl,
    CouponCodeParameter,
    CtaUrl,
    Currency,
    CurrencyParameter,
    Flow,
    FlowActionPayload,
    Footer,
    HeaderComponent,
    Image,
    ImageHeader,
    ImageParameter,
    InteractiveList,
    Language,
    ListRow,
    ListSection,
    Location,
    Message,
    PayloadParameter,
    Product,
    ProductItem,
    ProductList,
    ProductSection,
    Reaction,
    ReplyButton,
    ReplyButtonItem,
    ReplyButtons,
    ReplyButtonsAction,
    Template,
    Text,
    TextHeader,
    TextParameter,
    build_request,
)

TO = "+16505551234"


def refused(message: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        message.validate()
    return caught.value


def buttons(*pairs: tuple[str, str], **extra: Any) -> ReplyButtons:
    return ReplyButtons.create("Pick one", [ReplyButton(id=i, title=t) for i, t in pairs], **extra)


def a_list(*sections: ListSection, body: str = "Pick", button: str = "Menu") -> InteractiveList:
    return InteractiveList.create(body, button=button, sections=list(sections))


def rows(n: int, prefix: str = "r") -> list[ListRow]:
    return [ListRow(id=f"{prefix}{i}", title=f"Row {i}") for i in range(n)]


def template(*components: Any, name: str = "promo", code: str = "en_US") -> Template:
    return Template(name=name, language=Language(code=code), components=list(components))


# --------------------------------------------------------------------------- text and media


def test_text_at_the_limit_is_accepted() -> None:
    Text(body="x" * 4096).validate()


def test_preview_url_must_be_a_bool() -> None:
    assert refused(Text(body="hi", preview_url="yes")).field == "text.preview_url"  # type: ignore[arg-type]


def test_a_media_id_with_spaces_around_it_is_refused() -> None:
    assert refused(Image(id=" 123 ")).field == "image.id"


def test_exactly_one_of_id_and_link_is_explained() -> None:
    error = refused(Image())
    assert (error.field, "exactly one of id" in error.rule) == ("image", True)


def test_caption_at_the_limit_is_accepted() -> None:
    Image(id="1", caption="c" * 1024).validate()


def test_a_nan_coordinate_is_refused() -> None:
    assert refused(Location(latitude=float("nan"), longitude=0)).field == "location.latitude"


def test_a_bool_is_not_a_coordinate() -> None:
    assert refused(Location(latitude=True, longitude=0)).field == "location.latitude"


def test_coordinates_on_the_bounds_are_accepted() -> None:
    Location(latitude=-90, longitude=180).validate()


# --------------------------------------------------------------------------- contacts


def card(**fields: Any) -> Contacts:
    name = fields.pop("name", ContactName(formatted_name="Ann Lee", first_name="Ann"))
    return Contacts(contacts=[Contact(name=name, **fields)])


def test_a_name_needs_a_part_besides_formatted_name() -> None:
    assert refused(card(name=ContactName(formatted_name="Ann"))).field == "contacts[0].name"


def test_birthday_must_be_year_month_day() -> None:
    assert refused(card(birthday="18-08-2012")).field == "contacts[0].birthday"


def test_address_type_must_be_home_or_work() -> None:
    error = refused(card(addresses=[ContactAddress(city="Lisbon", type="OFFICE")]))
    assert error.field == "contacts[0].addresses[0].type"


def test_phone_type_must_be_known() -> None:
    error = refused(card(phones=[ContactPhone(phone="+1 650 555 1234", type="PAGER")]))
    assert error.field == "contacts[0].phones[0].type"


def test_contact_url_must_be_absolute() -> None:
    error = refused(card(urls=[ContactUrl(url="www.example.com")]))
    assert error.field == "contacts[0].urls[0].url"


# --------------------------------------------------------------------------- reply buttons


def test_at_least_one_button() -> None:
    assert refused(buttons()).field == "interactive.action.buttons"


def test_button_ids_are_unique() -> None:
    error = refused(buttons(("a", "Yes"), ("a", "No")))
    assert error.field == "interactive.action.buttons[1].reply.id"


def test_button_titles_are_unique() -> None:
    error = refused(buttons(("a", "Yes"), ("b", "Yes")))
    assert error.field == "interactive.action.buttons[1].reply.title"


def test_button_id_has_no_surrounding_spaces() -> None:
    assert refused(buttons((" a", "Yes"))).field == "interactive.action.buttons[0].reply.id"


def test_button_id_at_most_256() -> None:
    error = refused(buttons(("i" * 257, "Yes")))
    assert error.field == "interactive.action.buttons[0].reply.id"


def test_button_title_at_the_limit_is_accepted() -> None:
    buttons(("a", "t" * 20)).validate()


def test_interactive_body_at_most_1024() -> None:
    message = ReplyButtons.create("b" * 1025, [ReplyButton(id="a", title="A")])
    assert refused(message).field == "interactive.body.text"


def test_header_text_at_most_60() -> None:
    assert refused(buttons(("a", "A"), header="h" * 61)).field == "interactive.header.text"


def test_header_sub_text_at_most_60() -> None:
    header = TextHeader(text="Hi", sub_text="s" * 61)
    assert refused(buttons(("a", "A"), header=header)).field == "interactive.header.sub_text"


def test_footer_at_most_60() -> None:
    assert refused(buttons(("a", "A"), footer="f" * 61)).field == "interactive.footer.text"


def test_a_media_header_takes_no_caption() -> None:
    header = ImageHeader(image=Image(id="1", caption="no"))
    error = refused(buttons(("a", "A"), header=header))
    assert error.field == "interactive.header.image.caption"


def test_a_header_must_be_a_header_struct() -> None:
    message = ReplyButtons(
        body=Body(text="Pick"),
        action=ReplyButtonsAction(buttons=[ReplyButtonItem(reply=ReplyButton(id="a", title="A"))]),
        header=Footer(text="wrong"),  # type: ignore[arg-type]
    )
    assert refused(message).field == "interactive.header"


# --------------------------------------------------------------------------- list


def test_at_most_ten_sections() -> None:
    sections = [ListSection(title=f"S{i}", rows=rows(1, f"s{i}-")) for i in range(11)]
    assert refused(a_list(*sections)).field == "interactive.action.sections"


def test_ten_rows_in_total_are_accepted() -> None:
    a_list(ListSection(title="A", rows=rows(5, "a")), ListSection(title="B", rows=rows(5, "b"))
           ).validate()


def test_rows_are_counted_across_sections() -> None:
    message = a_list(
        ListSection(title="A", rows=rows(6, "a")), ListSection(title="B", rows=rows(5, "b"))
    )
    assert refused(message).field == "interactive.action.sections"


def test_section_titles_are_required_with_several_sections() -> None:
    message = a_list(ListSection(rows=rows(1, "a")), ListSection(title="B", rows=rows(1, "b")))
    assert refused(message).field == "interactive.action.sections[0].title"


def test_one_section_needs_no_title() -> None:
    a_list(ListSection(rows=rows(2))).validate()


def test_row_title_at_most_24() -> None:
    message = a_list(ListSection(rows=[ListRow(id="a", title="t" * 25)]))
    assert refused(message).field == "interactive.action.sections[0].rows[0].title"


def test_row_description_at_most_72() -> None:
    message = a_list(ListSection(rows=[ListRow(id="a", title="t", description="d" * 73)]))
    assert refused(message).field == "interactive.action.sections[0].rows[0].description"


def test_row_id_at_most_200() -> None:
    message = a_list(ListSection(rows=[ListRow(id="i" * 201, title="t")]))
    assert refused(message).field == "interactive.action.sections[0].rows[0].id"


def test_row_ids_are_unique_across_sections() -> None:
    message = a_list(
        ListSection(title="A", rows=[ListRow(id="x", title="1")]),
        ListSection(title="B", rows=[ListRow(id="x", title="2")]),
    )
    assert refused(message).field == "interactive.action.sections[1].rows[0].id"


def test_list_body_may_hold_4096() -> None:
    a_list(ListSection(rows=rows(1)), body="b" * 4096).validate()


def test_list_body_over_4096_is_refused() -> None:
    assert refused(a_list(ListSection(rows=rows(1)), body="b" * 4097)).field == (
        "interactive.body.text"
    )


def test_list_header_is_text_only() -> None:
    message = a_list(ListSection(rows=rows(1)))
    message.header = ImageHeader(image=Image(id="1"))  # type: ignore[assignment]
    assert refused(message).field == "interactive.header"


# --------------------------------------------------------------------------- cta, flow, products


def test_cta_url_must_be_http_or_https() -> None:
    message = CtaUrl.create("Go", display_text="Open", url="javascript:alert(1)")
    assert refused(message).field == "interactive.action.parameters.url"


def test_flow_needs_an_id_or_a_name() -> None:
    message = Flow.create("Go", flow_cta="Open")
    assert refused(message).field == "interactive.action.parameters"


def test_flow_cta_at_most_30() -> None:
    message = Flow.create("Go", flow_cta="c" * 31, flow_name="signup")
    assert refused(message).field == "interactive.action.parameters.flow_cta"


def test_flow_mode_is_draft_or_published() -> None:
    message = Flow.create("Go", flow_cta="Open", flow_id="1", mode="preview")  # type: ignore[arg-type]
    assert refused(message).field == "interactive.action.parameters.mode"


def test_flow_action_is_navigate_or_data_exchange() -> None:
    message = Flow.create("Go", flow_cta="Open", flow_id="1", flow_action="jump")  # type: ignore[arg-type]
    assert refused(message).field == "interactive.action.parameters.flow_action"


def test_flow_data_must_not_be_empty() -> None:
    message = Flow.create("Go", flow_cta="Open", flow_id="1", data={})
    assert refused(message).field == "interactive.action.parameters.flow_action_payload.data"


def test_flow_payload_is_optional() -> None:
    message = Flow.create("Go", flow_cta="Open", flow_id="1")
    message.action.parameters.flow_action_payload = FlowActionPayload(screen="START")
    message.validate()


def test_a_product_needs_no_body() -> None:
    Product.create(catalog_id="1", product_retailer_id="sku").validate()


def test_product_retailer_id_must_not_be_empty() -> None:
    message = Product.create(catalog_id="1", product_retailer_id="")
    assert refused(message).field == "interactive.action.product_retailer_id"


def test_product_sections_need_titles_when_several() -> None:
    message = ProductList.create("Pick", header="Shop", catalog_id="1", sections=[
        ProductSection(product_items=[ProductItem(product_retailer_id="a")]),
        ProductSection(product_items=[ProductItem(product_retailer_id="b")]),
    ])
    assert refused(message).field == "interactive.action.sections[0].title"


def test_product_list_header_at_most_60() -> None:
    message = ProductList.create("Pick", header="h" * 61, catalog_id="1", sections=[
        ProductSection(product_items=[ProductItem(product_retailer_id="a")])])
    assert refused(message).field == "interactive.header.text"


# --------------------------------------------------------------------------- template


def test_template_name_at_most_512() -> None:
    assert refused(template(name="n" * 513)).field == "template.name"


def test_language_policy_is_deterministic() -> None:
    message = Template(name="promo", language=Language(code="en", policy="fallback"))
    assert refused(message).field == "template.language.policy"


def test_header_text_parameter_at_most_60() -> None:
    message = template(HeaderComponent(parameters=[TextParameter(text="h" * 61)]))
    assert refused(message).field == "template.components[0].parameters[0].text"


def test_body_text_at_most_1024_beside_other_components() -> None:
    message = template(
        HeaderComponent(parameters=[TextParameter(text="Hi")]),
        BodyComponent(parameters=[TextParameter(text="b" * 1025)]),
    )
    assert refused(message).field == "template.components[1].parameters[0].text"


def test_a_body_only_template_allows_32768() -> None:
    template(BodyComponent(parameters=[TextParameter(text="b" * 32768)])).validate()


def test_a_body_only_template_refuses_32769() -> None:
    message = template(BodyComponent(parameters=[TextParameter(text="b" * 32769)]))
    assert refused(message).field == "template.components[0].parameters[0].text"


def test_currency_code_is_iso_4217() -> None:
    param = CurrencyParameter(currency=Currency(fallback_value="$1", code="usd", amount_1000=1000))
    message = template(BodyComponent(parameters=[param]))
    assert refused(message).field == "template.components[0].parameters[0].currency.code"


def test_currency_amount_is_an_integer() -> None:
    param = CurrencyParameter(currency=Currency(fallback_value="$1", code="USD", amount_1000=1.5))  # type: ignore[arg-type]
    message = template(BodyComponent(parameters=[param]))
    assert refused(message).field == "template.components[0].parameters[0].currency.amount_1000"


def test_template_media_takes_no_caption() -> None:
    param = ImageParameter(image=Image(link="https://example.com/a.png", caption="no"))
    message = template(HeaderComponent(parameters=[param]))
    assert refused(message).field == "template.components[0].parameters[0].image.caption"


def test_a_body_takes_no_image() -> None:
    param = ImageParameter(image=Image(link="https://example.com/a.png"))
    message = template(BodyComponent(parameters=[param]))
    assert refused(message).field == "template.components[0].parameters[0].type"


def test_a_header_component_needs_a_parameter() -> None:
    assert refused(template(HeaderComponent(parameters=[]))).field == (
        "template.components[0].parameters"
    )


def test_button_sub_type_must_be_known() -> None:
    component = ButtonComponent(sub_type="link", index="0",
                                parameters=[PayloadParameter(payload="p")])
    assert refused(template(component)).field == "template.components[0].sub_type"


def test_coupon_code_at_most_15() -> None:
    component = ButtonComponent(sub_type="copy_code", index="0",
                                parameters=[CouponCodeParameter(coupon_code="C" * 16)])
    assert refused(template(component)).field == (
        "template.components[0].parameters[0].coupon_code"
    )


# --------------------------------------------------------------------------- reaction, envelope


def test_an_empty_emoji_removes_a_reaction() -> None:
    Reaction(message_id="wamid.1", emoji="").validate()


def test_a_reaction_is_an_emoji_not_text() -> None:
    assert refused(Reaction(message_id="wamid.1", emoji="ok")).field == "reaction.emoji"


def test_callback_data_at_the_limit_is_accepted() -> None:
    build_request(TO, Text(body="hi"), biz_opaque_callback_data="x" * 512)


def test_send_refuses_something_that_is_not_a_message() -> None:
    with pytest.raises(ValidationError) as caught:
        build_request(TO, Body(text="hi"))  # type: ignore[arg-type]
    assert caught.value.field == "type"


def test_checks_run_again_on_a_struct_changed_after_it_was_built() -> None:
    message: Message = Text(body="fine")
    build_request(TO, message)
    message.body = "x" * 4097
    with pytest.raises(ValidationError):
        build_request(TO, message)
