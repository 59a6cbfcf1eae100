"""Settings of the business number: blocked users, commerce, conversational automation."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable

from msgspec import UNSET

from .._validation import check_length, listed, normalize_phone_number
from ..errors import ValidationError
from ..types.account import (
    BlockedUser,
    BlockedUserList,
    BlockRequest,
    BlockResult,
    BlockUsersAnswer,
    BotCommand,
    CommerceSettings,
    CommerceSettingsList,
    ConversationalAutomation,
    ConversationalAutomationAnswer,
    UserToBlock,
)
from ..types.common import Success
from ._base import Resource

__all__ = ["BlockedUsersResource", "CommerceSettingsResource",
           "ConversationalAutomationResource"]

_BLOCK_MAX = 1000
_PROMPTS_MAX = 4
_PROMPT_MAX = 80
_COMMANDS_MAX = 30
#: Graph refuses a command name with anything but letters, digits and underscores.
_COMMAND_NAME = re.compile(r"[a-zA-Z0-9_]+")
_MAX_PAGES = 1000


def _users(users: Iterable[str]) -> list[UserToBlock]:
    given = listed(users)
    if isinstance(given, str) or not isinstance(given, list):
        raise ValidationError("block_users", "must be a list of phone numbers")
    if not 1 <= len(given) <= _BLOCK_MAX:
        raise ValidationError("block_users", f"must hold 1 to {_BLOCK_MAX} users, got "
                              f"{len(given)}")
    return [UserToBlock(user=normalize_phone_number(f"block_users[{i}].user", u))
            for i, u in enumerate(given)]


class BlockedUsersResource(Resource):
    """Users blocked from messaging the business number."""

    async def block(self, users: Iterable[str]) -> BlockResult:
        """Block users (who messaged the number in the last 24 hours).

        Args:
            users: Phone numbers (formatting allowed), up to 1000.

        Returns:
            Who was blocked (``added_users``) and who could not be (``failed_users``).

        Raises:
            ValidationError: No users, too many, or a malformed number.
            ConfigurationError: The client has no phone_number_id.
            APIError, TransportError: The API refused, or no answer came.
        """
        body = BlockRequest(messaging_product="whatsapp", block_users=_users(users))
        answer = await self._request("POST", self._phone_number_id, "block_users",
                                     cast_to=BlockUsersAnswer, body=body, idempotent=True)
        return answer.block_users

    async def unblock(self, users: Iterable[str]) -> BlockResult:
        """Unblock users.

        Returns:
            Who was unblocked (``removed_users``) and who could not be.

        Raises:
            ValidationError, ConfigurationError, APIError, TransportError: As for :meth:`block`.
        """
        body = BlockRequest(messaging_product="whatsapp", block_users=_users(users))
        answer = await self._request("DELETE", self._phone_number_id, "block_users",
                                     cast_to=BlockUsersAnswer, body=body, idempotent=True)
        return answer.block_users

    def list(self) -> AsyncIterator[BlockedUser]:
        """Every blocked user, following the API's pages.

        Raises:
            ConfigurationError: The client has no phone_number_id.
            APIError, TransportError: While iterating.
        """
        return self._pages()

    async def _pages(self) -> AsyncIterator[BlockedUser]:
        number = self._phone_number_id
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page = await self._request("GET", number, "block_users", cast_to=BlockedUserList,
                                       params=None if cursor is None else {"after": cursor})
            for user in page.data:
                yield user
            following = page.next_cursor()
            if following is None or following == cursor or not page.data:
                return
            cursor = following


class CommerceSettingsResource(Resource):
    """Whether the business number shows its cart and catalog."""

    async def get(self) -> CommerceSettings:
        """The number's commerce settings.

        Raises:
            ConfigurationError: The client has no phone_number_id.
            APIError, TransportError: The API refused, or no answer came.
        """
        answer = await self._request("GET", self._phone_number_id, "whatsapp_commerce_settings",
                                     cast_to=CommerceSettingsList)
        return answer.data[0] if answer.data else CommerceSettings()

    async def update(self, *, is_cart_enabled: bool | None = None,
                     is_catalog_visible: bool | None = None) -> bool:
        """Turn the cart or the catalog on or off.

        Raises:
            ValidationError: Neither given, or not booleans.
            ConfigurationError: The client has no phone_number_id.
            APIError, TransportError: The API refused, or no answer came.
        """
        params: dict[str, str] = {}
        for name, value in (("is_cart_enabled", is_cart_enabled),
                            ("is_catalog_visible", is_catalog_visible)):
            if value is None:
                continue
            if type(value) is not bool:
                raise ValidationError(name, "must be True or False")
            params[name] = "true" if value else "false"
        if not params:
            raise ValidationError("is_cart_enabled", "give is_cart_enabled= or "
                                  "is_catalog_visible=")
        answer = await self._request("POST", self._phone_number_id,
                                     "whatsapp_commerce_settings", cast_to=Success,
                                     params=params, idempotent=True)
        return answer.success


class ConversationalAutomationResource(Resource):
    """Welcome message, ice breakers and commands of the business number."""

    async def get(self) -> ConversationalAutomation:
        """The number's current automation settings.

        Raises:
            ConfigurationError: The client has no phone_number_id.
            APIError, TransportError: The API refused, or no answer came.
        """
        answer = await self._request("GET", self._phone_number_id,
                                     cast_to=ConversationalAutomationAnswer,
                                     params={"fields": "conversational_automation"})
        return answer.conversational_automation

    async def update(self, *, enable_welcome_message: bool | None = None,
                     prompts: Iterable[str] | None = None,
                     commands: Iterable[BotCommand] | None = None) -> bool:
        """Set the welcome message switch, ice breakers or commands.

        Args:
            enable_welcome_message: Get a webhook when a user opens the chat first.
            prompts: Up to 4 ice breakers, each ≤80 characters.
            commands: Up to 30 :class:`~whatsapp_async.types.account.BotCommand`
                (names of letters, digits and underscores, ≤32 characters).

        Raises:
            ValidationError: Nothing to change, or a limit broken.
            ConfigurationError: The client has no phone_number_id.
            APIError, TransportError: The API refused, or no answer came.
        """
        if enable_welcome_message is None and prompts is None and commands is None:
            raise ValidationError("conversational_automation", "give enable_welcome_message=, "
                                  "prompts= or commands=")
        if enable_welcome_message is not None and type(enable_welcome_message) is not bool:
            raise ValidationError("enable_welcome_message", "must be True or False")
        body = ConversationalAutomation(
            enable_welcome_message=UNSET if enable_welcome_message is None
            else enable_welcome_message,
            prompts=UNSET if prompts is None else _prompts(prompts),
            commands=UNSET if commands is None else _commands(commands),
        )
        answer = await self._request("POST", self._phone_number_id,
                                     "conversational_automation", cast_to=Success, body=body,
                                     idempotent=True)
        return answer.success


def _prompts(prompts: Iterable[str]) -> list[str]:
    given = listed(prompts)
    if isinstance(given, str) or not isinstance(given, list) or len(given) > _PROMPTS_MAX:
        raise ValidationError("prompts", f"must be a list of at most {_PROMPTS_MAX} texts")
    return [check_length(f"prompts[{i}]", p, _PROMPT_MAX, minimum=1) for i, p in enumerate(given)]


def _commands(commands: Iterable[BotCommand]) -> list[BotCommand]:
    given = listed(commands)
    if not isinstance(given, list) or len(given) > _COMMANDS_MAX:
        raise ValidationError("commands", f"must be a list of at most {_COMMANDS_MAX} commands")
    for i, c in enumerate(given):
        if not isinstance(c, BotCommand):
            raise ValidationError(f"commands[{i}]", "must be a BotCommand")
        check_length(f"commands[{i}].command_name", c.command_name, 32, minimum=1)
        if not _COMMAND_NAME.fullmatch(c.command_name):
            raise ValidationError(f"commands[{i}].command_name", "must hold only letters, "
                                  f"digits and underscores (no '/'), got {c.command_name!r}")
        check_length(f"commands[{i}].command_description", c.command_description, 256,
                     minimum=1)
    return given
