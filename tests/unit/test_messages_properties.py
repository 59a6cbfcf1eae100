"""Properties of message Structs (hypothesis).

1. Any message that passes validation encodes to a send body that decodes back
   to the same message, recipient and envelope fields (nothing lost or added).
2. A string over its documented limit is always refused, naming its field.
3. Phone-number formatting never changes the number sent on the wire.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import UNSET

from whatsapp_async import ValidationError
from whatsapp_async._validation import normalize_phone_number
from whatsapp_async.types.messages import (
    Audio,
    BodyComponent,
    ButtonComponent,
    Contact,
    ContactEmail,
    ContactName,
    ContactPhone,
    Contacts,
    Context,
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
    Group,
    HeaderComponent,
    Image,
    ImageHeader,
    ImageParameter,
    InteractiveList,
    Language,
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
    decode_request,
    message_of,
    recipient_of,
)

# --------------------------------------------------------------------------- building blocks


def texts(limit: int) -> st.SearchStrategy[str]:
    """Non-empty text within ``limit`` (kept short: the limits have their own tests)."""
    return st.text(min_size=1, max_size=min(limit, 120))


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(UNSET), strategy)


ids = st.from_regex(r"[A-Za-z0-9_.:=-]{1,40}", fullmatch=True)
urls = st.builds(
    "https://{}.example/{}".format,
    st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),
    st.from_regex(r"[a-z0-9/_.-]{0,30}", fullmatch=True),
)
phones = st.from_regex(r"\+?[1-9][0-9]{7,14}", fullmatch=True)
emoji = st.sampled_from(["", "👍", "😀", "❤️", "👍🏽", "🇧🇷", "#️⃣", "❤️‍🔥", "👨‍👩‍👧‍👦"])


def media(kind: type[Any], *, caption: bool) -> st.SearchStrategy[Any]:
    by_id = st.builds(lambda i: kind(id=i), ids)
    by_link = st.builds(lambda u: kind(link=u), urls)
    plain = st.one_of(by_id, by_link)
    if not caption:
        return plain
    return st.builds(
        lambda m, c: msgspec.structs.replace(m, caption=c), plain, optional(texts(1024))
    )


locations = st.builds(
    Location,
    latitude=st.floats(-90, 90),
    longitude=st.floats(-180, 180),
    name=optional(texts(200)),
    address=optional(texts(200)),
)

headers = st.one_of(
    st.builds(TextHeader, text=texts(60), sub_text=optional(texts(60))),
    st.builds(ImageHeader, image=media(Image, caption=False)),
    st.builds(VideoHeader, video=media(Video, caption=False)),
    st.builds(DocumentHeader, document=media(Document, caption=False)),
)
footers = st.one_of(st.none(), texts(60))
header_args = st.one_of(st.none(), texts(60), headers)

contacts = st.builds(
    Contacts,
    contacts=st.lists(
        st.builds(
            Contact,
            name=st.builds(ContactName, formatted_name=texts(100), first_name=texts(50)),
            birthday=optional(st.dates().map(lambda d: d.isoformat())),
            emails=optional(st.lists(st.builds(
                ContactEmail,
                email=st.from_regex(r"[a-z0-9.]{1,10}@[a-z0-9]{1,10}\.com", fullmatch=True),
                type=optional(st.sampled_from(["HOME", "WORK"])),
            ), max_size=2)),
            phones=optional(st.lists(st.builds(
                ContactPhone, phone=texts(30), wa_id=optional(ids),
                type=optional(st.sampled_from(["CELL", "MAIN", "IPHONE", "HOME", "WORK"])),
            ), max_size=2)),
        ),
        min_size=1, max_size=3,
    ),
)

reply_buttons = st.builds(
    lambda body, pairs, header, footer: ReplyButtons.create(
        body, [ReplyButton(id=i, title=t) for i, t in pairs], header=header, footer=footer
    ),
    texts(1024),
    st.lists(
        st.tuples(ids, texts(20)), min_size=1, max_size=3,
        unique_by=(lambda p: p[0], lambda p: p[1]),
    ),
    header_args,
    footers,
)


@st.composite
def lists(draw: st.DrawFn) -> InteractiveList:
    rows = draw(st.lists(
        st.builds(ListRow, id=ids, title=texts(24), description=optional(texts(72))),
        min_size=1, max_size=10, unique_by=lambda r: r.id,
    ))
    cuts = sorted(draw(st.sets(st.integers(1, len(rows) - 1), max_size=9))) if len(rows) > 1 else []
    bounds = [0, *cuts, len(rows)]
    several = len(bounds) > 2
    sections = [
        ListSection(
            rows=rows[a:b], title=draw(texts(24)) if several else draw(optional(texts(24)))
        )
        for a, b in itertools.pairwise(bounds)
    ]
    return InteractiveList.create(
        draw(texts(4096)), button=draw(texts(20)), sections=sections,
        header=draw(st.one_of(st.none(), texts(60))), footer=draw(footers),
    )


cta_urls = st.builds(
    lambda body, text, url, header, footer: CtaUrl.create(
        body, display_text=text, url=url, header=header, footer=footer
    ),
    texts(1024), texts(20), urls, header_args, footers,
)

flow_data = st.dictionaries(
    st.text(max_size=10), st.one_of(st.integers(), st.text(max_size=10), st.booleans()),
    min_size=1, max_size=3,
)


@st.composite
def flows(draw: st.DrawFn) -> Flow:
    by_id = draw(st.booleans())
    return Flow.create(
        draw(texts(1024)),
        flow_cta=draw(texts(30)),
        flow_id=draw(ids) if by_id else None,
        flow_name=None if by_id else draw(texts(50)),
        flow_token=draw(st.one_of(st.none(), texts(50))),
        mode=draw(st.sampled_from([None, "draft", "published"])),
        flow_action=draw(st.sampled_from([None, "navigate", "data_exchange"])),
        screen=draw(st.one_of(st.none(), ids)),
        data=draw(st.one_of(st.none(), flow_data)),
        header=draw(header_args),
        footer=draw(footers),
    )


products = st.builds(
    lambda catalog, sku, body, footer: Product.create(
        catalog_id=catalog, product_retailer_id=sku, body=body, footer=footer
    ),
    ids, ids, st.one_of(st.none(), texts(1024)), footers,
)


@st.composite
def product_lists(draw: st.DrawFn) -> ProductList:
    sections = draw(st.lists(
        st.lists(st.builds(ProductItem, product_retailer_id=ids), min_size=1, max_size=3),
        min_size=1, max_size=10,
    ))
    several = len(sections) > 1
    return ProductList.create(
        draw(texts(1024)),
        header=draw(texts(60)),
        catalog_id=draw(ids),
        sections=[
            ProductSection(
                product_items=items,
                title=draw(texts(24)) if several else draw(optional(texts(24))),
            )
            for items in sections
        ],
        footer=draw(footers),
    )


location_requests = st.builds(LocationRequest.create, texts(1024))

header_components = st.builds(
    lambda p: HeaderComponent(parameters=[p]),
    st.one_of(
        st.builds(TextParameter, text=texts(60)),
        st.builds(ImageParameter, image=media(Image, caption=False)),
        st.builds(VideoParameter, video=media(Video, caption=False)),
        st.builds(DocumentParameter, document=media(Document, caption=False)),
        st.builds(LocationParameter, location=locations),
    ),
)
body_components = st.builds(
    BodyComponent,
    parameters=st.lists(st.one_of(
        st.builds(TextParameter, text=texts(1024), parameter_name=optional(ids)),
        st.builds(CurrencyParameter, currency=st.builds(
            Currency, fallback_value=texts(50),
            code=st.from_regex(r"[A-Z]{3}", fullmatch=True),
            amount_1000=st.integers(-(2**31), 2**31 - 1),
        )),
        st.builds(DateTimeParameter, date_time=st.builds(DateTime, fallback_value=texts(50))),
    ), max_size=4),
)
button_components = st.builds(
    ButtonComponent,
    sub_type=st.sampled_from(["quick_reply", "url", "copy_code", "flow", "catalog"]),
    index=st.sampled_from(list(string.digits)),
    parameters=st.lists(st.one_of(
        st.builds(PayloadParameter, payload=texts(100)),
        st.builds(TextParameter, text=texts(100)),
        st.builds(CouponCodeParameter, coupon_code=texts(15)),
    ), min_size=1, max_size=2),
)
templates = st.builds(
    Template,
    name=st.from_regex(r"[a-z0-9_]{1,50}", fullmatch=True),
    language=st.builds(
        Language,
        code=st.sampled_from(["en", "en_US", "pt_BR", "zh_HK", "fil"]),
        policy=optional(st.just("deterministic")),
    ),
    components=optional(st.builds(
        lambda h, b, buttons: [*h, *b, *buttons],
        st.lists(header_components, max_size=1),
        st.lists(body_components, max_size=1),
        st.lists(button_components, max_size=3),
    )),
)

messages = st.one_of(
    st.builds(Text, body=texts(4096), preview_url=optional(st.booleans())),
    media(Image, caption=True),
    media(Video, caption=True),
    media(Audio, caption=False),
    st.builds(
        lambda d, f: msgspec.structs.replace(d, filename=f),
        media(Document, caption=True), optional(texts(100)),
    ),
    media(Sticker, caption=False),
    locations,
    contacts,
    reply_buttons,
    lists(),
    cta_urls,
    flows(),
    products,
    product_lists(),
    location_requests,
    templates,
    st.builds(Reaction, message_id=ids, emoji=emoji),
)
recipients = st.one_of(phones, st.builds(Group, id=ids))


# --------------------------------------------------------------------------- 1. lossless


@settings(max_examples=300)
@given(
    to=recipients,
    message=messages,
    reply_to=st.one_of(st.none(), ids),
    callback=st.one_of(st.none(), texts(512)),
)
def test_a_valid_message_survives_the_wire_unchanged(
    to: Any, message: Any, reply_to: str | None, callback: str | None
) -> None:
    message.validate()
    wire = msgspec.json.encode(
        build_request(to, message, reply_to=reply_to, biz_opaque_callback_data=callback)
    )

    back = decode_request(wire)

    assert message_of(back) == message
    expected_to = to if isinstance(to, Group) else normalize_phone_number("to", to)
    assert recipient_of(back) == expected_to
    assert back.context == (UNSET if reply_to is None else Context(message_id=reply_to))
    assert back.biz_opaque_callback_data == (UNSET if callback is None else callback)


# --------------------------------------------------------------------------- 2. limits


def over(limit: int) -> st.SearchStrategy[str]:
    """A string of limit+1 to limit+64 characters, built by repeating a random chunk."""
    return st.builds(
        lambda chunk, extra: (chunk * (limit // len(chunk) + 2))[: limit + extra],
        st.text(alphabet=st.characters(blacklist_categories=["Cs", "Zs", "Cc"]),
                min_size=1, max_size=8),
        st.integers(1, 64),
    )


def one_button(**fields: str) -> ReplyButtons:
    return ReplyButtons.create(
        fields.get("body", "Pick"),
        [ReplyButton(id=fields.get("id", "a"), title=fields.get("title", "A"))],
        header=fields.get("header"), footer=fields.get("footer"),
    )


def one_row(**fields: str) -> InteractiveList:
    row = ListRow(id=fields.get("id", "r"), title=fields.get("title", "Row"),
                  description=fields.get("description", UNSET))
    return InteractiveList.create(
        fields.get("body", "Pick"), button=fields.get("button", "Menu"),
        sections=[ListSection(rows=[row], title=fields.get("section", UNSET))],
    )


def tmpl(*components: Any, name: str = "promo") -> Template:
    return Template(name=name, language=Language(code="en_US"), components=list(components))


LIMITS: list[tuple[str, int, Callable[[str], Any]]] = [
    ("text.body", 4096, lambda s: Text(body=s)),
    ("image.caption", 1024, lambda s: Image(id="1", caption=s)),
    ("video.caption", 1024, lambda s: Video(id="1", caption=s)),
    ("document.caption", 1024, lambda s: Document(id="1", caption=s)),
    ("interactive.body.text", 1024, lambda s: one_button(body=s)),
    ("interactive.header.text", 60, lambda s: one_button(header=s)),
    ("interactive.footer.text", 60, lambda s: one_button(footer=s)),
    ("interactive.action.buttons[0].reply.title", 20, lambda s: one_button(title=s)),
    ("interactive.action.buttons[0].reply.id", 256, lambda s: one_button(id=s)),
    ("interactive.body.text", 4096, lambda s: one_row(body=s)),
    ("interactive.action.button", 20, lambda s: one_row(button=s)),
    ("interactive.action.sections[0].title", 24, lambda s: one_row(section=s)),
    ("interactive.action.sections[0].rows[0].title", 24, lambda s: one_row(title=s)),
    ("interactive.action.sections[0].rows[0].description", 72,
     lambda s: one_row(description=s)),
    ("interactive.action.sections[0].rows[0].id", 200, lambda s: one_row(id=s)),
    ("interactive.action.parameters.display_text", 20,
     lambda s: CtaUrl.create("Go", display_text=s, url="https://example.com")),
    ("interactive.action.parameters.flow_cta", 30,
     lambda s: Flow.create("Go", flow_cta=s, flow_id="1")),
    ("template.name", 512, lambda s: tmpl(name=s)),
    ("template.components[0].parameters[0].text", 60,
     lambda s: tmpl(HeaderComponent(parameters=[TextParameter(text=s)]))),
    ("template.components[1].parameters[0].text", 1024,
     lambda s: tmpl(HeaderComponent(parameters=[TextParameter(text="Hi")]),
                    BodyComponent(parameters=[TextParameter(text=s)]))),
    ("template.components[0].parameters[0].text", 32768,
     lambda s: tmpl(BodyComponent(parameters=[TextParameter(text=s)]))),
    ("template.components[0].parameters[0].coupon_code", 15,
     lambda s: tmpl(ButtonComponent(sub_type="copy_code", index="0",
                                    parameters=[CouponCodeParameter(coupon_code=s)]))),
]


@pytest.mark.parametrize(
    ("field", "limit", "build"), LIMITS, ids=[f"{f}<={n}" for f, n, _ in LIMITS]
)
@settings(max_examples=30)
@given(data=st.data())
def test_a_string_over_its_limit_is_always_refused(
    field: str, limit: int, build: Callable[[str], Any], data: st.DataObject
) -> None:
    value = data.draw(over(limit))

    with pytest.raises(ValidationError) as caught:
        build(value).validate()

    assert caught.value.field == field


@settings(max_examples=30)
@given(value=over(512))
def test_callback_data_over_512_is_always_refused(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build_request("+16505551234", Text(body="hi"), biz_opaque_callback_data=value)

    assert caught.value.field == "biz_opaque_callback_data"


# --------------------------------------------------------------------------- 3. phone numbers


@given(
    digits=st.from_regex(r"[1-9][0-9]{7,14}", fullmatch=True),
    separators=st.lists(st.sampled_from([" ", "-", ".", "(", ")"]), max_size=20),
    plus=st.booleans(),
    data=st.data(),
)
def test_formatting_never_changes_the_number_sent(
    digits: str, separators: list[str], plus: bool, data: st.DataObject
) -> None:
    chars = list(digits)
    for sep in separators:
        chars.insert(data.draw(st.integers(0, len(chars))), sep)
    written = ("+" if plus else "") + "".join(chars)

    assert normalize_phone_number("to", written) == "+" + digits


def _e164_reference(value: str) -> str | None:
    """The rule spelled out once more, slowly: what the number must become, or None."""
    digits = value.strip()
    digits = digits[1:] if digits.startswith("+") else digits
    digits = "".join(c for c in digits if c not in " -().\u00a0\t")
    if not (digits.isascii() and digits.isdigit()) or digits[:1] in ("", "0"):
        return None
    return "+" + digits if 8 <= len(digits) <= 15 else None


@given(value=st.one_of(
    st.text(alphabet="+0123456789", max_size=18),
    st.text(alphabet=st.sampled_from("+0123456789 -٣²１a"), max_size=18),
    st.from_regex(r"\+?[0-9]{6,17}", fullmatch=True),
))
def test_the_quick_path_for_clean_numbers_agrees_with_the_rule(value: str) -> None:
    # normalize_phone_number takes a shortcut for numbers that are already
    # clean; it must accept and refuse exactly what the rule does.
    expected = _e164_reference(value)
    if expected is None:
        with pytest.raises(ValidationError):
            normalize_phone_number("to", value)
    else:
        assert normalize_phone_number("to", value) == expected


# --------------------------------------------------------------------------- 4. fast path


@given(
    kind=st.sampled_from(["header", "body", "button"]),
    text_max=st.sampled_from([60, 1024]),
    params=st.lists(st.one_of(
        st.builds(TextParameter, text=st.text(max_size=70),
                  parameter_name=optional(st.text(max_size=3))),
        st.builds(PayloadParameter, payload=st.text(max_size=30)),
        st.builds(CouponCodeParameter, coupon_code=st.text(max_size=20)),
        st.builds(DateTimeParameter, date_time=st.builds(DateTime, fallback_value=texts(5))),
    ), max_size=4),
)
def test_the_cheap_check_never_passes_what_the_full_check_refuses(
    kind: str, text_max: int, params: list[Any]
) -> None:
    # Template validation tries a cheap inline test first and explains with the
    # full check only when it fails; the cheap test must never be more lenient.
    component: Any
    if kind == "header":
        component = HeaderComponent(parameters=params)
    elif kind == "body":
        component = BodyComponent(parameters=params)
    else:
        component = ButtonComponent(sub_type="url", index="0", parameters=params)

    if component._plainly_valid(text_max):
        component._check_parameters("template.components[0]", text_max)
