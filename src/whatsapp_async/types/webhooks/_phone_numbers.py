"""Phone number fields: display-name review and messaging-limit / quality changes."""

from __future__ import annotations

from ._common import _ChangeBase, _Wire

__all__ = [
    "PhoneNumberNameChange",
    "PhoneNumberNameValue",
    "PhoneNumberQualityChange",
    "PhoneNumberQualityValue",
]


class PhoneNumberNameValue(_Wire, frozen=True, kw_only=True):
    """The value of ``phone_number_name_update``: the display name review.

    Attributes:
        decision: ``"APPROVED"``, ``"REJECTED"`` or ``"DEFERRED"``.
        requested_verified_name: The name asked for.
        rejection_reason: Why, when rejected (``"NONE"`` otherwise).
    """

    display_phone_number: str | None = None
    decision: str
    requested_verified_name: str | None = None
    rejection_reason: str | None = None


class PhoneNumberNameChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``phone_number_name_update`` change."""

    value: PhoneNumberNameValue


class PhoneNumberQualityValue(_Wire, frozen=True, kw_only=True):
    """The value of ``phone_number_quality_update``: a limit or quality change.

    Attributes:
        event: ``"UPGRADE"``, ``"DOWNGRADE"``, ``"FLAGGED"``, ``"UNFLAGGED"``, ...
        current_limit: The messaging limit tier now, e.g. ``"TIER_1K"``.
        old_limit: The tier before, when Meta sends it.
        max_daily_conversations_per_business: The business-level limit,
            in payloads after the portfolio-level limits change.
    """

    display_phone_number: str | None = None
    event: str
    current_limit: str | None = None
    old_limit: str | None = None
    max_daily_conversations_per_business: int | str | None = None


class PhoneNumberQualityChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``phone_number_quality_update`` change."""

    value: PhoneNumberQualityValue
