"""Bounded memory of recently seen webhook updates."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["RecentKeys"]


class RecentKeys:
    """The ``size`` most recently seen keys (least recently seen forgotten first).

    Meta redelivers a notification until it gets a 200 (for up to 7 days) and
    to every subscribed app, so duplicates are normal. A fixed-size LRU catches
    the redeliveries that matter for a running process (the quick ones)
    without growing forever; persist ids yourself if you need more.

    Args:
        size: How many keys to remember; 0 remembers none (no dedupe).
    """

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError("size must be >= 0")
        self._size = size
        self._keys: OrderedDict[Hashable, None] = OrderedDict()

    def add(self, key: Hashable) -> bool:
        """Remember ``key``; return True if it is new, False if it was seen."""
        if self._size == 0:
            return True
        if key in self._keys:
            self._keys.move_to_end(key)
            return False
        self._keys[key] = None
        if len(self._keys) > self._size:
            self._keys.popitem(last=False)
        return True

    def __contains__(self, key: Hashable) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)
