"""The ``phone_numbers`` resource: the business number's node and its two-step PIN."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .._validation import check_digits, listed
from ..errors import ValidationError
from ..types.common import Success
from ..types.phone_numbers import PhoneNumber, TwoStepPinRequest
from ._base import Resource

__all__ = ["DEFAULT_PHONE_NUMBER_FIELDS", "PhoneNumbersResource"]

#: Fields asked for when :meth:`PhoneNumbersResource.get` is called without
#: ``fields``; the API itself returns only four by default.
DEFAULT_PHONE_NUMBER_FIELDS: tuple[str, ...] = (
    "id",
    "verified_name",
    "display_phone_number",
    "quality_rating",
    "code_verification_status",
    "platform_type",
    "throughput",
    "is_official_business_account",
    "name_status",
    "status",
)

# A Graph field name, optionally with a modifier such as ``.format(SVG)`` or ``{level}``.
_FIELD = re.compile(r"[a-z][a-z0-9_]*([.{(][A-Za-z0-9_.,(){}]*)?")


def fields_param(field: str, fields: Sequence[str]) -> str:
    """Join Graph field names into a ``fields`` query value, checking each.

    Raises:
        ValidationError: ``fields`` is a plain string, empty, or holds a bad name.
    """
    if isinstance(fields, str):
        raise ValidationError(field, "must be a sequence of field names, not one string")
    names = listed(fields)
    if not isinstance(names, list):
        raise ValidationError(
            field, f"must be a sequence of field names, got {type(fields).__name__}"
        )
    if not names:
        raise ValidationError(field, "must name at least one field")
    for i, name in enumerate(names):
        if not isinstance(name, str) or not _FIELD.fullmatch(name):
            raise ValidationError(f"{field}[{i}]", f"is not a Graph field name: {name!r}")
    return ",".join(names)


class PhoneNumbersResource(Resource):
    """The business phone number the client (or view) is bound to."""

    async def get(self, *, fields: Sequence[str] | None = None) -> PhoneNumber:
        """Read the number's node: name, quality, verification, throughput, ...

        Args:
            fields: Graph fields to ask for; defaults to
                :data:`DEFAULT_PHONE_NUMBER_FIELDS`. Fields not asked for are None.

        Returns:
            The phone number's description.

        Raises:
            ValidationError: A field name is malformed.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        query = fields_param("fields", DEFAULT_PHONE_NUMBER_FIELDS if fields is None else fields)
        return await self._request(
            "GET", self._phone_number_id, cast_to=PhoneNumber, params={"fields": query}
        )

    async def set_two_step_pin(self, pin: str) -> bool:
        """Set or change the number's two-step verification PIN.

        The PIN never appears in exceptions, logs or reprs. Two-step
        verification cannot be turned off through the API.

        Args:
            pin: Exactly six digits.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: The PIN is not exactly six digits.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        check_digits("pin", pin, 6)
        answer = await self._request(
            "POST", self._phone_number_id, cast_to=Success, body=TwoStepPinRequest(pin=pin),
            idempotent=True,
        )
        return answer.success
