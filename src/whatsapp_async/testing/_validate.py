"""The fake's own checks of message send bodies (``POST /{phone-number-id}/messages``).

Written apart from the client's validation on purpose: when both agree the
fake adds nothing, but when the client lets a bad body through, the fake
refuses it the way the Cloud API would, and the integration tests notice.

Codes: a missing field is 131008, a value outside the rules of a message
object is 131009, a wrong JSON type or an unknown enum value is 100. The
checks of the other operations' bodies are in ``_validate_numbers``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ._checks import (
    array,
    as_object,
    bad,
    check_number,
    check_url,
    missing,
    obj,
    one_of,
    optional_array,
    optional_obj,
    optional_string,
    string,
)
from ._graph import invalid

__all__ = ["MEDIA_TYPES", "MESSAGE_TYPES", "check_send"]

MESSAGE_TYPES = frozenset(
    {"text", "image", "video", "audio", "document", "sticker", "location", "contacts",
     "interactive", "template", "reaction"}
)
MEDIA_TYPES = frozenset({"image", "video", "audio", "document", "sticker"})
_CAPTIONED = frozenset({"image", "video", "document"})
_INTERACTIVE_TYPES = frozenset(
    {"button", "list", "product", "product_list", "cta_url", "location_request_message",
     "flow", "catalog_message", "address_message", "voice_call", "call_permission_request"}
)
_HEADER_TYPES = frozenset({"text", "image", "video", "document"})
_TEMPLATE_COMPONENTS = frozenset({"header", "body", "button", "footer", "carousel",
                                  "limited_time_offer"})
_BUTTON_SUB_TYPES = frozenset({"quick_reply", "url", "copy_code", "flow", "catalog", "mpm",
                               "voice_call", "otp"})
_PARAM_TYPES = frozenset({"text", "image", "video", "document", "location", "currency",
                          "date_time", "payload", "coupon_code", "action", "product"})
_NAME_PARTS = ("first_name", "last_name", "middle_name", "prefix", "suffix")
_PHONE_CHARS = re.compile(r"[+\-() ]")
# A keycap emoji: a digit, # or *, the emoji variation selector (optional) and
# U+20E3. The only emoji that start with an alphanumeric character.
_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")
# Meta documents no length for message, media or catalog ids; the client
# refuses over 256 characters, and so does the fake.
_ID_MAX = 256


def check_send(body: Any) -> str:
    """Check a ``POST /{phone-number-id}/messages`` body.

    Args:
        body: The decoded JSON body.

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
        _check_read(body)
        return "read"

    recipient_type = body.get("recipient_type", "individual")
    one_of(recipient_type, "recipient_type", frozenset({"individual", "group"}))
    to = string(body, "to", "to", code=100)
    if recipient_type == "individual":
        digits = _PHONE_CHARS.sub("", to)
        if not digits.isdigit() or not 7 <= len(digits) <= 15:
            raise invalid("Param to must be a phone number (E.164, 7 to 15 digits)")
    # Meta defaults a missing type to text.
    kind = one_of(body.get("type", "text"), "type", MESSAGE_TYPES)
    optional_string(body, "biz_opaque_callback_data", "biz_opaque_callback_data",
                    max_len=512)
    context = optional_obj(body, "context", "context")
    if context is not None:
        string(context, "message_id", "context.message_id", max_len=_ID_MAX)
    if kind == "contacts":
        _check_contacts(array(body, "contacts", "contacts"))
        return kind
    _CHECKS[kind](obj(body, kind, kind), kind)
    return kind


def _check_read(body: dict[str, Any]) -> None:
    one_of(body["status"], "status", frozenset({"read"}))
    _check_wamid(string(body, "message_id", "message_id", code=100, max_len=_ID_MAX),
                 "message_id")
    typing = optional_obj(body, "typing_indicator", "typing_indicator")
    if typing is not None:
        one_of(typing.get("type"), "typing_indicator.type", frozenset({"text"}))


def _check_wamid(message_id: str, path: str) -> None:
    if not message_id.startswith("wamid."):
        raise bad(path, "must be a message id (wamid.…)")


def _check_text(text: dict[str, Any], path: str) -> None:
    string(text, "body", f"{path}.body", max_len=4096, min_len=1, code=100)
    preview = text.get("preview_url")
    if preview is not None and not isinstance(preview, bool):
        raise invalid(f"Param {path}.preview_url must be a boolean")


def _check_media(media: dict[str, Any], path: str) -> None:
    kind = path.rsplit(".", 1)[-1]
    has_id = media.get("id") is not None
    has_link = media.get("link") is not None
    if has_id == has_link:
        if has_id:
            raise bad(path, "give either id or link, not both")
        raise invalid(f"{path}.id or {path}.link is required", 131008)
    if has_id:
        string(media, "id", f"{path}.id", min_len=1, max_len=_ID_MAX)
    else:
        check_url(string(media, "link", f"{path}.link"), f"{path}.link")
    if kind in _CAPTIONED:
        optional_string(media, "caption", f"{path}.caption", max_len=1024)
    elif "caption" in media:
        raise bad(f"{path}.caption", f"{kind} messages take no caption")
    if kind == "document":
        optional_string(media, "filename", f"{path}.filename", max_len=240)


def _check_location(location: dict[str, Any], path: str) -> None:
    check_number(location, "latitude", f"{path}.latitude", -90, 90)
    check_number(location, "longitude", f"{path}.longitude", -180, 180)
    optional_string(location, "name", f"{path}.name", max_len=1000)
    optional_string(location, "address", f"{path}.address", max_len=1000)


def _check_contacts(contacts: list[Any]) -> None:
    if not contacts:
        raise bad("contacts", "must hold at least 1 contact")
    for i, item in enumerate(contacts):
        path = f"contacts[{i}]"
        card = as_object(item, path)
        name = obj(card, "name", f"{path}.name")
        string(name, "formatted_name", f"{path}.name.formatted_name", min_len=1)
        # Meta wants one name part besides the formatted name.
        if not any(name.get(k) for k in _NAME_PARTS):
            raise invalid(f"{path}.name needs one of {', '.join(_NAME_PARTS)} besides "
                          "formatted_name", 131008)
        for key in ("phones", "emails", "urls", "addresses"):
            optional_array(card, key, f"{path}.{key}")


def _check_reaction(reaction: dict[str, Any], path: str) -> None:
    _check_wamid(string(reaction, "message_id", f"{path}.message_id", max_len=_ID_MAX),
                 f"{path}.message_id")
    emoji = reaction.get("emoji")
    if emoji is None:
        raise missing(f"{path}.emoji")
    if not isinstance(emoji, str):
        raise invalid(f"Param {path}.emoji must be a string")
    # One emoji may be several code points (skin tones, ZWJ sequences), never a
    # sentence; a keycap (1️⃣, #️⃣) is one emoji although it starts with a digit.
    if _KEYCAP.fullmatch(emoji):
        return
    if len(emoji) > 10 or any(c.isalnum() or c.isspace() for c in emoji):
        raise bad(f"{path}.emoji", "must be a single emoji (or empty to remove)")


def _check_interactive(inter: dict[str, Any], path: str) -> None:
    kind = one_of(inter.get("type"), f"{path}.type", _INTERACTIVE_TYPES)
    action = obj(inter, "action", f"{path}.action")
    header = optional_obj(inter, "header", f"{path}.header")
    body_max = 4096 if kind == "list" else 1024
    if kind in ("product", "catalog_message"):
        body = optional_obj(inter, "body", f"{path}.body")
    else:
        body = obj(inter, "body", f"{path}.body")
    if body is not None:
        string(body, "text", f"{path}.body.text", max_len=body_max, min_len=1)
    footer = optional_obj(inter, "footer", f"{path}.footer")
    if footer is not None:
        string(footer, "text", f"{path}.footer.text", max_len=60, min_len=1)
    if header is not None:
        htype = one_of(header.get("type"), f"{path}.header.type", _HEADER_TYPES)
        if kind == "list" and htype != "text":
            raise bad(f"{path}.header.type", "list messages take only a text header")
        if htype == "text":
            string(header, "text", f"{path}.header.text", max_len=60, min_len=1)
        else:
            _check_media(obj(header, htype, f"{path}.header.{htype}"),
                         f"{path}.header.{htype}")
    _check_action(kind, action, f"{path}.action")


def _check_action(kind: str, action: dict[str, Any], path: str) -> None:
    if kind == "button":
        _check_buttons(action, path)
    elif kind == "list":
        _check_list(action, path)
    elif kind == "cta_url":
        if action.get("name") != "cta_url":
            raise bad(f"{path}.name", "must be cta_url")
        params = obj(action, "parameters", f"{path}.parameters")
        string(params, "display_text", f"{path}.parameters.display_text", max_len=20,
               min_len=1)
        check_url(string(params, "url", f"{path}.parameters.url"), f"{path}.parameters.url")
    elif kind == "location_request_message":
        if action.get("name") != "send_location":
            raise bad(f"{path}.name", "must be send_location")
    elif kind == "flow":
        if action.get("name") != "flow":
            raise bad(f"{path}.name", "must be flow")
        obj(action, "parameters", f"{path}.parameters")
    elif kind in ("catalog_message", "address_message", "call_permission_request"):
        if action.get("name") != kind:
            raise bad(f"{path}.name", f"must be {kind}")
        if kind == "address_message":
            params = obj(action, "parameters", f"{path}.parameters")
            string(params, "country", f"{path}.parameters.country", min_len=2, max_len=2)
    elif kind in ("product", "product_list"):
        string(action, "catalog_id", f"{path}.catalog_id", min_len=1, max_len=_ID_MAX)
        if kind == "product":
            string(action, "product_retailer_id", f"{path}.product_retailer_id", min_len=1,
                   max_len=_ID_MAX)
        elif not 1 <= len(array(action, "sections", f"{path}.sections")) <= 10:
            raise bad(f"{path}.sections", "must hold 1 to 10 sections")


def _check_buttons(action: dict[str, Any], path: str) -> None:
    buttons = array(action, "buttons", f"{path}.buttons")
    if not 1 <= len(buttons) <= 3:
        raise bad(f"{path}.buttons", f"must hold 1 to 3 buttons, got {len(buttons)}")
    ids: set[str] = set()
    titles: set[str] = set()
    for i, item in enumerate(buttons):
        bpath = f"{path}.buttons[{i}]"
        button = as_object(item, bpath)
        one_of(button.get("type"), f"{bpath}.type", frozenset({"reply"}))
        reply = obj(button, "reply", f"{bpath}.reply")
        bid = string(reply, "id", f"{bpath}.reply.id", max_len=256, min_len=1)
        title = string(reply, "title", f"{bpath}.reply.title", max_len=20, min_len=1)
        if bid != bid.strip():
            raise bad(f"{bpath}.reply.id", "must not start or end with spaces")
        if bid in ids:
            raise bad(f"{bpath}.reply.id", "button ids must be unique")
        if title in titles:
            raise bad(f"{bpath}.reply.title", "button titles must be unique")
        ids.add(bid)
        titles.add(title)


def _check_list(action: dict[str, Any], path: str) -> None:
    string(action, "button", f"{path}.button", max_len=20, min_len=1)
    sections = array(action, "sections", f"{path}.sections")
    if not 1 <= len(sections) <= 10:
        raise bad(f"{path}.sections", f"must hold 1 to 10 sections, got {len(sections)}")
    rows_total = 0
    row_ids: set[str] = set()
    for i, item in enumerate(sections):
        spath = f"{path}.sections[{i}]"
        section = as_object(item, spath)
        # One section may go untitled; several need titles to tell them apart.
        if len(sections) > 1:
            string(section, "title", f"{spath}.title", max_len=24)
        else:
            optional_string(section, "title", f"{spath}.title", max_len=24)
        rows = array(section, "rows", f"{spath}.rows")
        if not rows:
            raise bad(f"{spath}.rows", "must hold at least 1 row")
        for j, row_item in enumerate(rows):
            rpath = f"{spath}.rows[{j}]"
            row = as_object(row_item, rpath)
            rid = string(row, "id", f"{rpath}.id", max_len=200, min_len=1)
            if rid in row_ids:
                raise bad(f"{rpath}.id", "row ids must be unique")
            row_ids.add(rid)
            string(row, "title", f"{rpath}.title", max_len=24, min_len=1)
            optional_string(row, "description", f"{rpath}.description", max_len=72)
        rows_total += len(rows)
    if rows_total > 10:
        raise bad(f"{path}.sections", f"must hold at most 10 rows in all, got {rows_total}")


def _check_template(template: dict[str, Any], path: str) -> None:
    string(template, "name", f"{path}.name", max_len=512, min_len=1)
    language = obj(template, "language", f"{path}.language")
    string(language, "code", f"{path}.language.code", min_len=2, max_len=15)
    if "policy" in language:
        one_of(language["policy"], f"{path}.language.policy", frozenset({"deterministic"}))
    components = optional_array(template, "components", f"{path}.components") or []
    body_only = all(isinstance(c, dict) and c.get("type") == "body" for c in components)
    for i, item in enumerate(components):
        cpath = f"{path}.components[{i}]"
        component = as_object(item, cpath)
        ctype = one_of(component.get("type"), f"{cpath}.type", _TEMPLATE_COMPONENTS)
        if ctype == "button":
            one_of(component.get("sub_type"), f"{cpath}.sub_type", _BUTTON_SUB_TYPES)
            index = component.get("index")
            if index is None:
                raise missing(f"{cpath}.index")
            if isinstance(index, bool) or not isinstance(index, (str, int)) or not str(
                    index).isdigit():
                raise bad(f"{cpath}.index", "must be a button position (0-9)")
        text_max = 60 if ctype == "header" else (32768 if body_only else 1024)
        params = optional_array(component, "parameters", f"{cpath}.parameters") or []
        for j, param in enumerate(params):
            _check_template_param(param, f"{cpath}.parameters[{j}]", text_max)


def _check_template_param(item: Any, path: str, text_max: int) -> None:
    param = as_object(item, path)
    ptype = one_of(param.get("type"), f"{path}.type", _PARAM_TYPES)
    if ptype == "text":
        string(param, "text", f"{path}.text", max_len=text_max)
    elif ptype in ("payload", "coupon_code"):
        string(param, ptype, f"{path}.{ptype}", max_len=128 if ptype == "payload" else 15)
    elif ptype in ("image", "video", "document"):
        media = obj(param, ptype, f"{path}.{ptype}")
        if "caption" in media:
            raise bad(f"{path}.{ptype}.caption", "template media parameters take no caption")
        _check_media(media, f"{path}.{ptype}")
    elif ptype == "location":
        _check_location(obj(param, "location", f"{path}.location"), f"{path}.location")
    elif ptype == "currency":
        _check_currency(obj(param, "currency", f"{path}.currency"), f"{path}.currency")
    elif ptype == "date_time":
        date_time = obj(param, "date_time", f"{path}.date_time")
        string(date_time, "fallback_value", f"{path}.date_time.fallback_value")


def _check_currency(currency: dict[str, Any], path: str) -> None:
    string(currency, "fallback_value", f"{path}.fallback_value")
    code = string(currency, "code", f"{path}.code")
    if not (len(code) == 3 and code.isalpha() and code.isupper()):
        raise bad(f"{path}.code", "must be an ISO 4217 code such as USD")
    amount = currency.get("amount_1000")
    if amount is None:
        raise missing(f"{path}.amount_1000")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise invalid(f"Param {path}.amount_1000 must be an integer")


_CHECKS: dict[str, Callable[[dict[str, Any], str], None]] = {
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
