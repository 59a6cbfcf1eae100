"""Meta's rules for template definitions, checked before ``create`` or ``edit`` is sent.

Errors name the component by its type and the field inside it, e.g.
``BODY.example.body_text`` or ``BUTTONS.buttons[2].url``, so a template
assembled from many parts points at the part to fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec
from msgspec import UNSET

from ..._validation import check_choice, check_language_code, check_length, check_url
from ...errors import ValidationError
from .components import (
    BodyExample,
    CatalogButton,
    CopyCodeButton,
    FlowButton,
    HeaderExample,
    MultiProductButton,
    OtpButton,
    PhoneNumberButton,
    QuickReplyButton,
    TemplateBody,
    TemplateButtons,
    TemplateCarousel,
    TemplateFooter,
    TemplateHeader,
    TemplateLimitedTimeOffer,
    UrlButton,
    VoiceCallButton,
)
from .definitions import CATEGORIES, PARAMETER_FORMATS, TemplateDefinition

__all__ = ["LIMITS", "check_definition", "variables"]

#: The limits Meta documents for template definitions.
LIMITS = {
    "name": 512,
    "header_text": 60,
    "body_text": 1024,
    "footer_text": 60,
    "buttons": 10,
    "quick_reply": 10,
    "url": 2,
    "phone_number": 1,
    "copy_code": 1,
    "voice_call": 1,
    "button_text": 25,
    "url_length": 2000,
    "phone_number_length": 20,
    "coupon_example": 15,
    "card_body_text": 160,
    "card_buttons": 2,
    "cards_min": 2,
    "cards_max": 10,
    "offer_text": 16,
    "code_expiration_minutes": 90,
    "otp_apps": 5,
}

_NAME = re.compile(r"[a-z0-9_]+")
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_VARIABLE_AT_END = re.compile(r"\{\{[^{}]*\}\}$")
_NAMED = re.compile(r"[a-z_][a-z0-9_]*")
_HEADER_FORMATS = ("TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION")
_OTP_TYPES = ("COPY_CODE", "ONE_TAP", "ZERO_TAP")
_FLOW_ACTIONS = ("navigate", "data_exchange")
_SIGNATURE_HASH = re.compile(r"[A-Za-z0-9+/=]{11}")


def variables(text: str) -> list[str]:
    """The variables of ``text`` in order: ``"1"``, ``"2"`` or names such as ``"first_name"``."""
    return [m.group(1) for m in _VARIABLE.finditer(text)]


def _check_variables(path: str, text: str, parameter_format: str, *, ends: bool) -> list[str]:
    found = variables(text)
    if not found:
        return found
    if parameter_format == "NAMED":
        for name in found:
            if not _NAMED.fullmatch(name):
                raise ValidationError(path, f"named variable {{{{{name}}}}} must be lower-case "
                                      "letters, digits and underscores (parameter_format NAMED)")
        if len(set(found)) != len(found):
            raise ValidationError(path, "each named variable may appear only once")
    else:
        if not all(v.isdigit() for v in found):
            bad = next(v for v in found if not v.isdigit())
            raise ValidationError(path, f"variable {{{{{bad}}}}} is not positional ({{{{1}}}}, "
                                  "{{2}}, ...); named variables need parameter_format='NAMED'")
        numbers = sorted({int(v) for v in found})
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError(path, "positional variables must be numbered {{1}}, {{2}}, ... "
                                  f"without gaps, got {', '.join(f'{{{{{n}}}}}' for n in numbers)}")
    if ends:
        stripped = text.strip()
        if _VARIABLE.match(stripped) or _VARIABLE_AT_END.search(stripped):
            raise ValidationError(path, "a variable may not be the first or last thing in the text")
    return found


def _distinct(found: Sequence[str]) -> int:
    return len(set(found))


def _check_body_example(path: str, example: object, found: list[str], fmt: str) -> None:
    if not found:
        return
    if not isinstance(example, BodyExample):
        raise ValidationError(f"{path}.example", f"is required: the text has {_distinct(found)} "
                              "variable(s), and Meta reviews templates with example values")
    if fmt == "NAMED":
        named = example.body_text_named_params
        if named is UNSET:
            raise ValidationError(f"{path}.example.body_text_named_params",
                                  "is required for named variables")
        given = {n.param_name for n in named}
        missing = [n for n in found if n not in given]
        if missing:
            raise ValidationError(f"{path}.example.body_text_named_params",
                                  f"has no example for {', '.join(missing)}")
        return
    rows = example.body_text
    if rows is UNSET or not rows:
        raise ValidationError(f"{path}.example.body_text", "is required for positional variables")
    if len(rows[0]) != _distinct(found):
        raise ValidationError(f"{path}.example.body_text", f"must give {_distinct(found)} "
                              f"value(s), one per variable, got {len(rows[0])}")
    for i, value in enumerate(rows[0]):
        check_length(f"{path}.example.body_text[0][{i}]", value, LIMITS["body_text"], minimum=1)


def _check_header(path: str, c: TemplateHeader, fmt: str, *, card: bool) -> None:
    check_choice(f"{path}.format", c.format, ("IMAGE", "VIDEO") if card else _HEADER_FORMATS)
    example = c.example
    if c.format == "TEXT":
        if c.text is UNSET:
            raise ValidationError(f"{path}.text", "is required for a TEXT header")
        check_length(f"{path}.text", c.text, LIMITS["header_text"], minimum=1)
        found = _check_variables(f"{path}.text", c.text, fmt, ends=False)
        if len(found) > 1:
            raise ValidationError(f"{path}.text", "a header may have at most one variable")
        if found:
            given = isinstance(example, HeaderExample) and (
                example.header_text_named_params if fmt == "NAMED" else example.header_text)
            if not given:
                key = "header_text_named_params" if fmt == "NAMED" else "header_text"
                raise ValidationError(f"{path}.example.{key}", "is required: the header text "
                                      "has a variable")
        return
    if c.text is not UNSET:
        raise ValidationError(f"{path}.text", f"is only for TEXT headers, not {c.format}")
    if c.format == "LOCATION":
        return
    if not isinstance(example, HeaderExample) or not example.header_handle:
        raise ValidationError(f"{path}.example.header_handle", f"is required: a {c.format} "
                              "header needs the upload handle of a sample")


def _check_body(path: str, c: TemplateBody, fmt: str, category: str, maximum: int) -> None:
    if category == "AUTHENTICATION":
        if c.text is not UNSET:
            raise ValidationError(f"{path}.text", "authentication templates use Meta's fixed "
                                  "text; give add_security_recommendation instead")
        return
    if c.add_security_recommendation is not UNSET:
        raise ValidationError(f"{path}.add_security_recommendation",
                              "is only for AUTHENTICATION templates")
    if c.text is UNSET:
        raise ValidationError(f"{path}.text", "is required")
    check_length(f"{path}.text", c.text, maximum, minimum=1)
    found = _check_variables(f"{path}.text", c.text, fmt, ends=True)
    _check_body_example(path, c.example, found, fmt)


def _check_footer(path: str, c: TemplateFooter, category: str) -> None:
    if category == "AUTHENTICATION":
        if c.text is not UNSET:
            raise ValidationError(f"{path}.text", "authentication footers have no text; "
                                  "give code_expiration_minutes")
        minutes = c.code_expiration_minutes
        if minutes is not UNSET and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                     or not 1 <= minutes <= LIMITS["code_expiration_minutes"]):
            raise ValidationError(f"{path}.code_expiration_minutes", "must be 1 to 90")
        return
    if c.code_expiration_minutes is not UNSET:
        raise ValidationError(f"{path}.code_expiration_minutes",
                              "is only for AUTHENTICATION templates")
    if c.text is UNSET:
        raise ValidationError(f"{path}.text", "is required")
    check_length(f"{path}.text", c.text, LIMITS["footer_text"], minimum=1)
    if variables(c.text):
        raise ValidationError(f"{path}.text", "a footer may not have variables")


_COUNTED = {
    QuickReplyButton: "quick_reply", UrlButton: "url", PhoneNumberButton: "phone_number",
    CopyCodeButton: "copy_code", VoiceCallButton: "voice_call",
}


def _check_button(path: str, b: object, category: str) -> None:
    if isinstance(b, OtpButton):
        if category != "AUTHENTICATION":
            raise ValidationError(f"{path}.type", "OTP buttons are only for AUTHENTICATION "
                                  "templates")
        check_choice(f"{path}.otp_type", b.otp_type, _OTP_TYPES)
        for key in ("text", "autofill_text"):
            value = getattr(b, key)
            if value is not UNSET:
                check_length(f"{path}.{key}", value, LIMITS["button_text"], minimum=1)
        if b.otp_type != "COPY_CODE":
            apps = b.supported_apps
            if apps is UNSET or not apps:
                raise ValidationError(f"{path}.supported_apps", f"is required for {b.otp_type}")
            if len(apps) > LIMITS["otp_apps"]:
                raise ValidationError(f"{path}.supported_apps", "must have at most 5 apps")
            for i, app in enumerate(apps):
                check_length(f"{path}.supported_apps[{i}].package_name", app.package_name, 224,
                             minimum=1)
                if not _SIGNATURE_HASH.fullmatch(app.signature_hash):
                    raise ValidationError(f"{path}.supported_apps[{i}].signature_hash",
                                          "must be the app's 11-character signing hash")
        if b.otp_type == "ZERO_TAP" and b.zero_tap_terms_accepted is not True:
            raise ValidationError(f"{path}.zero_tap_terms_accepted",
                                  "must be True to create a zero-tap template")
        return
    if category == "AUTHENTICATION":
        raise ValidationError(f"{path}.type", "AUTHENTICATION templates take one OTP button only")
    text = getattr(b, "text", UNSET)
    if text is not UNSET:
        check_length(f"{path}.text", text, LIMITS["button_text"], minimum=1)
    elif not isinstance(b, CopyCodeButton):
        raise ValidationError(f"{path}.text", "is required")
    if isinstance(b, UrlButton):
        check_length(f"{path}.url", b.url, LIMITS["url_length"], minimum=1)
        found = variables(b.url)
        if found:
            if found != ["1"] or not b.url.rstrip().endswith("}}"):
                raise ValidationError(f"{path}.url", "may have one variable, {{1}}, at its end")
            if b.example is UNSET or len(b.example) != 1:
                raise ValidationError(f"{path}.example", "is required: one full sample URL for "
                                      "the variable")
            check_url(f"{path}.example[0]", b.example[0], schemes=("https", "http"))
        else:
            check_url(f"{path}.url", b.url, schemes=("https", "http"))
    elif isinstance(b, PhoneNumberButton):
        check_length(f"{path}.phone_number", b.phone_number, LIMITS["phone_number_length"],
                     minimum=1)
    elif isinstance(b, CopyCodeButton):
        check_length(f"{path}.example", b.example, LIMITS["coupon_example"], minimum=1)
    elif isinstance(b, FlowButton):
        given = [k for k in ("flow_id", "flow_name", "flow_json") if getattr(b, k) is not UNSET]
        if len(given) != 1:
            raise ValidationError(f"{path}.flow_id", "give exactly one of flow_id, flow_name "
                                  "or flow_json")
        if b.flow_action is not UNSET:
            check_choice(f"{path}.flow_action", b.flow_action, _FLOW_ACTIONS)


def _check_buttons(path: str, c: TemplateButtons, category: str, *, card: bool) -> None:
    buttons = c.buttons
    limit = LIMITS["card_buttons"] if card else LIMITS["buttons"]
    if not buttons:
        raise ValidationError(f"{path}.buttons", "must have at least one button")
    if len(buttons) > limit:
        raise ValidationError(f"{path}.buttons", f"must have at most {limit} buttons, got "
                              f"{len(buttons)}")
    counts: dict[str, int] = {}
    for i, b in enumerate(buttons):
        where = f"{path}.buttons[{i}]"
        if card and not isinstance(b, (QuickReplyButton, UrlButton, PhoneNumberButton)):
            raise ValidationError(f"{where}.type", "carousel cards take QUICK_REPLY, URL or "
                                  "PHONE_NUMBER buttons")
        _check_button(where, b, category)
        kind = _COUNTED.get(type(b))
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
            if counts[kind] > LIMITS[kind]:
                raise ValidationError(where, f"at most {LIMITS[kind]} {kind.upper()} "
                                      "button(s) per template")
    if category == "AUTHENTICATION" and len(buttons) != 1:
        raise ValidationError(f"{path}.buttons", "AUTHENTICATION templates take exactly one "
                              "OTP button")
    quick = [i for i, b in enumerate(buttons) if isinstance(b, QuickReplyButton)]
    if quick and quick[-1] - quick[0] + 1 != len(quick):
        raise ValidationError(f"{path}.buttons", "quick-reply buttons must be kept together "
                              "(not mixed between other buttons)")
    if sum(isinstance(b, (CatalogButton, MultiProductButton)) for b in buttons) > 1:
        raise ValidationError(f"{path}.buttons", "at most one CATALOG or MPM button")


def _shape(card: object) -> tuple[object, ...]:
    parts: list[object] = []
    for c in card.components:  # type: ignore[attr-defined]
        if isinstance(c, TemplateHeader):
            parts.append(("HEADER", c.format))
        elif isinstance(c, TemplateButtons):
            parts.append(("BUTTONS", tuple(type(b).__name__ for b in c.buttons)))
        else:
            parts.append((type(c).__name__,))
    return tuple(sorted(parts, key=repr))


def _check_carousel(path: str, c: TemplateCarousel, fmt: str, category: str) -> None:
    cards = c.cards
    if not LIMITS["cards_min"] <= len(cards) <= LIMITS["cards_max"]:
        raise ValidationError(f"{path}.cards", f"must have 2 to 10 cards, got {len(cards)}")
    first = _shape(cards[0])
    for i, card in enumerate(cards):
        where = f"{path}.cards[{i}]"
        headers = [x for x in card.components if isinstance(x, TemplateHeader)]
        if len(headers) != 1:
            raise ValidationError(f"{where}.HEADER", "each card needs one IMAGE or VIDEO header")
        for x in card.components:
            if isinstance(x, TemplateHeader):
                _check_header(f"{where}.HEADER", x, fmt, card=True)
            elif isinstance(x, TemplateBody):
                _check_body(f"{where}.BODY", x, fmt, category, LIMITS["card_body_text"])
            else:
                _check_buttons(f"{where}.BUTTONS", x, category, card=True)
        if _shape(card) != first:
            raise ValidationError(where, "every card must have the same components (header "
                                  "format, body, button kinds) as the first")


def _well_typed(t: TemplateDefinition) -> TemplateDefinition:
    # Structs built by hand are not type-checked by msgspec; a round trip
    # through JSON is, and its error names the field. The rules then run on
    # the decoded copy, which holds only the declared types.
    try:
        raw = msgspec.json.encode(t)
    except UnicodeEncodeError:
        raise ValidationError("template", "must be valid Unicode text: it holds a lone "
                              "surrogate (U+D800 to U+DFFF)") from None
    except (TypeError, OverflowError) as exc:
        raise ValidationError("template", f"cannot be encoded as JSON: {exc}") from None
    try:
        return msgspec.json.decode(raw, type=TemplateDefinition)
    except msgspec.ValidationError as exc:
        text = str(exc)
        rule, _, where = text.partition(" - at `$")
        raise ValidationError(_component_path(t, where.rstrip("`").lstrip(".")) or "template",
                              rule) from None


def _component_path(t: TemplateDefinition, where: str) -> str:
    # "components[1].text" -> "BODY.text", as the rules name fields.
    match = re.match(r"components\[(\d+)\](.*)", where)
    if match is None or not isinstance(t.components, list):
        return where
    index, rest = int(match.group(1)), match.group(2)
    if index >= len(t.components):
        return where
    return f"{_tag(t.components[index])}{rest}" if rest else _tag(t.components[index])


def check_definition(t: TemplateDefinition) -> None:
    """Check a whole template definition against Meta's rules.

    Raises:
        ValidationError: The first rule broken, naming the component (``BODY``,
            ``BUTTONS.buttons[1]``, ...) and the field.
    """
    t = _well_typed(t)
    check_length("name", t.name, LIMITS["name"], minimum=1)
    if not _NAME.fullmatch(t.name):
        raise ValidationError("name", "must be lower-case letters, digits and underscores")
    check_language_code("language", t.language)
    check_choice("category", t.category, CATEGORIES)
    fmt = "POSITIONAL" if t.parameter_format is UNSET else t.parameter_format
    check_choice("parameter_format", fmt, PARAMETER_FORMATS)
    if not isinstance(t.components, list) or not t.components:
        raise ValidationError("components", "must list the template's components")
    by_type: dict[type, object] = {}
    for c in t.components:
        if type(c) in by_type:
            raise ValidationError(f"{_tag(c)}", "may appear only once per template")
        by_type[type(c)] = c
    category = t.category
    if TemplateBody not in by_type:
        raise ValidationError("BODY", "every template needs a BODY component")
    carousel = by_type.get(TemplateCarousel)
    if carousel is not None:
        for kind in (TemplateHeader, TemplateFooter, TemplateButtons):
            if kind in by_type:
                raise ValidationError(_tag(by_type[kind]), "carousel templates keep headers, "
                                      "footers and buttons in their cards")
    offer = by_type.get(TemplateLimitedTimeOffer)
    if offer is not None:
        if category != "MARKETING":
            raise ValidationError("LIMITED_TIME_OFFER", "is only for MARKETING templates")
        if TemplateFooter in by_type:
            raise ValidationError("FOOTER", "limited-time offer templates have no footer")
    if category == "AUTHENTICATION":
        if TemplateHeader in by_type:
            raise ValidationError("HEADER", "AUTHENTICATION templates have no header")
        if TemplateButtons not in by_type:
            raise ValidationError("BUTTONS", "AUTHENTICATION templates need one OTP button")
    for c in t.components:
        path = _tag(c)
        if isinstance(c, TemplateHeader):
            _check_header(path, c, fmt, card=False)
        elif isinstance(c, TemplateBody):
            _check_body(path, c, fmt, category, LIMITS["body_text"])
        elif isinstance(c, TemplateFooter):
            _check_footer(path, c, category)
        elif isinstance(c, TemplateButtons):
            _check_buttons(path, c, category, card=False)
        elif isinstance(c, TemplateCarousel):
            _check_carousel(path, c, fmt, category)
        elif isinstance(c, TemplateLimitedTimeOffer):
            check_length(f"{path}.limited_time_offer.text", c.limited_time_offer.text,
                         LIMITS["offer_text"], minimum=1)
        else:
            raise ValidationError(path, f"is not a template component: {type(c).__name__}")
    if offer is not None and offer.limited_time_offer.has_expiration is True:  # type: ignore[attr-defined]
        buttons = by_type.get(TemplateButtons)
        if buttons is None or not any(isinstance(b, CopyCodeButton)
                                      for b in buttons.buttons):  # type: ignore[attr-defined]
            raise ValidationError("BUTTONS", "a limited-time offer with has_expiration needs a "
                                  "COPY_CODE button")


def _tag(c: object) -> str:
    config = getattr(c, "__struct_config__", None)
    tag = getattr(config, "tag", None)
    return tag if isinstance(tag, str) else "components"
