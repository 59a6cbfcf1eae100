"""What the fake remembers: numbers, recorded messages, media, QR codes, limits."""

from __future__ import annotations

import base64
import hashlib
import random
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from ..types.messages import Message

__all__ = [
    "PairLimit",
    "PhoneNumberState",
    "ReadMark",
    "RecordedMessage",
    "Refusal",
    "StoredMedia",
    "StoredQrCode",
    "TokenBucket",
]


@dataclass(frozen=True)
class RecordedMessage:
    """One message the fake accepted and recorded (``fake.sent``).

    Accepted is not delivered: a message recorded here may still get a
    ``failed`` status webhook, or its answer may have been dropped by a fault.

    Attributes:
        id: The ``wamid.…`` id it answered with.
        phone_number_id: The business number it was sent from.
        to: The recipient exactly as the request gave it.
        wa_id: The recipient's digits (what the answer's ``wa_id`` holds).
        type: Message type (``"text"``, ``"template"``, ...).
        body: The decoded JSON request body.
        time: Unix time of acceptance (the fake's clock).
        raw: The request body exactly as received.
    """

    id: str
    phone_number_id: str
    to: str
    wa_id: str
    type: str
    body: dict[str, Any]
    time: float
    raw: bytes = field(default=b"", repr=False)

    @property
    def message(self) -> Message:
        """The message as the library's Struct (``Text``, ``Image``, ...).

        Decoded with the client's own types on demand; the fake's checks never
        depend on them.

        Raises:
            msgspec.ValidationError: The body is not a send the library models.
        """
        from ..types.messages import decode_request, message_of

        return message_of(decode_request(msgspec.json.encode(self.body)))

    @property
    def text(self) -> str | None:
        """The text body of a text message, else None."""
        text = self.body.get("text")
        return text.get("body") if isinstance(text, dict) else None


@dataclass(frozen=True)
class ReadMark:
    """A mark-as-read (and typing indicator) request the fake accepted."""

    phone_number_id: str
    message_id: str
    typing_indicator: bool
    time: float


@dataclass(frozen=True)
class Refusal:
    """An error answer the fake gave (Graph body or injected fault)."""

    operation: str
    code: int | None
    status: int
    phone_number_id: str | None
    time: float


@dataclass
class StoredMedia:
    """An uploaded (or simulated inbound) media file."""

    id: str
    phone_number_id: str
    data: bytes
    mime_type: str
    filename: str | None
    sha256: str
    created: float

    @property
    def file_size(self) -> int:
        return len(self.data)

    @classmethod
    def create(cls, media_id: str, phone_number_id: str, data: bytes, mime_type: str,
               filename: str | None, now: float) -> StoredMedia:
        digest = hashlib.sha256(data).hexdigest()
        return cls(media_id, phone_number_id, data, mime_type, filename, digest, now)

    @property
    def sha256_base64(self) -> str:
        """The digest as webhooks show it (base64)."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


@dataclass
class StoredQrCode:
    """A QR code (``message_qrdls``) the fake stores for one business number."""

    code: str
    phone_number_id: str
    prefilled_message: str
    image_format: str | None = None


@dataclass(frozen=True)
class PairLimit:
    """Messages one business number may send one recipient.

    Meta allows about 1 message per 6 seconds to one user, with bursts of up to
    45 "borrowed" from the future. ``burst`` is the bucket's size and one token
    comes back every ``interval`` seconds.
    """

    burst: int = 45
    interval: float = 6.0


class TokenBucket:
    """A token bucket on the fake's clock: ``capacity`` tokens, ``rate`` per second."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def take(self, now: float) -> bool:
        """Take one token if there is one."""
        tokens = self.tokens + (now - self.stamp) * self.rate
        self.tokens = tokens if tokens < self.capacity else self.capacity
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass
class PhoneNumberState:
    """One business phone number as the fake sees it.

    Attributes:
        id: Phone number id (the path segment).
        display_phone_number: The human-readable number.
        verified_name: Display name.
        registered: Whether it may send (deregister clears it).
        code_verification_status: ``"VERIFIED"`` / ``"NOT_VERIFIED"``.
        pin: The two-step verification PIN, once set.
        pending_code: The code "sent by SMS" by the last request_code.
        profile: The stored business profile fields.
        register_calls: Times of recent register/deregister calls.
        quality_rating: ``"GREEN"`` etc.
        throughput_level: ``"STANDARD"`` or ``"HIGH"``.
    """

    id: str
    display_phone_number: str
    verified_name: str = "Fake Business"
    registered: bool = True
    code_verification_status: str = "VERIFIED"
    pin: str | None = None
    pending_code: str | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    register_calls: deque[float] = field(default_factory=deque)
    quality_rating: str = "GREEN"
    throughput_level: str = "STANDARD"


class Ids:
    """Deterministic id factory (wamids, media ids, QR codes, trace ids)."""

    _QR_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

    def __init__(self, seed: int) -> None:
        self._random = random.Random(f"ids:{seed}")
        self._prefix = base64.b64encode(self._random.randbytes(6)).decode()
        self._count = 0

    def wamid(self, wa_id: str) -> str:
        # Real wamids are base64 of a binary blob that starts with the
        # recipient's number; a counter keeps these unique and cheap.
        self._count += 1
        raw = f"{wa_id}:{self._prefix}:{self._count:010d}".encode()
        return "wamid." + base64.b64encode(raw).decode()

    def media_id(self) -> str:
        return str(self._random.randrange(10**15, 10**16))

    def qr_code(self) -> str:
        return "".join(self._random.choice(self._QR_ALPHABET) for _ in range(14))

    def verification_code(self) -> str:
        return f"{self._random.randrange(10**6):06d}"

    def fbtrace_id(self) -> str:
        return "A" + base64.b64encode(self._random.randbytes(16)).decode()[:22].replace(
            "+", "x").replace("/", "y")

    def url_token(self) -> str:
        return base64.urlsafe_b64encode(self._random.randbytes(18)).decode()
