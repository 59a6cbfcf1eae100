"""Exceptions of the webhook half of the library.

They live beside the webhook code rather than in :mod:`whatsapp_async.errors`
so the receiving half stays one self-contained package; all of them are
:class:`~whatsapp_async.errors.WhatsAppError` subclasses and are re-exported
from :mod:`whatsapp_async`.
"""

from __future__ import annotations

from ..errors import WhatsAppError

__all__ = ["InvalidPayloadError", "WebhookError", "WebhookVerificationError"]


class WebhookError(WhatsAppError):
    """Root of the errors raised while receiving webhooks."""


class InvalidPayloadError(WebhookError, ValueError):
    """A webhook body is not JSON, or not shaped like a notification.

    Attributes:
        reason: What was wrong, with the JSON path when known
            (e.g. ``"Expected `str`, got `int` - at `$.entry[0].id`"``).
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid webhook payload: {reason}")


class WebhookVerificationError(WebhookError):
    """The GET verification handshake was refused (wrong mode, token or no challenge).

    The message never contains the expected or received token.
    """
