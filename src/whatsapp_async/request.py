"""One description of an API call: what every resource builds and the client runs.

An :class:`APIRequest` says everything the transport needs to know about a
call (method, checked path, body, what to decode the answer into, whose
throughput it spends, whether repeating it is harmless); nothing else travels
beside it. Resources build one and hand it to
:meth:`WhatsAppClient.request <whatsapp_async.WhatsAppClient.request>`; users
can do the same for an endpoint the library has no method for yet::

    from whatsapp_async import APIRequest
    from whatsapp_async.types.common import Success

    answer = await wa.request(APIRequest(
        "POST", (wa.phone_number_id, "register"), Success, body=...,
    ))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Generic, TypeVar

import msgspec

from ._validation import ID_MAX
from .errors import ValidationError

__all__ = ["APIRequest", "FilePart", "Multipart", "check_segment"]

T = TypeVar("T")

_SEGMENT = re.compile(r"[A-Za-z0-9_.:=~-]+")
_METHODS = frozenset({"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD"})
_IDEMPOTENT_METHODS = frozenset({"GET", "DELETE", "HEAD"})
# Segments already found safe. Every send repeats the same two ("<number>",
# "messages"), so a set lookup saves a regex match per segment on the hot path.
_SAFE_SEGMENTS: set[str] = set()
_SAFE_SEGMENTS_MAX = 4096
# Whole paths already found safe: one tuple lookup instead of one per segment.
_SAFE_PATHS: set[tuple[str, ...]] = set()


def check_segment(name: str, value: str) -> str:
    """Return ``value`` if it is safe as one URL path segment.

    Args:
        name: The field to name in the error (e.g. ``"media_id"``).
        value: The id or literal to check.

    Returns:
        ``value`` unchanged.

    Raises:
        ValidationError: ``value`` is empty, ``.``/``..``, longer than 256
            characters (``ID_MAX``: an id that long would only make the URL too
            long), or holds a character (``/``, ``?``, ``#``, ``%``, whitespace,
            ...) that could change the path.
    """
    if not isinstance(value, str):
        raise ValidationError(name, f"must be a string id, got {type(value).__name__}")
    if len(value) > ID_MAX:
        raise ValidationError(name, f"must be at most {ID_MAX} characters, got {len(value)}")
    if not _SEGMENT.fullmatch(value) or value in (".", ".."):
        raise ValidationError(
            name, "must be a non-empty id of letters, digits and . _ - : = ~ (no '/', '?', '#', "
            "'%', whitespace or '..')"
        )
    return value


@dataclass(frozen=True)
class FilePart:
    """One file field of a multipart body.

    ``open`` is called once per attempt, so a retry re-reads the source; a
    file object it returns is closed after the attempt when ``close`` is true.
    """

    name: str
    filename: str
    content_type: str
    open: Callable[[], bytes | IO[bytes]]
    close: bool = True


@dataclass(frozen=True)
class Multipart:
    """A ``multipart/form-data`` body: plain fields then files."""

    fields: Mapping[str, str] = field(default_factory=dict)
    files: Sequence[FilePart] = ()


class APIRequest(msgspec.Struct, Generic[T], frozen=True, gc=False):
    """One API call, described completely and checked when it is built.

    Attributes:
        method: HTTP method (``"GET"``, ``"POST"``, ``"DELETE"``, ...).
        path: Path segments below the base URL, e.g. ``("1234567890", "messages")``.
            Each is checked so that an id cannot rewrite the URL.
        result_type: What a 2xx answer is decoded into (a Struct type).
        body: A Struct sent as JSON.
        params: Query parameters.
        multipart: A multipart body, instead of ``body``.
        phone_number_id: The business number whose throughput this call spends:
            the throttle takes one of its tokens before each attempt. ``None``
            for calls that send no message.
        idempotent: Whether repeating the call is harmless, which lets a retry
            follow an unknown outcome. ``None`` means "by method": GET, HEAD
            and DELETE are, POST is not (a message send must never be
            repeated behind the caller's back).

    Raises:
        ValidationError: A path segment is unsafe, the method is unknown, or
            both ``body`` and ``multipart`` are given.
    """

    method: str
    path: tuple[str, ...]
    result_type: type[T]
    body: msgspec.Struct | None = None
    params: Mapping[str, str] | None = None
    multipart: Multipart | None = None
    phone_number_id: str | None = None
    idempotent: bool | None = None

    def __post_init__(self) -> None:
        if self.method not in _METHODS:
            raise ValidationError("method", f"must be one of {', '.join(sorted(_METHODS))}")
        path = self.path
        try:
            known = type(path) is tuple and path in _SAFE_PATHS
        except TypeError:  # a segment that cannot be hashed is not a string either
            known = False
        if not known:
            _check_path(path)
        number = self.phone_number_id
        if number is not None and (type(number) is not str or number not in _SAFE_SEGMENTS):
            _remember_safe(check_segment("phone_number_id", number))
        if self.body is not None and self.multipart is not None:
            raise ValidationError("body", "give either body or multipart, not both")

    @property
    def retry_safe(self) -> bool:
        """Whether a retry after an unknown outcome is harmless (see ``idempotent``)."""
        if self.idempotent is not None:
            return self.idempotent
        return self.method in _IDEMPOTENT_METHODS

    @property
    def label(self) -> str:
        """``"METHOD /path"``, as logs and errors name the call."""
        return f"{self.method} /{'/'.join(self.path)}"

    def __str__(self) -> str:
        return self.label


def _check_path(path: object) -> None:
    if type(path) is not tuple or not path:
        raise ValidationError("path", "must be a non-empty tuple of path segments")
    for segment in path:
        if type(segment) is not str or segment not in _SAFE_SEGMENTS:
            _remember_safe(check_segment("path", segment))
    if len(_SAFE_PATHS) >= _SAFE_SEGMENTS_MAX:
        _SAFE_PATHS.clear()  # paths of one-off calls (media ids) must not pile up
    _SAFE_PATHS.add(path)


def _remember_safe(segment: str) -> None:
    if len(_SAFE_SEGMENTS) >= _SAFE_SEGMENTS_MAX:
        _SAFE_SEGMENTS.clear()  # ids of one-off calls (media ids) must not pile up
    _SAFE_SEGMENTS.add(segment)
