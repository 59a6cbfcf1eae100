"""Sends that ask something of the user: open the catalog, give an address, allow calls."""

from __future__ import annotations

from ..types.messages import (
    AddressMessage,
    CallPermissionRequest,
    CatalogMessage,
    Group,
    SentMessage,
)
from ._send_path import SendPath


class RequestSends(SendPath):
    """The catalog, address and call-permission sends of :class:`MessagesResource`."""

    async def send_catalog(
        self,
        to: str | Group,
        body: str,
        *,
        thumbnail_product_retailer_id: str | None = None,
        footer: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Send a catalog message: a "View catalog" button opening the whole catalog.

        Args:
            to: Recipient phone number or group.
            body: Text above the button (≤1024 characters).
            thumbnail_product_retailer_id: The product whose image is shown.
            footer: Text under the body (≤60 characters).
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: A text too long, or a malformed product id; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = CatalogMessage.create(
            body, thumbnail_product_retailer_id=thumbnail_product_retailer_id, footer=footer
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

    async def send_address_request(
        self,
        to: str | Group,
        body: str,
        *,
        country: str,
        values: dict[str, str] | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Ask for a delivery address in a form (an ``address_message``).

        Args:
            to: Recipient phone number or group.
            body: Text above the form's button (≤1024 characters).
            country: ISO 3166 alpha-2 code of the form (Meta supports ``IN`` and ``SG``).
            values: Fields filled in beforehand, by name.
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message; the address comes back in an ``nfm_reply`` webhook.

        Raises:
            ValidationError: A bad country code or body; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = AddressMessage.create(body, country=country, values=values)
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

    async def send_call_permission_request(
        self,
        to: str | Group,
        body: str,
        *,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> SentMessage:
        """Ask the user's permission to call them on WhatsApp.

        Args:
            to: Recipient phone number or group.
            body: Why you would call (≤1024 characters).
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message; the answer comes back in a webhook.

        Raises:
            ValidationError: An empty or too long body; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = CallPermissionRequest.create(body)
        return await self._send(to, message, reply_to, biz_opaque_callback_data)
