"""The `registration` resource (filled by its own issue)."""

from __future__ import annotations

from ._base import Resource

__all__ = ["RegistrationResource"]


class RegistrationResource(Resource):
    """Operations of the `registration` API area."""
