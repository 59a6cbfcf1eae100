"""The `messages` resource (filled by its own issue)."""

from __future__ import annotations

from ._base import Resource

__all__ = ["MessagesResource"]


class MessagesResource(Resource):
    """Operations of the `messages` API area."""
