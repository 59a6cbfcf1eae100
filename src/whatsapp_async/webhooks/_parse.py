"""Turn a webhook body into a :class:`Notification`.

msgspec fails a whole decode on one unknown union tag, and Meta adds message
types and change fields over time. So decoding takes two passes only when it
must: the fast pass decodes the body in one call into mirror Structs that know
every message type; if that fails on shape, the slow pass decodes the envelope
with each change ``value`` left raw, then each value, then (only in a value
that failed) each message, turning what does not fit into
:class:`UnknownMessage` / :class:`UnknownChange` instead of an error.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from ..types.webhooks import (
    Change,
    Context,
    Entry,
    InboundMessage,
    KnownMessage,
    MessagesChange,
    MessagesValue,
    Notification,
    UnknownChange,
    UnknownMessage,
    _ValueBase,
)
from ._errors import InvalidPayloadError

__all__ = ["parse_notification"]


class _Struct(msgspec.Struct, frozen=True, kw_only=True):
    pass


# Fast pass: the whole body in one decode, every change a known "messages" change.
class _FastValue(_ValueBase, frozen=True, kw_only=True):
    messages: tuple[KnownMessage, ...] = ()


class _FastChange(_Struct, frozen=True, kw_only=True):
    field: Literal["messages"]
    value: _FastValue


class _FastEntry(_Struct, frozen=True, kw_only=True):
    id: str
    changes: tuple[_FastChange, ...] = ()


class _FastNotification(_Struct, frozen=True, kw_only=True):
    object: str
    entry: tuple[_FastEntry, ...] = ()


# Slow pass: the envelope with raw values, then each value, then each message.
class _RawChange(_Struct, frozen=True, kw_only=True):
    field: str
    value: msgspec.Raw


class _RawEntry(_Struct, frozen=True, kw_only=True):
    id: str
    changes: tuple[_RawChange, ...] = ()


class _RawNotification(_Struct, frozen=True, kw_only=True):
    object: str
    entry: tuple[_RawEntry, ...] = ()


class _LenientValue(_ValueBase, frozen=True, kw_only=True):
    messages: tuple[msgspec.Raw, ...] = ()


class _MessageHead(_Struct, frozen=True, kw_only=True):
    # Typed loosely on purpose: this only salvages what it can of a message
    # that already failed to decode.
    type: Any = ""
    id: Any = ""
    from_: Any = msgspec.field(default="", name="from")
    timestamp: Any = ""
    context: Any = None


_fast = msgspec.json.Decoder(_FastNotification)
_raw = msgspec.json.Decoder(_RawNotification)
_fast_value = msgspec.json.Decoder(_FastValue)
_lenient_value = msgspec.json.Decoder(_LenientValue)
_known_message: msgspec.json.Decoder[KnownMessage] = msgspec.json.Decoder(KnownMessage)
_head = msgspec.json.Decoder(_MessageHead)


def parse_notification(raw_body: bytes | bytearray | memoryview | str) -> Notification:
    """Decode a webhook body into a typed :class:`Notification`.

    Unknown fields are ignored. A message of a type this library does not
    know (or whose body does not fit its known shape) becomes an
    :class:`UnknownMessage` holding the raw object; a change of a ``field``
    other than ``"messages"`` becomes an :class:`UnknownChange`. Verify the
    signature over the same bytes first (:func:`verify_signature`).

    Args:
        raw_body: The request body exactly as received.

    Returns:
        The notification.

    Raises:
        InvalidPayloadError: The body is not JSON, or its envelope (``object``,
            ``entry[].id``, ``changes[].field``, a ``messages`` value's
            ``metadata``, ``statuses``, ``contacts`` or ``errors``) has the wrong shape.
    """
    try:
        fast = _fast.decode(raw_body)
    except msgspec.ValidationError:
        return _parse_slow(raw_body)
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(f"not JSON ({exc})") from None
    except RecursionError:
        raise InvalidPayloadError("JSON nested too deeply") from None
    return Notification(
        object=fast.object,
        entry=tuple(
            Entry(
                id=entry.id,
                changes=tuple(
                    MessagesChange(field="messages", value=_public(c.value))
                    for c in entry.changes
                ),
            )
            for entry in fast.entry
        ),
    )


def _public(value: _FastValue, messages: tuple[InboundMessage, ...] | None = None) -> MessagesValue:
    return MessagesValue(
        messaging_product=value.messaging_product,
        metadata=value.metadata,
        contacts=value.contacts,
        messages=value.messages if messages is None else messages,
        statuses=value.statuses,
        errors=value.errors,
    )


def _parse_slow(raw_body: bytes | bytearray | memoryview | str) -> Notification:
    try:
        raw = _raw.decode(raw_body)
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(str(exc)) from None
    except RecursionError:
        raise InvalidPayloadError("JSON nested too deeply") from None
    entries = []
    for i, entry in enumerate(raw.entry):
        changes: list[Change] = []
        for j, change in enumerate(entry.changes):
            if change.field == "messages":
                where = f"entry[{i}].changes[{j}].value"
                value = _decode_value(change.value, where)
                changes.append(MessagesChange(field="messages", value=value))
            else:
                changes.append(UnknownChange(field=change.field, value=change.value.copy()))
        entries.append(Entry(id=entry.id, changes=tuple(changes)))
    return Notification(object=raw.object, entry=tuple(entries))


def _decode_value(raw: msgspec.Raw, where: str) -> MessagesValue:
    try:
        return _public(_fast_value.decode(raw))
    except msgspec.ValidationError:
        pass
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(f"{exc} (in {where})") from None
    except RecursionError:
        raise InvalidPayloadError(f"JSON nested too deeply in {where}") from None
    try:
        lenient = _lenient_value.decode(raw)
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(f"{exc} (in {where})") from None
    except RecursionError:
        raise InvalidPayloadError(f"JSON nested too deeply in {where}") from None
    messages = tuple(
        _decode_message(message, f"{where}.messages[{k}]")
        for k, message in enumerate(lenient.messages)
    )
    return MessagesValue(
        messaging_product=lenient.messaging_product,
        metadata=lenient.metadata,
        contacts=lenient.contacts,
        messages=messages,
        statuses=lenient.statuses,
        errors=lenient.errors,
    )


def _decode_message(raw: msgspec.Raw, where: str) -> InboundMessage:
    try:
        return _known_message.decode(raw)
    except msgspec.ValidationError as exc:
        reason = str(exc)
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(f"{exc} (in {where})") from None
    except RecursionError:
        reason = "JSON nested too deeply"
    try:
        head = _head.decode(raw)
    except (msgspec.DecodeError, UnicodeError, RecursionError):
        raise InvalidPayloadError(f"{where} is not a JSON object") from None
    return UnknownMessage(
        type=_text(head.type),
        id=_text(head.id),
        from_=_text(head.from_),
        timestamp=_text(head.timestamp),
        raw=raw.copy(),
        reason=reason,
        context=_context(head.context),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _context(value: object) -> Context | None:
    if value is None:
        return None
    try:
        return msgspec.convert(value, Context)
    except msgspec.ValidationError:
        return None
