"""Keep what the Structs do not model: find such keys, set them aside, report each kind once.

The parser's slow path decodes a value to plain JSON, lets :func:`set_aside`
move every key no Struct field stands for into a ``path -> value`` mapping,
and converts the rest into the Structs. :func:`report` logs the first such
key of each kind at DEBUG, once per process, so users can tell us about it.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

import msgspec.inspect as mi

__all__ = ["report", "set_aside"]

log = logging.getLogger("whatsapp_async.webhooks")

#: Kinds already reported; bounded, as kinds come from the payload.
_reported: set[str] = set()
_MAX_REPORTED = 1_000
_lock = threading.Lock()


@functools.lru_cache(maxsize=256)
def _info(tp: Any) -> mi.Type:
    return mi.type_info(tp)


def set_aside(data: Any, tp: Any, path: str, out: dict[str, Any]) -> None:
    """Move the keys of ``data`` that type ``tp`` does not model into ``out``.

    Args:
        data: Plain decoded JSON; changed in place.
        tp: The type it is about to be converted to.
        path: Where ``data`` sits, the prefix of the paths put in ``out``.
        out: Receives ``"path.to.key" -> value`` for each key set aside.
    """
    _walk(data, _info(tp), path, out)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(data: Any, info: mi.Type, path: str, out: dict[str, Any]) -> None:
    if isinstance(info, mi.StructType):
        if not isinstance(data, dict):
            return
        fields = {f.encode_name: f.type for f in info.fields}
        for key in list(data):
            sub = fields.get(key)
            if sub is not None:
                _walk(data[key], sub, _join(path, key), out)
            elif key != info.tag_field:
                out[_join(path, key)] = data.pop(key)
    elif isinstance(info, mi.UnionType):
        _walk_union(data, info, path, out)
    elif isinstance(info, (mi.ListType, mi.VarTupleType)) and isinstance(data, list):
        for i, item in enumerate(data):
            _walk(item, info.item_type, f"{path}[{i}]", out)


def _walk_union(data: Any, info: mi.UnionType, path: str, out: dict[str, Any]) -> None:
    if isinstance(data, dict):
        structs = [t for t in info.types if isinstance(t, mi.StructType)]
        if len(structs) == 1:
            _walk(data, structs[0], path, out)
        elif structs:
            tag = data.get(structs[0].tag_field or "")
            for struct in structs:
                if struct.tag == tag:
                    _walk(data, struct, path, out)
    elif isinstance(data, list):
        for t in info.types:
            if isinstance(t, (mi.ListType, mi.VarTupleType)):
                _walk(data, t, path, out)
                return


def report(kind: str, unmodelled: dict[str, Any]) -> None:
    """Log the first unmodelled key of ``kind`` at DEBUG, the first time it is seen.

    Args:
        kind: What the keys belong to, e.g. ``"messages.text"`` or ``"account_update"``.
        unmodelled: The keys set aside (path -> value); only the first path is logged.
    """
    if not unmodelled or kind in _reported:
        return
    with _lock:
        if kind in _reported or len(_reported) >= _MAX_REPORTED:
            return
        _reported.add(kind)
    # The path only, never the value: it may be message content.
    log.debug(
        "webhook %s carries %r, which this library does not model; it is kept in "
        "the change's unmodelled mapping (reported once per kind)",
        kind[:80], next(iter(unmodelled))[:200],
    )

