"""The ``messages`` field: the value that carries inbound messages, statuses and errors.

Its entries are defined by job: inbound kinds in :mod:`._inbound` (bodies in
:mod:`._message_contents`), status updates in :mod:`._statuses`.
"""

from __future__ import annotations

from typing import TypeAlias

from ._common import ErrorInfo, Metadata, _Wire
from ._inbound import KnownMessage
from ._statuses import Status
from ._unknown import UnknownMessage

__all__ = ["Contact", "InboundMessage", "MessagesChange", "MessagesValue", "Profile"]

InboundMessage: TypeAlias = KnownMessage | UnknownMessage
"""Any entry of ``MessagesValue.messages``."""


class Profile(_Wire, frozen=True, kw_only=True):
    """The user's WhatsApp profile as the business sees it."""

    name: str | None = None


class Contact(_Wire, frozen=True, kw_only=True):
    """A sender entry of ``value.contacts`` (absent for system messages).

    Attributes:
        wa_id: The user's WhatsApp id; may differ from the message's ``from``.
        profile: Profile with the display ``name``.
        identity_key_hash: Present when the identity-change check is on.
    """

    wa_id: str | None = None
    profile: Profile | None = None
    identity_key_hash: str | None = None

    @property
    def name(self) -> str | None:
        """The profile name, if any."""
        return self.profile.name if self.profile is not None else None


class _ValueBase(_Wire, frozen=True, kw_only=True):
    """The value's fields but ``messages``, whose type the parser's decoders vary."""

    messaging_product: str | None = None
    metadata: Metadata
    contacts: tuple[Contact, ...] = ()
    statuses: tuple[Status, ...] = ()
    errors: tuple[ErrorInfo, ...] = ()


class MessagesValue(_ValueBase, frozen=True, kw_only=True):
    """The ``value`` of a ``field: "messages"`` change.

    Attributes:
        messaging_product: ``"whatsapp"``.
        metadata: The business number (``phone_number_id``) concerned.
        contacts: Senders of ``messages`` (absent for system messages).
        messages: Inbound messages.
        statuses: Status updates of messages the business sent.
        errors: Account- or app-level errors not tied to a message.
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


class MessagesChange(_Wire, frozen=True, kw_only=True):
    """A change with ``field: "messages"``: messages, statuses and errors."""

    field: str
    value: MessagesValue

