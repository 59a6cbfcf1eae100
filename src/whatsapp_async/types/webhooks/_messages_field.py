"""The ``messages`` field: the value that carries inbound messages, statuses and errors.

Its entries are defined by job: inbound kinds in :mod:`._inbound` (bodies in
:mod:`._message_contents`), status updates in :mod:`._statuses`.
"""

from __future__ import annotations

from typing import TypeAlias

from ._calls import Call
from ._common import ErrorInfo, Metadata, _ChangeBase, _Wire
from ._contacts import Contact, Profile
from ._echoes import MessageEcho
from ._inbound import KnownMessage
from ._statuses import Status
from ._unknown import UnknownMessage

__all__ = ["Contact", "InboundMessage", "MessagesChange", "MessagesValue", "Profile"]

InboundMessage: TypeAlias = KnownMessage | UnknownMessage
"""Any entry of ``MessagesValue.messages``."""


class _ValueBase(_Wire, frozen=True, kw_only=True):
    """The value's fields but ``messages``, whose type the parser's decoders vary."""

    messaging_product: str | None = None
    metadata: Metadata
    contacts: tuple[Contact, ...] = ()
    statuses: tuple[Status, ...] = ()
    errors: tuple[ErrorInfo, ...] = ()
    calls: tuple[Call, ...] = ()
    message_echoes: tuple[MessageEcho, ...] = ()


class MessagesValue(_ValueBase, frozen=True, kw_only=True):
    """The ``value`` of a ``field: "messages"`` change.

    Attributes:
        messaging_product: ``"whatsapp"``.
        metadata: The business number (``phone_number_id``) concerned.
        contacts: Senders of ``messages`` (absent for system messages).
        messages: Inbound messages.
        statuses: Status updates of messages the business sent.
        errors: Account- or app-level errors not tied to a message.
        calls: Call events, when they arrive inside a ``messages`` change.
        message_echoes: Messages the business sent from another app, when
            they arrive inside a ``messages`` change.
    """

    messages: tuple[InboundMessage, ...] = ()

    def contact_for(self, wa_id: str) -> Contact | None:
        """The contact entry of ``wa_id``, or the only one if there is exactly one.

        Meta documents that a message's ``from`` and the contact's ``wa_id``
        may differ, hence the single-contact fallback.
        """
        for contact in self.contacts:
            if contact.wa_id == wa_id:
                return contact
        return self.contacts[0] if len(self.contacts) == 1 else None


class MessagesChange(_ChangeBase, frozen=True, kw_only=True):
    """A change with ``field: "messages"``: messages, statuses and errors."""

    value: MessagesValue

