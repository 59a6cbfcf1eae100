"""Typed change events, one class per field family, for the router's ``on_<family>`` handlers.

Each subclass of :class:`ChangeEvent` narrows ``change`` to its family's
Struct and adds ``value``; :data:`EVENT_FOR_FIELD` says which class the
router builds for a change of each ``field``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from ..types.webhooks import (
    AccountAlertsChange,
    AccountAlertsValue,
    AccountReviewChange,
    AccountReviewValue,
    AccountUpdateChange,
    AccountUpdateValue,
    CallsChange,
    CallsValue,
    GroupLifecycleChange,
    GroupParticipantsChange,
    GroupSettingsChange,
    GroupStatusChange,
    GroupsValue,
    MessageEchoesChange,
    MessageEchoesValue,
    PhoneNumberNameChange,
    PhoneNumberNameValue,
    PhoneNumberQualityChange,
    PhoneNumberQualityValue,
    SmbMessageEchoesChange,
    TemplateCategoryChange,
    TemplateCategoryValue,
    TemplateComponentsChange,
    TemplateComponentsValue,
    TemplateQualityChange,
    TemplateQualityValue,
    TemplateStatusChange,
    TemplateStatusValue,
    UserPreferencesChange,
    UserPreferencesValue,
)
from ._events import ChangeEvent

__all__ = [
    "EVENT_FOR_FIELD",
    "AccountAlertEvent",
    "AccountReviewEvent",
    "AccountUpdateEvent",
    "CallEvent",
    "EchoChange",
    "EchoEvent",
    "GroupChange",
    "GroupEvent",
    "PhoneNumberNameEvent",
    "PhoneNumberQualityEvent",
    "TemplateCategoryEvent",
    "TemplateComponentsEvent",
    "TemplateQualityEvent",
    "TemplateStatusEvent",
    "UserPreferencesEvent",
]

GroupChange: TypeAlias = (
    GroupLifecycleChange | GroupParticipantsChange | GroupSettingsChange | GroupStatusChange
)
"""A change of any group field."""

EchoChange: TypeAlias = MessageEchoesChange | SmbMessageEchoesChange
"""A change of either echo field."""


@dataclass(frozen=True)
class TemplateStatusEvent(ChangeEvent):
    """What ``on_template_status`` handlers get.

    It is sent when a template was approved, rejected, paused, disabled, .

    Attributes:
        change: The ``TemplateStatusChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: TemplateStatusChange

    @property
    def value(self) -> TemplateStatusValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class TemplateQualityEvent(ChangeEvent):
    """What ``on_template_quality`` handlers get.

    It is sent when a template's quality score changed.

    Attributes:
        change: The ``TemplateQualityChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: TemplateQualityChange

    @property
    def value(self) -> TemplateQualityValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class TemplateCategoryEvent(ChangeEvent):
    """What ``on_template_category`` handlers get.

    It is sent when a template's category changed or will change.

    Attributes:
        change: The ``TemplateCategoryChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: TemplateCategoryChange

    @property
    def value(self) -> TemplateCategoryValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class TemplateComponentsEvent(ChangeEvent):
    """What ``on_template_components`` handlers get.

    It is sent when a template's text or buttons changed.

    Attributes:
        change: The ``TemplateComponentsChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: TemplateComponentsChange

    @property
    def value(self) -> TemplateComponentsValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class AccountUpdateEvent(ChangeEvent):
    """What ``on_account_update`` handlers get.

    It is sent when the account was verified, banned, restricted, shared with a partner, .

    Attributes:
        change: The ``AccountUpdateChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: AccountUpdateChange

    @property
    def value(self) -> AccountUpdateValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class AccountReviewEvent(ChangeEvent):
    """What ``on_account_review`` handlers get.

    It is sent when the account review decided.

    Attributes:
        change: The ``AccountReviewChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: AccountReviewChange

    @property
    def value(self) -> AccountReviewValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class AccountAlertEvent(ChangeEvent):
    """What ``on_account_alert`` handlers get.

    It is sent when Meta raised an alert on the account or a number.

    Attributes:
        change: The ``AccountAlertsChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: AccountAlertsChange

    @property
    def value(self) -> AccountAlertsValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class PhoneNumberQualityEvent(ChangeEvent):
    """What ``on_phone_number_quality`` handlers get.

    It is sent when a number's messaging limit or quality changed.

    Attributes:
        change: The ``PhoneNumberQualityChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: PhoneNumberQualityChange

    @property
    def value(self) -> PhoneNumberQualityValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class PhoneNumberNameEvent(ChangeEvent):
    """What ``on_phone_number_name`` handlers get.

    It is sent when a display name review decided.

    Attributes:
        change: The ``PhoneNumberNameChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: PhoneNumberNameChange

    @property
    def value(self) -> PhoneNumberNameValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class CallEvent(ChangeEvent):
    """What ``on_call`` handlers get.

    It is sent when a call rang, connected or ended, or a call status arrived.

    Attributes:
        change: The ``CallsChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: CallsChange

    @property
    def value(self) -> CallsValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class UserPreferencesEvent(ChangeEvent):
    """What ``on_user_preferences`` handlers get.

    It is sent when a user stopped or resumed marketing messages.

    Attributes:
        change: The ``UserPreferencesChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: UserPreferencesChange

    @property
    def value(self) -> UserPreferencesValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class GroupEvent(ChangeEvent):
    """What ``on_group`` handlers get.

    It is sent when a group was created, deleted, changed, joined or left.

    Attributes:
        change: The ``GroupChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: GroupChange

    @property
    def value(self) -> GroupsValue:
        """The change's typed value."""
        return self.change.value


@dataclass(frozen=True)
class EchoEvent(ChangeEvent):
    """What ``on_echo`` handlers get.

    It is sent when the business sent a message from another app (echoes).

    Attributes:
        change: The ``EchoChange``.
        waba_id: The WhatsApp Business Account id.
    """

    change: EchoChange

    @property
    def value(self) -> MessageEchoesValue:
        """The change's typed value."""
        return self.change.value


#: field -> the event class the router builds for its changes.
EVENT_FOR_FIELD: dict[str, type[ChangeEvent]] = {
    "message_template_status_update": TemplateStatusEvent,
    "message_template_quality_update": TemplateQualityEvent,
    "template_category_update": TemplateCategoryEvent,
    "message_template_components_update": TemplateComponentsEvent,
    "account_update": AccountUpdateEvent,
    "account_review_update": AccountReviewEvent,
    "account_alerts": AccountAlertEvent,
    "phone_number_quality_update": PhoneNumberQualityEvent,
    "phone_number_name_update": PhoneNumberNameEvent,
    "calls": CallEvent,
    "user_preferences": UserPreferencesEvent,
    "group_lifecycle_update": GroupEvent,
    "group_participants_update": GroupEvent,
    "group_participant_update": GroupEvent,
    "group_settings_update": GroupEvent,
    "group_status_update": GroupEvent,
    "message_echoes": EchoEvent,
    "smb_message_echoes": EchoEvent,
}
