"""Turning an error answer (status, headers, body) into the typed exception."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from .errors import APIError, UnexpectedResponseError, build_api_error

__all__ = ["error_from_response", "redirect_error", "usage_retry_after"]


def usage_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait per ``X-Business-Use-Case-Usage`` (minutes in the header), or None.

    A malformed header gives None: it must never turn an error answer into a
    different failure while that error is being built.
    """
    raw = headers.get("X-Business-Use-Case-Usage")
    if not raw:
        return None
    try:
        usage = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return None
    minutes = 0.0
    if isinstance(usage, dict):
        for entries in usage.values():
            for entry in entries if isinstance(entries, list) else ():
                value = entry.get("estimated_time_to_regain_access") if isinstance(
                    entry, dict) else None
                if isinstance(value, (int, float)) and value > minutes:
                    minutes = float(value)
    return minutes * 60 if minutes > 0 else None


def error_from_response(
    status: int, headers: Mapping[str, str], body: bytes, *, method: str, path: str
) -> APIError:
    """Build the typed exception for an error answer (Graph body or not).

    Args:
        status: HTTP status (400 or above).
        headers: Response headers (trace id, usage).
        body: Raw response body.
        method: HTTP method of the request, for the message.
        path: Path of the request, for the message.

    Returns:
        The :class:`~whatsapp_async.APIError` subclass of the Graph code, or
        :class:`~whatsapp_async.UnexpectedResponseError` without a Graph body.
    """
    error: dict[str, Any] | None = None
    try:
        decoded = msgspec.json.decode(body) if body else None
    except msgspec.DecodeError:
        decoded = None
    if isinstance(decoded, dict) and isinstance(decoded.get("error"), dict):
        error = decoded["error"]
    message = ""
    if error is None:
        snippet = body[:200].decode("utf-8", "replace").strip()
        message = f"unexpected answer without a Graph error body: {snippet or '(empty body)'}"
    return build_api_error(
        status,
        error,
        message=message,
        fbtrace_id=headers.get("x-fb-trace-id"),
        retry_after=usage_retry_after(headers),
        method=method,
        path=path,
    )


def redirect_error(status: int, *, method: str, path: str) -> UnexpectedResponseError:
    """The error for a 3xx answer: API calls never follow redirects (nor resend a body).

    Args:
        status: The 3xx status.
        method: HTTP method of the request, for the message.
        path: Path of the request, for the message.

    Returns:
        An :class:`~whatsapp_async.UnexpectedResponseError` whose outcome is
        "not processed" (``may_have_been_sent`` is False for a 3xx).
    """
    return UnexpectedResponseError(
        status=status,
        message="a redirect, not followed: API calls never follow redirects, so the "
        "request was not processed",
        method=method, path=path,
    )
