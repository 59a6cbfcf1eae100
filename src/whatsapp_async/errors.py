"""The exception tree of whatsapp-async and the Graph error-code table.

Every failure the library raises is a :class:`WhatsAppError`. API refusals are
classified by the Graph error ``code`` (never by HTTP status, which Meta has
changed over time for the same code); the table :data:`ERROR_CODES` is the one
place that maps a code to its class, its title and whether it is transient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "ERROR_CODES",
    "APIError",
    "AppRateLimitError",
    "AuthenticationError",
    "CampaignBusyError",
    "ClientClosedError",
    "ConfigurationError",
    "ConnectError",
    "ConnectionLostError",
    "ErrorCodeInfo",
    "InvalidParameterError",
    "JournalError",
    "MediaError",
    "MediaIntegrityError",
    "OutcomeUnknownError",
    "PairRateLimitError",
    "PermissionDeniedError",
    "PolicyError",
    "RateLimitError",
    "RecipientError",
    "RegistrationError",
    "RegistrationRateLimitError",
    "RequestTimeout",
    "ServerError",
    "SpamRateLimitError",
    "TemplateError",
    "ThrottleUnavailableError",
    "ThroughputLimitError",
    "TransportError",
    "UnexpectedResponseError",
    "ValidationError",
    "WabaRateLimitError",
    "WhatsAppError",
    "api_error_class",
]


#: The one wording for a request whose fate is unknown; messages and docs use it as is.
MAY_HAVE_BEEN_SENT = "it may have been sent"


class WhatsAppError(Exception):
    """Root of every exception raised by whatsapp-async."""


class ConfigurationError(WhatsAppError, ValueError):
    """The client was configured with missing or unsafe settings."""


class CampaignBusyError(ConfigurationError):
    """Another process (or another run in this one) is running this campaign of the journal.

    One run at a time may use a campaign; the lock dies with its holder, so a
    killed run's campaign can be resumed at once.

    Attributes:
        holder: What the holder wrote: ``pid``, ``host`` and ``since`` (ISO 8601).
    """

    def __init__(self, message: str, holder: dict[str, object]) -> None:
        super().__init__(message)
        self.holder = holder


class JournalError(WhatsAppError):
    """A broadcast journal cannot be used: corrupt, truncated, not a database,
    read-only, or the disk is full. The message names the file and what to do.

    Attributes:
        path: The journal file.
    """

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class ClientClosedError(WhatsAppError, RuntimeError):
    """The client was used after :meth:`WhatsAppClient.aclose`."""


class MediaIntegrityError(WhatsAppError):
    """A downloaded file does not match the size or SHA-256 the API announced.

    Nothing is written to the destination path when this is raised.

    Attributes:
        check: ``"sha256"`` or ``"file_size"``.
        expected: The value the API announced.
        actual: The value of the bytes received.
    """

    def __init__(self, check: str, expected: str, actual: str) -> None:
        self.check = check
        self.expected = expected
        self.actual = actual
        super().__init__(f"downloaded media failed the {check} check: expected {expected}, "
                         f"got {actual}")


class ThrottleUnavailableError(WhatsAppError):
    """The shared throttle's store (Redis) could not be reached; nothing was sent.

    Raised by :class:`~whatsapp_async.throttle.RedisThrottle` with
    ``on_unavailable="fail"`` before the request, so the send may be tried again.
    """

    may_have_been_sent = False


class ValidationError(WhatsAppError, ValueError):
    """Input refused on the client side, before any request was sent.

    Attributes:
        field: Dotted path of the offending field, e.g. ``"interactive.action.buttons"``.
        rule: The rule that was broken, in words.
    """

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


# --------------------------------------------------------------------------- transport


class TransportError(WhatsAppError):
    """The request did not produce an HTTP answer from the Graph API.

    Attributes:
        may_have_been_sent: False when the request certainly never reached the
            server (safe to resend); True when it may have been processed.
        method: HTTP method of the request.
        path: Path of the request below the base URL (never contains the token).
    """

    may_have_been_sent: bool = True

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        may_have_been_sent: bool | None = None,
    ) -> None:
        self.method = method
        self.path = path
        if may_have_been_sent is not None:
            self.may_have_been_sent = may_have_been_sent
        super().__init__(message)


class ConnectError(TransportError):
    """No connection could be made (or none was free in the pool): nothing was sent."""

    may_have_been_sent = False


class RequestTimeout(TransportError):
    """The request timed out. ``may_have_been_sent`` says whether it may have reached the server."""


class ConnectionLostError(TransportError):
    """The connection broke after the request was written; the server may have processed it."""

    may_have_been_sent = True


class OutcomeUnknownError(TransportError):
    """A non-idempotent request (such as a message send) may have been processed.

    Raised instead of retrying: resending could deliver the message twice. The
    original failure is in ``__cause__``. Opt in to resending with
    ``RetryPolicy(retry_unknown_outcome=True)``.
    """

    may_have_been_sent = True


# --------------------------------------------------------------------------- API errors


class APIError(WhatsAppError):
    """The Graph API answered with an error.

    Attributes:
        status: HTTP status of the answer.
        code: Graph error code (``error.code``); branch on this.
        error_subcode: ``error.error_subcode`` when present.
        type: ``error.type``, e.g. ``"OAuthException"``.
        message: ``error.message``.
        details: ``error.error_data.details`` when present.
        user_title: ``error.error_user_title`` when present.
        user_message: ``error.error_user_msg`` when present.
        fbtrace_id: Trace id to give Meta support (from the body or ``x-fb-trace-id``).
        is_transient: ``error.is_transient`` when the API says so.
        retry_after: Seconds the API says to wait (from ``X-Business-Use-Case-Usage``), if any.
        hint: What the client thinks a puzzling answer means, when it can tell
            (it ends the message too).
    """

    hint: str | None = None

    def __init__(
        self,
        *,
        status: int,
        code: int | None = None,
        message: str = "",
        error_subcode: int | None = None,
        type: str | None = None,
        details: str | None = None,
        user_title: str | None = None,
        user_message: str | None = None,
        fbtrace_id: str | None = None,
        is_transient: bool | None = None,
        retry_after: float | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.error_subcode = error_subcode
        self.type = type
        self.details = details
        self.user_title = user_title
        self.user_message = user_message
        self.fbtrace_id = fbtrace_id
        self.is_transient = is_transient
        self.retry_after = retry_after
        self.method = method
        self.path = path
        super().__init__(self._describe())

    @property
    def transient(self) -> bool:
        """Whether the code (or the API's own ``is_transient``) says a retry may succeed."""
        if self.is_transient:
            return True
        info = ERROR_CODES.get(self.code) if self.code is not None else None
        return info.transient if info is not None else False

    def _describe(self) -> str:
        parts = [f"HTTP {self.status}"]
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.error_subcode is not None:
            parts.append(f"subcode {self.error_subcode}")
        head = ", ".join(parts)
        text = self.message or "(no message)"
        if self.details and self.details not in text:
            text = f"{text}: {self.details}"
        where = f" on {self.method} {self.path}" if self.method else ""
        trace = f" [fbtrace_id={self.fbtrace_id}]" if self.fbtrace_id else ""
        hint = f"; hint: {self.hint}" if self.hint else ""
        return f"{head}{where}: {text}{trace}{hint}"

    def add_hint(self, hint: str) -> None:
        """Set :attr:`hint` and end the message with it.

        Args:
            hint: What the answer most likely means and how to fix it.
        """
        self.hint = hint
        self.args = (self._describe(),)


class UnexpectedResponseError(APIError):
    """An error status without a Graph error body (e.g. a proxy's 502 page).

    A 5xx answer of this kind does not prove the request was refused, nor does
    a 2xx answer that could not be read. A 3xx (a redirect, never followed)
    proves it was not processed.
    """

    @property
    def may_have_been_sent(self) -> bool:
        return self.status >= 500 or self.status < 300


class AuthenticationError(APIError):
    """The access token is missing, invalid or expired (codes 0, 190)."""


class PermissionDeniedError(APIError):
    """The token lacks a permission or the capability is off (3, 10, 200-299, 131005)."""


class PolicyError(APIError):
    """The account is blocked or restricted by policy (368, 131031, 130497, 131042)."""


class RateLimitError(APIError):
    """A rate limit was hit. See the subclasses for which one."""


class AppRateLimitError(RateLimitError):
    """Application request limit reached (code 4)."""


class WabaRateLimitError(RateLimitError):
    """WhatsApp Business Account rate limit (code 80007)."""


class ThroughputLimitError(RateLimitError):
    """The business number's messages-per-second limit (code 130429)."""


class SpamRateLimitError(RateLimitError):
    """Spam rate limit (code 131048): pause sending and check quality."""


class PairRateLimitError(RateLimitError):
    """Too many messages to one recipient (code 131056); others can still be messaged."""


class RegistrationRateLimitError(RateLimitError):
    """Register/deregister budget exhausted for 72 hours (code 133016)."""


class InvalidParameterError(APIError):
    """The request had a missing or invalid parameter (100, 131008, 131009, ...)."""


class RecipientError(APIError):
    """The recipient cannot be messaged this way (131026, 131047, 131051, ...)."""


class TemplateError(APIError):
    """A template problem (132xxx)."""


class MediaError(APIError):
    """Media could not be uploaded or downloaded (131052, 131053)."""


class RegistrationError(APIError):
    """Registration or two-step verification problem (133xxx)."""


class ServerError(APIError):
    """A temporary server-side failure (1, 2, 131000, 131016, 131057, 133004)."""


@dataclass(frozen=True)
class ErrorCodeInfo:
    """What the library knows about one Graph error code."""

    title: str
    cls: type[APIError]
    transient: bool = False


def _row(title: str, cls: type[APIError], transient: bool = False) -> ErrorCodeInfo:
    return ErrorCodeInfo(title, cls, transient)


#: Graph error code -> class, title, transient. Source: shared/facts/cloud-api.md §2.5.
ERROR_CODES: dict[int, ErrorCodeInfo] = {
    0: _row("AuthException", AuthenticationError),
    1: _row("API Unknown", ServerError, transient=True),
    2: _row("API Service", ServerError, transient=True),
    3: _row("API Method", PermissionDeniedError),
    4: _row("API Too Many Calls", AppRateLimitError, transient=True),
    10: _row("Permission Denied", PermissionDeniedError),
    33: _row("Parameter value is not valid", InvalidParameterError),
    100: _row("Invalid parameter", InvalidParameterError),
    190: _row("Access token has expired", AuthenticationError),
    368: _row("Temporarily blocked for policies violations", PolicyError),
    80007: _row("Rate limit issues", WabaRateLimitError, transient=True),
    130429: _row("Rate limit hit", ThroughputLimitError, transient=True),
    130472: _row("User's number is part of an experiment", RecipientError),
    130497: _row("Business account is restricted from messaging users in this country",
                 PolicyError),
    131000: _row("Something went wrong", ServerError, transient=True),
    131005: _row("Access denied", PermissionDeniedError),
    131008: _row("Required parameter is missing", InvalidParameterError),
    131009: _row("Parameter value is not valid", InvalidParameterError),
    131016: _row("Service unavailable", ServerError, transient=True),
    131021: _row("Recipient cannot be sender", InvalidParameterError),
    131026: _row("Message undeliverable", RecipientError),
    131031: _row("Account has been locked", PolicyError),
    131037: _row("WhatsApp provided number needs display name approval", PermissionDeniedError),
    131042: _row("Business eligibility payment issue", PolicyError),
    131045: _row("Incorrect certificate", RegistrationError),
    131047: _row("Re-engagement message", RecipientError),
    131048: _row("Spam rate limit hit", SpamRateLimitError),
    131049: _row("Meta chose not to deliver", RecipientError),
    131050: _row("User stopped marketing messages", RecipientError),
    131051: _row("Unsupported message type", RecipientError),
    131052: _row("Media download error", MediaError),
    131053: _row("Media upload error", MediaError),
    131056: _row("(Business Account, Consumer Account) pair rate limit hit", PairRateLimitError,
                 transient=True),
    131057: _row("Account in maintenance mode", ServerError, transient=True),
    132000: _row("Template param count mismatch", TemplateError),
    132001: _row("Template does not exist", TemplateError),
    132005: _row("Template hydrated text too long", TemplateError),
    132007: _row("Template format character policy violated", TemplateError),
    132012: _row("Template parameter format mismatch", TemplateError),
    132015: _row("Template is paused", TemplateError),
    132016: _row("Template is disabled", TemplateError),
    132018: _row("Template parameter issue", TemplateError),
    132068: _row("Flow is blocked", TemplateError),
    132069: _row("Flow is throttled", TemplateError),
    133000: _row("Incomplete deregistration", RegistrationError),
    133004: _row("Server temporarily unavailable", ServerError, transient=True),
    133005: _row("Two step verification PIN mismatch", RegistrationError),
    133006: _row("Phone number re-verification needed", RegistrationError),
    133008: _row("Too many two step verification PIN guesses", RegistrationError),
    133009: _row("Two step verification PIN guessed too fast", RegistrationError),
    133010: _row("Phone number not registered", RegistrationError),
    133015: _row("Please wait a few minutes before attempting to register", RegistrationError),
    133016: _row("Account register/deregister rate limit exceeded", RegistrationRateLimitError),
    135000: _row("Generic user error", InvalidParameterError),
    137000: _row("Identity key hash mismatch", RecipientError),
}


def api_error_class(code: int | None) -> type[APIError]:
    """Return the exception class for a Graph error code.

    Codes not in :data:`ERROR_CODES` fall back by family (200-299 permission,
    132xxx template, 133xxx registration) and otherwise to :class:`APIError`.
    """
    if code is None:
        return APIError
    info = ERROR_CODES.get(code)
    if info is not None:
        return info.cls
    if 200 <= code <= 299:
        return PermissionDeniedError
    if 132000 <= code <= 132999:
        return TemplateError
    if 133000 <= code <= 133999:
        return RegistrationError
    return APIError


def build_api_error(status: int, error: dict[str, Any] | None, **context: Any) -> APIError:
    """Build the typed exception for a decoded Graph ``error`` object (or ``None``)."""
    fallback_message = context.pop("message", "")
    if not error:
        return UnexpectedResponseError(status=status, message=fallback_message, **context)
    code = error.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    subcode = error.get("error_subcode")

    def _str(key: str) -> str | None:
        value = error.get(key)
        return value if isinstance(value, str) else None

    transient = error.get("is_transient")
    header_trace = context.pop("fbtrace_id", None)  # x-fb-trace-id; the body's wins
    fbtrace = _str("fbtrace_id") or header_trace
    return api_error_class(code)(
        status=status,
        code=code,
        message=_str("message") or fallback_message,
        error_subcode=subcode if isinstance(subcode, int) else None,
        type=_str("type"),
        details=details if isinstance(details, str) else None,
        user_title=_str("error_user_title"),
        user_message=_str("error_user_msg"),
        fbtrace_id=fbtrace,
        is_transient=transient if isinstance(transient, bool) else None,
        **context,
    )
