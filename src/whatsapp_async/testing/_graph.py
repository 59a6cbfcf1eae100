"""Graph-shaped error answers, built the way the Cloud API builds them.

The fake keeps its own small table of titles and HTTP statuses instead of
reading the client's: it is meant to be a second opinion, so a wrong entry in
the client's table must not be copied into the fake's answers.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GraphError", "http_status_for", "title_for"]

#: code -> (HTTP status, title). Statuses follow the newest copy of Meta's table
#: (shared/facts/cloud-api.md §2.5); throttling codes answer 400 there.
_CODES: dict[int, tuple[int, str]] = {
    0: (401, "AuthException"),
    1: (400, "API Unknown"),
    2: (503, "API Service"),
    3: (500, "API Method"),
    4: (400, "Application request limit reached"),
    10: (403, "Permission Denied"),
    100: (400, "Invalid parameter"),
    190: (401, "Invalid OAuth access token - Cannot parse access token"),
    368: (403, "Temporarily blocked for policies violations"),
    80007: (400, "Rate limit issues"),
    130429: (400, "Rate limit hit"),
    130472: (400, "User's number is part of an experiment"),
    131000: (500, "Something went wrong"),
    131005: (403, "Access denied"),
    131008: (400, "Required parameter is missing"),
    131009: (400, "Parameter value is not valid"),
    131016: (500, "Service unavailable"),
    131021: (400, "Recipient cannot be sender"),
    131026: (400, "Message undeliverable"),
    131031: (403, "Account has been locked"),
    131047: (400, "Re-engagement message"),
    131048: (400, "Spam rate limit hit"),
    131049: (400, "Not delivered to maintain healthy ecosystem engagement"),
    131050: (400, "User stopped marketing messages"),
    131051: (400, "Unsupported message type"),
    131053: (400, "Media upload error"),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit"),
    131057: (500, "Account in maintenance mode"),
    132000: (400, "Number of parameters does not match the expected number of params"),
    132001: (404, "Template name does not exist in the translation"),
    132005: (400, "Translated text too long"),
    132007: (400, "Template format character policy violated"),
    132012: (400, "Parameter format does not match format in the created template"),
    132015: (400, "Template is Paused"),
    132016: (400, "Template is Disabled"),
    133004: (503, "Server temporarily unavailable"),
    133005: (400, "Two step verification PIN mismatch"),
    133006: (400, "Phone number re-verification needed"),
    133010: (400, "Phone number not registered"),
    133016: (400, "Account register deregister rate limit exceeded"),
    136025: (400, "Verify code error"),
}

# Codes whose sync error carries WhatsApp ``error_data`` (Cloud API codes);
# generic Graph codes (0-999) come without it.
_SUBCODES: dict[int, int] = {130429: 2494055}
_DETAILS: dict[int, str] = {
    130429: "Message failed to send because there were too many messages sent from this "
    "phone number in a short period of time",
    131056: "Message failed to send because there were too many messages sent from this "
    "phone number to the same phone number in a short period of time.",
    133016: "Too many register or deregister requests were made for this phone number in "
    "the last 72 hours.",
}


def http_status_for(code: int) -> int:
    """The HTTP status the Cloud API pairs with ``code`` (400 when unknown)."""
    entry = _CODES.get(code)
    return entry[0] if entry else 400


def title_for(code: int) -> str:
    """Meta's short title for ``code``."""
    entry = _CODES.get(code)
    return entry[1] if entry else "Unknown error"


class GraphError(Exception):
    """A refusal the fake answers with a Graph error body.

    Args:
        code: Graph error code.
        details: ``error_data.details`` (Cloud API codes) or the message (others).
        status: HTTP status; defaults to the table's.
        message: Full ``error.message``; defaults to ``"(#code) title"``.
        type: ``error.type``.
        subcode: ``error.error_subcode``.
    """

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        status: int | None = None,
        message: str | None = None,
        type: str = "OAuthException",
        subcode: int | None = None,
    ) -> None:
        self.code = code
        self.details = details if details is not None else _DETAILS.get(code)
        self.status = status if status is not None else http_status_for(code)
        self.message = message if message is not None else f"(#{code}) {title_for(code)}"
        self.type = type
        self.subcode = subcode if subcode is not None else _SUBCODES.get(code)
        super().__init__(self.message)

    def body(self, fbtrace_id: str) -> dict[str, Any]:
        """The ``{"error": {...}}`` answer body."""
        error: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.code >= 1000 and self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["fbtrace_id"] = fbtrace_id
        return {"error": error}


def bad_token() -> GraphError:
    """The answer to a missing or wrong access token."""
    return GraphError(
        190, message="Invalid OAuth access token - Cannot parse access token", subcode=None
    )


def unknown_object(method: str, object_id: str) -> GraphError:
    """The answer to an id the fake does not know (or that does not allow ``method``)."""
    return GraphError(
        100,
        type="GraphMethodException",
        subcode=33,
        message=(
            f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not "
            "exist, cannot be loaded due to missing permissions, or does not support this "
            "operation. Please read the Graph API documentation at "
            "https://developers.facebook.com/docs/graph-api"
        ),
    )


def invalid(details: str, code: int = 100) -> GraphError:
    """An invalid-parameter refusal (100, or 131008 / 131009 for message bodies)."""
    if code == 100:
        return GraphError(100, details, message=f"(#100) {details}")
    return GraphError(code, details)
