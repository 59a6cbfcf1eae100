"""Structs of the business account's own operations and of a number's settings.

Account-bound: the account node (``GET /{waba-id}``), its phone numbers and
its ``subscribed_apps``. Number-bound: blocked users, commerce settings and
conversational automation (welcome message, ice breakers, commands).
"""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

from .common import GraphPage
from .phone_numbers import PhoneNumber

__all__ = [
    "AccountPhoneNumber",
    "AccountPhoneNumberList",
    "BlockRequest",
    "BlockResult",
    "BlockUsersAnswer",
    "BlockedUser",
    "BlockedUserList",
    "BotCommand",
    "BusinessAccount",
    "CommerceSettings",
    "CommerceSettingsList",
    "ConversationalAutomation",
    "ConversationalAutomationAnswer",
    "SubscribeRequest",
    "SubscribedApp",
    "SubscribedAppList",
    "UserToBlock",
]


class BusinessAccount(msgspec.Struct, frozen=True, kw_only=True):
    """The WhatsApp Business Account node; fields not asked for are None.

    Attributes:
        id: The account id.
        name: Its name.
        currency: Billing currency, e.g. ``USD``.
        timezone_id: Meta's time-zone id.
        message_template_namespace: The namespace of its templates.
        account_review_status: e.g. ``APPROVED``.
        business_verification_status: e.g. ``verified``.
        country: Two-letter country code.
        ownership_type: e.g. ``CLIENT_OWNED``.
    """

    id: str
    name: str | None = None
    currency: str | None = None
    timezone_id: str | None = None
    message_template_namespace: str | None = None
    account_review_status: str | None = None
    business_verification_status: str | None = None
    country: str | None = None
    ownership_type: str | None = None


class AccountPhoneNumber(PhoneNumber, frozen=True, kw_only=True, omit_defaults=True):
    """One number of the account, with its messaging limit tier (e.g. ``TIER_1K``)."""

    messaging_limit_tier: str | None = None


class AccountPhoneNumberList(GraphPage, frozen=True, kw_only=True):
    """One page of ``GET /{waba-id}/phone_numbers``."""

    data: list[AccountPhoneNumber] = msgspec.field(default_factory=list)


class _AppData(msgspec.Struct, frozen=True, kw_only=True):
    id: str | None = None
    name: str | None = None
    link: str | None = None


class SubscribedApp(msgspec.Struct, frozen=True, kw_only=True):
    """An app that receives the account's webhooks.

    Attributes:
        whatsapp_business_api_data: The app's id, name and link.
        override_callback_uri: The account's own callback URL, if it has one.
    """

    whatsapp_business_api_data: _AppData = msgspec.field(default_factory=_AppData)
    override_callback_uri: str | None = None

    @property
    def app_id(self) -> str | None:
        """The app's id."""
        return self.whatsapp_business_api_data.id


class SubscribedAppList(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``GET /{waba-id}/subscribed_apps``."""

    data: list[SubscribedApp] = msgspec.field(default_factory=list)


class SubscribeRequest(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{waba-id}/subscribed_apps`` (both fields or neither)."""

    override_callback_uri: str | UnsetType = UNSET
    verify_token: str | UnsetType = UNSET

    def __repr__(self) -> str:
        # The verify token is a shared secret: keep it out of logs.
        return f"SubscribeRequest(override_callback_uri={self.override_callback_uri!r})"


class UserToBlock(msgspec.Struct, kw_only=True):
    """One user to block or unblock (a phone number or wa_id)."""

    user: str


class BlockRequest(msgspec.Struct, kw_only=True):
    """Body of ``POST`` and ``DELETE /{phone-number-id}/block_users``."""

    messaging_product: str
    block_users: list[UserToBlock]


class BlockedUser(msgspec.Struct, frozen=True, kw_only=True):
    """A user as the block operations answer: ``input`` as given and ``wa_id``."""

    input: str | None = None
    wa_id: str | None = None


class _FailedUser(msgspec.Struct, frozen=True, kw_only=True):
    input: str | None = None
    wa_id: str | None = None
    errors: list[dict[str, object]] = msgspec.field(default_factory=list)


class BlockResult(msgspec.Struct, frozen=True, kw_only=True):
    """Who was blocked (``added_users``) or unblocked (``removed_users``), and who failed."""

    added_users: list[BlockedUser] = msgspec.field(default_factory=list)
    removed_users: list[BlockedUser] = msgspec.field(default_factory=list)
    failed_users: list[_FailedUser] = msgspec.field(default_factory=list)


class BlockUsersAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``POST``/``DELETE /{phone-number-id}/block_users``."""

    block_users: BlockResult = msgspec.field(default_factory=BlockResult)


class BlockedUserList(GraphPage, frozen=True, kw_only=True):
    """One page of ``GET /{phone-number-id}/block_users``."""

    data: list[BlockedUser] = msgspec.field(default_factory=list)


class CommerceSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Whether the number shows its cart and its catalog."""

    is_cart_enabled: bool | None = None
    is_catalog_visible: bool | None = None
    id: str | None = None


class CommerceSettingsList(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``GET /{phone-number-id}/whatsapp_commerce_settings``."""

    data: list[CommerceSettings] = msgspec.field(default_factory=list)


class BotCommand(msgspec.Struct, kw_only=True):
    """A ``/command`` users can pick: name ≤32 letters, digits or ``_``; description ≤256."""

    command_name: str
    command_description: str


class ConversationalAutomation(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Welcome message, ice breakers (``prompts``) and commands of a number.

    Attributes:
        enable_welcome_message: Send a ``request_welcome`` webhook when a user
            opens the chat for the first time.
        prompts: Up to 4 ice breakers, each ≤80 characters.
        commands: Up to 30 commands.
    """

    enable_welcome_message: bool | UnsetType = UNSET
    prompts: list[str] | UnsetType = UNSET
    commands: list[BotCommand] | UnsetType = UNSET


class ConversationalAutomationAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``GET /{phone-number-id}?fields=conversational_automation``."""

    id: str | None = None
    conversational_automation: ConversationalAutomation = msgspec.field(
        default_factory=ConversationalAutomation
    )
