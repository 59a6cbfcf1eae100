"""The envelope of every webhook body: ``Notification -> Entry -> Change``.

A change is one field family's Struct (:data:`CHANGE_TYPES` maps each
``field`` Meta documents to it) or, for a field Meta has not documented, an
:class:`UnknownChange` holding the raw value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

import msgspec

from ._account import (
    AccountAlertsChange,
    AccountReviewChange,
    AccountUpdateChange,
    BusinessCapabilityChange,
    PartnerSolutionsChange,
    PaymentConfigurationChange,
    SecurityChange,
)
from ._calls import CallsChange
from ._coexistence import AutomaticEventsChange, HistoryChange, SmbAppStateSyncChange
from ._common import Unmodelled, _ChangeBase, _Wire
from ._echoes import MessageEchoesChange, SmbMessageEchoesChange
from ._groups import (
    GroupLifecycleChange,
    GroupParticipantsChange,
    GroupSettingsChange,
    GroupStatusChange,
)
from ._messages_field import InboundMessage, MessagesChange, MessagesValue
from ._phone_numbers import PhoneNumberNameChange, PhoneNumberQualityChange
from ._statuses import Status
from ._templates import (
    TemplateCategoryChange,
    TemplateComponentsChange,
    TemplateQualityChange,
    TemplateStatusChange,
)
from ._unknown import UnknownChange
from ._users import UserIdChange, UserPreferencesChange

__all__ = ["CHANGE_TYPES", "Change", "Entry", "KnownChange", "Notification"]

KnownChange: TypeAlias = (
    MessagesChange
    | AccountAlertsChange
    | AccountReviewChange
    | AccountUpdateChange
    | AutomaticEventsChange
    | BusinessCapabilityChange
    | CallsChange
    | GroupLifecycleChange
    | GroupParticipantsChange
    | GroupSettingsChange
    | GroupStatusChange
    | HistoryChange
    | MessageEchoesChange
    | PartnerSolutionsChange
    | PaymentConfigurationChange
    | PhoneNumberNameChange
    | PhoneNumberQualityChange
    | SecurityChange
    | SmbAppStateSyncChange
    | SmbMessageEchoesChange
    | TemplateCategoryChange
    | TemplateComponentsChange
    | TemplateQualityChange
    | TemplateStatusChange
    | UserIdChange
    | UserPreferencesChange
)
"""A change of a field Meta documents."""

Change: TypeAlias = KnownChange | UnknownChange
"""One entry of ``Entry.changes``."""

#: Every documented ``field`` -> the Struct its changes decode into.
CHANGE_TYPES: dict[str, type[_ChangeBase]] = {
    "messages": MessagesChange,
    "account_alerts": AccountAlertsChange,
    "account_review_update": AccountReviewChange,
    "account_update": AccountUpdateChange,
    "automatic_events": AutomaticEventsChange,
    "business_capability_update": BusinessCapabilityChange,
    "calls": CallsChange,
    "group_lifecycle_update": GroupLifecycleChange,
    "group_participants_update": GroupParticipantsChange,
    # Meta's OpenAPI file spells it in the singular.
    "group_participant_update": GroupParticipantsChange,
    "group_settings_update": GroupSettingsChange,
    "group_status_update": GroupStatusChange,
    "history": HistoryChange,
    "message_echoes": MessageEchoesChange,
    "message_template_components_update": TemplateComponentsChange,
    "message_template_quality_update": TemplateQualityChange,
    "message_template_status_update": TemplateStatusChange,
    "partner_solutions": PartnerSolutionsChange,
    "payment_configuration_update": PaymentConfigurationChange,
    "phone_number_name_update": PhoneNumberNameChange,
    "phone_number_quality_update": PhoneNumberQualityChange,
    "security": SecurityChange,
    "smb_app_state_sync": SmbAppStateSyncChange,
    "smb_message_echoes": SmbMessageEchoesChange,
    "template_category_update": TemplateCategoryChange,
    "user_id_update": UserIdChange,
    "user_preferences": UserPreferencesChange,
}


class Entry(_Wire, frozen=True, kw_only=True):
    """An ``entry``: the changes of one WhatsApp Business Account (``id``).

    Attributes:
        id: The WhatsApp Business Account id.
        time: When Meta sent it (Unix seconds), on the fields that carry it.
        changes: The changes, in order.
        unmodelled: Keys of the entry this library does not model.
    """

    id: str
    time: int | None = None
    changes: tuple[Change, ...] = ()
    unmodelled: Unmodelled = msgspec.field(default_factory=dict)


class Notification(_Wire, frozen=True, kw_only=True):
    """A whole webhook body.

    Attributes:
        object: ``"whatsapp_business_account"``.
        entry: One entry per business account; iterate them all, Meta batches.
        unmodelled: Top-level keys this library does not model.
    """

    object: str
    entry: tuple[Entry, ...] = ()
    unmodelled: Unmodelled = msgspec.field(default_factory=dict)

    def changes(self) -> Iterator[Change]:
        """Every change in the body, in order."""
        for entry in self.entry:
            yield from entry.changes

    def values(self) -> Iterator[MessagesValue]:
        """Every ``messages`` value in the body, in order."""
        for entry in self.entry:
            for change in entry.changes:
                if isinstance(change, MessagesChange):
                    yield change.value

    def messages(self) -> Iterator[InboundMessage]:
        """Every inbound message in the body, in order."""
        for value in self.values():
            yield from value.messages

    def statuses(self) -> Iterator[Status]:
        """Every status update in the body, in order."""
        for value in self.values():
            yield from value.statuses
