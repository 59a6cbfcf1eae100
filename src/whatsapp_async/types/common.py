"""Structs shared by several API areas."""

from __future__ import annotations

import msgspec

__all__ = ["GraphCursors", "GraphPage", "GraphPaging", "Success"]


class Success(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The ``{"success": true}`` answer of many operations."""

    success: bool


class GraphCursors(msgspec.Struct, frozen=True, kw_only=True):
    """The cursors of a Graph list answer's ``paging``."""

    before: str | None = None
    after: str | None = None


class GraphPaging(msgspec.Struct, frozen=True, kw_only=True):
    """A Graph list answer's ``paging``: cursors, and ``next`` when more pages follow."""

    cursors: GraphCursors | None = None
    next: str | None = None


class GraphPage(msgspec.Struct, frozen=True, kw_only=True):
    """Base of one page of a Graph list answer (subclasses add their ``data``)."""

    paging: GraphPaging | None = None

    def next_cursor(self) -> str | None:
        """The ``after`` cursor when the API says there is a next page, else None."""
        paging = self.paging
        if paging is None or paging.next is None or paging.cursors is None:
            return None
        return paging.cursors.after
