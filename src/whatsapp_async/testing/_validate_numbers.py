"""The fake's own checks of the bodies that manage a business number.

Two-step PIN, verification codes, registration, the business profile and QR
codes; message sends are checked in ``_validate``. Like those, these checks
are written apart from the client's on purpose, as a second opinion.
"""

from __future__ import annotations

import re
from typing import Any

from ._checks import field, one_of
from ._graph import invalid

__all__ = [
    "check_business_profile",
    "check_code_request",
    "check_deregister",
    "check_pin",
    "check_qr_image_format",
    "check_qr_message",
    "check_register",
    "check_verification_code",
]

_PIN = re.compile(r"\d{6}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PROFILE_LIMITS = {"about": 139, "address": 256, "description": 512, "email": 128}
_VERTICALS = frozenset(
    {"UNDEFINED", "OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN",
     "FINANCE", "GROCERY", "GOVT", "HOTEL", "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL",
     "TRAVEL", "RESTAURANT", "NOT_A_BIZ", "ALCOHOL", "ONLINE_GAMBLING", "PHYSICAL_GAMBLING",
     "OTC_DRUGS"}
)


def check_pin(body: Any, key: str = "pin") -> str:
    """Return the 6-digit PIN of ``body[key]``.

    Raises:
        GraphError: Missing or not exactly 6 digits.
    """
    pin = field(body, key)
    if pin is None:
        raise invalid(f"The parameter {key} is required.")
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        raise invalid(f"Param {key} must be 6 digits")
    return pin


def check_code_request(body: Any) -> str:
    """Check a ``request_code`` body; return its ``code_method``.

    Raises:
        GraphError: No or an unknown ``code_method``, or no ``language``.
    """
    method = field(body, "code_method")
    if method is None:
        raise invalid("The parameter code_method is required.")
    if method not in ("SMS", "VOICE"):
        raise invalid("Param code_method must be one of {SMS, VOICE}")
    language = body.get("language")
    if not isinstance(language, str) or not 2 <= len(language) <= 10:
        raise invalid("The parameter language is required (e.g. en_US).")
    return str(method)


def check_verification_code(body: Any) -> str:
    """Return the ``code`` of a ``verify_code`` body.

    Raises:
        GraphError: Missing, or not a string of digits.
    """
    code = field(body, "code")
    if code is None:
        raise invalid("The parameter code is required.")
    if not isinstance(code, str) or not code.isdigit():
        raise invalid("Param code must be a string of digits")
    return code


def check_register(body: Any) -> str:
    """Check a ``register`` body; return its PIN.

    Raises:
        GraphError: No ``messaging_product: whatsapp``, a bad PIN or a bad
            ``data_localization_region``.
    """
    if field(body, "messaging_product") != "whatsapp":
        raise invalid("The parameter messaging_product is required and must be whatsapp.")
    pin = check_pin(body)
    region = body.get("data_localization_region")
    if region is not None and not (
            isinstance(region, str) and len(region) == 2 and region.isalpha()
            and region.isupper()):
        raise invalid("Param data_localization_region must be a 2-letter country code")
    return pin


def check_deregister(body: Any) -> None:
    """Check a ``deregister`` body (its ``messaging_product`` is optional).

    Raises:
        GraphError: A ``messaging_product`` other than ``whatsapp``.
    """
    product = field(body, "messaging_product")
    if product is not None and product != "whatsapp":
        raise invalid("Param messaging_product must be one of {whatsapp}")


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


def check_qr_image_format(body: dict[str, Any]) -> str | None:
    """Return ``generate_qr_image`` (``"SVG"`` or ``"PNG"``), None when absent.

    Raises:
        GraphError: Another value.
    """
    fmt = body.get("generate_qr_image")
    if fmt is not None and fmt not in ("SVG", "PNG"):
        raise invalid("Param generate_qr_image must be one of {SVG, PNG}")
    return fmt


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
            _check_profile_text(key, value)
        elif key == "websites":
            _check_websites(value)
        elif key == "vertical":
            one_of(value, "vertical", _VERTICALS)
        elif key == "profile_picture_handle":
            if not isinstance(value, str) or not value:
                raise invalid("Param profile_picture_handle must be a non-empty string")
        else:
            raise invalid(f"Param {key} is not a business profile field")
        update[key] = value
    return update


def _check_profile_text(key: str, value: Any) -> None:
    if not isinstance(value, str) or len(value) > _PROFILE_LIMITS[key]:
        raise invalid(f"Param {key} must be a string of at most "
                      f"{_PROFILE_LIMITS[key]} characters")
    if key == "about" and not value:
        raise invalid("Param about must not be empty")
    if key == "email" and value and not _EMAIL.fullmatch(value):
        raise invalid("Param email must be a valid email address")


def _check_websites(value: Any) -> None:
    if not isinstance(value, list) or len(value) > 2:
        raise invalid("Param websites must be an array of at most 2 URLs")
    for i, site in enumerate(value):
        if not isinstance(site, str) or len(site) > 256 or not site.startswith(
                ("http://", "https://")):
            raise invalid(f"Param websites[{i}] must be an http(s) URL of at most "
                          "256 characters")
