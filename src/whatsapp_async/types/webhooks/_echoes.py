"""Message echoes: what the business sent from another app (``message_echoes`` fields).

An echo looks like an inbound message with a ``to``; its content sits under
the key named like its ``type``, as for inbound messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from ._common import ErrorInfo, Metadata, _ChangeBase, _to_datetime, _Wire
from ._message_contents import (
    AudioContent,
    ContactCard,
    DocumentContent,
    ImageContent,
    LocationContent,
    ReactionContent,
    StickerContent,
    TextContent,
    VideoContent,
)

__all__ = ["MessageEcho", "MessageEchoesChange", "MessageEchoesValue", "SmbMessageEchoesChange"]


class MessageEcho(_Wire, frozen=True, kw_only=True):
    """A message the business sent, echoed back.

    Attributes:
        from_: The business number (wire name ``from``).
        to: The user it went to.
        id: Its wamid.
        timestamp: Unix seconds as a string.
        type: Which content field is set (``text``, ``image``, ...).
        to_user_id: The recipient's business-scoped user id.
        template: A sent template as Meta echoes it (kept as JSON).
        interactive: A sent interactive message as echoed (kept as JSON).
    """

    from_: str | None = msgspec.field(default=None, name="from")
    to: str | None = None
    id: str
    timestamp: str
    type: str
    to_user_id: str | None = None
    text: TextContent | None = None
    image: ImageContent | None = None
    audio: AudioContent | None = None
    video: VideoContent | None = None
    document: DocumentContent | None = None
    sticker: StickerContent | None = None
    location: LocationContent | None = None
    contacts: tuple[ContactCard, ...] = ()
    reaction: ReactionContent | None = None
    # What a business sends in these has the outbound shape, which varies by
    # sub-type: kept as plain JSON rather than guessed at.
    template: dict[str, Any] | None = None
    interactive: dict[str, Any] | None = None
    errors: tuple[ErrorInfo, ...] = ()

    @property
    def time(self) -> datetime:
        """``timestamp`` as an aware UTC datetime."""
        return _to_datetime(self.timestamp, "timestamp")


class MessageEchoesValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``message_echoes`` / ``smb_message_echoes`` change."""

    messaging_product: str | None = None
    metadata: Metadata
    message_echoes: tuple[MessageEcho, ...] = ()


class MessageEchoesChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``message_echoes`` change: messages sent by the business from another app."""

    value: MessageEchoesValue


class SmbMessageEchoesChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``smb_message_echoes`` change: messages sent from the WhatsApp Business app."""

    value: MessageEchoesValue
