"""Webhook authenticity: the ``X-Hub-Signature-256`` HMAC and the GET handshake."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from ..errors import ConfigurationError
from ._errors import WebhookVerificationError

__all__ = ["SIGNATURE_HEADER", "AppSecret", "sign", "verify_challenge", "verify_signature"]

#: The request header Meta puts the signature in.
SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="
_HEX_DIGITS = 64  # a SHA-256 digest in hex


class AppSecret:
    """The app secret as HMAC key bytes, shown as ``***`` wherever it is repr'd.

    Error reporters (Sentry, loguru, rich) format the locals of every frame
    on an error path: the key lives only here, never in a plain local.
    """

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes) -> None:
        # The HMAC state after the key, made once: each body starts from a
        # copy of it instead of keying OpenSSL again (a fifth of the cost).
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    def __repr__(self) -> str:
        return "AppSecret('***')"

    @classmethod
    def parse(cls, value: object) -> AppSecret | None:
        """The secret of a non-empty str (UTF-8) or bytes-like ``value``, else None.

        It never raises: an exception raised here would carry the value (a
        ``UnicodeEncodeError`` holds the whole string) and this frame holds it.
        """
        if isinstance(value, str):
            try:
                key = value.encode()
            except UnicodeEncodeError:
                return None
        elif isinstance(value, (bytes, bytearray, memoryview)):
            key = bytes(value)
        else:
            return None
        return cls(key) if key else None

    def digest(self, raw_body: bytes) -> str:
        """The lowercase hex HMAC-SHA256 of ``raw_body``.

        Raises:
            TypeError: ``raw_body`` is not bytes-like.
        """
        return self._mac(raw_body).hex()

    def _mac(self, raw_body: bytes) -> bytes:
        # A bad body raises in update(), on a copy whose repr shows no key.
        mac = self._keyed.copy()
        mac.update(raw_body)
        return mac.digest()

    def verify(self, raw_body: bytes, signature_header: str | None) -> bool:
        """Whether ``signature_header`` signs ``raw_body`` (compared in constant time)."""
        if not signature_header or not signature_header.startswith(_PREFIX):
            return False
        expected = self._mac(raw_body)  # first: a body that is not bytes raises
        hex_digest = signature_header[len(_PREFIX):].strip()
        # 64 digits exactly: bytes.fromhex would also take spaces between them.
        if len(hex_digest) != _HEX_DIGITS:
            return False
        try:
            received = bytes.fromhex(hex_digest)
        except ValueError:
            return False
        return hmac.compare_digest(expected, received)


UNUSABLE_SECRET = "app_secret must be a non-empty str or bytes (str encodable as UTF-8)"


def sign(raw_body: bytes, app_secret: str | bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta would send for ``raw_body``.

    Useful to test your endpoint or to post webhooks from a fake server.

    Args:
        raw_body: The exact body bytes.
        app_secret: The app secret of the app receiving the webhook.

    Returns:
        ``"sha256="`` followed by the lowercase hex HMAC-SHA256.

    Raises:
        ConfigurationError: ``app_secret`` is empty or not text or bytes.
    """
    secret = AppSecret.parse(app_secret)
    del app_secret  # out of this frame's locals before anything can raise
    if secret is None:
        raise ConfigurationError(UNUSABLE_SECRET)
    return _PREFIX + secret.digest(raw_body)


def verify_signature(
    raw_body: bytes, signature_header: str | None, app_secret: str | bytes
) -> bool:
    """Check the ``X-Hub-Signature-256`` header against the raw body.

    The HMAC is computed over the bytes as received: never re-serialize
    parsed JSON first (Meta signs its ``\\uXXXX``-escaped rendering). The
    comparison takes constant time.

    Args:
        raw_body: The exact request body bytes.
        signature_header: The header value (``"sha256=<hex>"``), or None if absent.
        app_secret: The app secret of the app receiving the webhook.

    Returns:
        True only for a well-formed header whose digest matches.

    Raises:
        ConfigurationError: ``app_secret`` is empty or not text or bytes.
    """
    secret = AppSecret.parse(app_secret)
    del app_secret  # out of this frame's locals before anything can raise
    if secret is None:
        raise ConfigurationError(UNUSABLE_SECRET)
    return secret.verify(raw_body, signature_header)


def verify_challenge(params: Mapping[str, str], verify_token: str) -> str:
    """Answer Meta's GET verification handshake.

    Meta calls ``GET <callback>?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<t>``
    when the callback URL is set; answer 200 with the returned challenge as
    the body. ``hub_mode``-style names (as PHP rewrites them) are accepted too.

    Args:
        params: The query parameters.
        verify_token: The token you entered in the App Dashboard.

    Returns:
        The ``hub.challenge`` value to send back.

    Raises:
        WebhookVerificationError: The mode is not ``subscribe``, the token does
            not match or the challenge is missing.
        ConfigurationError: ``verify_token`` is empty.
    """
    if not verify_token:
        raise ConfigurationError("verify_token must not be empty")

    def get(name: str) -> str | None:
        return params.get(f"hub.{name}", params.get(f"hub_{name}"))

    if get("mode") != "subscribe":
        raise WebhookVerificationError("hub.mode is not 'subscribe'")
    token = get("verify_token")
    if token is None or not hmac.compare_digest(
        token.encode("utf-8", "surrogatepass"), verify_token.encode("utf-8", "surrogatepass")
    ):
        raise WebhookVerificationError("hub.verify_token does not match")
    challenge = get("challenge")
    if not challenge:
        raise WebhookVerificationError("hub.challenge is missing")
    return challenge
