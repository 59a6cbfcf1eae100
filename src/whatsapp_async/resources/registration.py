"""The ``registration`` resource: verification codes, register and deregister."""

from __future__ import annotations

import re
from typing import Literal

import msgspec

from .._validation import check_choice, check_digits, check_language_code
from ..errors import ValidationError
from ..types.common import Success
from ..types.phone_numbers import (
    DeregisterRequest,
    RegisterRequest,
    RequestCodeRequest,
    VerifyCodeRequest,
)
from ._base import Resource

__all__ = ["RegistrationResource"]

_REGION = re.compile(r"[A-Z]{2}")


class RegistrationResource(Resource):
    """Verify the business number and register it with the Cloud API.

    Register and deregister share a budget of 10 calls per number in a moving
    72 hours; the 11th fails with :class:`RegistrationRateLimitError` (133016)
    and blocks both for 72 hours, so these calls are never retried after an
    unknown outcome.
    """

    async def request_code(
        self, *, method: Literal["SMS", "VOICE"] = "SMS", language: str = "en_US"
    ) -> bool:
        """Ask WhatsApp to send a verification code to the number.

        Args:
            method: ``"SMS"`` or ``"VOICE"`` (a phone call).
            language: Language of the message, e.g. ``"en_US"`` or ``"pt_BR"``.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: Unknown method or malformed language code.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        check_choice("code_method", method, ("SMS", "VOICE"))
        check_language_code("language", language)
        answer = await self._request(
            "POST", self._phone_number_id, "request_code", cast_to=Success,
            body=RequestCodeRequest(code_method=method, language=language),
        )
        return answer.success

    async def verify_code(self, code: str) -> bool:
        """Confirm the number with the code received by SMS or voice.

        Args:
            code: The six-digit code (never shown in errors or logs).

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: The code is not exactly six digits.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused (e.g. a wrong or expired code).
            TransportError: No answer was received.
        """
        check_digits("code", code, 6)
        answer = await self._request(
            "POST", self._phone_number_id, "verify_code", cast_to=Success,
            body=VerifyCodeRequest(code=code),
        )
        return answer.success

    async def register(self, pin: str, *, data_localization_region: str | None = None) -> bool:
        """Register the number for the Cloud API.

        Args:
            pin: The number's two-step PIN (six digits); if it has none yet,
                this becomes its PIN. Never shown in errors or logs.
            data_localization_region: Two-letter ISO 3166 country code where
                message data at rest must stay (Local Storage), e.g. ``"DE"``.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: A malformed PIN or region.
            ConfigurationError: The client has no phone_number_id.
            RegistrationRateLimitError: The 10-per-72-hours budget is used up (133016).
            RegistrationError: Another registration problem (133xxx).
            APIError: The API refused otherwise.
            TransportError: No answer was received.
        """
        check_digits("pin", pin, 6)
        region: str | msgspec.UnsetType = msgspec.UNSET
        if data_localization_region is not None:
            if not isinstance(data_localization_region, str) or not _REGION.fullmatch(
                data_localization_region.upper()
            ):
                raise ValidationError(
                    "data_localization_region",
                    f"must be a two-letter ISO country code such as 'DE', got "
                    f"{data_localization_region!r}",
                )
            region = data_localization_region.upper()
        answer = await self._request(
            "POST", self._phone_number_id, "register", cast_to=Success,
            body=RegisterRequest(
                messaging_product="whatsapp", pin=pin, data_localization_region=region
            ),
        )
        return answer.success

    async def deregister(self) -> bool:
        """Deregister the number from the Cloud API (message history is kept).

        Returns:
            Whether the API reported success.

        Raises:
            ConfigurationError: The client has no phone_number_id.
            RegistrationRateLimitError: The 10-per-72-hours budget is used up (133016).
            RegistrationError: Another registration problem (133xxx).
            APIError: The API refused otherwise.
            TransportError: No answer was received.
        """
        answer = await self._request(
            "POST", self._phone_number_id, "deregister", cast_to=Success,
            body=DeregisterRequest(messaging_product="whatsapp"),
        )
        return answer.success
