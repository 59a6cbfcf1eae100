"""Group fields: lifecycle, settings, participants and status of groups (Groups API)."""

from __future__ import annotations

from datetime import datetime

from ._common import ErrorInfo, Metadata, _ChangeBase, _to_datetime, _Wire

__all__ = [
    "GroupLifecycleChange",
    "GroupParticipant",
    "GroupParticipantsChange",
    "GroupProfilePicture",
    "GroupSettingsChange",
    "GroupStatusChange",
    "GroupTextSetting",
    "GroupUpdate",
    "GroupsValue",
]


class GroupParticipant(_Wire, frozen=True, kw_only=True):
    """A participant added or removed: the ``input`` asked for and the ``wa_id``."""

    input: str | None = None
    wa_id: str | None = None
    user_id: str | None = None


class GroupProfilePicture(_Wire, frozen=True, kw_only=True):
    """The group's picture after a settings update."""

    mime_type: str | None = None
    sha256: str | None = None
    update_successful: bool | None = None
    errors: tuple[ErrorInfo, ...] = ()


class GroupTextSetting(_Wire, frozen=True, kw_only=True):
    """A group subject or description after a settings update."""

    text: str | None = None
    update_successful: bool | None = None
    errors: tuple[ErrorInfo, ...] = ()


class GroupUpdate(_Wire, frozen=True, kw_only=True):
    """One group event; which fields are set depends on ``type``.

    Attributes:
        group_id: The group.
        type: ``"group_create"``, ``"group_delete"``, ``"group_settings_update"``,
            ``"group_participants_add"``, ``"group_participants_remove"``,
            ``"group_join_request_created"``, ``"group_suspend"``, ...
        timestamp: Unix seconds (a number on the wire).
        request_id: The id of the API request that caused it.
        subject: The group name (create).
        description: The group description (create).
        invite_link: The invite link (create).
        join_approval_mode: Whether joining needs approval.
        added_participants: Who joined.
        removed_participants: Who left or was removed.
        initiated_by: ``"business"`` or ``"participant"``.
        reason: Why participants were removed (``"invite_link"``, ...).
        profile_picture: Settings update: the new picture.
        group_subject: Settings update: the new subject.
        group_description: Settings update: the new description.
        errors: What failed.
    """

    group_id: str
    type: str
    timestamp: int | str | None = None
    request_id: str | None = None
    subject: str | None = None
    description: str | None = None
    invite_link: str | None = None
    join_approval_mode: str | None = None
    added_participants: tuple[GroupParticipant, ...] = ()
    removed_participants: tuple[GroupParticipant, ...] = ()
    initiated_by: str | None = None
    reason: str | None = None
    profile_picture: GroupProfilePicture | None = None
    group_subject: GroupTextSetting | None = None
    group_description: GroupTextSetting | None = None
    errors: tuple[ErrorInfo, ...] = ()

    @property
    def time(self) -> datetime | None:
        """``timestamp`` as an aware UTC datetime, if present."""
        return None if self.timestamp is None else _to_datetime(self.timestamp, "timestamp")


class GroupsValue(_Wire, frozen=True, kw_only=True):
    """The value of every group field: the business number and its group events."""

    messaging_product: str | None = None
    metadata: Metadata
    groups: tuple[GroupUpdate, ...] = ()


class GroupLifecycleChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``group_lifecycle_update`` change (group created or deleted)."""

    value: GroupsValue


class GroupSettingsChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``group_settings_update`` change (subject, description, picture)."""

    value: GroupsValue


class GroupParticipantsChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``group_participants_update`` change (participants joined or left)."""

    value: GroupsValue


class GroupStatusChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``group_status_update`` change (group suspended or cleared)."""

    value: GroupsValue
