"""Handler registration: the ``on_*`` decorators and the filters they compile into routes.

:class:`WebhookRouter` inherits these; dispatch asks each route whether an
update passes its filters.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar, overload

from ..errors import ConfigurationError
from ..types.webhooks import MESSAGE_KINDS
from ._events import ChangeEvent, ErrorEvent, MessageEvent, StatusEvent, message_text
from ._kind_events import (
    AudioEvent,
    ButtonEvent,
    ContactsEvent,
    DocumentEvent,
    EditEvent,
    ImageEvent,
    InteractiveEvent,
    LocationEvent,
    OrderEvent,
    ReactionEvent,
    RequestWelcomeEvent,
    RevokeEvent,
    StickerEvent,
    SystemEvent,
    TextEvent,
    UnknownMessageEvent,
    UnsupportedEvent,
    VideoEvent,
)

__all__ = [
    "ChangeHandler",
    "ErrorHandler",
    "Handler",
    "HandlerRegistry",
    "MessageHandler",
    "StatusHandler",
]

E = TypeVar("E")
Handler = Callable[[E], Awaitable[Any]]
"""An async handler of events of type ``E``."""
MessageHandler = Callable[[MessageEvent], Awaitable[Any]]
StatusHandler = Callable[[StatusEvent], Awaitable[Any]]
ErrorHandler = Callable[[ErrorEvent], Awaitable[Any]]
ChangeHandler = Callable[[ChangeEvent], Awaitable[Any]]
MH = TypeVar("MH", bound=MessageHandler)
SH = TypeVar("SH", bound=StatusHandler)
EH = TypeVar("EH", bound=ErrorHandler)
CH = TypeVar("CH", bound=ChangeHandler)


@dataclass(frozen=True)
class _MessageRoute:
    handler: MessageHandler
    kinds: frozenset[str] | None
    pattern: re.Pattern[str] | None
    senders: frozenset[str] | None

    def event_for(self, event: MessageEvent) -> MessageEvent | None:
        """``event`` as this route's handler gets it, or None if the filters refuse it."""
        message = event.message
        if self.kinds is not None and message.kind not in self.kinds:
            return None
        if self.senders is not None and message.from_.lstrip("+") not in self.senders:
            return None
        if self.pattern is None:
            return event
        text = message_text(message)
        match = self.pattern.search(text) if text is not None else None
        return None if match is None else replace(event, match=match)


@dataclass(frozen=True)
class _StatusRoute:
    handler: StatusHandler
    statuses: frozenset[str] | None

    def accepts(self, status: str) -> bool:
        return self.statuses is None or status in self.statuses


@dataclass(frozen=True)
class _ChangeRoute:
    handler: ChangeHandler
    fields: frozenset[str] | None

    def accepts(self, field: str) -> bool:
        return self.fields is None or field in self.fields

    def accepts_change(self, change: Any) -> bool:
        """Whether ``change`` passes this route's filters (a subclass may add some)."""
        return self.accepts(change.field)


def _names(value: str | Collection[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset((value,) if isinstance(value, str) else value)


def _check_async(handler: object) -> None:
    call = getattr(handler, "__call__", None)  # noqa: B004 - also accept async callables
    if not (inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(call)):
        raise ConfigurationError(f"webhook handler {handler!r} must be an async function")


class HandlerRegistry:
    """The handlers of a router, in registration order, with their filters."""

    def __init__(self) -> None:
        self._message_routes: list[_MessageRoute] = []
        self._status_routes: list[_StatusRoute] = []
        self._error_routes: list[ErrorHandler] = []
        self._change_routes: list[_ChangeRoute] = []

    @property
    def handler_count(self) -> int:
        """How many handlers are registered."""
        return (len(self._message_routes) + len(self._status_routes)
                + len(self._error_routes) + len(self._change_routes))

    @overload
    def on_message(self, handler: MH, /) -> MH: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["text"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[TextEvent]], Handler[TextEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["image"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[ImageEvent]], Handler[ImageEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["audio"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[AudioEvent]], Handler[AudioEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["video"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[VideoEvent]], Handler[VideoEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["document"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[DocumentEvent]], Handler[DocumentEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["sticker"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[StickerEvent]], Handler[StickerEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["location"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[LocationEvent]], Handler[LocationEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["contacts"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[ContactsEvent]], Handler[ContactsEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["interactive"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[InteractiveEvent]], Handler[InteractiveEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["button"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[ButtonEvent]], Handler[ButtonEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["reaction"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[ReactionEvent]], Handler[ReactionEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["order"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[OrderEvent]], Handler[OrderEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["system"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[SystemEvent]], Handler[SystemEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["unsupported"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[UnsupportedEvent]], Handler[UnsupportedEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["unknown"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[UnknownMessageEvent]], Handler[UnknownMessageEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["revoke"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[RevokeEvent]], Handler[RevokeEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["edit"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[EditEvent]], Handler[EditEvent]]: ...

    @overload
    def on_message(  # type: ignore[overload-overlap]
        self, handler: None = None, /, *, kind: Literal["request_welcome"],
        text: str | re.Pattern[str] | None = None, from_: str | Collection[str] | None = None,
    ) -> Callable[[Handler[RequestWelcomeEvent]], Handler[RequestWelcomeEvent]]: ...

    @overload
    def on_message(
        self,
        handler: None = None,
        /,
        *,
        kind: str | Collection[str] | None = None,
        text: str | re.Pattern[str] | None = None,
        from_: str | Collection[str] | None = None,
    ) -> Callable[[MH], MH]: ...

    def on_message(
        self,
        handler: MessageHandler | None = None,
        /,
        *,
        kind: str | Collection[str] | None = None,
        text: str | re.Pattern[str] | None = None,
        from_: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for inbound messages (usable bare or with filters).

        Args:
            handler: The handler, when used as a bare ``@router.on_message``.
            kind: Message kind(s): ``"text"``, ``"image"``, ``"audio"``,
                ``"video"``, ``"document"``, ``"sticker"``, ``"location"``,
                ``"contacts"``, ``"interactive"``, ``"button"``, ``"reaction"``,
                ``"order"``, ``"system"``, ``"revoke"``, ``"edit"``,
                ``"request_welcome"``, ``"unsupported"`` or ``"unknown"``. With
                one kind, the handler gets that kind's event class
                (``kind="interactive"`` -> :class:`InteractiveEvent`, whose
                ``message`` is an ``InteractiveMessage``), and type checkers know it.
            text: Regular expression searched in the message's text (text body,
                button text, reply title or caption); the match is ``event.match``.
            from_: Sender number(s) (with or without ``+``).

        Returns:
            The handler unchanged (or a decorator that returns it).

        Raises:
            ConfigurationError: Unknown kind, or the handler is not async.
        """
        kinds = _names(kind)
        if kinds is not None and not kinds <= MESSAGE_KINDS:
            unknown = ", ".join(sorted(kinds - MESSAGE_KINDS))
            raise ConfigurationError(
                f"unknown message kind(s) {unknown}; use {', '.join(sorted(MESSAGE_KINDS))}"
            )
        pattern = re.compile(text) if isinstance(text, str) else text
        senders = _names(from_)
        if senders is not None:
            senders = frozenset(s.lstrip("+") for s in senders)

        def register(h: MessageHandler) -> MessageHandler:
            _check_async(h)
            self._message_routes.append(_MessageRoute(h, kinds, pattern, senders))
            return h

        return register(handler) if handler is not None else register

    @overload
    def on_status(self, handler: SH, /) -> SH: ...

    @overload
    def on_status(
        self, handler: None = None, /, *, status: str | Collection[str] | None = None
    ) -> Callable[[SH], SH]: ...

    def on_status(
        self, handler: StatusHandler | None = None, /, *,
        status: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for status updates of messages you sent.

        Args:
            handler: The handler, when used as a bare ``@router.on_status``.
            status: Status value(s) to receive: ``"sent"``, ``"delivered"``,
                ``"read"``, ``"failed"``, ``"played"`` (others are passed as they come).

        Returns:
            The handler unchanged (or a decorator that returns it).

        Raises:
            ConfigurationError: The handler is not async.
        """
        statuses = _names(status)

        def register(h: StatusHandler) -> StatusHandler:
            _check_async(h)
            self._status_routes.append(_StatusRoute(h, statuses))
            return h

        return register(handler) if handler is not None else register

    def on_error(self, handler: EH, /) -> EH:
        """Register a handler for account- or app-level errors (``value.errors[]``).

        Failed sends arrive as statuses (``on_status(status="failed")``), and
        handler exceptions are logged, not routed here.

        Args:
            handler: The handler (used as a bare ``@router.on_error``).

        Returns:
            The handler unchanged.

        Raises:
            ConfigurationError: The handler is not async.
        """
        _check_async(handler)
        self._error_routes.append(handler)
        return handler

    @overload
    def on_change(self, handler: CH, /) -> CH: ...

    @overload
    def on_change(
        self, handler: None = None, /, *, field: str | Collection[str] | None = None
    ) -> Callable[[CH], CH]: ...

    def on_change(
        self, handler: ChangeHandler | None = None, /, *,
        field: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for changes of other fields than ``messages``.

        Args:
            handler: The handler, when used as a bare ``@router.on_change``.
            field: Field name(s), e.g. ``"message_template_status_update"``.

        Returns:
            The handler unchanged (or a decorator that returns it).

        Raises:
            ConfigurationError: The handler is not async.
        """
        fields = _names(field)

        def register(h: ChangeHandler) -> ChangeHandler:
            _check_async(h)
            self._change_routes.append(_ChangeRoute(h, fields))
            return h

        return register(handler) if handler is not None else register
