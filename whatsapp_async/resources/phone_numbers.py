"""The `phone_numbers` resource (filled by its own issue)."""

from __future__ import annotations

from ._base import Resource

__all__ = ["PhoneNumbersResource"]


class PhoneNumbersResource(Resource):
    """Operations of the `phone_numbers` API area."""
