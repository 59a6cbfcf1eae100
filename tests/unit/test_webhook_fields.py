"""Every webhook field and message kind Meta documents parses into its own Struct, losing nothing.

The payloads in ``tests/fixtures/webhooks/meta/`` follow the shapes of Meta's
webhook reference pages and the ``/whatsapp/webhooks`` schema of Meta's v23
OpenAPI file, with invented ids (see the folder's README).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from tests.support import FIXTURES
from whatsapp_async.webhooks import (
    CHANGE_TYPES,
    MESSAGE_KINDS,
    AccountAlertsChange,
    AccountReviewChange,
    AccountUpdateChange,
    AutomaticEventsChange,
    BusinessCapabilityChange,
    CallsChange,
    EditMessage,
    GroupLifecycleChange,
    GroupParticipantsChange,
    GroupSettingsChange,
    GroupStatusChange,
    HistoryChange,
    InteractiveMessage,
    MessageEchoesChange,
    MessagesChange,
    Notification,
    OrderMessage,
    PartnerSolutionsChange,
    PaymentConfigurationChange,
    PhoneNumberNameChange,
    PhoneNumberQualityChange,
    RequestWelcomeMessage,
    RevokeMessage,
    SecurityChange,
    SmbAppStateSyncChange,
    SmbMessageEchoesChange,
    SystemMessage,
    TemplateCategoryChange,
    TemplateComponentsChange,
    TemplateQualityChange,
    TemplateStatusChange,
    TextMessage,
    UnknownChange,
    UnknownMessage,
    UserIdChange,
    UserPreferencesChange,
    parse_notification,
)

META = FIXTURES / "webhooks" / "meta"
PAYLOADS = sorted(p.stem for p in META.glob("*.json"))

#: The fields of the WhatsApp Business Account webhook in Meta's reference.
DOCUMENTED_FIELDS = {
    "messages", "account_alerts", "account_review_update", "account_update",
    "automatic_events", "business_capability_update", "calls", "group_lifecycle_update",
    "group_participants_update", "group_settings_update", "group_status_update", "history",
    "message_echoes", "message_template_components_update", "message_template_quality_update",
    "message_template_status_update", "partner_solutions", "payment_configuration_update",
    "phone_number_name_update", "phone_number_quality_update", "security",
    "smb_app_state_sync", "smb_message_echoes", "template_category_update",
    "user_preferences", "user_id_update",
}


def load(name: str) -> tuple[Any, Notification]:
    raw = (META / f"{name}.json").read_bytes()
    return json.loads(raw), parse_notification(raw)


def only_change(name: str) -> Any:
    _, notification = load(name)
    [change] = list(notification.changes())
    return change


def only_message(name: str) -> Any:
    change = only_change(name)
    assert isinstance(change, MessagesChange)
    [message] = change.value.messages
    return message


def missing(original: Any, encoded: Any, path: str = "") -> list[str]:
    """Paths of ``original`` whose value the re-encoded typed result does not hold."""
    if isinstance(original, dict):
        if not isinstance(encoded, dict):
            return [path]
        out = []
        for key, value in original.items():
            if key not in encoded:
                # omit_defaults leaves out what equals its default.
                if value not in (None, False, [], {}, ""):
                    out.append(f"{path}.{key}")
                continue
            out += missing(value, encoded[key], f"{path}.{key}")
        return out
    if isinstance(original, list):
        if not isinstance(encoded, list) or len(encoded) != len(original):
            return [path]
        return [m for i, (a, b) in enumerate(zip(original, encoded, strict=True))
                for m in missing(a, b, f"{path}[{i}]")]
    if original == encoded:
        return []
    # Numeric strings decode to numbers where Meta is inconsistent.
    if isinstance(original, str) and isinstance(encoded, int | float):
        return [] if float(original) == float(encoded) else [path]
    return [path]


def unmodelled_anywhere(notification: Notification) -> dict[str, Any]:
    found: dict[str, Any] = dict(notification.unmodelled)
    for entry in notification.entry:
        found.update(entry.unmodelled)
        for change in entry.changes:
            found.update(getattr(change, "unmodelled", {}))
    return found


def test_every_documented_field_has_a_struct_and_a_payload() -> None:
    assert set(CHANGE_TYPES) >= DOCUMENTED_FIELDS
    fields = {c.field for name in PAYLOADS for c in load(name)[1].changes()}
    assert fields >= DOCUMENTED_FIELDS


def test_every_message_kind_has_a_payload() -> None:
    recorded = FIXTURES / "webhooks"
    paths = [*META.glob("*.json"), *recorded.glob("*.json"),
             *(FIXTURES / "facts" / "webhooks").glob("*.json")]
    kinds = {m.kind for p in paths for m in parse_notification(p.read_bytes()).messages()}
    assert kinds == MESSAGE_KINDS


@pytest.mark.parametrize("name", PAYLOADS)
def test_payload_is_typed_and_nothing_is_dropped(name: str) -> None:
    original, notification = load(name)
    for change in notification.changes():
        assert not isinstance(change, UnknownChange), change
        if isinstance(change, MessagesChange):
            assert not any(isinstance(m, UnknownMessage) for m in change.value.messages)
    assert unmodelled_anywhere(notification) == {}
    encoded = msgspec.json.decode(msgspec.json.encode(notification))
    assert missing(original, encoded) == []


def _check(cls: type, check: Callable[[Any], object]) -> tuple[type, Callable[[Any], object]]:
    return cls, check


CHECKS: dict[str, tuple[type, Callable[[Any], object]]] = {
    "template_status_approved": _check(TemplateStatusChange, lambda v: (
        v.event, v.message_template_id, v.message_template_category)
        == ("APPROVED", 1234567890123456, "UTILITY")),
    "template_status_rejected_invalid_format": _check(TemplateStatusChange, lambda v: (
        v.reason == "INVALID_FORMAT"
        and v.rejection_info.recommendation == "Start the body with text.")),
    "template_status_disabled": _check(TemplateStatusChange, lambda v: (
        v.event == "DISABLED" and v.disable_info.disable_date == "1750416000")),
    "template_status_locked": _check(TemplateStatusChange, lambda v: (
        v.other_info.title == "TEMPLATE_LOCKED")),
    "template_quality_update": _check(TemplateQualityChange, lambda v: (
        v.previous_quality_score, v.new_quality_score) == ("GREEN", "YELLOW")),
    "template_components_update": _check(TemplateComponentsChange, lambda v: (
        [b.message_template_button_type for b in v.message_template_buttons]
        == ["URL", "PHONE_NUMBER"] and v.message_template_footer == "Reply STOP to opt out")),
    "template_category_update": _check(TemplateCategoryChange, lambda v: (
        v.previous_category, v.new_category) == ("UTILITY", "MARKETING")),
    "template_category_pending": _check(TemplateCategoryChange, lambda v: (
        v.correct_category == "MARKETING")),
    "account_update_verified_account": _check(AccountUpdateChange, lambda v: (
        v.event, v.phone_number) == ("VERIFIED_ACCOUNT", "15550001234")),
    "account_update_disabled": _check(AccountUpdateChange, lambda v: (
        v.event == "DISABLED_UPDATE" and v.ban_info.waba_ban_state == "DISABLE")),
    "account_update_violation": _check(AccountUpdateChange, lambda v: (
        v.violation_info.violation_type == "SCAM")),
    "account_update_restriction": _check(AccountUpdateChange, lambda v: (
        v.restriction_info[0].restriction_type == "RESTRICTED_ADD_PHONE_NUMBER_ACTION")),
    "account_update_partner_added": _check(AccountUpdateChange, lambda v: (
        v.event == "PARTNER_ADDED" and v.waba_info.waba_id == "214367980054321")),
    "account_update_partner_app_installed": _check(AccountUpdateChange, lambda v: (
        v.waba_info.partner_app_id == "2718281828459045"
        and len(v.waba_info.solution_partner_business_ids) == 2)),
    "account_update_auth_intl": _check(AccountUpdateChange, lambda v: (
        v.auth_international_rate_eligibility.exception_countries[0].country_code == "ID")),
    "account_update_primary_location": _check(AccountUpdateChange, lambda v: v.country == "BR"),
    "account_update_partner_removed": _check(AccountUpdateChange, lambda v: (
        v.disconnection_info.reason == "CLIENT_UNSHARED")),
    "account_update_volume_tier": _check(AccountUpdateChange, lambda v: (
        v.volume_tier_info.tier == "25M:50M")),
    "account_update_business_verification": _check(AccountUpdateChange, lambda v: (
        v.partner_client_certification_info.rejection_reasons == ("LEGAL_NAME_NOT_MATCHING",))),
    "account_review_update": _check(AccountReviewChange, lambda v: v.decision == "APPROVED"),
    "account_alerts": _check(AccountAlertsChange, lambda v: (
        v.entity_type == "PHONE_NUMBER" and v.alert_info.alert_type == "OBA_APPROVED")),
    "business_capability_update": _check(BusinessCapabilityChange, lambda v: (
        v.max_daily_conversation_per_phone == 1000)),
    "partner_solutions": _check(PartnerSolutionsChange, lambda v: (
        v.solution_status == "INITIATED")),
    "payment_configuration_update": _check(PaymentConfigurationChange, lambda v: (
        v.provider_name == "razorpay" and v.status == "Active")),
    "security": _check(SecurityChange, lambda v: v.event == "PIN_CHANGED"),
    "phone_number_name_update": _check(PhoneNumberNameChange, lambda v: (
        v.decision, v.requested_verified_name) == ("APPROVED", "Lakeside Bakery")),
    "phone_number_quality_update": _check(PhoneNumberQualityChange, lambda v: (
        v.event, v.current_limit) == ("UPGRADE", "TIER_10K")),
    "user_preferences_stop": _check(UserPreferencesChange, lambda v: (
        v.user_preferences[0].value == "stop"
        and v.user_preferences[0].category == "marketing_messages"
        and v.user_preferences[0].time is not None)),
    "user_id_update": _check(UserIdChange, lambda v: (
        v.user_id_update[0].user_id.current == "GB.27182818284590452353")),
    "calls_connect": _check(CallsChange, lambda v: (
        v.calls[0].event == "connect" and v.calls[0].session.sdp_type == "offer"
        and v.calls[0].from_ == "447700900123" and v.contacts[0].name == "Ana Souza")),
    "calls_terminate": _check(CallsChange, lambda v: (
        v.calls[0].status, v.calls[0].duration, v.calls[0].biz_opaque_callback_data)
        == ("COMPLETED", 85, "ticket-42")),
    "calls_status_ringing": _check(CallsChange, lambda v: (
        v.statuses[0].type, v.statuses[0].status) == ("call", "RINGING")),
    "group_lifecycle_create": _check(GroupLifecycleChange, lambda v: (
        v.groups[0].type == "group_create" and v.groups[0].subject == "Bakery regulars"
        and v.groups[0].time is not None)),
    "group_lifecycle_delete": _check(GroupLifecycleChange, lambda v: (
        v.groups[0].type == "group_delete")),
    "group_participants_add": _check(GroupParticipantsChange, lambda v: (
        v.groups[0].added_participants[0].wa_id == "447700900123")),
    "group_participant_remove_singular": _check(GroupParticipantsChange, lambda v: (
        v.groups[0].removed_participants[0].input == "447700900123")),
    "group_settings_update": _check(GroupSettingsChange, lambda v: (
        v.groups[0].group_subject.text == "Bakery regulars (new)"
        and v.groups[0].group_description.errors[0].code == 131009)),
    "group_status_update": _check(GroupStatusChange, lambda v: (
        v.groups[0].type == "group_suspend")),
    "smb_message_echoes": _check(SmbMessageEchoesChange, lambda v: (
        v.message_echoes[0].to == "447700900123"
        and v.message_echoes[0].text.body == "Your cake is ready")),
    "cloud_message_echoes": _check(MessageEchoesChange, lambda v: (
        v.message_echoes[0].image.caption == "Today")),
    "smb_app_state_sync": _check(SmbAppStateSyncChange, lambda v: (
        v.state_sync[0].action == "add" and v.state_sync[0].contact.first_name == "Ana")),
    "history": _check(HistoryChange, lambda v: (
        v.history[0].metadata.progress == 55
        and v.history[0].threads[0].messages[0]["history_context"] == {"status": "READ"})),
    "history_declined": _check(HistoryChange, lambda v: (
        v.history[0].errors[0].code == 2593109)),
    "automatic_events_purchase": _check(AutomaticEventsChange, lambda v: (
        v.automatic_events[0].event_name == "Purchase"
        and v.automatic_events[0].custom_data == {"currency": "USD", "value": 25.5})),
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_field_payload_decodes_into_its_struct(name: str) -> None:
    cls, check = CHECKS[name]
    change = only_change(name)
    assert type(change) is cls
    assert check(change.value)


def test_every_field_payload_is_checked() -> None:
    fields = {n for n in PAYLOADS if not n.startswith(("message_", "status_"))}
    assert fields == set(CHECKS)


def test_revoke() -> None:
    message = only_message("message_revoke")
    assert isinstance(message, RevokeMessage)
    assert message.revoke.original_message_id.endswith("ORIGINAL0000000001")


def test_edit_carries_the_edited_message() -> None:
    message = only_message("message_edit")
    assert isinstance(message, EditMessage)
    assert message.edit.message is not None
    assert message.edit.message.text is not None
    assert message.edit.message.text.body == "Two cakes, not one"


def test_request_welcome() -> None:
    assert isinstance(only_message("message_request_welcome"), RequestWelcomeMessage)


def test_call_permission_reply() -> None:
    message = only_message("message_call_permission_reply")
    assert isinstance(message, InteractiveMessage)
    reply = message.interactive.call_permission_reply
    assert reply is not None and reply.response == "accept" and reply.is_permanent is False
    assert message.interactive.reply is reply


def test_group_message_and_group_status() -> None:
    message = only_message("message_group_text")
    assert isinstance(message, TextMessage)
    assert message.group_id == "Y2FwaV9ncm91cDoxNTU1MDAwMTIzNDoxMjAzNjM0MDY"
    change = only_change("status_group_read")
    [status] = change.value.statuses
    assert (status.recipient_type, status.recipient_participant_id) == ("group", "447700900123")


def test_business_scoped_user_ids() -> None:
    change = only_change("message_bsuid")
    [contact] = change.value.contacts
    assert contact.user_id == "GB.13491208655302741918"
    assert contact.parent_user_id == "GB.ENT.11815799212886844830"
    assert contact.profile.username == "@ana.bakes"
    assert change.value.messages[0].from_user_id == "GB.13491208655302741918"
    [status] = only_change("status_bsuid").value.statuses
    assert status.recipient_user_id == "GB.13491208655302741918"
    assert status.parent_recipient_user_id == "GB.ENT.11815799212886844830"


def test_customer_identity_changed() -> None:
    message = only_message("message_system_identity_changed")
    assert isinstance(message, SystemMessage)
    assert message.system.type == "customer_identity_changed"
    assert message.identity is not None and message.identity.hash == "Sjvjlx8G6Z0="
    assert message.identity.acknowledged is True


def test_user_changed_user_id() -> None:
    message = only_message("message_system_user_changed_user_id")
    assert isinstance(message, SystemMessage)
    assert message.system.user_id == "GB.27182818284590452353"


def test_interactive_without_body_next_to_a_value_error() -> None:
    change = only_change("message_interactive_without_body")
    [message] = change.value.messages
    assert isinstance(message, InteractiveMessage)
    assert message.interactive.type == "" and message.interactive.reply is None
    assert change.value.errors[0].code == 131051


def test_order_with_string_quantity_and_price() -> None:
    message = only_message("message_order_string_quantity")
    assert isinstance(message, OrderMessage)
    first, second = message.order.product_items
    assert (first.quantity, first.item_price) == (2, 12.5)
    assert (second.quantity, second.item_price) == (1, 11.0)


def test_fixture_folder_lists_every_payload() -> None:
    readme = (META / "README.md").read_text()
    assert [n for n in PAYLOADS if f"`{n}`" not in readme] == []
