"""What to do about the error codes a broadcast meets most, for reports.

Titles come from the status webhook (Meta's own) or :data:`whatsapp_async.errors.ERROR_CODES`;
the hints here are the library's advice, one line each.
"""

from __future__ import annotations

from .errors import ERROR_CODES

__all__ = ["hint_for", "title_for"]

_HINTS: dict[int, str] = {
    130429: "throughput limit: lower --rate or ask Meta for a higher tier",
    130472: "the number is in a Meta experiment group: nothing to fix, do not resend",
    131000: "a Meta-side error: resume with --retry-failed later",
    131008: "a required parameter is missing: check the template's variables",
    131009: "a parameter value is not valid: check the row's values",
    131026: "undeliverable: not a WhatsApp user, old app, or has not accepted the terms",
    131047: "more than 24 hours since the user wrote: send a template instead",
    131048: "spam rate limit: too many users blocked or reported you; slow down",
    131049: "Meta held it back to protect engagement: retry later, not right away",
    131050: "the user stopped marketing messages: remove them from marketing lists",
    131051: "unsupported message type for this user",
    131052: "the user's device could not download the media",
    131053: "the media could not be uploaded or was not found: check the media id or link",
    131056: "too many messages to the same user: space them out",
    132000: "the template's parameter count does not match: check --param",
    132001: "the template does not exist in this language: check its name and language",
    132005: "the template text is too long once filled in: shorten the values",
    132012: "a parameter's format does not match the template",
    132015: "the template is paused for low quality: edit it or wait",
    132016: "the template is disabled: use another one",
    137000: "the user's identity changed: confirm the number before resending",
    368: "the account is temporarily blocked for policy violations",
    131031: "the business account is locked: see Business Support",
    131042: "a payment issue on the business account: check its payment method",
}


def hint_for(code: int | None) -> str | None:
    """The library's one-line advice for Graph error ``code``, or None when it has none."""
    return None if code is None else _HINTS.get(code)


def title_for(code: int | None) -> str | None:
    """The title the library knows for ``code`` (Meta's wording), or None."""
    info = ERROR_CODES.get(code) if code is not None else None
    return info.title if info is not None else None
