"""Hostile input never escapes as anything but ValidationError, and is never sent (hypothesis).

1. Every public builder: a message Struct (one of every kind, every optional
   field set) with any one field, at any depth, replaced by a hostile value
   either fails ``build_request`` with a ValidationError naming a field, or
   builds a body that encodes.
2. Every public operation of the resources (every ``send_*`` of
   ``wa.messages``, mark read, reactions, media, profile, QR codes,
   registration, phone numbers) called with one argument replaced by a hostile
   value raises ValidationError with no request made; or, if the value happens
   to be acceptable, the request goes out (and meets no server here, so a
   TransportError follows). Any other exception fails the test.

Hostile values: lone surrogates, None, wrong types, huge ints and floats, NaN
and infinities, very long strings, nested junk.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from aioresponses import aioresponses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whatsapp_async import TransportError, ValidationError, WhatsAppClient
from whatsapp_async._codec import encode
from whatsapp_async.types.account import BotCommand
from whatsapp_async.types.messages import (
    Audio,
    BodyComponent,
    ButtonComponent,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactName,
    ContactOrg,
    ContactPhone,
    Contacts,
    ContactUrl,
    CouponCodeParameter,
    CtaUrl,
    Currency,
    CurrencyParameter,
    DateTime,
    DateTimeParameter,
    Document,
    DocumentHeader,
    DocumentParameter,
    Flow,
    HeaderComponent,
    Image,
    ImageHeader,
    ImageParameter,
    InteractiveList,
    ListRow,
    ListSection,
    Location,
    LocationParameter,
    LocationRequest,
    PayloadParameter,
    Product,
    ProductItem,
    ProductList,
    ProductSection,
    Reaction,
    ReplyButton,
    ReplyButtons,
    Sticker,
    Template,
    Text,
    TextHeader,
    TextParameter,
    Video,
    VideoHeader,
    VideoParameter,
    build_request,
)
from whatsapp_async.types.messages import (
    Language as TemplateLanguage,
)

from ..support import NO_RETRY, PHONE_NUMBER_ID, TOKEN

TO = "+15551234567"
WAMID = "wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI1"
LINK = "https://example.com/a.pdf"

# ------------------------------------------------------------------ hostile values

_SURROGATES = st.sampled_from(["\ud800", "\udfff", "\ud83d"])
HOSTILE: st.SearchStrategy[Any] = st.one_of(
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=4), _SURROGATES, st.text(max_size=4)),
    st.sampled_from([
        None, "", " ", " padded ", "\x00", "a" * 5000, "😀" * 3000, "../x", "a/b?c#d",
        10**400, -(10**400), 2**64, -1, 0, True, False, 1e309, float("nan"), float("inf"),
        -float("inf"), 3.5, b"\xff\xfe", bytearray(b"x"), [], {}, (), set(), [None],
        [[["deep", {"junk": [None, "\ud800"]}]]], {"k": object()}, {(1, 2): "tuple key"},
        {"k": "\ud800"}, {None: 1},
    ]),
    st.builds(object),
    st.integers(), st.floats(), st.text(max_size=8),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=3)), max_size=3),
)

# ------------------------------------------------------------------ builders

_PDF = Document(id="1013859600285441", filename="invoice.pdf")


def _full_messages() -> list[Any]:
    """One message of every kind with every optional field set, so every field is reached."""
    header_params = [
        TextParameter(text="Hi", parameter_name="name"),
        ImageParameter(image=Image(link="https://example.com/a.jpg")),
        VideoParameter(video=Video(id="1")),
        DocumentParameter(document=Document(link=LINK, filename="a.pdf")),
        LocationParameter(location=Location(latitude=1.5, longitude=2, name="n", address="a")),
    ]
    return [
        Text(body="hello", preview_url=True),
        Image(id="1", caption="c"),
        Video(link="https://example.com/v.mp4", caption="c"),
        Audio(id="1"),
        Document(id="1", caption="c", filename="f.pdf"),
        Sticker(link="https://example.com/s.webp"),
        Location(latitude=-33.5, longitude=151, name="Sydney", address="NSW"),
        Contacts(contacts=[Contact(
            name=ContactName(formatted_name="A B", first_name="A", last_name="B",
                             middle_name="M", prefix="Dr", suffix="Jr"),
            addresses=[ContactAddress(street="s", city="c", state="st", zip="z",
                                      country="co", country_code="cc", type="HOME")],
            birthday="2000-01-31",
            emails=[ContactEmail(email="a@example.com", type="WORK")],
            org=ContactOrg(company="c", department="d", title="t"),
            phones=[ContactPhone(phone="+1 555", type="CELL", wa_id="15551234567")],
            urls=[ContactUrl(url="https://example.com", type="WORK")],
        )]),
        ReplyButtons.create(
            "body", [ReplyButton(id="a", title="A"), ReplyButton(id="b", title="B")],
            header=TextHeader(text="h", sub_text="s"), footer="f",
        ),
        ReplyButtons.create("body", [ReplyButton(id="a", title="A")],
                            header=ImageHeader(image=Image(id="1"))),
        InteractiveList.create(
            "body", button="Menu", header="h", footer="f",
            sections=[ListSection(title="S1", rows=[ListRow(id="r1", title="R1",
                                                             description="d")]),
                      ListSection(title="S2", rows=[ListRow(id="r2", title="R2")])],
        ),
        CtaUrl.create("body", display_text="Go", url="https://example.com",
                      header=DocumentHeader(document=_PDF), footer="f"),
        Flow.create("body", flow_cta="Open", flow_id="123", flow_token="t", mode="draft",
                    flow_action="navigate", screen="S", data={"a": [1, "x"], "b": {"c": None}},
                    header=VideoHeader(video=Video(id="1")), footer="f"),
        Flow.create("body", flow_cta="Open", flow_name="signup"),
        Product.create(catalog_id="c", product_retailer_id="p", body="b", footer="f"),
        ProductList.create(
            "body", header="h", catalog_id="c", footer="f",
            sections=[ProductSection(title="S", product_items=[ProductItem(
                product_retailer_id="p")])],
        ),
        LocationRequest.create("Where are you?"),
        Template(name="order", language=TemplateLanguage(code="en_US", policy="deterministic"),
                 components=[
                     HeaderComponent(parameters=header_params[:1]),
                     BodyComponent(parameters=[
                         TextParameter(text="x"),
                         CurrencyParameter(currency=Currency(fallback_value="$1", code="USD",
                                                             amount_1000=1000)),
                         DateTimeParameter(date_time=DateTime(fallback_value="today")),
                     ]),
                     ButtonComponent(sub_type="quick_reply", index="0",
                                     parameters=[PayloadParameter(payload="p")]),
                     ButtonComponent(sub_type="copy_code", index="1",
                                     parameters=[CouponCodeParameter(coupon_code="SAVE")]),
                     ButtonComponent(sub_type="url", index="2",
                                     parameters=[TextParameter(text="suffix")]),
                 ]),
        *(Template(name="t", language=TemplateLanguage(code="en"),
                   components=[HeaderComponent(parameters=[p])]) for p in header_params[1:]),
        Reaction(message_id=WAMID, emoji="👍"),
    ]


FULL = _full_messages()


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every field, list item and dict value below ``value``, as a path of keys."""
    if isinstance(value, msgspec.Struct):
        children: list[tuple[Any, Any]] = [
            (name, getattr(value, name)) for name in value.__struct_fields__
        ]
    elif isinstance(value, list):
        children = list(enumerate(value))
    elif isinstance(value, dict):
        children = list(value.items())
    else:
        return
    for key, child in children:
        yield (*path, key)
        yield from _paths(child, (*path, key))


def _replaced(message: Any, path: tuple[Any, ...], new: Any) -> Any:
    copied = copy.deepcopy(message)
    parent = copied
    for key in path[:-1]:
        parent = parent[key] if isinstance(parent, (list, dict)) else getattr(parent, key)
    if isinstance(parent, (list, dict)):
        parent[path[-1]] = new
    else:
        setattr(parent, path[-1], new)
    return copied


MUTATIONS = [(m, p) for m in FULL for p in _paths(m)]


def test_every_baseline_message_is_valid() -> None:
    for message in FULL:
        encode(build_request(TO, message))
    assert len(MUTATIONS) > 150  # every kind's fields are reached


@settings(max_examples=400, deadline=None)
@given(target=st.sampled_from(MUTATIONS), value=HOSTILE)
def test_a_hostile_field_is_refused_or_encodes(target: tuple[Any, tuple[Any, ...]],
                                              value: Any) -> None:
    message, path = target
    hostile = _replaced(message, path, value)
    try:
        body = build_request(TO, hostile)
    except ValidationError as exc:
        assert exc.field and exc.rule
        return
    encode(body)  # validated, so it must be sendable


@settings(max_examples=150, deadline=None)
@given(option=st.sampled_from(["to", "reply_to", "biz_opaque_callback_data",
                               "recipient_identity_key_hash"]), value=HOSTILE)
def test_a_hostile_envelope_option_is_refused_or_encodes(option: str, value: Any) -> None:
    options: dict[str, Any] = {"to": TO}
    options[option] = value
    to = options.pop("to")
    try:
        body = build_request(to, Text(body="hi"), **options)
    except ValidationError as exc:
        assert exc.field and exc.rule
        return
    encode(body)


# ------------------------------------------------------------------ resources

_BUTTONS = [ReplyButton(id="a", title="A")]
_SECTIONS = [ListSection(rows=[ListRow(id="r", title="R")])]
_PRODUCTS = [ProductSection(product_items=[ProductItem(product_retailer_id="p")])]
_CONTACTS = [Contact(name=ContactName(formatted_name="A", first_name="A"))]

#: Every public operation: (resource, method) -> valid arguments.
CALLS: dict[tuple[str, str], dict[str, Any]] = {
    ("messages", "send"): {"to": TO, "message": Text(body="hi"), "reply_to": WAMID,
                           "biz_opaque_callback_data": "x",
                           "recipient_identity_key_hash": "h"},
    ("messages", "send_text"): {"to": TO, "body": "hi", "preview_url": True, "reply_to": WAMID,
                                "biz_opaque_callback_data": "x"},
    ("messages", "send_image"): {"to": TO, "media_id": "1", "caption": "c"},
    ("messages", "send_video"): {"to": TO, "link": "https://example.com/v.mp4", "caption": "c"},
    ("messages", "send_audio"): {"to": TO, "media_id": "1", "voice": True},
    ("messages", "send_document"): {"to": TO, "link": LINK, "caption": "c", "filename": "a.pdf"},
    ("messages", "send_sticker"): {"to": TO, "media_id": "1"},
    ("messages", "send_location"): {"to": TO, "latitude": 1.0, "longitude": 2, "name": "n",
                                    "address": "a"},
    ("messages", "send_contacts"): {"to": TO, "contacts": _CONTACTS},
    ("messages", "send_reply_buttons"): {"to": TO, "body": "b", "buttons": _BUTTONS,
                                         "header": "h", "footer": "f"},
    ("messages", "send_list"): {"to": TO, "body": "b", "button": "Menu", "sections": _SECTIONS,
                                "header": "h", "footer": "f"},
    ("messages", "send_cta_url"): {"to": TO, "body": "b", "display_text": "Go",
                                   "url": "https://example.com", "header": "h", "footer": "f"},
    ("messages", "send_flow"): {"to": TO, "body": "b", "flow_cta": "Open", "flow_id": "1",
                                "flow_token": "t", "mode": "draft", "flow_action": "navigate",
                                "screen": "S", "data": {"a": 1}, "header": "h", "footer": "f"},
    ("messages", "send_product"): {"to": TO, "catalog_id": "c", "product_retailer_id": "p",
                                   "body": "b", "footer": "f"},
    ("messages", "send_product_list"): {"to": TO, "body": "b", "header": "h", "catalog_id": "c",
                                        "sections": _PRODUCTS, "footer": "f"},
    ("messages", "send_location_request"): {"to": TO, "body": "b"},
    ("messages", "send_catalog"): {"to": TO, "body": "b", "thumbnail_product_retailer_id": "p",
                                   "footer": "f"},
    ("messages", "send_address_request"): {"to": TO, "body": "b", "country": "IN",
                                           "values": {"name": "A"}},
    ("messages", "send_call_permission_request"): {"to": TO, "body": "b"},
    ("messages", "send_template"): {
        "to": TO, "name": "order", "language": "en_US",
        "components": [BodyComponent(parameters=[TextParameter(text="x")])],
    },
    ("messages", "send_reaction"): {"to": TO, "message_id": WAMID, "emoji": "👍",
                                    "biz_opaque_callback_data": "x"},
    ("messages", "remove_reaction"): {"to": TO, "message_id": WAMID},
    ("messages", "mark_read"): {"message_id": WAMID, "typing_indicator": True},
    ("media", "upload"): {"file": b"\xff\xd8\xff\xe0jpeg", "mime_type": "image/jpeg",
                          "filename": "a.jpg"},
    ("media", "get"): {"media_id": "1", "phone_number_id": PHONE_NUMBER_ID},
    ("media", "delete"): {"media_id": "1", "phone_number_id": PHONE_NUMBER_ID},
    ("media", "download"): {"media": "1", "phone_number_id": PHONE_NUMBER_ID},
    ("business_profile", "get"): {"fields": ["about"]},
    ("business_profile", "update"): {"about": "a", "address": "ad", "description": "d",
                                     "email": "a@example.com",
                                     "websites": ["https://example.com"], "vertical": "OTHER",
                                     "profile_picture_handle": "h"},
    ("phone_numbers", "get"): {"fields": ["throughput"]},
    ("phone_numbers", "set_two_step_pin"): {"pin": "150954"},
    ("registration", "request_code"): {"method": "SMS", "language": "en_US"},
    ("registration", "verify_code"): {"code": "123456"},
    ("registration", "register"): {"pin": "150954", "data_localization_region": "DE"},
    ("qr_codes", "create"): {"prefilled_message": "hi", "image_format": "PNG"},
    ("qr_codes", "list"): {"image_format": "SVG"},
    ("qr_codes", "get"): {"code": "ABC", "image_format": "SVG"},
    ("qr_codes", "update"): {"code": "ABC", "prefilled_message": "hi"},
    ("qr_codes", "delete"): {"code": "ABC"},
    ("blocked_users", "block"): {"users": ["+15551234567"]},
    ("blocked_users", "unblock"): {"users": ["+15551234567"]},
    ("commerce_settings", "get"): {},
    ("commerce_settings", "update"): {"is_cart_enabled": True, "is_catalog_visible": False},
    ("conversational_automation", "get"): {},
    ("conversational_automation", "update"): {
        "enable_welcome_message": True, "prompts": ["Hi"],
        "commands": [BotCommand(command_name="help", command_description="Get help")],
    },
}
RESOURCES = sorted({resource for resource, _ in CALLS})
TARGETS = [(call, name) for call, kwargs in CALLS.items() for name in kwargs]


def _public_operations(wa: WhatsAppClient, resource: str) -> set[str]:
    owner = getattr(wa, resource)
    return {
        name for name, member in inspect.getmembers(type(owner))
        if not name.startswith("_") and inspect.iscoroutinefunction(member)
    }


async def _operations_without_arguments() -> set[tuple[str, str]]:
    async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID) as wa:
        return {(r, m) for r in RESOURCES for m in _public_operations(wa, r)} - set(CALLS)


def test_every_public_operation_is_driven() -> None:
    # deregister takes no argument, so nothing hostile can be passed to it.
    assert asyncio.run(_operations_without_arguments()) == {("registration", "deregister")}


async def _call(call: tuple[str, str], kwargs: dict[str, Any]) -> tuple[BaseException, int]:
    resource, method = call
    with aioresponses() as mock:  # no routes: a request that leaves fails to connect
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, retry=NO_RETRY) as wa:
            try:
                await getattr(getattr(wa, resource), method)(**kwargs)
            except Exception as exc:
                return exc, sum(len(calls) for calls in mock.requests.values())
    raise AssertionError(f"{resource}.{method} returned without a server")


def test_every_baseline_call_reaches_the_network() -> None:
    for call, kwargs in CALLS.items():
        exc, requests = asyncio.run(_call(call, kwargs))
        assert isinstance(exc, TransportError), (call, exc)
        assert requests >= 1, call


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(TARGETS), value=HOSTILE)
def test_a_hostile_argument_is_refused_before_any_request(
    target: tuple[tuple[str, str], str], value: Any
) -> None:
    call, name = target
    kwargs = {**CALLS[call], name: value}
    exc, requests = asyncio.run(_call(call, kwargs))
    if isinstance(exc, ValidationError):
        assert exc.field and exc.rule
        assert requests == 0, f"{call} sent a request and then refused {name}={value!r}"
    else:
        # Accepted (e.g. a long flow_token, whose length Meta does not limit):
        # the request then went out and met no server. Anything else escaped.
        assert isinstance(exc, TransportError), f"{call} {name}={value!r} raised {exc!r}"
        assert requests >= 1


# ------------------------------------------------------------------ the cases found by fuzzing


def _refusal(call: tuple[str, str], **changes: Any) -> ValidationError:
    exc, requests = asyncio.run(_call(call, {**CALLS[call], **changes}))
    assert isinstance(exc, ValidationError), exc
    assert requests == 0
    return exc


def test_a_lone_surrogate_fails_validation_not_encoding() -> None:
    message = Text(body="\ud800")
    try:
        message.validate()
    except ValidationError as exc:
        assert exc.field == "text.body"
        assert "surrogate" in exc.rule
    else:
        raise AssertionError("Text(body='\\ud800') validated")


def test_a_huge_integer_coordinate_is_refused_not_overflowing() -> None:
    exc = _refusal(("messages", "send_location"), latitude=10**400)
    assert exc.field == "location.latitude"


def test_none_as_a_list_is_refused_naming_the_field() -> None:
    assert _refusal(("messages", "send_reply_buttons"), buttons=None).field == (
        "interactive.action.buttons"
    )
    assert _refusal(("messages", "send_list"), sections=None).field == (
        "interactive.action.sections"
    )
    assert _refusal(("messages", "send_product_list"), sections=None).field == (
        "interactive.action.sections"
    )
    assert _refusal(("messages", "send_contacts"), contacts=None).field == "contacts"
    assert _refusal(("messages", "send_template"), components=5).field == "template.components"


def test_a_mime_type_that_is_not_a_string_is_refused() -> None:
    assert _refusal(("media", "upload"), mime_type=5).field == "mime_type"
    assert _refusal(("media", "upload"), mime_type=b"image/jpeg").field == "mime_type"


@pytest.mark.parametrize("name", ["\x1f", "a\nb.jpg", "photo\r.jpg", "x\x7f.jpg"])
def test_an_upload_filename_with_a_control_character_is_refused(name: str) -> None:
    # It goes into the multipart Content-Disposition header, where aiohttp
    # would raise a plain ValueError (header injection) at send time.
    exc = _refusal(("media", "upload"), filename=name)
    assert exc.field == "filename" and "control" in exc.rule


def test_an_upload_path_too_long_for_the_file_system_is_refused() -> None:
    exc = _refusal(("media", "upload"), file="x" * 5000 + ".jpg", mime_type=None)
    assert exc.field == "file"
    assert "too long" in exc.rule


def test_flow_data_that_cannot_be_encoded_names_the_key() -> None:
    exc = _refusal(("messages", "send_flow"), data={"ok": 1, "bad": {"deep": object()}})
    assert exc.field == "interactive.action.parameters.flow_action_payload.data.bad.deep"


async def test_a_hand_built_body_that_cannot_be_encoded_is_refused_before_sending() -> None:
    # The one place bodies are encoded refuses what no check saw (a Struct made
    # by hand and sent with wa.request), naming the wire field.
    from whatsapp_async import APIRequest
    from whatsapp_async.types.common import Success

    class Body(msgspec.Struct):
        note: str

    with aioresponses() as mock:
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, retry=NO_RETRY) as wa:
            try:
                await wa.request(APIRequest("POST", (PHONE_NUMBER_ID, "x"), Success,
                                            body=Body(note="\udfff")))
            except ValidationError as exc:
                assert exc.field == "note"
            else:
                raise AssertionError("an unencodable body was accepted")
        assert not mock.requests
