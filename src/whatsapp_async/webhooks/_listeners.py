"""Listeners: wait inline for a user's next message, so a multi-step chatbot reads top to bottom.

``reply = await router.wait_for(from_=event.sender.wa_id, kind="interactive",
timeout=300)`` parks the handler until that user's next matching message.
The message goes to the oldest waiting listener instead of the handlers;
messages of other users, or that do not match, are dispatched as usual.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Literal, overload

from ..errors import ConfigurationError
from ..types.webhooks import MESSAGE_KINDS
from ._events import MessageEvent, message_text
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

__all__ = ["Listening"]


@dataclass(eq=False)
class _Waiter:
    sender: str
    kinds: frozenset[str] | None
    pattern: re.Pattern[str] | None
    future: asyncio.Future[MessageEvent]

    def take(self, event: MessageEvent) -> MessageEvent | None:
        message = event.message
        if message.from_.lstrip("+") != self.sender:
            return None
        if self.kinds is not None and message.kind not in self.kinds:
            return None
        if self.pattern is None:
            return event
        text = message_text(message)
        match = self.pattern.search(text) if text is not None else None
        return None if match is None else replace(event, match=match)


class Listening:
    """``wait_for``: the router's listeners; :class:`WebhookRouter` inherits it."""

    _waiters: list[_Waiter]

    def _listeners(self) -> list[_Waiter]:
        try:
            return self._waiters
        except AttributeError:
            self._waiters = []
            return self._waiters

    @property
    def waiting(self) -> int:
        """How many ``wait_for`` calls are waiting now."""
        return sum(1 for w in self._listeners() if not w.future.done())

    def _offer(self, event: MessageEvent) -> bool:
        """Hand ``event`` to the oldest listener it matches; True if one took it."""
        waiters = self._listeners()
        if not waiters:
            return False
        for waiter in waiters:
            if waiter.future.done():
                continue
            taken = waiter.take(event)
            if taken is not None:
                waiter.future.set_result(taken)
                waiters.remove(waiter)
                return True
        return False

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["text"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> TextEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["image"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> ImageEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["audio"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> AudioEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["video"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> VideoEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["document"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> DocumentEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["sticker"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> StickerEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["location"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> LocationEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["contacts"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> ContactsEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["interactive"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> InteractiveEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["button"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> ButtonEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["reaction"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> ReactionEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["order"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> OrderEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["system"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> SystemEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["unsupported"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> UnsupportedEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["unknown"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> UnknownMessageEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["revoke"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> RevokeEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["edit"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> EditEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: Literal["request_welcome"],
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> RequestWelcomeEvent: ...

    @overload
    async def wait_for(
        self, *, from_: str, kind: str | Collection[str] | None = None,
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> MessageEvent: ...

    async def wait_for(
        self, *, from_: str, kind: str | Collection[str] | None = None,
        text: str | re.Pattern[str] | None = None, timeout: float | None = None,
    ) -> MessageEvent:
        """Wait for the next message of one user, and take it from the handlers.

        Listeners of different users never see each other's messages; two
        listeners of the same user get its messages oldest listener first.
        A message that does not match goes to the handlers as usual.
        Redeliveries are dropped before listeners see them. Cancelling the
        call (or its timeout) withdraws the listener; nothing is lost.

        Args:
            from_: The user's number (with or without ``+``), e.g.
                ``event.sender.wa_id``.
            kind: Message kind(s) to wait for; with one kind the result is
                that kind's event class (``"interactive"`` -> ``InteractiveEvent``).
            text: Regular expression the message's text must match (``event.match``).
            timeout: Seconds to wait; None waits forever.

        Returns:
            The message event.

        Raises:
            TimeoutError: No matching message came within ``timeout``.
            ConfigurationError: An unknown kind, or ``from_`` is empty.
        """
        sender = from_.lstrip("+")
        if not sender:
            raise ConfigurationError("wait_for needs from_, the number of the user to wait for")
        kinds = frozenset((kind,) if isinstance(kind, str) else kind) if kind is not None else None
        if kinds is not None and not kinds <= MESSAGE_KINDS:
            unknown = ", ".join(sorted(kinds - MESSAGE_KINDS))
            raise ConfigurationError(f"unknown message kind(s) {unknown}")
        pattern = re.compile(text) if isinstance(text, str) else text
        future: asyncio.Future[MessageEvent] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(sender, kinds, pattern, future)
        waiters = self._listeners()
        waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            # Before Python 3.11 asyncio's TimeoutError is not the built-in one.
            raise TimeoutError(f"no matching message from {sender} within {timeout} s") from None
        finally:
            if waiter in waiters:
                waiters.remove(waiter)
