"""Account fields: updates, reviews, alerts, capabilities, partner solutions, payments, security."""

from __future__ import annotations

from ._common import _ChangeBase, _Wire

__all__ = [
    "AccountAlertInfo",
    "AccountAlertsChange",
    "AccountAlertsValue",
    "AccountReviewChange",
    "AccountReviewValue",
    "AccountUpdateChange",
    "AccountUpdateValue",
    "AuthInternationalRateEligibility",
    "BanInfo",
    "BusinessCapabilityChange",
    "BusinessCapabilityValue",
    "DisconnectionInfo",
    "ExceptionCountry",
    "PartnerClientCertificationInfo",
    "PartnerSolutionsChange",
    "PartnerSolutionsValue",
    "PaymentConfigurationChange",
    "PaymentConfigurationValue",
    "RestrictionInfo",
    "SecurityChange",
    "SecurityValue",
    "ViolationInfo",
    "VolumeTierInfo",
    "WabaInfo",
]


class BanInfo(_Wire, frozen=True, kw_only=True):
    """``ban_info`` of ``DISABLED_UPDATE``: ``waba_ban_state`` (``DISABLE``, ``REINSTATE``, ...)."""

    waba_ban_state: str | None = None
    waba_ban_date: str | None = None


class ViolationInfo(_Wire, frozen=True, kw_only=True):
    """``violation_info`` of ``ACCOUNT_VIOLATION`` (e.g. ``violation_type="SCAM"``)."""

    violation_type: str | None = None


class RestrictionInfo(_Wire, frozen=True, kw_only=True):
    """One restriction of ``ACCOUNT_RESTRICTION`` and when it expires."""

    restriction_type: str | None = None
    expiration: str | int | None = None


class WabaInfo(_Wire, frozen=True, kw_only=True):
    """``waba_info`` of the partner, ad-account and MM Lite events."""

    waba_id: str | None = None
    owner_business_id: str | None = None
    partner_app_id: str | None = None
    solution_id: str | None = None
    solution_partner_business_ids: tuple[str, ...] = ()
    ad_account_linked: str | None = None


class ExceptionCountry(_Wire, frozen=True, kw_only=True):
    """A country with its own start time for authentication-international rates."""

    country_code: str | None = None
    start_time: int | str | None = None


class AuthInternationalRateEligibility(_Wire, frozen=True, kw_only=True):
    """``auth_international_rate_eligibility`` of ``AUTH_INTL_PRICE_ELIGIBILITY_UPDATE``."""

    start_time: int | str | None = None
    exception_countries: tuple[ExceptionCountry, ...] = ()


class PartnerClientCertificationInfo(_Wire, frozen=True, kw_only=True):
    """Partner-led business verification result (``status``, ``rejection_reasons``)."""

    client_business_id: str | None = None
    status: str | None = None
    rejection_reasons: tuple[str, ...] = ()


class DisconnectionInfo(_Wire, frozen=True, kw_only=True):
    """Why a ``PARTNER_REMOVED`` WABA was disconnected."""

    reason: str | None = None


class VolumeTierInfo(_Wire, frozen=True, kw_only=True):
    """``volume_tier_info`` of ``VOLUME_BASED_PRICING_TIER_UPDATE``."""

    tier_update_time: int | str | None = None
    pricing_category: str | None = None
    tier: str | None = None
    effective_month: str | None = None
    region: str | None = None


class AccountUpdateValue(_Wire, frozen=True, kw_only=True):
    """The value of an ``account_update`` change.

    Attributes:
        event: ``"VERIFIED_ACCOUNT"``, ``"DISABLED_UPDATE"``,
            ``"ACCOUNT_VIOLATION"``, ``"ACCOUNT_RESTRICTION"``,
            ``"ACCOUNT_DELETED"``, ``"PARTNER_ADDED"``, ``"PARTNER_REMOVED"``,
            ``"PARTNER_APP_INSTALLED"``, ``"PARTNER_APP_UNINSTALLED"``,
            ``"AD_ACCOUNT_LINKED"``, ``"AUTH_INTL_PRICE_ELIGIBILITY_UPDATE"``,
            ``"BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE"``,
            ``"MM_LITE_TERMS_SIGNED"``, ``"VOLUME_BASED_PRICING_TIER_UPDATE"``,
            ``"ACCOUNT_OFFBOARDED"``, ``"ACCOUNT_RECONNECTED"``, ...
        phone_number: The number concerned (``VERIFIED_ACCOUNT``).
        country: The new primary business location country.
        ban_info: ``DISABLED_UPDATE``: the ban state and date.
        violation_info: ``ACCOUNT_VIOLATION``: the kind of violation.
        restriction_info: ``ACCOUNT_RESTRICTION``: what is restricted, until when.
        waba_info: Partner, ad-account and MM Lite events: whose account.
        auth_international_rate_eligibility: Start times of the rate.
        partner_client_certification_info: Partner-led verification result.
        disconnection_info: ``PARTNER_REMOVED``: why.
        volume_tier_info: Volume pricing tier.
    """

    event: str
    phone_number: str | None = None
    country: str | None = None
    ban_info: BanInfo | None = None
    violation_info: ViolationInfo | None = None
    restriction_info: tuple[RestrictionInfo, ...] = ()
    waba_info: WabaInfo | None = None
    auth_international_rate_eligibility: AuthInternationalRateEligibility | None = None
    partner_client_certification_info: PartnerClientCertificationInfo | None = None
    disconnection_info: DisconnectionInfo | None = None
    volume_tier_info: VolumeTierInfo | None = None


class AccountUpdateChange(_ChangeBase, frozen=True, kw_only=True):
    """An ``account_update`` change."""

    value: AccountUpdateValue


class AccountReviewValue(_Wire, frozen=True, kw_only=True):
    """The value of ``account_review_update``: ``decision`` is ``APPROVED``, ``REJECTED``, ..."""

    decision: str


class AccountReviewChange(_ChangeBase, frozen=True, kw_only=True):
    """An ``account_review_update`` change."""

    value: AccountReviewValue


class AccountAlertInfo(_Wire, frozen=True, kw_only=True):
    """``alert_info`` of an account alert."""

    alert_severity: str | None = None
    alert_status: str | None = None
    alert_type: str | None = None
    alert_description: str | None = None


class AccountAlertsValue(_Wire, frozen=True, kw_only=True):
    """The value of ``account_alerts``: an alert on the account or a number.

    Attributes:
        entity_type: ``"WABA"``, ``"BUSINESS"`` or ``"PHONE_NUMBER"``.
        entity_id: Its id.
        alert_info: Severity, status, type and description.
    """

    entity_type: str | None = None
    entity_id: str | int | None = None
    alert_info: AccountAlertInfo | None = None


class AccountAlertsChange(_ChangeBase, frozen=True, kw_only=True):
    """An ``account_alerts`` change."""

    value: AccountAlertsValue


class BusinessCapabilityValue(_Wire, frozen=True, kw_only=True):
    """The value of ``business_capability_update``: new limits of the business."""

    max_daily_conversation_per_phone: int | None = None
    max_daily_conversations_per_business: int | str | None = None
    max_phone_numbers_per_business: int | None = None
    max_phone_numbers_per_waba: int | None = None


class BusinessCapabilityChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``business_capability_update`` change."""

    value: BusinessCapabilityValue


class PartnerSolutionsValue(_Wire, frozen=True, kw_only=True):
    """The value of ``partner_solutions``: a multi-partner solution changed state."""

    event: str | None = None
    solution_id: str | None = None
    solution_status: str | None = None


class PartnerSolutionsChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``partner_solutions`` change."""

    value: PartnerSolutionsValue


class PaymentConfigurationValue(_Wire, frozen=True, kw_only=True):
    """The value of ``payment_configuration_update`` (payments in India and Brazil)."""

    configuration_name: str | None = None
    provider_name: str | None = None
    provider_mid: str | None = None
    status: str | None = None
    created_timestamp: int | str | None = None
    updated_timestamp: int | str | None = None


class PaymentConfigurationChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``payment_configuration_update`` change."""

    value: PaymentConfigurationValue


class SecurityValue(_Wire, frozen=True, kw_only=True):
    """The value of ``security``: e.g. ``event="PIN_CHANGED"`` on a number."""

    display_phone_number: str | None = None
    event: str | None = None
    requester: str | None = None


class SecurityChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``security`` change."""

    value: SecurityValue
