"""The answer to a send: :class:`SendResponse` as decoded, :class:`SentMessage` as returned."""

from __future__ import annotations

import msgspec


class _SentContact(msgspec.Struct, frozen=True, kw_only=True):
    input: str | None = None
    wa_id: str | None = None


class _SentId(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    message_status: str | None = None
    group_id: str | None = None


class SendResponse(msgspec.Struct, frozen=True, kw_only=True):
    """The raw answer to a send; the resource turns it into :class:`SentMessage`."""

    messages: list[_SentId]
    contacts: list[_SentContact] = msgspec.field(default_factory=list)
    messaging_product: str | None = None


class SentMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A message the API accepted (accepted is not delivered: watch status webhooks).

    Attributes:
        message_id: The wamid; status webhooks and replies refer to it.
        wa_id: The recipient's WhatsApp id; may differ from what you sent.
        input: The ``to`` you sent, as the API echoes it.
        message_status: Only for paced templates: ``accepted``,
            ``held_for_quality_assessment`` or ``paused``.
        group_id: The group, for group sends.
    """

    message_id: str
    wa_id: str | None = None
    input: str | None = None
    message_status: str | None = None
    group_id: str | None = None

    @classmethod
    def from_response(cls, response: SendResponse) -> SentMessage:
        """Pick the fields of the first message and contact of a send answer.

        Raises:
            IndexError: The answer lists no message.
        """
        sent = response.messages[0]
        contact = response.contacts[0] if response.contacts else _SentContact()
        return cls(
            message_id=sent.id,
            wa_id=contact.wa_id,
            input=contact.input,
            message_status=sent.message_status,
            group_id=sent.group_id,
        )
