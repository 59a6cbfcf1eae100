"""The ``contacts`` entries that name the users of a value (messages, calls, preferences)."""

from __future__ import annotations

from ._common import _Wire

__all__ = ["Contact", "Profile"]


class Profile(_Wire, frozen=True, kw_only=True):
    """The user's WhatsApp profile as the business sees it (``username`` once adopted)."""

    name: str | None = None
    username: str | None = None


class Contact(_Wire, frozen=True, kw_only=True):
    """A sender entry of ``value.contacts`` (absent for system messages).

    Attributes:
        wa_id: The user's WhatsApp id; may differ from the message's ``from``.
        profile: Profile with the display ``name``.
        identity_key_hash: Present when the identity-change check is on.
        user_id: The user's business-scoped user id (BSUID), e.g. ``"US.1349..."``.
        parent_user_id: The parent BSUID shared by managed businesses.
    """

    wa_id: str | None = None
    profile: Profile | None = None
    identity_key_hash: str | None = None
    user_id: str | None = None
    parent_user_id: str | None = None

    @property
    def name(self) -> str | None:
        """The profile name, if any."""
        return self.profile.name if self.profile is not None else None
