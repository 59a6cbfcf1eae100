"""The fake's ``X-Business-Use-Case-Usage`` header, shaped as Meta's."""

from __future__ import annotations

import msgspec

BUSINESS_USAGE = "X-Business-Use-Case-Usage"


def usage_header(waba_id: str, share: int, regain_minutes: int = 0) -> str:
    """The header text for ``share`` percent used of the business's allowance.

    Args:
        waba_id: The business object the usage is keyed by.
        share: Percentage (0-100) reported as ``call_count``, ``total_cputime``
            and ``total_time``.
        regain_minutes: ``estimated_time_to_regain_access``.

    Returns:
        The JSON text of the header.
    """
    share = max(0, min(100, share))
    entry = {
        "type": "whatsapp", "call_count": share, "total_cputime": share, "total_time": share,
        "estimated_time_to_regain_access": regain_minutes,
    }
    return msgspec.json.encode({waba_id: [entry]}).decode()
