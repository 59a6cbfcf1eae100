"""The one path every message send takes: validate, wrap, POST, check the answer."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from ..errors import UnexpectedResponseError
from ..request import APIRequest
from ..types.messages import Group, Message, SendResponse, SentMessage, build_request
from ._base import Resource

MESSAGES = "messages"
#: Meta's Marketing Messages API path (marketing templates only).
MARKETING_MESSAGES = "marketing_messages"


class SendPath(Resource):
    """Base of the ``messages`` resource's parts: each ``send_*`` ends in :meth:`_send`."""

    def _send(
        self,
        to: str | Group,
        message: Message,
        reply_to: str | None,
        biz_opaque_callback_data: str | None,
        recipient_identity_key_hash: str | None = None,
        path: str = MESSAGES,
    ) -> Coroutine[Any, Any, SentMessage]:
        """Validate ``message`` for ``to`` now; the coroutine sends it, returns what was accepted.

        A plain method that hands back the transport's coroutine, not a
        coroutine of its own: each ``send_*`` awaits it, and a broadcast sends
        millions. Positional parameters for the same reason.

        Raises:
            ValidationError: Bad input (raised here, before any coroutine
                exists); nothing was sent.
        """
        body = build_request(
            to,
            message,
            reply_to=reply_to,
            biz_opaque_callback_data=biz_opaque_callback_data,
            recipient_identity_key_hash=recipient_identity_key_hash,
        )
        phone_number_id = self._client.phone_number_id
        if phone_number_id is None:
            phone_number_id = self._phone_number_id  # raises the ConfigurationError
        # What client.request() would do, done here: a coroutine less per send.
        client = self._client
        return client._transport.request(
            APIRequest("POST", (phone_number_id, path), SendResponse, body=body,
                       phone_number_id=phone_number_id),
            options=client._options, pipeline=client._pipeline, finish=_sent_message,
        )


def _sent_message(request: APIRequest[SendResponse], answer: SendResponse) -> SentMessage:
    """The accepted message of ``request``'s answer.

    Raises:
        UnexpectedResponseError: The answer names no message id.
    """
    if not answer.messages:
        raise UnexpectedResponseError(
            status=200, message="the send answer lists no message id",
            method=request.method, path="/" + "/".join(request.path),
        )
    return SentMessage.from_response(answer)
