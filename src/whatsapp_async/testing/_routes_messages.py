"""``POST /{phone-number-id}/messages``: sends, mark-as-read, limits, status webhooks."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._gate import Call, ok
from ._graph import GraphError, title_for
from ._state import FakeStore, PhoneNumberState, ReadMark, RecordedMessage, TokenBucket, digits
from ._usage_header import BUSINESS_USAGE, usage_header
from ._validate import MEDIA_TYPES, check_send
from ._webhooks import envelope, status_value

if TYPE_CHECKING:
    from ._server import FakeCloudAPI

__all__ = ["MessageRoutes"]

_DAY = 86400.0


class MessageRoutes:
    """Accepts sends within the number's limits, records them and queues their statuses.

    Args:
        fake: Whose settings apply (read per request).
        store: Where messages are recorded.
    """

    def __init__(self, fake: FakeCloudAPI, store: FakeStore) -> None:
        self._fake = fake
        self._store = store

    async def send(self, call: Call) -> web.Response:
        """``sendMessage``: a message, or a mark-as-read (``status: read``)."""
        phone_number = call.phone_number
        store = self._store
        body = await call.json()
        kind = check_send(body)
        if kind == "read":
            typing = isinstance(body.get("typing_indicator"), dict)
            store.read_marks.append(
                ReadMark(phone_number.id, body["message_id"], typing, store.now())
            )
            return ok()
        if not phone_number.registered:
            raise GraphError(133010, "The phone number is not registered on the Cloud API.")
        if kind == "template":
            self._fake.template_book.check_send(body["template"])
        to: str = body["to"]
        wa_id = digits(to)
        self._spend_limits(phone_number.id, wa_id)
        wamid = store.ids.wamid(wa_id)
        raw = await call.request.read()
        store.sent.append(
            RecordedMessage(wamid, phone_number.id, to, wa_id, kind, body, store.now(), raw)
        )
        store.last_sent[(phone_number.id, wa_id)] = wamid
        if store.sender is not None:
            self._queue_statuses(phone_number, wamid, wa_id, kind, body)
        message: dict[str, str] = {"id": wamid}
        if kind == "template":
            message["message_status"] = "accepted"
        answer = ok({
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": wa_id}],
            "messages": [message],
        })
        answer.headers[BUSINESS_USAGE] = self.usage_header(phone_number.id)
        return answer

    def usage_header(self, phone_number_id: str) -> str:
        """The ``X-Business-Use-Case-Usage`` of a send: how much of the number's second is spent.

        As Meta's: percentages of the allowance, keyed by the business account.
        The share is that of the number's throughput bucket now empty, so it
        nears 100 just before sends get 130429.
        """
        bucket = self._store.buckets.get(phone_number_id)
        share = 0 if bucket is None else round(100 * (1 - bucket.tokens / bucket.capacity))
        return usage_header(self._fake.waba_id, share)

    async def send_marketing(self, call: Call) -> web.Response:
        """``sendMarketingMessage``: like a send, for marketing templates only."""
        body = await call.json()
        if not isinstance(body, dict) or body.get("type") != "template":
            raise GraphError(100, "The Marketing Messages API sends template messages only",
                             message="(#100) Invalid parameter")
        template = body.get("template")
        if isinstance(template, dict) and isinstance(template.get("language"), dict):
            stored = self._fake.template_book.find(str(template.get("name")),
                                                   str(template["language"].get("code")))
            if stored is not None and stored.components is not None \
                    and stored.category != "MARKETING":
                raise GraphError(100, f"Template {stored.name} is {stored.category}: only "
                                 "marketing templates can be sent with this API",
                                 message="(#100) Invalid parameter")
        answer = await self.send(call)
        self._fake.marketing_sent.append(self._store.sent[-1].id)
        return answer

    def _spend_limits(self, phone_number_id: str, wa_id: str) -> None:
        # The number's throughput first (130429), then the pair limit (131056).
        store = self._store
        now = store.mono()
        bucket = store.buckets.get(phone_number_id)
        if bucket is None:
            rate = store.rates.get(phone_number_id, self._fake.messages_per_second)
            # At least one token of room, or a rate below 1/s could never send.
            bucket = store.buckets[phone_number_id] = TokenBucket(rate, max(rate, 1.0), now)
        if not bucket.take(now):
            raise GraphError(130429)
        limit = self._fake.pair_limit
        if limit is None:
            return
        pair_id = (phone_number_id, wa_id)
        pair = store.pairs.get(pair_id)
        if pair is None:
            pair = store.pairs[pair_id] = TokenBucket(1.0 / limit.interval, limit.burst, now)
        if not pair.take(now):
            raise GraphError(131056)

    def _queue_statuses(self, phone_number: PhoneNumberState, wamid: str, wa_id: str,
                        kind: str, body: dict[str, Any]) -> None:
        sender = self._store.sender
        assert sender is not None
        failure = self._delivery_failure(phone_number, wa_id, kind, body)
        if failure is not None:
            sequence: Sequence[str] = ("failed",)
        elif kind == "reaction":
            sequence = ("sent",)  # reactions only ever get "sent"
        else:
            sequence = self._fake.statuses
            if "read" in sequence and not _reads(wamid, self._fake.read_rate):
                sequence = tuple(s for s in sequence if s != "read")
        callback = body.get("biz_opaque_callback_data")
        category = "utility" if kind == "template" else "service"
        conversation = _version_tuple(self._fake.api_version) < (24, 0)
        stamp = int(self._store.now())
        for status in sequence:
            value = status_value(
                wamid=wamid, status=status, recipient_id=wa_id, timestamp=stamp,
                category=category, callback_data=callback, conversation=conversation,
                error=failure if status == "failed" else None,
            )
            payload = envelope(self._fake.waba_id, phone_number.id, phone_number.display_digits,
                               value)
            sender.enqueue("status", payload, wamid, wa_id)

    def _delivery_failure(self, phone_number: PhoneNumberState, wa_id: str, kind: str,
                          body: dict[str, Any]) -> tuple[int, str, str] | None:
        store = self._store
        code = store.failing.get(wa_id)
        if code is not None:
            return code, title_for(code), "Message failed to send."
        if kind in MEDIA_TYPES:
            media_id = body[kind].get("id")
            if media_id is not None and media_id not in store.media:
                return (131053, "Media upload error",
                        f"Media id {media_id} was not found or has been deleted.")
        if self._fake.enforce_service_window and kind != "template":
            last = store.last_inbound.get((phone_number.id, wa_id))
            if last is None or store.now() - last > _DAY:
                return (131047, "Re-engagement message",
                        "Message failed to send because more than 24 hours have passed "
                        "since the customer last replied to this number.")
        return None


def _reads(wamid: str, rate: float) -> bool:
    """Whether the message ``wamid`` gets read: a draw fixed by its id, so runs repeat."""
    if rate >= 1.0:
        return True
    draw = int.from_bytes(hashlib.sha256(wamid.encode()).digest()[:4], "big") / 2**32
    return draw < rate


def _version_tuple(version: str) -> tuple[int, int]:
    major, _, minor = version.lstrip("v").partition(".")
    try:
        return int(major), int(minor or 0)
    except ValueError:
        return (0, 0)
