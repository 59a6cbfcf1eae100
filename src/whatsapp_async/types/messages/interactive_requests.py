"""Interactive messages that ask something of the user: open the catalog, give an
address, allow calls."""

from __future__ import annotations

import re

import msgspec
from msgspec import UNSET, UnsetType

from ...errors import ValidationError
from ._checks import _id, _items, _struct, _Wire
from .interactive_parts import Body, Footer, _as_footer, _Interactive

__all__ = [
    "AddressAction",
    "AddressMessage",
    "AddressParameters",
    "CallPermissionAction",
    "CallPermissionRequest",
    "CatalogAction",
    "CatalogMessage",
    "CatalogParameters",
    "SavedAddress",
]

_COUNTRY = re.compile(r"[A-Z]{2}")
_SAVED_ADDRESSES_MAX = 10


class CatalogParameters(_Wire, kw_only=True):
    """Which product's image the catalog message shows (else the first one's)."""

    thumbnail_product_retailer_id: str | UnsetType = UNSET


class CatalogAction(_Wire, tag_field="name", tag="catalog_message", kw_only=True):
    """The ``action`` of a catalog message (``name: "catalog_message"``)."""

    parameters: CatalogParameters = msgspec.field(default_factory=CatalogParameters)


class CatalogMessage(_Interactive, tag="catalog_message", kw_only=True):
    """A "View catalog" message opening the business's whole catalog."""

    body: Body
    action: CatalogAction = msgspec.field(default_factory=CatalogAction)
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(cls, body: str, *, thumbnail_product_retailer_id: str | None = None,
               footer: str | None = None) -> CatalogMessage:
        """Build the message from plain values."""
        return cls(
            body=Body(text=body), footer=_as_footer(footer),
            action=CatalogAction(parameters=CatalogParameters(
                thumbnail_product_retailer_id=(
                    UNSET if thumbnail_product_retailer_id is None
                    else thumbnail_product_retailer_id))),
        )

    def _check(self, path: str) -> None:
        self._check_body(path, self.body)
        self._check_footer(path, self.footer)
        _struct(f"{path}.action", self.action, CatalogAction)
        thumbnail = self.action.parameters.thumbnail_product_retailer_id
        if thumbnail is not UNSET:
            _id(f"{path}.action.parameters.thumbnail_product_retailer_id", thumbnail)


class SavedAddress(_Wire, kw_only=True):
    """An address the user may pick instead of typing one."""

    id: str
    value: dict[str, str]


class AddressParameters(_Wire, kw_only=True):
    """What the address form shows.

    Attributes:
        country: ISO 3166 alpha-2 code of the form (Meta supports ``IN`` and ``SG``).
        values: Fields filled in beforehand (``name``, ``phone_number``, ``city``, ...).
        saved_addresses: Up to 10 addresses to pick from.
        validation_errors: Messages to show next to fields, by field name.
    """

    country: str
    values: dict[str, str] | UnsetType = UNSET
    saved_addresses: list[SavedAddress] | UnsetType = UNSET
    validation_errors: dict[str, str] | UnsetType = UNSET


class AddressAction(_Wire, tag_field="name", tag="address_message", kw_only=True):
    """The ``action`` of an address message (``name: "address_message"``)."""

    parameters: AddressParameters


class AddressMessage(_Interactive, tag="address_message", kw_only=True):
    """Asks the user for a delivery address in a form."""

    body: Body
    action: AddressAction

    @classmethod
    def create(cls, body: str, *, country: str, values: dict[str, str] | None = None
               ) -> AddressMessage:
        """Build the message from plain values."""
        return cls(body=Body(text=body), action=AddressAction(parameters=AddressParameters(
            country=country, values=UNSET if values is None else values)))

    def _check(self, path: str) -> None:
        self._check_body(path, self.body)
        _struct(f"{path}.action", self.action, AddressAction)
        at = f"{path}.action.parameters"
        params = self.action.parameters
        _struct(at, params, AddressParameters)
        if not isinstance(params.country, str) or not _COUNTRY.fullmatch(params.country):
            raise ValidationError(f"{at}.country", "must be an ISO 3166 alpha-2 code such "
                                  "as 'IN'")
        for key in ("values", "validation_errors"):
            mapping = getattr(params, key)
            if mapping is not UNSET and (not isinstance(mapping, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())):
                raise ValidationError(f"{at}.{key}", "must map field names to strings")
        if params.saved_addresses is not UNSET:
            saved = _items(f"{at}.saved_addresses", params.saved_addresses, SavedAddress,
                           minimum=1, maximum=_SAVED_ADDRESSES_MAX)
            for i, address in enumerate(saved):
                _id(f"{at}.saved_addresses[{i}].id", address.id)


class CallPermissionAction(_Wire, tag_field="name", tag="call_permission_request",
                           kw_only=True):
    """The ``action`` of a call-permission request."""


class CallPermissionRequest(_Interactive, tag="call_permission_request", kw_only=True):
    """Asks the user's permission for the business to call them on WhatsApp."""

    body: Body
    action: CallPermissionAction = msgspec.field(default_factory=CallPermissionAction)

    @classmethod
    def create(cls, body: str) -> CallPermissionRequest:
        """Build the message from its body text."""
        return cls(body=Body(text=body))

    def _check(self, path: str) -> None:
        self._check_body(path, self.body)
        _struct(f"{path}.action", self.action, CallPermissionAction)
