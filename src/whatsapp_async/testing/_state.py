"""What the fake remembers: numbers, recorded messages, media, QR codes, limits."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import random
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from ..types.messages import Message
    from ._webhooks import WebhookSender

__all__ = [
    "FakeStore",
    "Ids",
    "PairLimit",
    "PhoneNumberState",
    "ReadMark",
    "RecordedMessage",
    "Refusal",
    "StoredMedia",
    "StoredQrCode",
    "TokenBucket",
    "digits",
]


def digits(phone: str) -> str:
    """Only the digits of a phone number: how ``wa_id`` and webhooks write numbers."""
    return "".join(c for c in phone if c.isdigit())


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
    """Messages one business number may send one recipient (``to``).

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

    @property
    def display_digits(self) -> str:
        """The display number's digits, as webhooks write it."""
        return digits(self.display_phone_number)


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


class FakeStore:
    """Everything the fake remembers, and its clock.

    The route modules read and change it; ``FakeCloudAPI`` shows it.
    :meth:`reset` forgets every record but keeps the id sequence, the clock
    and the webhook sender.

    Attributes:
        phone_numbers: Business numbers by ``phone_number_id``.
        sent: Messages accepted, in order.
        read_marks: Mark-as-read requests accepted, in order.
        refusals: Error answers given, in order.
        media: Stored media by id.
        qr_codes: Stored QR codes by code.
        dropped: Connections closed without an answer by faults.
        ids: Makes every id the fake hands out.
        sender: Posts webhooks while the fake runs with a ``webhook_url``.
        download_tokens: Media download URL token -> (media id, monotonic expiry).
        buckets: Throughput bucket of each ``phone_number_id``.
        rates: Throughput limits changed by ``set_throughput``.
        pairs: Pair-limit bucket of each (``phone_number_id``, recipient ``wa_id``).
        last_sent: Last wamid sent to each (``phone_number_id``, ``wa_id``).
        last_inbound: Time of each user's last inbound message, same keys.
        failing: Recipient ``wa_id`` -> code its deliveries fail with.
    """

    phone_numbers: dict[str, PhoneNumberState]
    sent: list[RecordedMessage]
    read_marks: list[ReadMark]
    refusals: list[Refusal]
    media: dict[str, StoredMedia]
    qr_codes: dict[str, StoredQrCode]
    dropped: int
    download_tokens: dict[str, tuple[str, float]]
    buckets: dict[str, TokenBucket]
    rates: dict[str, float]
    pairs: dict[tuple[str, str], TokenBucket]
    last_sent: dict[tuple[str, str], str]
    last_inbound: dict[tuple[str, str], float]
    failing: dict[str, int]

    def __init__(self, phone_number_ids: Sequence[str], seed: int) -> None:
        self._phone_number_ids = tuple(phone_number_ids)
        self.ids = Ids(seed)
        self.clock_offset = 0.0
        self.sender: WebhookSender | None = None
        self.reset()

    def reset(self) -> None:
        """Forget every record, as if the fake had just been started."""
        self.phone_numbers = {
            phone_number_id: PhoneNumberState(
                id=phone_number_id,
                display_phone_number=f"+1 555-010-{i:04d}",
                profile={"about": "Hey there! I am using WhatsApp.", "vertical": "OTHER"},
            )
            for i, phone_number_id in enumerate(self._phone_number_ids)
        }
        self.sent = []
        self.read_marks = []
        self.refusals = []
        self.media = {}
        self.qr_codes = {}
        self.dropped = 0
        self.download_tokens = {}
        self.buckets = {}
        self.rates = {}
        self.pairs = {}
        self.last_sent = {}
        self.last_inbound = {}
        self.failing = {}

    def now(self) -> float:
        """The fake's wall clock (Unix seconds, ``advance`` included)."""
        return time.time() + self.clock_offset

    def mono(self) -> float:
        """The fake's monotonic clock (``advance`` included), for limits and expiries."""
        return asyncio.get_running_loop().time() + self.clock_offset

    def note_refusal(self, operation: str, code: int | None, status: int,
                     phone_number: PhoneNumberState | None) -> None:
        """Record an error answer."""
        phone_number_id = phone_number.id if phone_number is not None else None
        self.refusals.append(Refusal(operation, code, status, phone_number_id, self.now()))
