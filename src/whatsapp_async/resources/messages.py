"""The ``messages`` resource: send every message kind, and mark messages read."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import UNSET

from .._validation import check_id, listed
from ..errors import ValidationError
from ..types.common import Success
from ..types.messages import (
    Component,
    Group,
    Language,
    Message,
    Reaction,
    ReadReceipt,
    SentMessage,
    Template,
    TypingIndicator,
)
from ._basic_sends import BasicSends
from ._interactive_sends import InteractiveSends
from ._request_sends import RequestSends
from ._send_path import MARKETING_MESSAGES, MESSAGES
from ._template_preflight import check_send, template_cache

__all__ = ["MessagesResource"]


class MessagesResource(BasicSends, InteractiveSends, RequestSends):
    """Send messages from the client's business number, and mark inbound ones read.

    Every send validates its input first (a :class:`~whatsapp_async.errors.ValidationError`
    names the wire field and the rule, and nothing is sent), then takes a token
    from the business number's throttle and runs under the client's retry
    policy. A send whose outcome is unknown is never resent silently: it raises
    :class:`~whatsapp_async.errors.OutcomeUnknownError`.

    Each ``send_*`` method builds its message Struct and sends it the way
    :meth:`send` sends a prebuilt one. The media kinds (image, video, audio,
    document, sticker) take exactly one of ``media_id`` (from
    ``wa.media.upload``; preferred, as Meta need not fetch anything) or
    ``link`` (an absolute https URL).

    What every send shares, so the methods below only say what is their own:

    - ``to``: the recipient, a phone number or a
      :class:`~whatsapp_async.types.messages.Group`. Phone numbers may be
      written with spaces, dashes, brackets and dots; they are sent as
      ``"+<digits>"`` because without the ``+`` Meta treats the number as
      national and prepends the *business* number's country code.
    - ``reply_to``: wamid of a message to quote (sent as ``context.message_id``).
    - ``biz_opaque_callback_data``: up to 512 characters, echoed in status
      webhooks (useful to spot a duplicate after an unknown outcome).
    - The result: a :class:`~whatsapp_async.types.messages.SentMessage` with
      ``message_id`` (wamid), ``wa_id``, ``input``, ``message_status`` (paced
      templates) and ``group_id`` (group sends). Accepted is not delivered:
      watch status webhooks.
    - The errors every send may raise ("As for every send" below):
      ``ValidationError`` (bad input; nothing was sent), ``APIError`` (the API
      refused the message; a subclass such as ``RecipientError`` or
      ``ThroughputLimitError`` says why), ``OutcomeUnknownError`` (the request
      left but no answer came back: it may have been sent) and
      ``TransportError`` (no answer was received).
    """

    async def send(
        self,
        to: str | Group,
        message: Message,
        *,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
        recipient_identity_key_hash: str | None = None,
        marketing_messages: bool = False,
    ) -> SentMessage:
        """Send any message Struct.

        Args:
            to: Recipient phone number (E.164, formatting allowed) or ``Group(id=...)``.
            message: A message Struct such as ``Text(body="Hi")``; it is
                validated exactly as the convenience methods validate theirs.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.
            recipient_identity_key_hash: Deliver only if the user's identity key
                still has this hash (fails with 137000 otherwise).
            marketing_messages: Send through Meta's Marketing Messages API
                (``/{phone-number-id}/marketing_messages``): marketing templates only.

        Returns:
            The accepted message.

        Raises:
            ValidationError: ``message`` is not a message Struct or breaks a rule
                of its kind, an option is malformed, or ``marketing_messages``
                with a message that is not a template; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send
                (see :class:`MessagesResource`).
        """
        if marketing_messages:
            if not isinstance(message, Template):
                raise ValidationError("type", "the Marketing Messages API sends only "
                                      "(marketing) templates")
            return await self._send(to, message, reply_to, biz_opaque_callback_data,
                                    recipient_identity_key_hash, MARKETING_MESSAGES)
        return await self._send(
            to, message, reply_to, biz_opaque_callback_data, recipient_identity_key_hash
        )

    # ------------------------------------------------------------------ template

    async def send_template(
        self,
        to: str | Group,
        name: str,
        *,
        language: str = "en_US",
        components: Sequence[Component] | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
        preflight: bool = False,
        marketing_messages: bool = False,
    ) -> SentMessage:
        """Send an approved template (the only kind allowed outside the 24-hour window).

        Args:
            to: Recipient phone number or group.
            name: Template name as approved.
            language: Language or locale code the template was approved in, e.g. ``en_US``.
            components: ``HeaderComponent``, ``BodyComponent`` and ``ButtonComponent``
                values for the template's variables.
            reply_to: Wamid of a message to quote; see :class:`MessagesResource`.
            biz_opaque_callback_data: Echoed in status webhooks; see
                :class:`MessagesResource`.
            preflight: First check the message against the template's
                definition (fetched from the business account once, then
                cached for 5 minutes): its status, header, number and names
                of body parameters, buttons. Needs the client's
                ``business_account_id``.
            marketing_messages: Send through Meta's Marketing Messages API
                (``/{phone-number-id}/marketing_messages``), for marketing
                templates; with ``preflight``, a template of another category
                is refused.

        Returns:
            The accepted message; ``message_status`` tells whether a paced
            template was ``accepted``, ``held_for_quality_assessment`` or ``paused``.

        Raises:
            ValidationError: A bad name, language code or component, or (with
                ``preflight``) a mismatch with the template naming the template,
                component and parameter; nothing was sent.
            ConfigurationError: ``preflight`` without a business_account_id.
            TemplateError: The API refused the template (132xxx).
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Template(
            name=name,
            language=Language(code=language),
            components=UNSET if components is None else listed(components),
        )
        if preflight:
            message.validate()
            definition = await template_cache(self._client).definition(
                self._client, name, language
            )
            check_send(message, definition)
            if marketing_messages and definition.category != "MARKETING":
                raise ValidationError("template.category", f"template {name!r} is "
                                      f"{definition.category}: the Marketing Messages API "
                                      "sends marketing templates only")
        if marketing_messages:
            return await self._send(to, message, reply_to, biz_opaque_callback_data, None,
                                    MARKETING_MESSAGES)
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

    # ------------------------------------------------------------------ reactions

    async def send_reaction(
        self,
        to: str | Group,
        message_id: str,
        emoji: str,
        *,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """React to a message with one emoji.

        Args:
            to: The chat the message is in.
            message_id: wamid of the message (at most 30 days old, not a reaction).
            emoji: Exactly one emoji; skin tones, flags, keycaps and ZWJ
                sequences count as one. ``""`` removes your reaction.
            biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted reaction (reactions only ever get a ``sent`` status).

        Raises:
            ValidationError: An empty or over-long (>256) ``message_id``, or
                ``emoji`` is not one emoji; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Reaction(message_id=message_id, emoji=emoji)
        return await self._send(to, message, None, biz_opaque_callback_data)

    async def remove_reaction(self, to: str | Group, message_id: str) -> SentMessage:
        """Remove your reaction to a message (sends an empty emoji).

        Args:
            to: The chat the message is in.
            message_id: wamid of the message you reacted to.

        Returns:
            The accepted removal.

        Raises:
            ValidationError: An empty or over-long (>256) ``message_id``;
                nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        return await self._send(to, Reaction(message_id=message_id, emoji=""), None, None)

    # ------------------------------------------------------------------ read receipts

    async def mark_read(self, message_id: str, *, typing_indicator: bool = False) -> bool:
        """Mark an inbound message (and the ones before it) as read.

        The body is Meta's documented one, ``{"messaging_product": "whatsapp",
        "status": "read", "message_id": ...}``, plus ``"typing_indicator":
        {"type": "text"}`` when asked. It does not take a throughput token: a
        read receipt is not a message, and it should not wait behind a
        broadcast. It is retried like an idempotent call, since marking a
        message read twice is harmless.

        Args:
            message_id: wamid of the inbound message (at most 30 days old).
            typing_indicator: Also show "typing…" until you reply or for 25 s.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: ``message_id`` is empty or over 256 characters;
                nothing was sent.
            APIError: The API refused the request.
            TransportError: No answer was received.
        """
        check_id("message_id", message_id)
        body = ReadReceipt(
            messaging_product="whatsapp",
            status="read",
            message_id=message_id,
            typing_indicator=TypingIndicator(type="text") if typing_indicator else UNSET,
        )
        answer = await self._request(
            "POST", self._phone_number_id, MESSAGES, cast_to=Success, body=body,
            idempotent=True,
        )
        return answer.success
