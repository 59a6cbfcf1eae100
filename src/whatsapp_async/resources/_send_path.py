"""The one path every message send takes: validate, wrap, POST, check the answer."""

from __future__ import annotations

from ..errors import UnexpectedResponseError
from ..request import APIRequest
from ..types.messages import Group, Message, SendResponse, SentMessage, build_request
from ._base import Resource

MESSAGES = "messages"
#: Meta's Marketing Messages API path (marketing templates only).
MARKETING_MESSAGES = "marketing_messages"


class SendPath(Resource):
    """Base of the ``messages`` resource's parts: each ``send_*`` ends in :meth:`_send`."""

    async def _send(
        self,
        to: str | Group,
        message: Message,
        reply_to: str | None,
        biz_opaque_callback_data: str | None,
        recipient_identity_key_hash: str | None = None,
        path: str = MESSAGES,
    ) -> SentMessage:
        """Validate ``message``, send it to ``to`` and return what the API accepted.

        Positional parameters: this runs once per message, and a broadcast
        sends millions.

        Raises:
            ValidationError: Bad input; nothing was sent.
            UnexpectedResponseError: The answer names no message id.
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
        # The APIRequest that _request() would build, made here, and handed to
        # the transport as client.request() would: two frames less per send.
        client = self._client
        answer = await client._transport.request(
            APIRequest("POST", (phone_number_id, path), SendResponse, body=body,
                       phone_number_id=phone_number_id),
            options=client._options, pipeline=client._pipeline,
        )
        if not answer.messages:
            raise UnexpectedResponseError(
                status=200, message="the send answer lists no message id",
                method="POST", path=f"/{phone_number_id}/{path}",
            )
        return SentMessage.from_response(answer)
