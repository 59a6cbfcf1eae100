"""One ``MessageEvent`` subclass per message kind: ``on_message(kind=...)`` narrows the type.

``on_message(kind="interactive")`` hands its handler an :class:`InteractiveEvent`,
whose ``message`` is an ``InteractiveMessage``: ``event.message.interactive``
type-checks without ``isinstance``. The router builds the subclass of the
message's kind at runtime too, so the annotation is true.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types.webhooks import (
    AudioMessage,
    ButtonMessage,
    ContactsMessage,
    DocumentMessage,
    EditMessage,
    ImageMessage,
    InteractiveMessage,
    LocationMessage,
    OrderMessage,
    ReactionMessage,
    RequestWelcomeMessage,
    RevokeMessage,
    StickerMessage,
    SystemMessage,
    TextMessage,
    UnknownMessage,
    UnsupportedMessage,
    VideoMessage,
)
from ._events import MessageEvent

__all__ = [
    "EVENT_FOR_KIND",
    "AudioEvent",
    "ButtonEvent",
    "ContactsEvent",
    "DocumentEvent",
    "EditEvent",
    "ImageEvent",
    "InteractiveEvent",
    "LocationEvent",
    "OrderEvent",
    "ReactionEvent",
    "RequestWelcomeEvent",
    "RevokeEvent",
    "StickerEvent",
    "SystemEvent",
    "TextEvent",
    "UnknownMessageEvent",
    "UnsupportedEvent",
    "VideoEvent",
]


@dataclass(frozen=True)
class TextEvent(MessageEvent):
    """A ``text`` message: ``message`` is a :class:`TextMessage`."""

    message: TextMessage = field(kw_only=True)


@dataclass(frozen=True)
class ImageEvent(MessageEvent):
    """An ``image`` message: ``message`` is an :class:`ImageMessage`."""

    message: ImageMessage = field(kw_only=True)


@dataclass(frozen=True)
class AudioEvent(MessageEvent):
    """An ``audio`` message: ``message`` is an :class:`AudioMessage`."""

    message: AudioMessage = field(kw_only=True)


@dataclass(frozen=True)
class VideoEvent(MessageEvent):
    """A ``video`` message: ``message`` is a :class:`VideoMessage`."""

    message: VideoMessage = field(kw_only=True)


@dataclass(frozen=True)
class DocumentEvent(MessageEvent):
    """A ``document`` message: ``message`` is a :class:`DocumentMessage`."""

    message: DocumentMessage = field(kw_only=True)


@dataclass(frozen=True)
class StickerEvent(MessageEvent):
    """A ``sticker`` message: ``message`` is a :class:`StickerMessage`."""

    message: StickerMessage = field(kw_only=True)


@dataclass(frozen=True)
class LocationEvent(MessageEvent):
    """A ``location`` message: ``message`` is a :class:`LocationMessage`."""

    message: LocationMessage = field(kw_only=True)


@dataclass(frozen=True)
class ContactsEvent(MessageEvent):
    """A ``contacts`` message: ``message`` is a :class:`ContactsMessage`."""

    message: ContactsMessage = field(kw_only=True)


@dataclass(frozen=True)
class InteractiveEvent(MessageEvent):
    """An ``interactive`` message: ``message`` is an :class:`InteractiveMessage`."""

    message: InteractiveMessage = field(kw_only=True)


@dataclass(frozen=True)
class ButtonEvent(MessageEvent):
    """A ``button`` message: ``message`` is a :class:`ButtonMessage`."""

    message: ButtonMessage = field(kw_only=True)


@dataclass(frozen=True)
class ReactionEvent(MessageEvent):
    """A ``reaction`` message: ``message`` is a :class:`ReactionMessage`."""

    message: ReactionMessage = field(kw_only=True)


@dataclass(frozen=True)
class OrderEvent(MessageEvent):
    """An ``order`` message: ``message`` is an :class:`OrderMessage`."""

    message: OrderMessage = field(kw_only=True)


@dataclass(frozen=True)
class SystemEvent(MessageEvent):
    """A ``system`` message: ``message`` is a :class:`SystemMessage`."""

    message: SystemMessage = field(kw_only=True)


@dataclass(frozen=True)
class UnsupportedEvent(MessageEvent):
    """An ``unsupported`` message: ``message`` is an :class:`UnsupportedMessage`."""

    message: UnsupportedMessage = field(kw_only=True)


@dataclass(frozen=True)
class UnknownMessageEvent(MessageEvent):
    """An ``unknown`` message: ``message`` is an :class:`UnknownMessage`."""

    message: UnknownMessage = field(kw_only=True)


@dataclass(frozen=True)
class RevokeEvent(MessageEvent):
    """A ``revoke`` message: ``message`` is a :class:`RevokeMessage`."""

    message: RevokeMessage = field(kw_only=True)


@dataclass(frozen=True)
class EditEvent(MessageEvent):
    """An ``edit`` message: ``message`` is an :class:`EditMessage`."""

    message: EditMessage = field(kw_only=True)


@dataclass(frozen=True)
class RequestWelcomeEvent(MessageEvent):
    """A ``request_welcome`` message: ``message`` is a :class:`RequestWelcomeMessage`."""

    message: RequestWelcomeMessage = field(kw_only=True)


#: message kind -> the event class its handlers get.
EVENT_FOR_KIND: dict[str, type[MessageEvent]] = {
    "text": TextEvent,
    "image": ImageEvent,
    "audio": AudioEvent,
    "video": VideoEvent,
    "document": DocumentEvent,
    "sticker": StickerEvent,
    "location": LocationEvent,
    "contacts": ContactsEvent,
    "interactive": InteractiveEvent,
    "button": ButtonEvent,
    "reaction": ReactionEvent,
    "order": OrderEvent,
    "system": SystemEvent,
    "unsupported": UnsupportedEvent,
    "unknown": UnknownMessageEvent,
    "revoke": RevokeEvent,
    "edit": EditEvent,
    "request_welcome": RequestWelcomeEvent,
}
