"""The `qr_codes` resource (filled by its own issue)."""

from __future__ import annotations

from ._base import Resource

__all__ = ["QrCodesResource"]


class QrCodesResource(Resource):
    """Operations of the `qr_codes` API area."""
