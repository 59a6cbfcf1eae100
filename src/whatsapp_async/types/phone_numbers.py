"""Structs of the phone-number node and its two-step verification PIN."""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = [
    "DeregisterRequest",
    "PhoneNumber",
    "RegisterRequest",
    "RequestCodeRequest",
    "Throughput",
    "TwoStepPinRequest",
    "VerifyCodeRequest",
]


class Throughput(msgspec.Struct, frozen=True, kw_only=True):
    """The number's messaging throughput tier.

    Attributes:
        level: ``"STANDARD"`` (80 msg/s), ``"HIGH"`` (up to 1,000 msg/s) or
            ``"NOT_APPLICABLE"``; kept as a string so new levels do not break decoding.
    """

    level: str | None = None


class PhoneNumber(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A business phone number as ``GET /{phone-number-id}`` describes it.

    Fields the API did not return (not asked for in ``fields``) are None.
    Enumerated values are plain strings so a value Meta adds later decodes.

    Attributes:
        id: Phone number id.
        verified_name: Approved display name.
        display_phone_number: The number as shown to users, e.g. ``"+1 555-123-4567"``.
        quality_rating: ``GREEN``, ``YELLOW``, ``RED``, ``NA`` or ``UNKNOWN``.
        code_verification_status: e.g. ``VERIFIED``, ``NOT_VERIFIED``, ``EXPIRED``.
        platform_type: e.g. ``CLOUD_API``, ``ON_PREMISE``, ``NOT_APPLICABLE``.
        throughput: The throughput tier (``throughput.level``).
        is_official_business_account: Whether the number has the official badge.
        name_status: Display-name review status, e.g. ``APPROVED``.
        status: Connection status, e.g. ``CONNECTED`` (needed to send).
    """

    id: str | None = None
    verified_name: str | None = None
    display_phone_number: str | None = None
    quality_rating: str | None = None
    code_verification_status: str | None = None
    platform_type: str | None = None
    throughput: Throughput | None = None
    is_official_business_account: bool | None = None
    name_status: str | None = None
    status: str | None = None

    @property
    def throughput_level(self) -> str | None:
        """Shortcut for ``throughput.level``."""
        return self.throughput.level if self.throughput is not None else None


class TwoStepPinRequest(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{phone-number-id}``: set or change the two-step PIN.

    The repr hides the PIN so it cannot leak through a log of the request.
    """

    pin: str

    def __repr__(self) -> str:
        return "TwoStepPinRequest(pin='******')"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        # msgspec's own __rich_repr__ would show the PIN to rich's pretty printer.
        return [("pin", "******")]


class RequestCodeRequest(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{phone-number-id}/request_code``."""

    code_method: str
    language: str


class VerifyCodeRequest(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{phone-number-id}/verify_code``; the repr hides the code."""

    code: str

    def __repr__(self) -> str:
        return "VerifyCodeRequest(code='******')"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        return [("code", "******")]


class RegisterRequest(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{phone-number-id}/register``; the repr hides the PIN.

    ``messaging_product`` has no default because ``omit_defaults`` would drop it.
    """

    messaging_product: str
    pin: str
    data_localization_region: str | msgspec.UnsetType = msgspec.UNSET

    def __repr__(self) -> str:
        region = self.data_localization_region
        where = "" if region is msgspec.UNSET else f", data_localization_region={region!r}"
        return f"RegisterRequest(pin='******'{where})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        region = self.data_localization_region
        where = [] if region is msgspec.UNSET else [("data_localization_region", region)]
        return [("pin", "******"), *where]


class DeregisterRequest(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{phone-number-id}/deregister`` (``messaging_product`` is required)."""

    messaging_product: str
