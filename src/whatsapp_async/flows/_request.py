"""What a Flow endpoint handler receives and the answers it can give."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import msgspec

__all__ = [
    "Action",
    "FlowRequest",
    "FlowTokenInvalid",
    "complete",
    "next_screen",
]

#: The actions of Meta's data-exchange protocol (``ping`` is answered by the endpoint itself).
Action = Literal["INIT", "BACK", "data_exchange", "ping"]

#: The screen name Meta reserves for "close the flow" answers.
SUCCESS_SCREEN = "SUCCESS"


class FlowRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One decrypted request from WhatsApp to the Flow endpoint.

    Attributes:
        action: ``"INIT"`` (the flow opens), ``"data_exchange"`` (a screen was
            submitted), ``"BACK"`` (the user went back, with ``refresh_on_back``)
            or ``"ping"`` (a health check).
        version: The data API version (``"3.0"``).
        screen: The screen the request comes from (absent for INIT and ping).
        data: What the screen submitted (for error notifications: ``error``
            and ``error_message``).
        flow_token: The token the business gave when sending the flow; use it
            to find the user's session.
    """

    action: str
    version: str = ""
    screen: str | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    flow_token: str | None = None

    @property
    def is_error_notification(self) -> bool:
        """Whether WhatsApp reports that the flow failed to show the last answer."""
        return self.action != "ping" and "error" in self.data

    @property
    def error(self) -> str | None:
        """The error key of an error notification (e.g. ``"INVALID_SCREEN"``)."""
        value = self.data.get("error")
        return value if isinstance(value, str) else None

    @property
    def error_message(self) -> str | None:
        """The human-readable text of an error notification."""
        value = self.data.get("error_message")
        return value if isinstance(value, str) else None


class FlowTokenInvalid(Exception):
    """Raise from a handler when the flow token is no longer valid.

    The endpoint answers HTTP 427: WhatsApp shows ``message`` (or a generic
    text) and disables the flow's button, so the user cannot go on with a
    stale session (an order already placed, an expired booking).

    Args:
        message: Text WhatsApp shows to the user.
    """

    def __init__(self, message: str | None = None) -> None:
        self.message = message
        super().__init__(message or "flow token is no longer valid")


def next_screen(screen: str, data: Mapping[str, Any] | None = None, /,
                **fields: Any) -> dict[str, Any]:
    """The answer that shows ``screen`` with ``data``.

    Args:
        screen: Id of the screen to show next.
        data: The screen's data (its ``data`` model), as a mapping.
        **fields: More data fields, merged over ``data``.

    Returns:
        ``{"screen": screen, "data": {...}}``.
    """
    return {"screen": screen, "data": {**(data or {}), **fields}}


def complete(flow_token: str, params: Mapping[str, Any] | None = None, /,
             **fields: Any) -> dict[str, Any]:
    """The answer that closes the flow and sends its completion message to the chat.

    The ``params`` arrive in the ``nfm_reply`` webhook's ``response_json``.

    Args:
        flow_token: The request's flow token (Meta requires it in the params).
        params: Extra fields for the completion message.
        **fields: More fields, merged over ``params``.

    Returns:
        ``{"screen": "SUCCESS", "data": {"extension_message_response": {"params": ...}}}``.
    """
    return {
        "screen": SUCCESS_SCREEN,
        "data": {"extension_message_response": {
            "params": {"flow_token": flow_token, **(params or {}), **fields},
        }},
    }
