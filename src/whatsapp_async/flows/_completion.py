"""Typed Flow completions: the ``nfm_reply`` a finished flow sends to the chat.

When a user completes a flow, WhatsApp sends an interactive message whose
``nfm_reply.response_json`` is a JSON string: the completion's params (from
the endpoint's ``complete(...)`` answer, or the Flow JSON's ``complete``
action payload) with the ``flow_token``. :func:`decode_flow_response` finds it
in whatever the handler holds and decodes it into a type of the user's.
"""

from __future__ import annotations

from typing import Any, TypeVar, overload

import msgspec

from ..webhooks._errors import InvalidPayloadError

__all__ = ["decode_flow_response", "flow_reply_of"]

T = TypeVar("T")


def flow_reply_of(source: object) -> Any | None:
    """The ``nfm_reply`` of a Flow completion, or None when ``source`` is no Flow reply.

    Args:
        source: A ``MessageEvent``, an ``InteractiveMessage``, its
            ``InteractiveContent`` or the ``NfmReply`` itself.
    """
    node: Any = source
    for attribute in ("message", "interactive", "nfm_reply"):
        inner = getattr(node, attribute, None)
        if inner is not None:
            node = inner
    if not hasattr(node, "response_json"):
        return None
    if getattr(node, "name", "flow") not in (None, "flow"):
        return None  # an address message shares nfm_reply
    return node


@overload
def decode_flow_response(source: object) -> dict[str, Any]: ...
@overload
def decode_flow_response(source: object, type: type[T]) -> T: ...


def decode_flow_response(source: object, type: Any = dict) -> Any:
    """Decode a Flow completion's ``response_json`` into ``type``.

    Give a Struct of yours to get the answers typed and checked::

        class Booking(msgspec.Struct):
            flow_token: str
            date: str

        @router.on_message
        async def done(event: MessageEvent) -> None:
            if flow_reply_of(event) is not None:
                booking = decode_flow_response(event, Booking)

    Args:
        source: A ``MessageEvent``, an ``InteractiveMessage``, its
            ``InteractiveContent`` or the ``NfmReply``.
        type: What to decode into: a Struct, dataclass, TypedDict or
            ``dict`` (the default).

    Returns:
        The decoded completion.

    Raises:
        InvalidPayloadError: ``source`` is not a Flow reply, has no
            ``response_json``, or the JSON does not fit ``type`` (the reason
            names the field).
    """
    reply = flow_reply_of(source)
    if reply is None:
        raise InvalidPayloadError("not a Flow reply (no interactive nfm_reply of name 'flow')")
    raw = reply.response_json
    if not isinstance(raw, (str, bytes)) or not raw:
        raise InvalidPayloadError("nfm_reply has no response_json")
    try:
        return msgspec.json.decode(raw, type=type)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise InvalidPayloadError(f"nfm_reply.response_json: {exc}") from None
