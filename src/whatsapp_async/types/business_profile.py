"""Structs of the WhatsApp Business profile."""

from __future__ import annotations

import msgspec

__all__ = [
    "VERTICALS",
    "BusinessProfile",
    "BusinessProfileAnswer",
    "BusinessProfileUpdate",
]

#: Industry values accepted by :meth:`BusinessProfileResource.update`: the
#: enum of the project's spec plus the ones Meta's v23.0 spec adds.
VERTICALS: tuple[str, ...] = (
    "UNDEFINED", "OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN",
    "FINANCE", "GROCERY", "GOVT", "HOTEL", "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL",
    "TRAVEL", "RESTAURANT", "NOT_A_BIZ", "ALCOHOL", "ONLINE_GAMBLING", "PHYSICAL_GAMBLING",
    "OTC_DRUGS",
)


class BusinessProfile(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The business profile shown to WhatsApp users.

    Fields not returned (not asked for, or never set) are None; ``websites``
    is then empty. ``vertical`` is a plain string so a new industry value decodes.

    Attributes:
        about: The "About" text (1-139 characters).
        address: Street address (up to 256 characters).
        description: Description of the business (up to 512 characters).
        email: Contact email (up to 128 characters).
        profile_picture_url: URL of the current profile picture.
        websites: Up to two http(s) URLs.
        vertical: Industry, one of :data:`VERTICALS`.
        messaging_product: ``"whatsapp"``.
    """

    about: str | None = None
    address: str | None = None
    description: str | None = None
    email: str | None = None
    profile_picture_url: str | None = None
    websites: tuple[str, ...] = ()
    vertical: str | None = None
    messaging_product: str | None = None


class _ProfileEntry(BusinessProfile, frozen=True, kw_only=True, omit_defaults=True):
    # Meta's prose docs put the fields flat in data[0]; Meta's OpenAPI spec
    # nests them under data[0].business_profile. One entry type reads both.
    business_profile: BusinessProfile | None = None

    def profile(self) -> BusinessProfile:
        if self.business_profile is not None:
            return self.business_profile
        return BusinessProfile(
            about=self.about,
            address=self.address,
            description=self.description,
            email=self.email,
            profile_picture_url=self.profile_picture_url,
            websites=self.websites,
            vertical=self.vertical,
            messaging_product=self.messaging_product,
        )


class BusinessProfileAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """Wire shape of ``GET /{phone-number-id}/whatsapp_business_profile``."""

    data: list[_ProfileEntry] = msgspec.field(default_factory=list)

    def profile(self) -> BusinessProfile:
        """The profile in ``data[0]`` (flat or nested), or an empty one."""
        return self.data[0].profile() if self.data else BusinessProfile()


class BusinessProfileUpdate(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{phone-number-id}/whatsapp_business_profile``.

    Only the fields given are sent; the API leaves the others unchanged.
    """

    messaging_product: str
    about: str | msgspec.UnsetType = msgspec.UNSET
    address: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    websites: list[str] | msgspec.UnsetType = msgspec.UNSET
    vertical: str | msgspec.UnsetType = msgspec.UNSET
    profile_picture_handle: str | msgspec.UnsetType = msgspec.UNSET
