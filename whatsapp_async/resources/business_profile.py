"""The `business_profile` resource (filled by its own issue)."""

from __future__ import annotations

from ._base import Resource

__all__ = ["BusinessProfileResource"]


class BusinessProfileResource(Resource):
    """Operations of the `business_profile` API area."""
