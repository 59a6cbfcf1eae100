"""The base every resource class builds on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

import msgspec

from ..errors import ConfigurationError
from ..request import APIRequest, Multipart, check_segment

if TYPE_CHECKING:
    from ..client import WhatsAppClient

T = TypeVar("T")


class Resource:
    """A group of API operations bound to one client view.

    Resources are thin: they validate input, build Structs and call
    :meth:`_request`, which describes the call as an
    :class:`~whatsapp_async.APIRequest` and makes it with the client's public
    :meth:`~whatsapp_async.WhatsAppClient.request`.
    """

    def __init__(self, client: WhatsAppClient) -> None:
        self._client = client

    @property
    def _phone_number_id(self) -> str:
        """The view's business number id, checked as a path segment."""
        phone_number_id = self._client.phone_number_id
        if phone_number_id is None:
            raise ConfigurationError(
                "no phone_number_id: pass phone_number_id= (or set WHATSAPP_PHONE_NUMBER_ID), "
                "or use client.for_number(...)"
            )
        return phone_number_id

    @property
    def _business_account_id(self) -> str:
        """The view's WhatsApp Business Account id, for account-bound operations."""
        account = self._client.business_account_id
        if account is None:
            raise ConfigurationError(
                "no business_account_id: pass business_account_id= (or set "
                "WHATSAPP_BUSINESS_ACCOUNT_ID), or use client.for_account(...)"
            )
        return account

    async def _request(
        self,
        method: str,
        *segments: str,
        cast_to: type[T],
        body: msgspec.Struct | None = None,
        params: Mapping[str, str] | None = None,
        multipart: Multipart | None = None,
        throttle: bool = False,
        idempotent: bool | None = None,
    ) -> T:
        """Call the API at ``segments`` below the base URL.

        Args:
            method: HTTP method.
            *segments: Path segments; each must already be checked with
                :func:`check_segment` (ids from users) or be a literal.
            cast_to: Type of the decoded answer.
            body: JSON body.
            params: Query parameters.
            multipart: Multipart body.
            throttle: Take a token from the business number's send budget first.
            idempotent: Whether a retry after an unknown outcome is harmless.

        Returns:
            The decoded answer.
        """
        return await self._client.request(APIRequest(
            method,
            segments,
            cast_to,
            body=body,
            params=params,
            multipart=multipart,
            phone_number_id=self._phone_number_id if throttle else None,
            idempotent=idempotent,
        ))


__all__ = ["Resource", "check_segment"]
