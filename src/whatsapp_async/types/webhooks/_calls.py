"""The ``calls`` field: call connect / terminate events and call statuses (Calling API)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from ._common import ErrorInfo, Metadata, _ChangeBase, _to_datetime, _Wire
from ._contacts import Contact
from ._statuses import Status

__all__ = ["Call", "CallSession", "CallsChange", "CallsValue"]


class CallSession(_Wire, frozen=True, kw_only=True):
    """The WebRTC session of a call: an SDP ``offer`` (user calls) or ``answer``."""

    sdp_type: str | None = None
    sdp: str | None = None


class Call(_Wire, frozen=True, kw_only=True):
    """One call event.

    Attributes:
        id: The call id (``wacid.``...); the same across a call's events.
        event: ``"connect"`` (ringing, with ``session``) or ``"terminate"``.
        timestamp: Unix seconds as a string.
        from_: Caller number (wire name ``from``).
        to: Callee number.
        direction: ``"USER_INITIATED"`` or ``"BUSINESS_INITIATED"``.
        session: The SDP to answer (``connect``).
        status: On ``terminate``: ``"COMPLETED"`` or ``"FAILED"``.
        start_time: When it was answered (Unix seconds, ``terminate``).
        end_time: When it ended (``terminate``).
        duration: Seconds connected (``terminate``).
        biz_opaque_callback_data: The string given when the business called.
        from_user_id: The caller's business-scoped user id.
        to_user_id: The callee's business-scoped user id.
        errors: Why a call failed.
    """

    id: str
    event: str | None = None
    timestamp: str | int | None = None
    from_: str | None = msgspec.field(default=None, name="from")
    to: str | None = None
    direction: str | None = None
    session: CallSession | None = None
    status: str | None = None
    start_time: str | int | None = None
    end_time: str | int | None = None
    duration: int | None = None
    biz_opaque_callback_data: str | None = None
    from_user_id: str | None = None
    from_parent_user_id: str | None = None
    to_user_id: str | None = None
    to_parent_user_id: str | None = None
    errors: tuple[ErrorInfo, ...] = ()

    @property
    def time(self) -> datetime | None:
        """``timestamp`` as an aware UTC datetime, if present."""
        return None if self.timestamp is None else _to_datetime(self.timestamp, "timestamp")


class CallsValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``calls`` change: call events and call statuses.

    Attributes:
        metadata: The business number the call concerns.
        contacts: The users involved (``wa_id``, profile name).
        calls: Connect and terminate events.
        statuses: Call statuses (``type: "call"``, e.g. ``RINGING``, ``ACCEPTED``).
        errors: Value-level errors.
    """

    messaging_product: str | None = None
    metadata: Metadata
    contacts: tuple[Contact, ...] = ()
    calls: tuple[Call, ...] = ()
    statuses: tuple[Status, ...] = ()
    errors: tuple[ErrorInfo, ...] = ()


class CallsChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``calls`` change."""

    value: CallsValue
