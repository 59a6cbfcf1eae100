"""Sends of the interactive message kinds: buttons, lists, links, Flows and catalogs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ..types.messages import (
    CtaUrl,
    Flow,
    Group,
    Header,
    InteractiveList,
    ListSection,
    LocationRequest,
    Product,
    ProductList,
    ProductSection,
    ReplyButton,
    ReplyButtons,
    SentMessage,
)
from ._send_path import SendPath


class InteractiveSends(SendPath):
    """The interactive kinds of :class:`~whatsapp_async.resources.messages.MessagesResource`."""

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Too few or too many buttons, a duplicate id or
                title, or a text over its limit; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = ReplyButtons.create(body, buttons, header=header, footer=footer)
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Too many sections or rows, a missing section
                title, or a text over its limit; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = InteractiveList.create(
            body, button=button, sections=sections, header=header, footer=footer
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: A bad ``url`` or a text over its limit; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = CtaUrl.create(
            body, display_text=display_text, url=url, header=header, footer=footer
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Not exactly one of ``flow_id`` and ``flow_name``,
                an unknown mode or action, empty ``data``, or a text over its
                limit; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Flow.create(
            body, flow_cta=flow_cta, flow_id=flow_id, flow_name=flow_name,
            flow_token=flow_token, mode=mode, flow_action=flow_action, screen=screen,
            data=data, header=header, footer=footer,
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: An empty id or a text over its limit; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Product.create(
            catalog_id=catalog_id, product_retailer_id=product_retailer_id, body=body,
            footer=footer,
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Too many sections or products, an empty id, or a
                text over its limit; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = ProductList.create(
            body, header=header, catalog_id=catalog_id, sections=sections, footer=footer
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: ``body`` is empty or too long; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = LocationRequest.create(body)
        return await self._send(to, message, reply_to, biz_opaque_callback_data)
