"""Status updates of messages the business sent (``statuses`` of the ``messages`` field)."""

from __future__ import annotations

from datetime import datetime

from ._common import ErrorInfo, _to_datetime, _Wire

__all__ = ["Conversation", "ConversationOrigin", "Pricing", "Status"]


class ConversationOrigin(_Wire, frozen=True, kw_only=True):
    """What opened the conversation (category, e.g. ``"utility"``)."""

    type: str | None = None


class Conversation(_Wire, frozen=True, kw_only=True):
    """Conversation billing block (v23 and older; dropped from v24 except free entry points)."""

    id: str | None = None
    expiration_timestamp: str | None = None
    origin: ConversationOrigin | None = None

    @property
    def expiration_time(self) -> datetime | None:
        """``expiration_timestamp`` as an aware UTC datetime, if present."""
        if self.expiration_timestamp is None:
            return None
        return _to_datetime(self.expiration_timestamp, "conversation.expiration_timestamp")


class Pricing(_Wire, frozen=True, kw_only=True):
    """Pricing of a sent message.

    Attributes:
        billable: Whether it is charged (to be deprecated by Meta).
        pricing_model: ``"CBP"`` (before July 2025) or ``"PMP"``.
        type: ``"regular"``, ``"free_customer_service"`` or ``"free_entry_point"``.
        category: ``"marketing"``, ``"utility"``, ``"authentication"``, ``"service"``, ...
    """

    billable: bool | None = None
    pricing_model: str | None = None
    type: str | None = None
    category: str | None = None


class Status(_Wire, frozen=True, kw_only=True):
    """A status update of a message the business sent.

    Attributes:
        id: The wamid the send returned.
        status: ``"sent"``, ``"delivered"``, ``"read"``, ``"failed"`` or
            ``"played"`` (voice notes); other values are kept as they come.
        timestamp: Unix seconds as a string.
        recipient_id: The user's number, or the group id.
        recipient_type: ``"group"`` for group sends.
        recipient_participant_id: Group member the status is about.
        recipient_identity_key_hash: Present when the identity check is on.
        group_id: Group the message went to.
        biz_opaque_callback_data: The string given when sending, echoed back.
        conversation: Conversation billing block (v23 and older).
        pricing: Pricing block (on ``sent`` and on one of delivered/read).
        errors: Why the message failed, on ``failed``.
        type: ``"call"`` on the status of a call; absent for messages.
        recipient_user_id: The recipient's business-scoped user id (BSUID).
        parent_recipient_user_id: The recipient's parent BSUID.
    """

    id: str
    status: str
    timestamp: str
    recipient_id: str | None = None
    recipient_type: str | None = None
    recipient_participant_id: str | None = None
    recipient_identity_key_hash: str | None = None
    group_id: str | None = None
    biz_opaque_callback_data: str | None = None
    conversation: Conversation | None = None
    pricing: Pricing | None = None
    errors: tuple[ErrorInfo, ...] = ()
    type: str | None = None
    recipient_user_id: str | None = None
    parent_recipient_user_id: str | None = None

    @property
    def time(self) -> datetime:
        """``timestamp`` as an aware UTC datetime."""
        return _to_datetime(self.timestamp, "timestamp")
