"""Sends of the basic message kinds: text, media, location and contact cards."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import UNSET

from .._validation import listed, unset
from ..types.messages import (
    Audio,
    Contact,
    Contacts,
    Document,
    Group,
    Image,
    Location,
    SentMessage,
    Sticker,
    Text,
    Video,
)
from ._send_path import SendPath


class BasicSends(SendPath):
    """The basic kinds of :class:`~whatsapp_async.resources.messages.MessagesResource`."""

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: ``body`` is empty or too long; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Text(body=body, preview_url=preview_url)
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            media_id, link: The image (see :class:`MessagesResource`).
            caption: Up to 1024 characters.
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Not exactly one of ``media_id`` and ``link``, or a
                bad link or caption; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Image(id=unset(media_id), link=unset(link), caption=unset(caption))
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            media_id, link: The video (see :class:`MessagesResource`).
            caption: Up to 1024 characters.
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Not exactly one of ``media_id`` and ``link``, or a
                bad link or caption; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Video(id=unset(media_id), link=unset(link), caption=unset(caption))
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

    async def send_audio(
        self,
        to: str | Group,
        *,
        media_id: str | None = None,
        link: str | None = None,
        reply_to: str | None = None,
        biz_opaque_callback_data: str | None = None,
        voice: bool = False,
    ) -> SentMessage:
        """Send audio by uploaded ``media_id`` or https ``link`` (audio has no caption).

        Args:
            to: Recipient phone number or group.
            media_id, link: The audio (see :class:`MessagesResource`).
            voice: Send it as a voice note (``"voice": true``; an OGG/OPUS file).
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Not exactly one of ``media_id`` and ``link``, or a
                bad link; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Audio(
            id=unset(media_id), link=unset(link), voice=UNSET if voice is False else voice
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            media_id, link: The document (see :class:`MessagesResource`).
            caption: Up to 1024 characters.
            filename: Name shown to the recipient, up to 240 characters.
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Not exactly one of ``media_id`` and ``link``, or a
                bad link, caption or filename; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Document(
            id=unset(media_id), link=unset(link), caption=unset(caption), filename=unset(filename)
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            media_id, link: The sticker (see :class:`MessagesResource`).
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: Not exactly one of ``media_id`` and ``link``, or a
                bad link; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Sticker(id=unset(media_id), link=unset(link))
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            name: Name of the place, up to 1000 characters.
            address: Address shown under the name, up to 1000 characters.
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: A coordinate out of range, or a bad name or
                address; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Location(
            latitude=latitude, longitude=longitude, name=unset(name), address=unset(address)
        )
        return await self._send(to, message, reply_to, biz_opaque_callback_data)

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
            reply_to, biz_opaque_callback_data: See :class:`MessagesResource`.

        Returns:
            The accepted message.

        Raises:
            ValidationError: No cards, or a card breaks a rule; nothing was sent.
            APIError, OutcomeUnknownError, TransportError: As for every send.
        """
        message = Contacts(contacts=listed(contacts))
        return await self._send(to, message, reply_to, biz_opaque_callback_data)
