"""``/{phone-number-id}/whatsapp_business_profile``: read and update the profile."""

from __future__ import annotations

from aiohttp import web

from ._gate import Call, ok
from ._validate_numbers import check_business_profile

__all__ = ["ProfileRoutes"]

_FIELDS = ("about", "address", "description", "email", "profile_picture_url", "websites",
           "vertical")
# Asking for messaging_product is allowed; every answer carries it anyway.
_KNOWN = frozenset({*_FIELDS, "messaging_product"})


class ProfileRoutes:
    """Serves the business profile kept in each number's state."""

    async def get(self, call: Call) -> web.Response:
        """``getBusinessProfile``: the fields asked for (all by default) that are set."""
        profile = call.phone_number.profile
        wanted = call.fields(_KNOWN, _FIELDS, "WhatsAppBusinessProfile")
        entry = {k: profile[k] for k in wanted if k in profile}
        entry["messaging_product"] = "whatsapp"
        return ok({"data": [entry]})

    async def update(self, call: Call) -> web.Response:
        """``updateBusinessProfile``: a picture handle becomes a picture URL."""
        profile = call.phone_number.profile
        update = check_business_profile(await call.json())
        handle = update.pop("profile_picture_handle", None)
        if handle is not None:
            update["profile_picture_url"] = f"https://pps.whatsapp.net/v/fake/{handle}.jpg"
        profile.update(update)
        return ok()
