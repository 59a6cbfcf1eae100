"""The ``account`` resource: the business account's node, its numbers and its webhook apps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from msgspec import UNSET

from .._validation import check_length, check_url
from ..errors import ValidationError
from ..types.account import (
    AccountPhoneNumber,
    AccountPhoneNumberList,
    BusinessAccount,
    SubscribedApp,
    SubscribedAppList,
    SubscribeRequest,
)
from ..types.common import Success
from ._base import Resource
from .phone_numbers import fields_param

__all__ = ["DEFAULT_ACCOUNT_FIELDS", "DEFAULT_ACCOUNT_NUMBER_FIELDS", "AccountResource"]

#: Fields :meth:`AccountResource.info` asks for by default.
DEFAULT_ACCOUNT_FIELDS: tuple[str, ...] = (
    "id", "name", "currency", "timezone_id", "message_template_namespace",
    "account_review_status", "business_verification_status", "country", "ownership_type",
)
#: Fields :meth:`AccountResource.phone_numbers` asks for by default.
DEFAULT_ACCOUNT_NUMBER_FIELDS: tuple[str, ...] = (
    "id", "display_phone_number", "verified_name", "name_status", "quality_rating",
    "throughput", "messaging_limit_tier", "code_verification_status", "platform_type", "status",
)
_MAX_PAGES = 1000


class AccountResource(Resource):
    """The WhatsApp Business Account of the client (``business_account_id``)."""

    async def info(self, *, fields: Sequence[str] | None = None) -> BusinessAccount:
        """The account's own node: name, currency, time zone, review status, ...

        Args:
            fields: Graph fields to ask for; defaults to :data:`DEFAULT_ACCOUNT_FIELDS`.

        Returns:
            The account.

        Raises:
            ValidationError: A malformed field name.
            ConfigurationError: The client has no business_account_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        query = fields_param("fields", DEFAULT_ACCOUNT_FIELDS if fields is None else fields)
        return await self._request("GET", self._business_account_id, cast_to=BusinessAccount,
                                   params={"fields": query})

    def phone_numbers(self, *, fields: Sequence[str] | None = None
                      ) -> AsyncIterator[AccountPhoneNumber]:
        """Every phone number of the account (display-name status, quality, throughput,
        messaging limit tier), following the API's pages.

        Args:
            fields: Graph fields to ask for; defaults to
                :data:`DEFAULT_ACCOUNT_NUMBER_FIELDS`.

        Returns:
            An async iterator of numbers.

        Raises:
            ValidationError: A malformed field name (raised by the call itself).
            ConfigurationError: The client has no business_account_id.
            APIError, TransportError: As for :meth:`info`, while iterating.
        """
        query = fields_param(
            "fields", DEFAULT_ACCOUNT_NUMBER_FIELDS if fields is None else fields
        )
        return self._number_pages(query)

    async def _number_pages(self, fields: str) -> AsyncIterator[AccountPhoneNumber]:
        account = self._business_account_id
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            params = {"fields": fields} if cursor is None else {"fields": fields, "after": cursor}
            page = await self._request("GET", account, "phone_numbers",
                                       cast_to=AccountPhoneNumberList, params=params)
            for number in page.data:
                yield number
            following = page.next_cursor()
            if following is None or following == cursor or not page.data:
                return
            cursor = following

    async def subscribed_apps(self) -> list[SubscribedApp]:
        """The apps that receive the account's webhooks.

        Raises:
            ConfigurationError: The client has no business_account_id.
            APIError, TransportError: As for :meth:`info`.
        """
        answer = await self._request("GET", self._business_account_id, "subscribed_apps",
                                     cast_to=SubscribedAppList)
        return answer.data

    async def subscribe(self, *, override_callback_uri: str | None = None,
                        verify_token: str | None = None) -> bool:
        """Subscribe the app (of the token) to the account's webhooks.

        Args:
            override_callback_uri: Send this account's webhooks to this https
                URL instead of the app's; needs ``verify_token``.
            verify_token: The token Meta's verification request will carry.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: Only one of the two, or a URL that is not https.
            ConfigurationError: The client has no business_account_id.
            APIError, TransportError: As for :meth:`info`.
        """
        if (override_callback_uri is None) != (verify_token is None):
            raise ValidationError("override_callback_uri", "give override_callback_uri and "
                                  "verify_token together, or neither")
        if override_callback_uri is not None:
            check_url("override_callback_uri", override_callback_uri)
            check_length("override_callback_uri", override_callback_uri, 2000, minimum=1)
        if verify_token is not None:
            check_length("verify_token", verify_token, 256, minimum=1)
        body = SubscribeRequest(
            override_callback_uri=UNSET if override_callback_uri is None
            else override_callback_uri,
            verify_token=UNSET if verify_token is None else verify_token,
        )
        answer = await self._request("POST", self._business_account_id, "subscribed_apps",
                                     cast_to=Success, body=body, idempotent=True)
        return answer.success

    async def unsubscribe(self) -> bool:
        """Stop the app (of the token) receiving the account's webhooks.

        Raises:
            ConfigurationError: The client has no business_account_id.
            APIError, TransportError: As for :meth:`info`.
        """
        answer = await self._request("DELETE", self._business_account_id, "subscribed_apps",
                                     cast_to=Success)
        return answer.success
