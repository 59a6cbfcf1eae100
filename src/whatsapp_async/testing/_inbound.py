"""Simulated inbound messages: what a user "sends" the business, posted as a webhook."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._routes_media import MediaRoutes
from ._state import FakeStore, PhoneNumberState, digits
from ._webhooks import (
    InboundButtonReply,
    InboundFlowReply,
    InboundListReply,
    InboundLocation,
    InboundReaction,
    Media,
    QuickReply,
    SimulatedMessage,
    WebhookDelivery,
    envelope,
    inbound_value,
)

if TYPE_CHECKING:
    from ._server import FakeCloudAPI

__all__ = ["InboundSimulator"]


class InboundSimulator:
    """Builds inbound notifications and posts them (``FakeCloudAPI.simulate_inbound``).

    Args:
        fake: Whose WABA id goes in the envelope.
        store: Where the last message to each user and the service windows are kept.
        media: Stores inbound media so the business can download it.
    """

    def __init__(self, fake: FakeCloudAPI, store: FakeStore, media: MediaRoutes) -> None:
        self._fake = fake
        self._store = store
        self._media = media

    async def post(self, *, from_: str, text: str | None, message: SimulatedMessage | None,
                   name: str, reply_to: str | None, phone_number_id: str
                   ) -> WebhookDelivery:
        """Post one inbound notification now; see ``FakeCloudAPI.simulate_inbound``."""
        store = self._store
        sender = store.sender
        if sender is None:
            raise RuntimeError("simulate_inbound needs FakeCloudAPI(webhook_url=...) running")
        if (text is None) == (message is None):
            raise ValueError("give exactly one of text= or message=")
        phone_number = store.phone_numbers[phone_number_id]
        wa_id = digits(from_)
        body = self._body(phone_number, text, message)
        if reply_to is None and isinstance(
                message, (InboundButtonReply, InboundListReply, QuickReply)):
            reply_to = store.last_sent.get((phone_number.id, wa_id))
        context = None
        if reply_to is not None:
            context = {"from": phone_number.display_digits, "id": reply_to}
        wamid = store.ids.wamid(wa_id)
        value = inbound_value(wamid=wamid, from_=wa_id, name=name, timestamp=int(store.now()),
                              body=body, context=context)
        store.last_inbound[(phone_number.id, wa_id)] = store.now()
        payload = envelope(self._fake.waba_id, phone_number.id, phone_number.display_digits,
                           value)
        return await sender.post("message", payload, wamid)

    def _body(self, phone_number: PhoneNumberState, text: str | None,
              message: SimulatedMessage | None) -> dict[str, Any]:
        if text is not None:
            return {"type": "text", "text": {"body": text}}
        if isinstance(message, InboundButtonReply):
            return {"type": "interactive", "interactive": {
                "type": "button_reply", "button_reply": {"id": message.id, "title": message.title}
            }}
        if isinstance(message, InboundListReply):
            reply = {"id": message.id, "title": message.title}
            if message.description is not None:
                reply["description"] = message.description
            return {"type": "interactive",
                    "interactive": {"type": "list_reply", "list_reply": reply}}
        if isinstance(message, QuickReply):
            return {"type": "button", "button": {"payload": message.payload,
                                                 "text": message.text}}
        if isinstance(message, InboundLocation):
            location: dict[str, Any] = {"latitude": message.latitude,
                                        "longitude": message.longitude}
            if message.name is not None:
                location["name"] = message.name
            if message.address is not None:
                location["address"] = message.address
            return {"type": "location", "location": location}
        if isinstance(message, InboundReaction):
            return {"type": "reaction",
                    "reaction": {"message_id": message.message_id, "emoji": message.emoji}}
        if isinstance(message, Media):
            return self._media_body(phone_number, message)
        if isinstance(message, InboundFlowReply):
            answers = json.dumps({"flow_token": message.flow_token, **message.response})
            return {"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {
                "name": "flow", "body": message.body, "response_json": answers}}}
        raise TypeError(f"unsupported inbound message: {message!r}")

    def _media_body(self, phone_number: PhoneNumberState, message: Media) -> dict[str, Any]:
        stored = self._media.store(phone_number.id, message.data, message.mime_type,
                                   message.filename)
        obj: dict[str, Any] = {}
        if message.caption is not None:
            obj["caption"] = message.caption
        if message.filename is not None:
            obj["filename"] = message.filename
        obj.update({"mime_type": message.mime_type, "sha256": stored.sha256_base64,
                    "id": stored.id, "url": self._media.download_url(stored)})
        if message.kind == "audio":
            obj["voice"] = message.mime_type.startswith("audio/ogg")
        if message.kind == "sticker":
            obj["animated"] = False
        return {"type": message.kind, message.kind: obj}
