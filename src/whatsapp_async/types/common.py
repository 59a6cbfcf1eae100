"""Structs shared by several API areas."""

from __future__ import annotations

import msgspec

__all__ = ["Success"]


class Success(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The ``{"success": true}`` answer of many operations."""

    success: bool
