"""Turn a webhook body into a :class:`Notification`, typed and lossless.

Every Struct refuses keys it does not model, so the fast pass, one decode of
the whole body into mirror Structs that know every documented field and
message kind, succeeds only when nothing would be lost. When it fails, the
slow pass takes the envelope apart with the values left raw and decodes each
value the same strict way; a value that still fails is decoded to plain
JSON, has its unmodelled keys set aside into the change's ``unmodelled``
mapping (:mod:`._lossless`) and is converted leniently (numeric strings
accepted where Meta is inconsistent). In a ``messages`` value this happens
per message, and a message that fits no known kind becomes an
:class:`UnknownMessage` holding its raw JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

import msgspec

from ..types.webhooks import (
    CHANGE_TYPES,
    Change,
    Context,
    Entry,
    InboundMessage,
    KnownMessage,
    MessagesValue,
    Notification,
    UnknownChange,
    UnknownMessage,
    _ChangeBase,
    _ValueBase,
)
from ._errors import InvalidPayloadError
from ._lossless import report, set_aside

__all__ = ["parse_notification"]


class _Strict(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, gc=False
):
    pass


class _FastValue(_ValueBase, frozen=True, kw_only=True):
    messages: tuple[KnownMessage, ...] = ()


class _SplitValue(_ValueBase, frozen=True, kw_only=True):
    # The usual reason a value fails: one message; this keeps the rest typed.
    messages: tuple[msgspec.Raw, ...] = ()


def _value_type(change_type: type[_ChangeBase]) -> Any:
    for info in msgspec.structs.fields(change_type):
        if info.name == "value":
            return info.type
    raise TypeError(f"{change_type.__name__} has no value")  # pragma: no cover - a coding slip


#: field -> the type its value decodes into (the messages field: with known kinds only).
_VALUE_TYPES: dict[str, Any] = {
    field: (_FastValue if field == "messages" else _value_type(change_type))
    for field, change_type in CHANGE_TYPES.items()
}

# The fast pass: one mirror per field, tagged on "field", so one decode does all.
_MIRRORS = tuple(
    msgspec.defstruct(
        f"_Fast_{field}", [("value", value_type)], bases=(_Strict,),
        tag_field="field", tag=field, frozen=True, kw_only=True,
    )
    for field, value_type in _VALUE_TYPES.items()
)
if TYPE_CHECKING:
    _FastChange = Any
else:
    _FastChange = Union[_MIRRORS]  # noqa: UP007 - the members are built at runtime


class _FastEntry(_Strict, frozen=True, kw_only=True):
    id: str
    time: int | None = None
    changes: tuple[_FastChange, ...] = ()


class _FastNotification(_Strict, frozen=True, kw_only=True):
    object: str
    entry: tuple[_FastEntry, ...] = ()


class _EnvelopeChange(_Strict, frozen=True, kw_only=True):
    field: str
    value: msgspec.Raw


class _EnvelopeEntry(_Strict, frozen=True, kw_only=True):
    id: str
    time: int | None = None
    changes: tuple[_EnvelopeChange, ...] = ()


class _Envelope(_Strict, frozen=True, kw_only=True):
    # The slow pass's first try: the envelope in one scan, when it has only known keys.
    object: str
    entry: tuple[_EnvelopeEntry, ...] = ()


_fast = msgspec.json.Decoder(_FastNotification)
_envelope = msgspec.json.Decoder(_Envelope, strict=False)
_values = {field: msgspec.json.Decoder(tp) for field, tp in _VALUE_TYPES.items()}
_split = msgspec.json.Decoder(_SplitValue)
_object = msgspec.json.Decoder(dict[str, msgspec.Raw])
_array = msgspec.json.Decoder(list[msgspec.Raw])
_plain = msgspec.json.Decoder()
_known_message: msgspec.json.Decoder[KnownMessage] = msgspec.json.Decoder(KnownMessage)
_KINDS: dict[str, type[Any]] = {
    str(cls.__struct_config__.tag): cls for cls in KnownMessage.__args__
}


def parse_notification(raw_body: bytes | bytearray | memoryview | str) -> Notification:
    """Decode a webhook body into a typed :class:`Notification`, dropping nothing.

    Each documented ``field`` decodes into its own change Struct (see
    ``CHANGE_TYPES``); a field Meta has not documented becomes an
    :class:`UnknownChange` holding the raw value, and so does a documented
    non-``messages`` field whose value does not fit (with ``reason``). A
    message of an unknown type (or whose body does not fit its kind) becomes
    an :class:`UnknownMessage` holding the raw object. Keys no Struct models
    are kept in the ``unmodelled`` mapping of their change, entry or
    notification, and the first of each kind is logged once at DEBUG
    (logger ``whatsapp_async.webhooks``). Verify the signature over the same
    bytes first (:func:`verify_signature`).

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
    types = CHANGE_TYPES
    return Notification(
        object=fast.object,
        entry=tuple(
            Entry(
                id=entry.id,
                time=entry.time,
                changes=tuple(_typed(types, c.__struct_config__.tag, c.value)
                              for c in entry.changes),
            )
            for entry in fast.entry
        ),
    )


def _typed(types: dict[str, Any], field: Any, value: Any) -> Change:
    if field == "messages":
        value = _public(value)
    change: Change = types[field](field=field, value=value)
    return change


def _public(
    value: _ValueBase, messages: tuple[InboundMessage, ...] | None = None
) -> MessagesValue:
    return MessagesValue(
        messaging_product=value.messaging_product,
        metadata=value.metadata,
        contacts=value.contacts,
        messages=value.messages if messages is None else messages,  # type: ignore[attr-defined]
        statuses=value.statuses,
        errors=value.errors,
        calls=value.calls,
        message_echoes=value.message_echoes,
    )


# ------------------------------------------------------------------ the slow pass


def _decode(decoder: msgspec.json.Decoder[Any], raw: Any, where: str) -> Any:
    try:
        return decoder.decode(raw)
    except msgspec.ValidationError as exc:
        raise InvalidPayloadError(f"{where}: {exc}") from None
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(f"not JSON ({exc})") from None
    except RecursionError:
        raise InvalidPayloadError(f"JSON nested too deeply in {where}") from None


def _required(obj: dict[str, msgspec.Raw], key: str, where: str) -> msgspec.Raw:
    raw = obj.pop(key, None)
    if raw is None:
        raise InvalidPayloadError(f"{where} has no {key!r}")
    return raw


def _text(raw: msgspec.Raw, where: str) -> str:
    value = _decode(_plain, raw, where)
    if not isinstance(value, str):
        raise InvalidPayloadError(f"{where} is not a string")
    return value


def _rest(obj: dict[str, msgspec.Raw], where: str) -> dict[str, Any]:
    return {key: _decode(_plain, raw, where) for key, raw in obj.items()}


def _parse_slow(raw_body: bytes | bytearray | memoryview | str) -> Notification:
    try:
        envelope = _envelope.decode(raw_body)
    except msgspec.ValidationError:
        return _parse_envelope_keys(raw_body)
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(f"not JSON ({exc})") from None
    except RecursionError:
        raise InvalidPayloadError("JSON nested too deeply") from None
    entries = []
    for i, entry in enumerate(envelope.entry):
        changes = []
        for j, change in enumerate(entry.changes):
            extras: dict[str, Any] = {}
            changes.append(_change(change.field, change.value,
                                   f"entry[{i}].changes[{j}].value", extras))
        entries.append(Entry(id=entry.id, time=entry.time, changes=tuple(changes)))
    return Notification(object=envelope.object, entry=tuple(entries))


def _parse_envelope_keys(raw_body: bytes | bytearray | memoryview | str) -> Notification:
    # The envelope has a key it does not model (or the wrong shape): take it
    # apart key by key, to keep the unknown ones and to say where it is wrong.
    top = _decode(_object, raw_body, "the body")
    kind = _text(_required(top, "object", "the body"), "object")
    entries = []
    for i, raw_entry in enumerate(_decode(_array, top.pop("entry", b"[]"), "entry")):
        where = f"entry[{i}]"
        entry = _decode(_object, raw_entry, where)
        entry_id = _text(_required(entry, "id", where), f"{where}.id")
        time = entry.pop("time", None)
        entry_time = None if time is None else _decode(_time, time, f"{where}.time")
        extras: dict[str, Any] = {}
        changes = []
        raw_changes = _decode(_array, entry.pop("changes", b"[]"), f"{where}.changes")
        for j, raw_change in enumerate(raw_changes):
            at = f"{where}.changes[{j}]"
            change = _decode(_object, raw_change, at)
            field = _text(_required(change, "field", at), f"{at}.field")
            value = _required(change, "value", at)
            outside = _rest(change, at)
            typed = _change(field, value, f"{at}.value", outside)
            if isinstance(typed, UnknownChange):
                extras.update({f"changes[{j}].{k}": v for k, v in outside.items()})
            changes.append(typed)
        extras.update(_rest(entry, where))
        report("entry", extras)
        entries.append(Entry(id=entry_id, time=entry_time, changes=tuple(changes),
                             unmodelled=extras))
    top_extras = _rest(top, "the body")
    report("notification", top_extras)
    return Notification(object=kind, entry=tuple(entries), unmodelled=top_extras)


_time = msgspec.json.Decoder(int | None, strict=False)


def _change(field: str, raw: msgspec.Raw, where: str, extras: dict[str, Any]) -> Change:
    change_type = CHANGE_TYPES.get(field)
    if change_type is None:
        return UnknownChange(field=field, value=raw.copy())
    if field == "messages":
        value: Any = _messages_value(raw, where, extras)
        # Each message's keys are reported under its own kind, by _message.
        report("messages", {k: v for k, v in extras.items()
                            if not k.startswith("value.messages[")})
    else:
        try:
            value = _values[field].decode(raw)
        except msgspec.ValidationError:
            try:
                value = _lenient(raw, _VALUE_TYPES[field], extras)
            except msgspec.ValidationError as exc:
                return UnknownChange(field=field, value=raw.copy(), reason=str(exc))
            except (msgspec.DecodeError, UnicodeError) as exc:
                # Raised inside the handler above, so its siblings below miss it.
                raise InvalidPayloadError(f"{exc} (in {where})") from None
        except (msgspec.DecodeError, UnicodeError) as exc:
            raise InvalidPayloadError(f"{exc} (in {where})") from None
        except RecursionError:
            raise InvalidPayloadError(f"JSON nested too deeply in {where}") from None
        report(field, extras)
    typed: Change = change_type(field=field, value=value, unmodelled=extras)  # type: ignore[call-arg,assignment]
    return typed


def _lenient(raw: msgspec.Raw, tp: Any, extras: dict[str, Any]) -> Any:
    try:
        data = _plain.decode(raw)
    except RecursionError:
        raise msgspec.ValidationError("JSON nested too deeply") from None
    set_aside(data, tp, "value", extras)
    return msgspec.convert(data, tp, strict=False)


def _messages_value(raw: msgspec.Raw, where: str, extras: dict[str, Any]) -> MessagesValue:
    try:
        return _public(_values["messages"].decode(raw))
    except msgspec.ValidationError:
        pass
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(f"{exc} (in {where})") from None
    except RecursionError:
        raise InvalidPayloadError(f"JSON nested too deeply in {where}") from None
    base: _ValueBase
    try:
        base = split = _split.decode(raw)
        raw_messages: Any = split.messages
    except msgspec.ValidationError:
        obj = _decode(_object, raw, where)
        raw_messages = _decode(_array, obj.pop("messages", b"[]"), f"{where}.messages")
        rest = _rest(obj, where)
        set_aside(rest, _ValueBase, "value", extras)
        try:
            base = msgspec.convert(rest, _ValueBase, strict=False)
        except msgspec.ValidationError as exc:
            raise InvalidPayloadError(f"{exc} (in {where})") from None
    messages = tuple(
        _message(message, f"{where}.messages[{k}]", f"value.messages[{k}]", extras)
        for k, message in enumerate(raw_messages)
    )
    return _public(base, messages)


def _message(raw: msgspec.Raw, where: str, path: str, extras: dict[str, Any]) -> InboundMessage:
    try:
        return _known_message.decode(raw)
    except msgspec.ValidationError as exc:
        reason = str(exc)
    except (msgspec.DecodeError, UnicodeError) as exc:
        raise InvalidPayloadError(f"{exc} (in {where})") from None
    except RecursionError:
        raise InvalidPayloadError(f"JSON nested too deeply in {where}") from None
    data = _decode(_plain, raw, where)
    if not isinstance(data, dict):
        raise InvalidPayloadError(f"{where} is not a JSON object")
    kind = data.get("type")
    cls = _KINDS.get(kind) if isinstance(kind, str) else None
    if cls is not None:
        local: dict[str, Any] = {}
        head = dict(data)
        set_aside(data, cls, path, local)
        try:
            message: InboundMessage = msgspec.convert(data, cls, strict=False)
        except msgspec.ValidationError as exc:
            reason = str(exc)
            data = head
        else:
            extras.update(local)
            report(f"messages.{kind}", local)
            return message
    return UnknownMessage(
        type=_str(data.get("type")),
        id=_str(data.get("id")),
        from_=_str(data.get("from")),
        timestamp=_str(data.get("timestamp")),
        raw=raw.copy(),
        reason=reason,
        context=_context(data.get("context")),
    )


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _context(value: object) -> Context | None:
    if value is None:
        return None
    try:
        return msgspec.convert(value, Context, strict=False)
    except msgspec.ValidationError:
        return None
