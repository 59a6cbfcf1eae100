"""Fields of numbers shared with the WhatsApp Business app, and ad conversion events.

``history`` (past chats, in chunks), ``smb_app_state_sync`` (the app's
contact list) and ``automatic_events`` (purchases and leads from
Click-to-WhatsApp ad chats).
"""

from __future__ import annotations

from typing import Any

from ._common import ErrorInfo, Metadata, _ChangeBase, _Wire

__all__ = [
    "AutomaticEvent",
    "AutomaticEventsChange",
    "AutomaticEventsValue",
    "HistoryChange",
    "HistoryChunk",
    "HistoryChunkMetadata",
    "HistoryThread",
    "HistoryValue",
    "SmbAppStateSyncChange",
    "SmbAppStateSyncValue",
    "StateSyncContact",
    "StateSyncEntry",
    "StateSyncMetadata",
]


class HistoryChunkMetadata(_Wire, frozen=True, kw_only=True):
    """Where a chunk sits: ``phase`` (0-2), ``chunk_order`` and ``progress`` (0-100)."""

    phase: int | None = None
    chunk_order: int | None = None
    progress: int | None = None


class HistoryThread(_Wire, frozen=True, kw_only=True):
    """One chat of the history: the user (``id``) and its messages as Meta sends them.

    Past messages carry a ``history_context`` with their status; they are kept
    as plain JSON objects (decode one with ``msgspec.convert``).
    """

    id: str
    context: dict[str, Any] | None = None
    messages: tuple[dict[str, Any], ...] = ()


class HistoryChunk(_Wire, frozen=True, kw_only=True):
    """One chunk of history, or the errors of a declined share."""

    metadata: HistoryChunkMetadata | None = None
    threads: tuple[HistoryThread, ...] = ()
    errors: tuple[ErrorInfo, ...] = ()


class HistoryValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``history`` change."""

    messaging_product: str | None = None
    metadata: Metadata
    history: tuple[HistoryChunk, ...] = ()


class HistoryChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``history`` change: past chats of a number onboarded from the app."""

    value: HistoryValue


class StateSyncContact(_Wire, frozen=True, kw_only=True):
    """A contact of the app's address book."""

    full_name: str | None = None
    first_name: str | None = None
    phone_number: str | None = None


class StateSyncMetadata(_Wire, frozen=True, kw_only=True):
    """When the entry changed (Unix seconds, as sent)."""

    timestamp: str | int | None = None


class StateSyncEntry(_Wire, frozen=True, kw_only=True):
    """One address-book change: ``action`` is ``"add"`` or ``"remove"``."""

    type: str | None = None
    contact: StateSyncContact | None = None
    action: str | None = None
    metadata: StateSyncMetadata | None = None


class SmbAppStateSyncValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``smb_app_state_sync`` change."""

    messaging_product: str | None = None
    metadata: Metadata
    state_sync: tuple[StateSyncEntry, ...] = ()


class SmbAppStateSyncChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``smb_app_state_sync`` change: contacts added or removed in the app."""

    value: SmbAppStateSyncValue


class AutomaticEvent(_Wire, frozen=True, kw_only=True):
    """A conversion Meta detected in an ad chat.

    Attributes:
        id: The message the event was detected in.
        event_name: ``"Purchase"`` or ``"LeadSubmitted"``.
        timestamp: Unix seconds.
        ctwa_clid: The ad click id.
        custom_data: ``currency`` and ``value`` of a purchase.
    """

    id: str | None = None
    event_name: str
    timestamp: int | str | None = None
    ctwa_clid: str | None = None
    custom_data: dict[str, Any] | None = None


class AutomaticEventsValue(_Wire, frozen=True, kw_only=True):
    """The value of an ``automatic_events`` change."""

    messaging_product: str | None = None
    metadata: Metadata
    automatic_events: tuple[AutomaticEvent, ...] = ()


class AutomaticEventsChange(_ChangeBase, frozen=True, kw_only=True):
    """An ``automatic_events`` change."""

    value: AutomaticEventsValue
