"""The ``qr_codes`` resource: QR codes and deep links that open a chat."""

from __future__ import annotations

from typing import Literal

from .._validation import check_choice, check_length
from ..request import check_segment
from ..types.common import Success
from ..types.qr_codes import QrCode, QrCodeAnswer, QrCodeCreate, QrCodeList, QrCodeUpdate
from ._base import Resource

__all__ = ["QrCodesResource"]

ImageFormat = Literal["SVG", "PNG"]
_FORMATS: tuple[str, ...] = ("SVG", "PNG")
_MAX_MESSAGE = 140
# A safety stop for list(): no account has this many pages of QR codes.
_MAX_PAGES = 1000


def _fields(image_format: ImageFormat | None) -> dict[str, str] | None:
    if image_format is None:
        return None
    check_choice("image_format", image_format, _FORMATS)
    return {"fields": f"code,prefilled_message,deep_link_url,qr_image_url.format({image_format})"}


class QrCodesResource(Resource):
    """QR codes of the business number, each with a prefilled message."""

    async def create(
        self, prefilled_message: str, *, image_format: ImageFormat = "SVG"
    ) -> QrCode:
        """Create a QR code (and ``wa.me`` deep link) with a prefilled message.

        Args:
            prefilled_message: Text put in the user's composer, 1-140 characters.
            image_format: ``"SVG"`` or ``"PNG"``, the format of ``qr_image_url``.

        Returns:
            The new code, with its deep link and image URL.

        Raises:
            ValidationError: Message empty or too long, or an unknown format.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        check_length("prefilled_message", prefilled_message, _MAX_MESSAGE, minimum=1)
        check_choice("generate_qr_image", image_format, _FORMATS)
        answer = await self._request(
            "POST", self._phone_number_id, "message_qrdls", cast_to=QrCodeAnswer,
            body=QrCodeCreate(prefilled_message=prefilled_message, generate_qr_image=image_format),
        )
        return answer.qr_code()

    async def list(self, *, image_format: ImageFormat | None = None) -> list[QrCode]:
        """All QR codes of the number, following the API's pages.

        Args:
            image_format: Also ask for ``qr_image_url`` in this format.

        Returns:
            The codes, in the API's order.

        Raises:
            ValidationError: An unknown format.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        base = _fields(image_format) or {}
        codes: list[QrCode] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            params = {**base, "after": cursor} if cursor is not None else base
            page = await self._request(
                "GET", self._phone_number_id, "message_qrdls",
                cast_to=QrCodeList, params=params or None,
            )
            codes.extend(page.data)
            following = page.next_cursor()
            if following is None or following == cursor or not page.data:
                break
            cursor = following
        return codes

    async def get(self, code: str, *, image_format: ImageFormat | None = None) -> QrCode:
        """One QR code by its code.

        Args:
            code: The code's identifier.
            image_format: Also ask for ``qr_image_url`` in this format.

        Returns:
            The code (the API's flat or ``{"data": [...]}`` answer both work).

        Raises:
            ValidationError: ``code`` is not a safe id, or an unknown format.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused (e.g. an unknown code).
            TransportError: No answer was received.
        """
        answer = await self._request(
            "GET", self._phone_number_id, "message_qrdls", check_segment("code", code),
            cast_to=QrCodeAnswer, params=_fields(image_format),
        )
        return answer.qr_code()

    async def update(self, code: str, prefilled_message: str) -> QrCode:
        """Change the prefilled message of a QR code (the code itself stays).

        Args:
            code: The code's identifier.
            prefilled_message: New text, 1-140 characters.

        Returns:
            The updated code.

        Raises:
            ValidationError: ``code`` is not a safe id, or the message is empty or too long.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        segment = check_segment("code", code)
        check_length("prefilled_message", prefilled_message, _MAX_MESSAGE, minimum=1)
        answer = await self._request(
            "POST", self._phone_number_id, "message_qrdls", segment, cast_to=QrCodeAnswer,
            body=QrCodeUpdate(prefilled_message=prefilled_message), idempotent=True,
        )
        return answer.qr_code()

    async def delete(self, code: str) -> bool:
        """Delete a QR code; its deep link stops working.

        Args:
            code: The code's identifier.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: ``code`` is not a safe id.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        answer = await self._request(
            "DELETE", self._phone_number_id, "message_qrdls", check_segment("code", code),
            cast_to=Success,
        )
        return answer.success
