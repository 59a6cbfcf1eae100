"""Reading Graph's usage headers: how close the business is to being rate limited.

``X-Business-Use-Case-Usage`` is a JSON object keyed by business object id,
each an array of usage objects whose ``call_count``, ``total_cputime`` and
``total_time`` are percentages (0-100) of the allowance, and whose
``estimated_time_to_regain_access`` is minutes until a throttle ends.
``X-App-Usage`` is one such object without the key, on app-token calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import msgspec
from multidict import istr

# istr: aiohttp's headers find an istr without case-folding it first, and every
# answer to a send is asked for both.
BUSINESS_USAGE = istr("X-Business-Use-Case-Usage")
APP_USAGE = istr("X-App-Usage")
_PERCENTAGES = ("call_count", "total_cputime", "total_time")
_decode = msgspec.json.Decoder().decode


def _objects(business: str | None, app: str | None) -> Iterable[Any]:
    if business is not None:
        per_object = _decode(business)
        if isinstance(per_object, dict):
            for entries in per_object.values():
                if isinstance(entries, list):
                    yield from entries
    if app is not None:
        yield _decode(app)


@lru_cache(maxsize=512)
def read_usage(business: str | None, app: str | None) -> tuple[float, float] | None:
    """The highest usage share and the longest wait the headers announce.

    The same header text repeats from answer to answer (the percentages are
    whole numbers), so the result is cached by value.

    Args:
        business: The ``X-Business-Use-Case-Usage`` header, if any.
        app: The ``X-App-Usage`` header, if any.

    Returns:
        ``(share, regain_seconds)``: the largest percentage as a fraction
        (1.0 is the whole allowance) and ``estimated_time_to_regain_access``
        in seconds; None when the headers hold nothing readable.
    """
    share: float | None = None
    regain = 0.0
    try:
        for entry in _objects(business, app):
            if not isinstance(entry, dict):
                continue
            for name in _PERCENTAGES:
                value = entry.get(name)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    share = max(share or 0.0, value / 100.0)
            minutes = entry.get("estimated_time_to_regain_access")
            if isinstance(minutes, (int, float)) and not isinstance(minutes, bool):
                regain = max(regain, minutes * 60.0)
    except msgspec.DecodeError:
        return None  # a malformed header says nothing; the answer itself still counts
    if share is None:
        return None if regain == 0 else (0.0, regain)
    return share, regain
