"""The ``business_profile`` resource: read and update the WhatsApp Business profile."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from .._validation import check_choice, check_length, listed, unset
from ..errors import ValidationError
from ..types.business_profile import (
    VERTICALS,
    BusinessProfile,
    BusinessProfileAnswer,
    BusinessProfileUpdate,
)
from ..types.common import Success
from ._base import Resource
from .phone_numbers import fields_param

__all__ = ["PROFILE_FIELDS", "BusinessProfileResource"]

#: Every profile field; :meth:`BusinessProfileResource.get` asks for all by default.
PROFILE_FIELDS: tuple[str, ...] = (
    "about",
    "address",
    "description",
    "email",
    "profile_picture_url",
    "websites",
    "vertical",
)

# Deliberately loose: one "@", no spaces, a dot in the domain. The API has
# the final word; this only catches obvious slips before a request is made.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_MAX_WEBSITES = 2


class BusinessProfileResource(Resource):
    """The profile users see for the business number."""

    async def get(self, *, fields: Sequence[str] | None = None) -> BusinessProfile:
        """Read the business profile.

        Both answer shapes in the wild are understood: fields flat in
        ``data[0]`` (Meta's docs) or nested in ``data[0].business_profile``
        (Meta's OpenAPI spec).

        Args:
            fields: Profile fields to ask for; defaults to :data:`PROFILE_FIELDS`.

        Returns:
            The profile; fields not asked for or not set are None.

        Raises:
            ValidationError: A field name is malformed.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        query = fields_param("fields", PROFILE_FIELDS if fields is None else fields)
        answer = await self._request(
            "GET", self._phone_number_id, "whatsapp_business_profile",
            cast_to=BusinessProfileAnswer, params={"fields": query},
        )
        return answer.profile()

    async def update(
        self,
        *,
        about: str | None = None,
        address: str | None = None,
        description: str | None = None,
        email: str | None = None,
        websites: Sequence[str] | None = None,
        vertical: str | None = None,
        profile_picture_handle: str | None = None,
    ) -> bool:
        """Change some profile fields; the ones not given stay as they are.

        Args:
            about: "About" text, 1-139 characters.
            address: Address, up to 256 characters.
            description: Description, up to 512 characters.
            email: Contact email, up to 128 characters.
            websites: Up to two http(s) URLs of up to 256 characters each
                (the list replaces the current one).
            vertical: Industry, one of :data:`~whatsapp_async.types.business_profile.VERTICALS`.
            profile_picture_handle: Handle of a picture uploaded with Meta's
                Resumable Upload API, passed through as is.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: No field given, or a field breaks its limit.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        body = _build_update(
            about=about, address=address, description=description, email=email,
            websites=websites, vertical=vertical, profile_picture_handle=profile_picture_handle,
        )
        answer = await self._request(
            "POST", self._phone_number_id, "whatsapp_business_profile",
            cast_to=Success, body=body, idempotent=True,
        )
        return answer.success


def _build_update(
    *,
    about: str | None,
    address: str | None,
    description: str | None,
    email: str | None,
    websites: Sequence[str] | None,
    vertical: str | None,
    profile_picture_handle: str | None,
) -> BusinessProfileUpdate:
    if all(v is None for v in (about, address, description, email, websites, vertical,
                               profile_picture_handle)):
        raise ValidationError("business_profile", "give at least one field to update")
    if email is not None:
        check_length("email", email, 128, minimum=1)
        if not _EMAIL.fullmatch(email):
            raise ValidationError("email", "must look like name@example.com")
    site_list = None if websites is None else _check_websites(websites)
    if vertical is not None:
        check_choice("vertical", vertical, VERTICALS)
    if profile_picture_handle is not None:
        check_length("profile_picture_handle", profile_picture_handle, 4096, minimum=1)
    if about is not None:
        check_length("about", about, 139, minimum=1)
    if address is not None:
        check_length("address", address, 256)
    if description is not None:
        check_length("description", description, 512)
    return BusinessProfileUpdate(
        messaging_product="whatsapp",
        about=unset(about),
        address=unset(address),
        description=unset(description),
        email=unset(email),
        websites=unset(site_list),
        vertical=unset(vertical),
        profile_picture_handle=unset(profile_picture_handle),
    )


def _check_websites(websites: Sequence[str]) -> list[str]:
    if isinstance(websites, str):
        raise ValidationError("websites", "must be a list of URLs, not one string")
    sites = listed(websites)
    if not isinstance(sites, list):
        raise ValidationError("websites", f"must be a list of URLs, got {type(websites).__name__}")
    if len(sites) > _MAX_WEBSITES:
        raise ValidationError("websites", f"must hold at most {_MAX_WEBSITES} URLs, got "
                              f"{len(sites)}")
    for i, url in enumerate(sites):
        field = f"websites[{i}]"
        check_length(field, url, 256, minimum=1)
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:  # e.g. an unclosed "[" of an IPv6 host
            host = None
        if not host or parts.scheme not in ("http", "https") or " " in url:
            raise ValidationError(field, f"must be an http:// or https:// URL, got {url!r}")
    return sites
