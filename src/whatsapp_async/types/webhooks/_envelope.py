"""The envelope of every webhook body: ``Notification -> Entry -> Change``.

A change is one field family's Struct (``MessagesChange`` today) or, for any
other ``field``, an :class:`UnknownChange` holding the raw value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

from ._common import _Wire
from ._messages_field import InboundMessage, MessagesChange, MessagesValue
from ._statuses import Status
from ._unknown import UnknownChange

__all__ = ["Change", "Entry", "Notification"]

Change: TypeAlias = MessagesChange | UnknownChange
"""One entry of ``Entry.changes``."""


class Entry(_Wire, frozen=True, kw_only=True):
    """An ``entry``: the changes of one WhatsApp Business Account (``id``)."""

    id: str
    changes: tuple[Change, ...] = ()


class Notification(_Wire, frozen=True, kw_only=True):
    """A whole webhook body.

    Attributes:
        object: ``"whatsapp_business_account"``.
        entry: One entry per business account; iterate them all, Meta batches.
    """

    object: str
    entry: tuple[Entry, ...] = ()

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
