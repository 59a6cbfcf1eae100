"""The fake's own checks of request bodies.

Written apart from the client's validation on purpose: when both agree the
fake adds nothing, but when the client lets a bad body through, the fake
refuses it the way the Cloud API would, and the integration tests notice.

Codes: a missing field is 131008, a value outside the rules of a message
object is 131009, a wrong JSON type or an unknown enum value is 100.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._graph import GraphError, invalid

__all__ = [
    "MESSAGE_TYPES",
    "check_business_profile",
    "check_pin",
    "check_qr_message",
    "check_send",
]

MESSAGE_TYPES = frozenset(
    {"text", "image", "video", "audio", "document", "sticker", "location", "contacts",
     "interactive", "template", "reaction"}
)
MEDIA_TYPES = frozenset({"image", "video", "audio", "document", "sticker"})
_CAPTIONED = frozenset({"image", "video", "document"})
_INTERACTIVE_TYPES = frozenset(
    {"button", "list", "product", "product_list", "cta_url", "location_request_message",
     "flow", "catalog_message", "address_message", "voice_call"}
)
_HEADER_TYPES = frozenset({"text", "image", "video", "document"})
_TEMPLATE_COMPONENTS = frozenset({"header", "body", "button", "footer", "carousel",
                                  "limited_time_offer"})
_BUTTON_SUB_TYPES = frozenset({"quick_reply", "url", "copy_code", "flow", "catalog", "mpm",
                               "voice_call", "otp"})
_PARAM_TYPES = frozenset({"text", "image", "video", "document", "location", "currency",
                          "date_time", "payload", "coupon_code", "action", "product"})
_VERTICALS = frozenset(
    {"UNDEFINED", "OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN",
     "FINANCE", "GROCERY", "GOVT", "HOTEL", "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL",
     "TRAVEL", "RESTAURANT", "NOT_A_BIZ", "ALCOHOL", "ONLINE_GAMBLING", "PHYSICAL_GAMBLING",
     "OTC_DRUGS"}
)
_NAME_PARTS = ("first_name", "last_name", "middle_name", "prefix", "suffix")
_PHONE_CHARS = re.compile(r"[+\-() ]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PIN = re.compile(r"\d{6}")


# ----------------------------------------------------------------- primitives


def _missing(path: str) -> GraphError:
    return invalid(f"{path} is required", 131008)


def _bad(path: str, rule: str) -> GraphError:
    return invalid(f"{path}: {rule}", 131009)


def _obj(parent: Mapping[str, Any], key: str, path: str, *, required: bool = True
         ) -> dict[str, Any] | None:
    value = parent.get(key)
    if value is None:
        if required:
            raise _missing(path)
        return None
    if not isinstance(value, dict):
        raise invalid(f"Param {path} must be a JSON object")
    return value


def _list(parent: Mapping[str, Any], key: str, path: str, *, required: bool = True
          ) -> list[Any] | None:
    value = parent.get(key)
    if value is None:
        if required:
            raise _missing(path)
        return None
    if not isinstance(value, list):
        raise invalid(f"Param {path} must be an array")
    return value


def _str(
    parent: Mapping[str, Any],
    key: str,
    path: str,
    *,
    required: bool = True,
    max_len: int | None = None,
    min_len: int = 0,
    code: int = 131009,
) -> str | None:
    value = parent.get(key)
    if value is None:
        if required:
            raise _missing(path)
        return None
    if not isinstance(value, str):
        raise invalid(f"Param {path} must be a string")
    n = len(value)
    if max_len is not None and n > max_len:
        raise invalid(f"{path}: must be at most {max_len} characters long, got {n}", code)
    if n < min_len:
        raise invalid(f"{path}: must be at least {min_len} characters long, got {n}", code)
    return value


def _enum(value: Any, path: str, allowed: frozenset[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise invalid(f"Param {path} must be one of {{{', '.join(sorted(allowed))}}}")
    return value


def _number(parent: Mapping[str, Any], key: str, path: str, low: float, high: float) -> None:
    value = parent.get(key)
    if value is None:
        raise _missing(path)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(f"Param {path} must be a number")
    if not low <= value <= high:
        raise _bad(path, f"must be between {low:g} and {high:g}")


def _url(value: str, path: str) -> None:
    if not value.startswith(("https://", "http://")) or len(value) < 11:
        raise _bad(path, "must be an http(s) URL")


# ------------------------------------------------------------------ messages


def check_send(body: Any) -> str:
    """Check a ``POST /{phone-number-id}/messages`` body.

    Returns:
        ``"read"`` for a mark-as-read body, else the message type.

    Raises:
        GraphError: The body breaks a rule of the Cloud API.
    """
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object")
    product = body.get("messaging_product")
    if product is None:
        raise invalid("The parameter messaging_product is required.")
    if product != "whatsapp":
        raise invalid("Param messaging_product must be one of {whatsapp}")
    if "status" in body:
        _enum(body["status"], "status", frozenset({"read"}))
        message_id = _str(body, "message_id", "message_id", code=100)
        assert message_id is not None
        if not message_id.startswith("wamid."):
            raise _bad("message_id", "must be a message id (wamid.…)")
        typing = _obj(body, "typing_indicator", "typing_indicator", required=False)
        if typing is not None:
            _enum(typing.get("type"), "typing_indicator.type", frozenset({"text"}))
        return "read"

    recipient_type = body.get("recipient_type", "individual")
    _enum(recipient_type, "recipient_type", frozenset({"individual", "group"}))
    to = _str(body, "to", "to", code=100)
    assert to is not None
    if recipient_type == "individual":
        digits = _PHONE_CHARS.sub("", to)
        if not digits.isdigit() or not 7 <= len(digits) <= 15:
            raise invalid("Param to must be a phone number (E.164, 7 to 15 digits)")
    # Meta defaults a missing type to text.
    kind = _enum(body.get("type", "text"), "type", MESSAGE_TYPES)
    _str(body, "biz_opaque_callback_data", "biz_opaque_callback_data", required=False,
         max_len=512)
    context = _obj(body, "context", "context", required=False)
    if context is not None:
        _str(context, "message_id", "context.message_id")
    payload = body.get(kind)
    if kind == "contacts":
        _check_contacts(_list(body, "contacts", "contacts"))
        return kind
    if payload is None:
        raise _missing(kind)
    if not isinstance(payload, dict):
        raise invalid(f"Param {kind} must be a JSON object")
    _CHECKS[kind](payload, kind)
    return kind


def _check_text(text: dict[str, Any], path: str) -> None:
    _str(text, "body", f"{path}.body", max_len=4096, min_len=1, code=100)
    preview = text.get("preview_url")
    if preview is not None and not isinstance(preview, bool):
        raise invalid(f"Param {path}.preview_url must be a boolean")


def _check_media(media: dict[str, Any], path: str) -> None:
    kind = path.rsplit(".", 1)[-1]
    has_id = media.get("id") is not None
    has_link = media.get("link") is not None
    if has_id == has_link:
        if has_id:
            raise _bad(path, "give either id or link, not both")
        raise invalid(f"{path}.id or {path}.link is required", 131008)
    if has_id:
        _str(media, "id", f"{path}.id", min_len=1)
    else:
        link = _str(media, "link", f"{path}.link")
        assert link is not None
        _url(link, f"{path}.link")
    if kind in _CAPTIONED:
        _str(media, "caption", f"{path}.caption", required=False, max_len=1024)
    elif "caption" in media:
        raise _bad(f"{path}.caption", f"{kind} messages take no caption")
    if kind == "document":
        _str(media, "filename", f"{path}.filename", required=False, max_len=240)


def _check_location(location: dict[str, Any], path: str) -> None:
    _number(location, "latitude", f"{path}.latitude", -90, 90)
    _number(location, "longitude", f"{path}.longitude", -180, 180)
    _str(location, "name", f"{path}.name", required=False, max_len=1000)
    _str(location, "address", f"{path}.address", required=False, max_len=1000)


def _check_contacts(contacts: list[Any] | None) -> None:
    assert contacts is not None
    if not contacts:
        raise _bad("contacts", "must hold at least 1 contact")
    for i, card in enumerate(contacts):
        path = f"contacts[{i}]"
        if not isinstance(card, dict):
            raise invalid(f"Param {path} must be a JSON object")
        name = _obj(card, "name", f"{path}.name")
        assert name is not None
        _str(name, "formatted_name", f"{path}.name.formatted_name", min_len=1)
        # Meta wants one name part besides the formatted name.
        if not any(name.get(k) for k in _NAME_PARTS):
            raise invalid(f"{path}.name needs one of {', '.join(_NAME_PARTS)} besides "
                          "formatted_name", 131008)
        for key in ("phones", "emails", "urls", "addresses"):
            _list(card, key, f"{path}.{key}", required=False)


def _check_reaction(reaction: dict[str, Any], path: str) -> None:
    message_id = _str(reaction, "message_id", f"{path}.message_id")
    assert message_id is not None
    if not message_id.startswith("wamid."):
        raise _bad(f"{path}.message_id", "must be a message id (wamid.…)")
    emoji = reaction.get("emoji")
    if emoji is None:
        raise _missing(f"{path}.emoji")
    if not isinstance(emoji, str):
        raise invalid(f"Param {path}.emoji must be a string")
    # One emoji may be several code points (skin tones, ZWJ sequences), never a sentence.
    if len(emoji) > 10 or any(c.isalnum() or c.isspace() for c in emoji):
        raise _bad(f"{path}.emoji", "must be a single emoji (or empty to remove)")


def _check_interactive(inter: dict[str, Any], path: str) -> None:
    kind = _enum(inter.get("type"), f"{path}.type", _INTERACTIVE_TYPES)
    action = _obj(inter, "action", f"{path}.action")
    assert action is not None
    header = _obj(inter, "header", f"{path}.header", required=False)
    body_max = 4096 if kind == "list" else 1024
    needs_body = kind not in ("product", "catalog_message")
    body = _obj(inter, "body", f"{path}.body", required=needs_body)
    if body is not None:
        _str(body, "text", f"{path}.body.text", max_len=body_max, min_len=1)
    footer = _obj(inter, "footer", f"{path}.footer", required=False)
    if footer is not None:
        _str(footer, "text", f"{path}.footer.text", max_len=60, min_len=1)
    if header is not None:
        htype = _enum(header.get("type"), f"{path}.header.type", _HEADER_TYPES)
        if kind == "list" and htype != "text":
            raise _bad(f"{path}.header.type", "list messages take only a text header")
        if htype == "text":
            _str(header, "text", f"{path}.header.text", max_len=60, min_len=1)
        else:
            media = _obj(header, htype, f"{path}.header.{htype}")
            assert media is not None
            _check_media(media, f"{path}.header.{htype}")
    apath = f"{path}.action"
    if kind == "button":
        _check_buttons(action, apath)
    elif kind == "list":
        _check_list(action, apath)
    elif kind == "cta_url":
        if action.get("name") != "cta_url":
            raise _bad(f"{apath}.name", "must be cta_url")
        params = _obj(action, "parameters", f"{apath}.parameters")
        assert params is not None
        _str(params, "display_text", f"{apath}.parameters.display_text", max_len=20,
             min_len=1)
        url = _str(params, "url", f"{apath}.parameters.url")
        assert url is not None
        _url(url, f"{apath}.parameters.url")
    elif kind == "location_request_message":
        if action.get("name") != "send_location":
            raise _bad(f"{apath}.name", "must be send_location")
    elif kind == "flow":
        if action.get("name") != "flow":
            raise _bad(f"{apath}.name", "must be flow")
        _obj(action, "parameters", f"{apath}.parameters")
    elif kind in ("product", "product_list"):
        _str(action, "catalog_id", f"{apath}.catalog_id", min_len=1)
        if kind == "product":
            _str(action, "product_retailer_id", f"{apath}.product_retailer_id", min_len=1)
        else:
            sections = _list(action, "sections", f"{apath}.sections")
            assert sections is not None
            if not 1 <= len(sections) <= 10:
                raise _bad(f"{apath}.sections", "must hold 1 to 10 sections")


def _check_buttons(action: dict[str, Any], path: str) -> None:
    buttons = _list(action, "buttons", f"{path}.buttons")
    assert buttons is not None
    if not 1 <= len(buttons) <= 3:
        raise _bad(f"{path}.buttons", f"must hold 1 to 3 buttons, got {len(buttons)}")
    ids: set[str] = set()
    titles: set[str] = set()
    for i, button in enumerate(buttons):
        bpath = f"{path}.buttons[{i}]"
        if not isinstance(button, dict):
            raise invalid(f"Param {bpath} must be a JSON object")
        _enum(button.get("type"), f"{bpath}.type", frozenset({"reply"}))
        reply = _obj(button, "reply", f"{bpath}.reply")
        assert reply is not None
        bid = _str(reply, "id", f"{bpath}.reply.id", max_len=256, min_len=1)
        title = _str(reply, "title", f"{bpath}.reply.title", max_len=20, min_len=1)
        assert bid is not None and title is not None
        if bid != bid.strip():
            raise _bad(f"{bpath}.reply.id", "must not start or end with spaces")
        if bid in ids:
            raise _bad(f"{bpath}.reply.id", "button ids must be unique")
        if title in titles:
            raise _bad(f"{bpath}.reply.title", "button titles must be unique")
        ids.add(bid)
        titles.add(title)


def _check_list(action: dict[str, Any], path: str) -> None:
    _str(action, "button", f"{path}.button", max_len=20, min_len=1)
    sections = _list(action, "sections", f"{path}.sections")
    assert sections is not None
    if not 1 <= len(sections) <= 10:
        raise _bad(f"{path}.sections", f"must hold 1 to 10 sections, got {len(sections)}")
    rows_total = 0
    row_ids: set[str] = set()
    for i, section in enumerate(sections):
        spath = f"{path}.sections[{i}]"
        if not isinstance(section, dict):
            raise invalid(f"Param {spath} must be a JSON object")
        _str(section, "title", f"{spath}.title", required=len(sections) > 1, max_len=24)
        rows = _list(section, "rows", f"{spath}.rows")
        assert rows is not None
        if not rows:
            raise _bad(f"{spath}.rows", "must hold at least 1 row")
        for j, row in enumerate(rows):
            rpath = f"{spath}.rows[{j}]"
            if not isinstance(row, dict):
                raise invalid(f"Param {rpath} must be a JSON object")
            rid = _str(row, "id", f"{rpath}.id", max_len=200, min_len=1)
            assert rid is not None
            if rid in row_ids:
                raise _bad(f"{rpath}.id", "row ids must be unique")
            row_ids.add(rid)
            _str(row, "title", f"{rpath}.title", max_len=24, min_len=1)
            _str(row, "description", f"{rpath}.description", required=False, max_len=72)
        rows_total += len(rows)
    if rows_total > 10:
        raise _bad(f"{path}.sections", f"must hold at most 10 rows in all, got {rows_total}")


def _check_template(template: dict[str, Any], path: str) -> None:
    _str(template, "name", f"{path}.name", max_len=512, min_len=1)
    language = _obj(template, "language", f"{path}.language")
    assert language is not None
    _str(language, "code", f"{path}.language.code", min_len=2, max_len=15)
    if "policy" in language:
        _enum(language["policy"], f"{path}.language.policy", frozenset({"deterministic"}))
    components = _list(template, "components", f"{path}.components", required=False) or []
    body_only = all(isinstance(c, dict) and c.get("type") == "body" for c in components)
    for i, component in enumerate(components):
        cpath = f"{path}.components[{i}]"
        if not isinstance(component, dict):
            raise invalid(f"Param {cpath} must be a JSON object")
        ctype = _enum(component.get("type"), f"{cpath}.type", _TEMPLATE_COMPONENTS)
        if ctype == "button":
            _enum(component.get("sub_type"), f"{cpath}.sub_type", _BUTTON_SUB_TYPES)
            index = component.get("index")
            if index is None:
                raise _missing(f"{cpath}.index")
            if isinstance(index, bool) or not isinstance(index, (str, int)) or not str(
                    index).isdigit():
                raise _bad(f"{cpath}.index", "must be a button position (0-9)")
        text_max = 60 if ctype == "header" else (32768 if body_only else 1024)
        for j, param in enumerate(
                _list(component, "parameters", f"{cpath}.parameters", required=False) or []):
            _check_template_param(param, f"{cpath}.parameters[{j}]", text_max)


def _check_template_param(param: Any, path: str, text_max: int) -> None:
    if not isinstance(param, dict):
        raise invalid(f"Param {path} must be a JSON object")
    ptype = _enum(param.get("type"), f"{path}.type", _PARAM_TYPES)
    if ptype == "text":
        _str(param, "text", f"{path}.text", max_len=text_max)
    elif ptype in ("payload", "coupon_code"):
        _str(param, ptype, f"{path}.{ptype}", max_len=128 if ptype == "payload" else 15)
    elif ptype in ("image", "video", "document"):
        media = _obj(param, ptype, f"{path}.{ptype}")
        assert media is not None
        if "caption" in media:
            raise _bad(f"{path}.{ptype}.caption", "template media parameters take no caption")
        _check_media(media, f"{path}.{ptype}")
    elif ptype == "location":
        location = _obj(param, "location", f"{path}.location")
        assert location is not None
        _check_location(location, f"{path}.location")
    elif ptype == "currency":
        currency = _obj(param, "currency", f"{path}.currency")
        assert currency is not None
        _str(currency, "fallback_value", f"{path}.currency.fallback_value")
        code = _str(currency, "code", f"{path}.currency.code")
        if code is not None and not (len(code) == 3 and code.isalpha() and code.isupper()):
            raise _bad(f"{path}.currency.code", "must be an ISO 4217 code such as USD")
        amount = currency.get("amount_1000")
        if amount is None:
            raise _missing(f"{path}.currency.amount_1000")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise invalid(f"Param {path}.currency.amount_1000 must be an integer")
    elif ptype == "date_time":
        date_time = _obj(param, "date_time", f"{path}.date_time")
        assert date_time is not None
        _str(date_time, "fallback_value", f"{path}.date_time.fallback_value")


_CHECKS = {
    "text": _check_text,
    "image": _check_media,
    "video": _check_media,
    "audio": _check_media,
    "document": _check_media,
    "sticker": _check_media,
    "location": _check_location,
    "interactive": _check_interactive,
    "template": _check_template,
    "reaction": _check_reaction,
}


# ---------------------------------------------------------- other operations


def check_pin(body: Any, key: str = "pin") -> str:
    """Return the 6-digit PIN of ``body[key]``.

    Raises:
        GraphError: Missing or not exactly 6 digits.
    """
    if not isinstance(body, dict) or body.get(key) is None:
        raise invalid(f"The parameter {key} is required.")
    pin = body[key]
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        raise invalid(f"Param {key} must be 6 digits")
    return pin


def check_qr_message(value: Any) -> str:
    """Return a QR code's ``prefilled_message`` if it is 1 to 140 characters.

    Raises:
        GraphError: Not a string, empty, or too long.
    """
    if value is None:
        raise invalid("The parameter prefilled_message is required.")
    if not isinstance(value, str) or not 1 <= len(value) <= 140:
        raise invalid("Param prefilled_message must be a string of 1 to 140 characters")
    return value


_PROFILE_LIMITS = {"about": 139, "address": 256, "description": 512, "email": 128}


def check_business_profile(body: Any) -> dict[str, Any]:
    """Check an update of the business profile; return the fields to store.

    Raises:
        GraphError: An unknown field, a field over its limit, a bad email,
            website or vertical.
    """
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object")
    if body.get("messaging_product") != "whatsapp":
        raise invalid("The parameter messaging_product is required and must be whatsapp.")
    update: dict[str, Any] = {}
    for key, value in body.items():
        if key == "messaging_product":
            continue
        if key in _PROFILE_LIMITS:
            if not isinstance(value, str) or len(value) > _PROFILE_LIMITS[key]:
                raise invalid(f"Param {key} must be a string of at most "
                              f"{_PROFILE_LIMITS[key]} characters")
            if key == "about" and not value:
                raise invalid("Param about must not be empty")
            if key == "email" and value and not _EMAIL.fullmatch(value):
                raise invalid("Param email must be a valid email address")
        elif key == "websites":
            if not isinstance(value, list) or len(value) > 2:
                raise invalid("Param websites must be an array of at most 2 URLs")
            for i, site in enumerate(value):
                if not isinstance(site, str) or len(site) > 256 or not site.startswith(
                        ("http://", "https://")):
                    raise invalid(f"Param websites[{i}] must be an http(s) URL of at most "
                                  "256 characters")
        elif key == "vertical":
            _enum(value, "vertical", _VERTICALS)
        elif key == "profile_picture_handle":
            if not isinstance(value, str) or not value:
                raise invalid("Param profile_picture_handle must be a non-empty string")
        else:
            raise invalid(f"Param {key} is not a business profile field")
        update[key] = value
    return update
