"""What the parser makes of what it does not know, so one novelty never fails a whole body.

:func:`~whatsapp_async.webhooks.parse_notification` turns a message of an
unknown ``type`` (or one whose body does not fit its kind) into an
:class:`UnknownMessage` and a change of a ``field`` without its own Struct into
an :class:`UnknownChange`; both keep the raw JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import msgspec

from ._common import _to_datetime, _Wire
from ._inbound import Context

__all__ = ["UnknownChange", "UnknownMessage"]


class UnknownMessage(_Wire, frozen=True, kw_only=True):
    """A message whose ``type`` this library does not know, or whose body did not
    fit the known shape. Nothing is lost: ``raw`` holds the message object.

    Attributes:
        type: The wire ``type`` (empty if absent).
        id: The wamid (empty if absent).
        from_: The user's number (empty if absent).
        timestamp: Unix seconds as a string (empty if absent).
        raw: The message object exactly as received; decode it yourself.
        reason: Why it was not decoded into a known class.
    """

    kind: ClassVar[str] = "unknown"

    type: str
    id: str
    from_: str = msgspec.field(name="from")
    timestamp: str
    raw: msgspec.Raw
    reason: str = ""
    context: Context | None = None

    @property
    def time(self) -> datetime:
        """``timestamp`` as an aware UTC datetime."""
        return _to_datetime(self.timestamp, "timestamp")


class UnknownChange(_Wire, frozen=True, kw_only=True):
    """A change of a ``field`` Meta has not documented (or, with ``reason`` set, a
    documented one whose value did not fit its shape). ``value`` is the raw JSON;
    decode it into your own Struct with ``msgspec.json.decode(change.value, type=...)``.

    Attributes:
        field: The change's ``field``.
        value: The value exactly as received.
        reason: Empty for an undocumented field; else why the typed decode failed.
    """

    field: str
    value: msgspec.Raw
    reason: str = ""

