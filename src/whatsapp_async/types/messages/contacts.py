"""The contacts message: contact cards with names, addresses, emails, phones and URLs."""

from __future__ import annotations

import re
from typing import ClassVar

from msgspec import UNSET, UnsetType

from ..._validation import check_choice, check_text, check_url
from ...errors import ValidationError
from ._checks import _id, _items, _Message, _optional_text, _struct, _text, _Wire
from .limits import _NO_LIMIT

_BIRTHDAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTACT_KINDS = ("HOME", "WORK")
_PHONE_KINDS = ("CELL", "MAIN", "IPHONE", "HOME", "WORK")


class ContactName(_Wire, kw_only=True):
    """A contact's name: ``formatted_name`` plus at least one of the parts."""

    formatted_name: str
    first_name: str | UnsetType = UNSET
    last_name: str | UnsetType = UNSET
    middle_name: str | UnsetType = UNSET
    prefix: str | UnsetType = UNSET
    suffix: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _text(f"{path}.formatted_name", self.formatted_name, _NO_LIMIT)
        parts = ("first_name", "last_name", "middle_name", "prefix", "suffix")
        given = [p for p in parts if getattr(self, p) is not UNSET]
        if not given:
            raise ValidationError(
                path, "needs at least one of first_name, last_name, middle_name, prefix, "
                "suffix besides formatted_name"
            )
        for part in given:
            _text(f"{path}.{part}", getattr(self, part), _NO_LIMIT)


class ContactAddress(_Wire, kw_only=True):
    """A postal address on a contact card; ``type`` is ``HOME`` or ``WORK``."""

    street: str | UnsetType = UNSET
    city: str | UnsetType = UNSET
    state: str | UnsetType = UNSET
    zip: str | UnsetType = UNSET
    country: str | UnsetType = UNSET
    country_code: str | UnsetType = UNSET
    type: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        for part in ("street", "city", "state", "zip", "country", "country_code"):
            _optional_text(f"{path}.{part}", getattr(self, part), _NO_LIMIT)
        if self.type is not UNSET:
            check_choice(f"{path}.type", self.type, _CONTACT_KINDS)


class ContactEmail(_Wire, kw_only=True):
    """An email address on a contact card; ``type`` is ``HOME`` or ``WORK``."""

    email: str
    type: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        email = self.email
        if isinstance(email, str):
            check_text(f"{path}.email", email)
        local, at, domain = email.partition("@") if isinstance(email, str) else ("", "", "")
        if not (local and at and domain) or "@" in domain or any(c.isspace() for c in email):
            raise ValidationError(f"{path}.email", "must be an email address like name@example.com")
        if self.type is not UNSET:
            check_choice(f"{path}.type", self.type, _CONTACT_KINDS)


class ContactOrg(_Wire, kw_only=True):
    """Where a contact works."""

    company: str | UnsetType = UNSET
    department: str | UnsetType = UNSET
    title: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        for part in ("company", "department", "title"):
            _optional_text(f"{path}.{part}", getattr(self, part), _NO_LIMIT)


class ContactPhone(_Wire, kw_only=True):
    """A phone number on a contact card, shown as written.

    Attributes:
        phone: The number as it should be displayed.
        type: ``CELL``, ``MAIN``, ``IPHONE``, ``HOME`` or ``WORK``.
        wa_id: The contact's WhatsApp id; adds a "Message" button to the card.
    """

    phone: str
    type: str | UnsetType = UNSET
    wa_id: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _text(f"{path}.phone", self.phone, _NO_LIMIT)
        if self.type is not UNSET:
            check_choice(f"{path}.type", self.type, _PHONE_KINDS)
        if self.wa_id is not UNSET:
            _id(f"{path}.wa_id", self.wa_id)


class ContactUrl(_Wire, kw_only=True):
    """A web address on a contact card; ``type`` is ``HOME`` or ``WORK``."""

    url: str
    type: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        check_url(f"{path}.url", self.url, schemes=("http", "https"))
        if self.type is not UNSET:
            check_choice(f"{path}.type", self.type, _CONTACT_KINDS)


class Contact(_Wire, kw_only=True):
    """One contact card.

    Attributes:
        name: Required; ``formatted_name`` plus at least one name part.
        addresses: Postal addresses.
        birthday: ``YYYY-MM-DD``.
        emails: Email addresses.
        org: Company, department, title.
        phones: Phone numbers (``wa_id`` makes the card messageable).
        urls: Web addresses.
    """

    name: ContactName
    addresses: list[ContactAddress] | UnsetType = UNSET
    birthday: str | UnsetType = UNSET
    emails: list[ContactEmail] | UnsetType = UNSET
    org: ContactOrg | UnsetType = UNSET
    phones: list[ContactPhone] | UnsetType = UNSET
    urls: list[ContactUrl] | UnsetType = UNSET

    def _check(self, path: str) -> None:
        _struct(f"{path}.name", self.name, ContactName)
        self.name._check(f"{path}.name")
        if self.birthday is not UNSET and not (
            isinstance(self.birthday, str) and _BIRTHDAY.fullmatch(self.birthday)
        ):
            raise ValidationError(f"{path}.birthday", "must be a date as YYYY-MM-DD")
        if self.org is not UNSET:
            _struct(f"{path}.org", self.org, ContactOrg)
            self.org._check(f"{path}.org")
        lists: tuple[tuple[str, object, type], ...] = (
            ("addresses", self.addresses, ContactAddress),
            ("emails", self.emails, ContactEmail),
            ("phones", self.phones, ContactPhone),
            ("urls", self.urls, ContactUrl),
        )
        for field, value, kind in lists:
            if value is not UNSET:
                for i, item in enumerate(
                    _items(f"{path}.{field}", value, kind, minimum=0, maximum=None)
                ):
                    item._check(f"{path}.{field}[{i}]")


class Contacts(_Message, kw_only=True):
    """A contacts message: one or more contact cards (``type: "contacts"``).

    On the wire ``contacts`` is the list itself, so this Struct is only the
    holder that lets :meth:`MessagesResource.send` tell the kind apart.
    """

    kind: ClassVar[str] = "contacts"

    contacts: list[Contact]

    def _check(self, path: str) -> None:
        for i, contact in enumerate(_items(path, self.contacts, Contact, minimum=1, maximum=None)):
            contact._check(f"{path}[{i}]")
