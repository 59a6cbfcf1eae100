"""Hostile values anywhere in a template definition are refused with a ValidationError."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whatsapp_async import ValidationError
from whatsapp_async.types.templates import (
    BodyExample,
    CopyCodeButton,
    FlowButton,
    HeaderExample,
    LimitedTimeOffer,
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
)

HOSTILE = st.one_of(
    st.sampled_from([None, "", "\ud800", "a" * 3000, 0, -1, True, 3.5, b"x", [], {}, (), [None],
                     [[None]], [5], {"k": object()}, "{{1}}", "{{x}}{{1}}"]),
    st.builds(object), st.integers(), st.text(max_size=6),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=3)), max_size=3),
)


def _templates() -> list[TemplateDefinition]:
    card = TemplateCard(components=[
        TemplateHeader(format="IMAGE", example=HeaderExample(header_handle=["h"])),
        TemplateBody(text="Card body"),
        TemplateButtons(buttons=[QuickReplyButton(text="More")]),
    ])
    return [
        TemplateDefinition(name="a", language="en_US", category="MARKETING", components=[
            TemplateHeader(format="TEXT", text="Hi {{1}}", example=HeaderExample(
                header_text=["Ann"])),
            TemplateBody(text="Hello {{1}} there", example=BodyExample(body_text=[["Ann"]])),
            TemplateFooter(text="Bye"),
            TemplateButtons(buttons=[
                QuickReplyButton(text="Stop"),
                UrlButton(text="Go", url="https://e.com/{{1}}", example=["https://e.com/x"]),
                PhoneNumberButton(text="Call", phone_number="+15550001111"),
                CopyCodeButton(example="CODE1"),
                FlowButton(text="Flow", flow_id="1", flow_action="navigate"),
            ]),
        ]),
        TemplateDefinition(name="b", language="en_US", category="MARKETING",
                           parameter_format="NAMED", components=[
            TemplateBody(text="Hello {{name}} there", example=BodyExample(
                body_text_named_params=[NamedExample(param_name="name", example="Ann")])),
            TemplateLimitedTimeOffer(limited_time_offer=LimitedTimeOffer(
                text="Offer", has_expiration=True)),
            TemplateButtons(buttons=[CopyCodeButton(example="CODE1")]),
        ]),
        TemplateDefinition(name="c", language="en_US", category="AUTHENTICATION", components=[
            TemplateBody(add_security_recommendation=True),
            TemplateFooter(code_expiration_minutes=5),
            TemplateButtons(buttons=[OtpButton(otp_type="ONE_TAP", text="Copy",
                                               autofill_text="Fill", supported_apps=[
                OtpApp(package_name="com.a", signature_hash="K8a/AINcGX7")])]),
        ]),
        TemplateDefinition(name="d", language="en_US", category="MARKETING", components=[
            TemplateBody(text="Look at these"), TemplateCarousel(cards=[card, card]),
        ]),
    ]


def _slots(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every (struct or list, key) place below ``value`` where a hostile value can go."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            found.append((*path, name))
            found.extend(_slots(getattr(value, name), (*path, name)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.append((*path, i))
            found.extend(_slots(item, (*path, i)))
    return found


TARGETS = [(i, slot) for i, t in enumerate(_templates()) for slot in _slots(t)]


def _put(root: Any, slot: tuple[Any, ...], value: Any) -> None:
    node = root
    for key in slot[:-1]:
        node = node[key] if isinstance(key, int) else getattr(node, key)
    last = slot[-1]
    if isinstance(last, int):
        node[last] = value
    else:
        setattr(node, last, value)


def test_the_baselines_pass() -> None:
    for t in _templates():
        t.validate()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(TARGETS), value=HOSTILE)
def test_a_hostile_value_anywhere_is_a_validation_error_or_accepted(
    target: tuple[int, tuple[Any, ...]], value: Any
) -> None:
    index, slot = target
    template = _templates()[index]
    _put(template, slot, value)
    try:
        template.validate()
    except ValidationError as exc:
        assert exc.field and exc.rule
        return
    # Accepted: it must then encode (a request body the client can send).
    msgspec.json.encode(template)
