"""The `media` resource (filled by its own issue)."""

from __future__ import annotations

from ._base import Resource

__all__ = ["MediaResource"]


class MediaResource(Resource):
    """Operations of the `media` API area."""
