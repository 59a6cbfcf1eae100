"""User fields: marketing opt-outs (``user_preferences``) and BSUID changes (``user_id_update``)."""

from __future__ import annotations

from datetime import datetime

from ._common import Metadata, _ChangeBase, _to_datetime, _Wire
from ._contacts import Contact

__all__ = [
    "UserIdChange",
    "UserIdUpdate",
    "UserIdUpdateValue",
    "UserIds",
    "UserPreference",
    "UserPreferencesChange",
    "UserPreferencesValue",
]


class UserPreference(_Wire, frozen=True, kw_only=True):
    """One preference a user set.

    Attributes:
        wa_id: The user.
        category: ``"marketing_messages"``.
        value: ``"stop"`` (opted out) or ``"resume"``.
        detail: Meta's human description.
        timestamp: Unix seconds.
    """

    wa_id: str | None = None
    user_id: str | None = None
    detail: str | None = None
    category: str | None = None
    value: str
    timestamp: int | str | None = None

    @property
    def time(self) -> datetime | None:
        """``timestamp`` as an aware UTC datetime, if present."""
        return None if self.timestamp is None else _to_datetime(self.timestamp, "timestamp")


class UserPreferencesValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``user_preferences`` change."""

    messaging_product: str | None = None
    metadata: Metadata
    contacts: tuple[Contact, ...] = ()
    user_preferences: tuple[UserPreference, ...] = ()


class UserPreferencesChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``user_preferences`` change (marketing message opt-out or resume)."""

    value: UserPreferencesValue


class UserIds(_Wire, frozen=True, kw_only=True):
    """A user's business-scoped id before and after a change."""

    previous: str | None = None
    current: str | None = None


class UserIdUpdate(_Wire, frozen=True, kw_only=True):
    """One BSUID change of a user."""

    wa_id: str | None = None
    detail: str | None = None
    user_id: UserIds | None = None
    parent_user_id: UserIds | None = None
    timestamp: int | str | None = None


class UserIdUpdateValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``user_id_update`` change."""

    messaging_product: str | None = None
    metadata: Metadata
    user_id_update: tuple[UserIdUpdate, ...] = ()


class UserIdChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``user_id_update`` change: users whose business-scoped id changed."""

    value: UserIdUpdateValue
