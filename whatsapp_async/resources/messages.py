"""The ``messages`` resource: send every message kind, and mark messages read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from .._validation import check_id
from ..errors import UnexpectedResponseError
from ..types.common import Success
from ..types.messages import (
    Audio,
    Component,
    Contact,
    Contacts,
    CtaUrl,
    Document,
    Flow,
    Group,
    Header,
    Image,
    InteractiveList,
    Language,
    ListSection,
    Location,
    LocationRequest,
    Message,
    Product,
    ProductList,
    ProductSection,
    Reaction,
    ReadReceipt,
    ReplyButton,
    ReplyButtons,
    SendResponse,
    SentMessage,
    Sticker,
    Template,
    Text,
    TypingIndicator,
    Video,
    build_request,
)
from ._base import Resource

__all__ = ["MessagesResource"]

_MESSAGES = "messages"


def unset(value: str | None) -> str | UnsetType:
    """``None`` (not passed) becomes UNSET, so the field stays off the wire."""
    return UNSET if value is None else value


class MessagesResource(Resource):
    """Send messages from the client's business number, and mark inbound ones read.

    Every send validates its input first (a :class:`~whatsapp_async.errors.ValidationError`
    names the wire field and the rule, and nothing is sent), then takes a token
    from the business number's throttle and runs under the client's retry
    policy. A send whose outcome is unknown is never resent silently: it raises
    :class:`~whatsapp_async.errors.OutcomeUnknownError`.

    ``to`` is a phone number or a :class:`~whatsapp_async.types.messages.Group`.
    Phone numbers may be written with spaces, dashes, brackets and dots; they
    are sent as ``"+<digits>"`` because without the ``+`` Meta treats the number
    as national and prepends the *business* number's country code.
    """

    async def send(
        self,
        to: str | Group,
        message: Message,
        *,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
        recipient_identity_key_hash: str | None = None,
    ) -> SentMessage:
        """Send any message Struct.

        Args:
            to: Recipient phone number (E.164, formatting allowed) or ``Group(id=...)``.
            message: A message Struct such as ``Text(body="Hi")``; it is
                validated exactly as the convenience methods validate theirs.
            reply_to: wamid of a message to quote (``context.message_id``).
            biz_opaque_callback_data: Up to 512 characters, echoed in status
                webhooks (useful to spot a duplicate after an unknown outcome).
            recipient_identity_key_hash: Deliver only if the user's identity key
                still has this hash (fails with 137000 otherwise).

        Returns:
            The accepted message: ``message_id`` (wamid), ``wa_id``, ``input``,
            ``message_status`` (paced templates) and ``group_id`` (group sends).

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
            TransportError: No answer was received.
        """
        body = build_request(
            to,
            message,
            reply_to=reply_to,
            biz_opaque_callback_data=biz_opaque_callback_data,
            recipient_identity_key_hash=recipient_identity_key_hash,
        )
        number = self._phone_number_id
        answer = await self._request(
            "POST", number, _MESSAGES, cast_to=SendResponse, body=body, throttle=True
        )
        if not answer.messages:
            raise UnexpectedResponseError(
                status=200, message="the send answer lists no message id",
                method="POST", path=f"/{number}/{_MESSAGES}",
            )
        return SentMessage.from_response(answer)

    # ------------------------------------------------------------------ basic kinds

    async def send_text(
        self,
        to: str | Group,
        body: str,
        *,
        preview_url: bool = False,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a text message.

        Args:
            to: Recipient phone number or group.
            body: Up to 4096 characters.
            preview_url: Show a preview of the first http(s) URL in ``body``.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        return await self.send(
            to, Text(body=body, preview_url=preview_url),
            reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data,
        )

    async def send_image(
        self,
        to: str | Group,
        *,
        media_id: str | None = None,
        link: str | None = None,
        caption: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send an image by uploaded ``media_id`` or https ``link`` (exactly one).

        Args:
            to: Recipient phone number or group.
            media_id: Id from ``wa.media.upload`` (preferred: no fetch by Meta).
            link: Absolute https URL.
            caption: Up to 1024 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Image(id=unset(media_id), link=unset(link), caption=unset(caption))
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_video(
        self,
        to: str | Group,
        *,
        media_id: str | None = None,
        link: str | None = None,
        caption: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a video by uploaded ``media_id`` or https ``link`` (exactly one).

        Args:
            to: Recipient phone number or group.
            media_id: Id from ``wa.media.upload``.
            link: Absolute https URL.
            caption: Up to 1024 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Video(id=unset(media_id), link=unset(link), caption=unset(caption))
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_audio(
        self,
        to: str | Group,
        *,
        media_id: str | None = None,
        link: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send audio by uploaded ``media_id`` or https ``link`` (audio has no caption).

        Args:
            to: Recipient phone number or group.
            media_id: Id from ``wa.media.upload``.
            link: Absolute https URL.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Audio(id=unset(media_id), link=unset(link))
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_document(
        self,
        to: str | Group,
        *,
        media_id: str | None = None,
        link: str | None = None,
        caption: str | None = None,
        filename: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a document by uploaded ``media_id`` or https ``link`` (exactly one).

        Args:
            to: Recipient phone number or group.
            media_id: Id from ``wa.media.upload``.
            link: Absolute https URL.
            caption: Up to 1024 characters.
            filename: Name shown to the recipient.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Document(
            id=unset(media_id), link=unset(link), caption=unset(caption), filename=unset(filename)
        )
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_sticker(
        self,
        to: str | Group,
        *,
        media_id: str | None = None,
        link: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a WebP sticker by uploaded ``media_id`` or https ``link`` (exactly one).

        Args:
            to: Recipient phone number or group.
            media_id: Id from ``wa.media.upload``.
            link: Absolute https URL.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Sticker(id=unset(media_id), link=unset(link))
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_location(
        self,
        to: str | Group,
        latitude: float,
        longitude: float,
        *,
        name: str | None = None,
        address: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a location pin.

        Args:
            to: Recipient phone number or group.
            latitude: -90 to 90.
            longitude: -180 to 180.
            name: Name of the place.
            address: Address shown under the name.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Location(
            latitude=latitude, longitude=longitude, name=unset(name), address=unset(address)
        )
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_contacts(
        self,
        to: str | Group,
        contacts: Sequence[Contact],
        *,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send one or more contact cards.

        Args:
            to: Recipient phone number or group.
            contacts: The cards; each needs a ``ContactName``.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        return await self.send(
            to, Contacts(contacts=list(contacts)),
            reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data,
        )

    # ------------------------------------------------------------------ interactive

    async def send_reply_buttons(
        self,
        to: str | Group,
        body: str,
        buttons: Sequence[ReplyButton],
        *,
        header: str | Header | None = None,
        footer: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send up to three reply buttons under a body text.

        Args:
            to: Recipient phone number or group.
            body: Up to 1024 characters.
            buttons: 1 to 3 ``ReplyButton(id=..., title=...)``; ids and titles unique,
                titles up to 20 characters.
            header: Text (up to 60 characters) or an image/video/document header.
            footer: Up to 60 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = ReplyButtons.create(body, buttons, header=header, footer=footer)
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_list(
        self,
        to: str | Group,
        body: str,
        *,
        button: str,
        sections: Sequence[ListSection],
        header: str | None = None,
        footer: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a list menu: a button that opens up to 10 rows in up to 10 sections.

        Args:
            to: Recipient phone number or group.
            body: Up to 4096 characters.
            button: Label of the menu button, up to 20 characters.
            sections: ``ListSection(title=..., rows=[ListRow(...)])``; 10 rows in total
                at most; titles required when there are several sections.
            header: Text header, up to 60 characters.
            footer: Up to 60 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = InteractiveList.create(
            body, button=button, sections=sections, header=header, footer=footer
        )
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_cta_url(
        self,
        to: str | Group,
        body: str,
        *,
        display_text: str,
        url: str,
        header: str | Header | None = None,
        footer: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a call-to-action button that opens ``url``.

        Args:
            to: Recipient phone number or group.
            body: Up to 1024 characters.
            display_text: Button label, up to 20 characters.
            url: Absolute http(s) URL the button opens.
            header: Text (up to 60 characters) or an image/video/document header.
            footer: Up to 60 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = CtaUrl.create(
            body, display_text=display_text, url=url, header=header, footer=footer
        )
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_flow(
        self,
        to: str | Group,
        body: str,
        *,
        flow_cta: str,
        flow_id: str | None = None,
        flow_name: str | None = None,
        flow_token: str | None = None,
        mode: Literal["draft", "published"] | None = None,
        flow_action: Literal["navigate", "data_exchange"] | None = None,
        screen: str | None = None,
        data: dict[str, Any] | None = None,
        header: str | Header | None = None,
        footer: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a button that opens a WhatsApp Flow.

        Args:
            to: Recipient phone number or group.
            body: Up to 1024 characters.
            flow_cta: Button text, up to 30 characters.
            flow_id: The Flow's id (give this or ``flow_name``).
            flow_name: The Flow's name (give this or ``flow_id``).
            flow_token: Your id for this Flow session.
            mode: ``"draft"`` to test an unpublished Flow.
            flow_action: ``"navigate"`` (default) or ``"data_exchange"``.
            screen: First screen for ``navigate``.
            data: Non-empty input data for the first screen.
            header: Text (up to 60 characters) or a media header.
            footer: Up to 60 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Flow.create(
            body, flow_cta=flow_cta, flow_id=flow_id, flow_name=flow_name,
            flow_token=flow_token, mode=mode, flow_action=flow_action, screen=screen,
            data=data, header=header, footer=footer,
        )
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_product(
        self,
        to: str | Group,
        *,
        catalog_id: str,
        product_retailer_id: str,
        body: str | None = None,
        footer: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send one product from your catalog.

        Args:
            to: Recipient phone number or group.
            catalog_id: The catalog linked to your WhatsApp Business Account.
            product_retailer_id: The product's id (SKU) in the catalog.
            body: Optional text, up to 1024 characters.
            footer: Up to 60 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Product.create(
            catalog_id=catalog_id, product_retailer_id=product_retailer_id, body=body,
            footer=footer,
        )
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_product_list(
        self,
        to: str | Group,
        body: str,
        *,
        header: str,
        catalog_id: str,
        sections: Sequence[ProductSection],
        footer: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send up to 30 products from your catalog, in up to 10 sections.

        Args:
            to: Recipient phone number or group.
            body: Up to 1024 characters.
            header: Text header (required), up to 60 characters.
            catalog_id: The catalog linked to your WhatsApp Business Account.
            sections: ``ProductSection(title=..., product_items=[ProductItem(...)])``.
            footer: Up to 60 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = ProductList.create(
            body, header=header, catalog_id=catalog_id, sections=sections, footer=footer
        )
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

    async def send_location_request(
        self,
        to: str | Group,
        body: str,
        *,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Ask the user to share their location (a "Send location" button).

        Args:
            to: Recipient phone number or group.
            body: Up to 1024 characters.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the message.
            OutcomeUnknownError: The message may or may not have been sent.
        """
        return await self.send(
            to, LocationRequest.create(body),
            reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data,
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
    ) -> SentMessage:
        """Send an approved template (the only kind allowed outside the 24-hour window).

        Args:
            to: Recipient phone number or group.
            name: Template name as approved.
            language: Language or locale code the template was approved in, e.g. ``en_US``.
            components: ``HeaderComponent``, ``BodyComponent`` and ``ButtonComponent``
                values for the template's variables.
            reply_to: wamid of a message to quote.
            biz_opaque_callback_data: Up to 512 characters echoed in status webhooks.

        Returns:
            The accepted message; ``message_status`` tells whether a paced
            template was ``accepted``, ``held_for_quality_assessment`` or ``paused``.

        Raises:
            ValidationError: Bad input; nothing was sent.
            TemplateError: The API refused the template (132xxx).
            OutcomeUnknownError: The message may or may not have been sent.
        """
        message = Template(
            name=name,
            language=Language(code=language),
            components=UNSET if components is None else list(components),
        )
        return await self.send(
            to, message, reply_to=reply_to, biz_opaque_callback_data=biz_opaque_callback_data
        )

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

        Returns:
            The accepted reaction (reactions only ever get a ``sent`` status).

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the reaction.
            OutcomeUnknownError: The reaction may or may not have been sent.
        """
        return await self.send(
            to, Reaction(message_id=message_id, emoji=emoji),
            biz_opaque_callback_data=biz_opaque_callback_data,
        )

    async def remove_reaction(self, to: str | Group, message_id: str) -> SentMessage:
        """Remove your reaction to a message (sends an empty emoji).

        Args:
            to: The chat the message is in.
            message_id: wamid of the message you reacted to.

        Returns:
            The accepted removal.

        Raises:
            ValidationError: Bad input; nothing was sent.
            APIError: The API refused the request.
        """
        return await self.send(to, Reaction(message_id=message_id, emoji=""))

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
            ValidationError: ``message_id`` is empty; nothing was sent.
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
            "POST", self._phone_number_id, _MESSAGES, cast_to=Success, body=body,
            idempotent=True,
        )
        return answer.success
