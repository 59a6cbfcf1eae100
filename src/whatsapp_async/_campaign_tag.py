"""The campaign tag of a broadcast send: which campaign and row a status webhook is about.

Every broadcast send carries ``biz_opaque_callback_data``, which Meta echoes
in the message's status webhooks. The library writes it as::

    wa1:<campaign key>:<row>[|<your own value>]

* ``wa1`` names the format (so a later one can be told apart);
* the campaign key is the first 12 hex digits of the SHA-256 of the campaign
  name: fixed length whatever the name, so the room left for your own value
  does not depend on it, and no campaign name is shown to Meta;
* ``row`` is the row's 0-based position in the broadcast's input;
* after ``|``, the value of :attr:`Recipient.callback_data
  <whatsapp_async.bulk.Recipient.callback_data>`, when a row gives one.

Meta allows 512 characters; the prefix takes at most :data:`TAG_PREFIX_MAX`,
so a row's own value may use :data:`CALLBACK_DATA_MAX` (480) of them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .errors import ValidationError
from .types.messages.limits import BIZ_OPAQUE_CALLBACK_DATA_MAX

__all__ = [
    "CALLBACK_DATA_MAX",
    "TAG_PREFIX_MAX",
    "CampaignTag",
    "campaign_key",
    "campaign_tag",
    "check_callback_data",
    "parse_tag",
    "tag_prefix",
]

#: The longest prefix: ``wa1:`` + 12-digit key + ``:`` + a row of up to 14 digits + ``|``.
TAG_PREFIX_MAX = 4 + 12 + 1 + 14 + 1

#: Characters a row's own ``callback_data`` may have: Meta's 512 less the prefix.
CALLBACK_DATA_MAX = BIZ_OPAQUE_CALLBACK_DATA_MAX - TAG_PREFIX_MAX

_TAG = re.compile(r"wa1:([0-9a-f]{12}):([0-9]{1,14})(?:\|(.*))?", re.DOTALL)


@dataclass(frozen=True, slots=True)
class CampaignTag:
    """A parsed campaign tag.

    Attributes:
        key: The campaign key (:func:`campaign_key` of its name).
        row: The row's 0-based position in the broadcast's input.
        user: The row's own ``callback_data``, or None.
    """

    key: str
    row: int
    user: str | None = None


def campaign_key(campaign: str) -> str:
    """The 12 hex digits that stand for ``campaign`` in a tag.

    Args:
        campaign: The campaign name.

    Returns:
        The first 12 hex digits of the SHA-256 of its UTF-8 bytes.
    """
    return hashlib.sha256(campaign.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def tag_prefix(campaign: str) -> str:
    """``wa1:<key>:``, the part of a tag shared by every row of ``campaign``."""
    return f"wa1:{campaign_key(campaign)}:"


def campaign_tag(campaign: str, row: int, user: str | None = None) -> str:
    """The ``biz_opaque_callback_data`` a broadcast sends for row ``row`` of ``campaign``.

    Args:
        campaign: The campaign name.
        row: The row's 0-based position.
        user: The row's own value, kept after ``|``.

    Returns:
        The tag, at most 512 characters.

    Raises:
        ValidationError: ``row`` is negative or has over 14 digits, or
            ``user`` is not text of at most :data:`CALLBACK_DATA_MAX` characters.
    """
    if not 0 <= row < 10**14:
        raise ValidationError("row", f"must be between 0 and 10**14 - 1, got {row}")
    if user is not None:
        check_callback_data(user)
        return f"{tag_prefix(campaign)}{row}|{user}"
    return f"{tag_prefix(campaign)}{row}"


def check_callback_data(value: object) -> None:
    """Check a row's own ``callback_data`` fits beside the campaign tag.

    Raises:
        ValidationError: Not a string, or longer than :data:`CALLBACK_DATA_MAX`.
    """
    if not isinstance(value, str):
        raise ValidationError("callback_data", f"must be a string, got {type(value).__name__}")
    if len(value) > CALLBACK_DATA_MAX:
        raise ValidationError(
            "callback_data", f"must be at most {CALLBACK_DATA_MAX} characters (Meta's "
            f"{BIZ_OPAQUE_CALLBACK_DATA_MAX} less the campaign tag), got {len(value)}"
        )


def parse_tag(data: str | None) -> CampaignTag | None:
    """Read the campaign tag of a status webhook's ``biz_opaque_callback_data``.

    Args:
        data: The echoed value (None when the send had none).

    Returns:
        The tag, or None when ``data`` is not one (a send made outside a broadcast).
    """
    if not data:
        return None
    match = _TAG.fullmatch(data)
    if match is None:
        return None
    key, row, user = match.groups()
    return CampaignTag(key, int(row), user)
