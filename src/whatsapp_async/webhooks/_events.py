"""What a webhook handler receives: one event per message, status, error or change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import ConfigurationError
from ..types.webhooks import (
    ButtonMessage,
    ButtonReply,
    Change,
    DocumentMessage,
    ErrorInfo,
    ImageMessage,
    InboundMessage,
    InteractiveMessage,
    ListReply,
    MessagesValue,
    Status,
    TextMessage,
    VideoMessage,
)

if TYPE_CHECKING:
    from ..client import WhatsAppClient
    from ..types.messages import Message, SentMessage

__all__ = [
    "ChangeEvent", "ErrorEvent", "MessageEvent", "Sender", "StatusEvent", "assemble",
    "message_text",
]

_Frozen = TypeVar("_Frozen")


def assemble(cls: type[_Frozen], fields: dict[str, Any]) -> _Frozen:
    """An instance of the frozen dataclass ``cls`` holding ``fields``, every one of them.

    The router makes a :class:`Sender` and an event for each inbound message
    and status. A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, which costs about twice what filling the new
    instance's ``__dict__`` does; the instance is the same either way. No
    default is applied: ``fields`` must name every field of ``cls``.
    """
    instance = object.__new__(cls)
    instance.__dict__.update(fields)
    return instance


def message_text(message: InboundMessage) -> str | None:
    """The text a user typed or tapped: text body, button text, reply title or caption."""
    if isinstance(message, TextMessage):
        return message.text.body
    if isinstance(message, ButtonMessage):
        return message.button.text
    if isinstance(message, InteractiveMessage):
        reply = message.interactive.button_reply or message.interactive.list_reply
        return reply.title if reply is not None else None
    if isinstance(message, ImageMessage):
        return message.image.caption
    if isinstance(message, VideoMessage):
        return message.video.caption
    if isinstance(message, DocumentMessage):
        return message.document.caption
    return None


def _bound(client: WhatsAppClient | None, phone_number_id: str) -> WhatsAppClient:
    if client is None:
        raise ConfigurationError(
            "this WebhookRouter has no client: pass WebhookRouter(client=...) to reply"
        )
    # Answer from the business number that received the update, whatever the client's default.
    return client.for_number(phone_number_id)


@dataclass(frozen=True)
class Sender:
    """Who sent an inbound message.

    Attributes:
        wa_id: The user's WhatsApp id (from ``contacts``, else the message's ``from``).
        name: Profile name, when ``contacts`` carried one (system messages have none).
        identity_key_hash: Present when the identity-change check is on.
    """

    wa_id: str
    name: str | None = None
    identity_key_hash: str | None = None


@dataclass(frozen=True)
class _Event:
    value: MessagesValue
    waba_id: str
    _client: WhatsAppClient | None = field(default=None, repr=False, compare=False)

    @property
    def phone_number_id(self) -> str:
        """The business number that received the update (``metadata.phone_number_id``)."""
        return self.value.metadata.phone_number_id

    @property
    def display_phone_number(self) -> str | None:
        """The business number as displayed (``metadata.display_phone_number``)."""
        return self.value.metadata.display_phone_number

    @property
    def client(self) -> WhatsAppClient:
        """The router's client bound to :attr:`phone_number_id` (``client.for_number``).

        Raises:
            ConfigurationError: The router was built without a client.
            ValidationError: The payload's phone number id is not a safe id.
        """
        return _bound(self._client, self.phone_number_id)


@dataclass(frozen=True)
class MessageEvent(_Event):
    """An inbound message, with shortcuts to answer it.

    Attributes:
        message: The message (``message.kind`` says which class it is).
        sender: Who sent it.
        value: The whole ``messages`` value it came in (metadata, contacts).
        waba_id: The WhatsApp Business Account id (``entry.id``).
        match: The ``re.Match`` of the handler's ``text=`` pattern, if it had one.
    """

    message: InboundMessage = field(kw_only=True)
    sender: Sender = field(kw_only=True)
    match: re.Match[str] | None = field(default=None, kw_only=True)

    @property
    def text(self) -> str | None:
        """Text body, button text, reply title or caption; None if the message has none."""
        return message_text(self.message)

    @property
    def button_reply(self) -> ButtonReply | None:
        """The reply button the user tapped (``interactive.button_reply``), else None."""
        message = self.message
        return message.interactive.button_reply if isinstance(message, InteractiveMessage) else None

    @property
    def list_reply(self) -> ListReply | None:
        """The list row the user chose (``interactive.list_reply``), else None."""
        message = self.message
        return message.interactive.list_reply if isinstance(message, InteractiveMessage) else None

    @property
    def _to(self) -> str:
        # The wa_id is a full international number without "+": without the "+",
        # the API would prepend the business number's country code.
        to = self.message.from_ or self.sender.wa_id
        return to if to.startswith("+") else f"+{to}"

    async def reply_text(
        self, body: str, *, quote: bool = True, preview_url: bool = False
    ) -> SentMessage:
        """Send a text to the sender from the business number that received the message.

        Args:
            body: The text (up to 4,096 characters).
            quote: Show it as a reply to this message (``context.message_id``).
            preview_url: Render a preview of the first URL.

        Returns:
            The accepted send.

        Raises:
            ConfigurationError: The router has no client.
            ValidationError: ``body`` is empty or too long.
            APIError: The API refused the send.
        """
        return await self.client.messages.send_text(
            self._to, body, preview_url=preview_url,
            reply_to=self.message.id if quote else None,
        )

    async def reply(self, message: Message, *, quote: bool = True) -> SentMessage:
        """Send any outbound message (image, interactive, template, ...) to the sender.

        Args:
            message: An outbound message Struct from :mod:`whatsapp_async.types.messages`.
            quote: Show it as a reply to this message.

        Returns:
            The accepted send.

        Raises:
            ConfigurationError: The router has no client.
            ValidationError: The message is invalid.
            APIError: The API refused the send.
        """
        return await self.client.messages.send(
            self._to, message, reply_to=self.message.id if quote else None
        )

    async def react(self, emoji: str) -> SentMessage:
        """React to this message with ``emoji`` (an empty string removes the reaction).

        Raises:
            ConfigurationError: The router has no client.
            APIError: The API refused the send.
        """
        return await self.client.messages.send_reaction(self._to, self.message.id, emoji)

    async def mark_read(self, *, typing_indicator: bool = False) -> bool:
        """Mark this message (and earlier ones in the chat) as read.

        Args:
            typing_indicator: Also show "typing..." until you reply (at most 25 s).

        Returns:
            True when the API confirmed.

        Raises:
            ConfigurationError: The router has no client.
            APIError: The API refused.
        """
        return await self.client.messages.mark_read(
            self.message.id, typing_indicator=typing_indicator
        )


@dataclass(frozen=True)
class StatusEvent(_Event):
    """A status update (sent, delivered, read, failed, played) of a message you sent.

    Attributes:
        status: The status object; ``status.status`` is the state,
            ``status.errors`` says why on ``failed``.
        value: The whole ``messages`` value it came in.
        waba_id: The WhatsApp Business Account id.
    """

    status: Status = field(kw_only=True)


@dataclass(frozen=True)
class ErrorEvent(_Event):
    """An account- or app-level error (``value.errors[]``), not tied to a message.

    Attributes:
        error: The error; branch on ``error.code``.
        value: The whole ``messages`` value it came in.
        waba_id: The WhatsApp Business Account id.
    """

    error: ErrorInfo = field(kw_only=True)


@dataclass(frozen=True)
class ChangeEvent:
    """A change of a ``field`` other than ``messages`` (templates, account, groups, ...).

    Attributes:
        change: The typed change (``TemplateStatusChange``, ``AccountUpdateChange``,
            ...) with its ``value``; an ``UnknownChange`` with the raw value for a
            field Meta has not documented.
        waba_id: The WhatsApp Business Account id.
    """

    change: Change
    waba_id: str

    @property
    def field(self) -> str:
        """The change's ``field``."""
        return self.change.field
