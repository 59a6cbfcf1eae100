"""Simulated notifications of the other webhook fields: templates, account, calls, users, groups.

:class:`FieldSimulation` gives :class:`~whatsapp_async.testing.FakeCloudAPI`
its ``simulate_template_status``, ``simulate_call``, ... methods. Each posts a
signed notification shaped like Meta's reference payload of that field, so
``WebhookRouter`` handlers (``on_template_status``, ``on_call``, ...) can be
tested locally.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from ._state import digits
from ._webhooks import WebhookDelivery

if TYPE_CHECKING:
    from ._state import FakeStore

__all__ = ["FieldSimulation"]

#: Fields whose value starts with messaging_product and the business number's metadata.
_NUMBER_FIELDS = frozenset({
    "messages", "calls", "user_preferences", "user_id_update", "history",
    "smb_app_state_sync", "smb_message_echoes", "message_echoes", "automatic_events",
    "group_lifecycle_update", "group_participants_update", "group_settings_update",
    "group_status_update",
})

_ids = itertools.count(1)


class FieldSimulation:
    """The ``simulate_<field>`` methods of the fake; it inherits them."""

    waba_id: str
    _store: FakeStore
    _first: str

    async def simulate_change(
        self, field: str, value: dict[str, Any], *, phone_number_id: str | None = None
    ) -> WebhookDelivery:
        """Post a signed notification with one change of ``field``.

        The other ``simulate_*`` methods build ``value`` for you; use this for
        any field (or a shape of your own). For fields that concern a business
        number, ``messaging_product`` and ``metadata`` are added when missing.

        Args:
            field: The change's ``field``, e.g. ``"history"``.
            value: The change's ``value``.
            phone_number_id: The business number (the fake's first by default).

        Returns:
            The delivery, with the endpoint's HTTP status.

        Raises:
            RuntimeError: No ``webhook_url`` was configured or the fake is not running.
        """
        sender = self._store.sender
        if sender is None:
            raise RuntimeError("simulate_change needs FakeCloudAPI(webhook_url=...) running")
        if field in _NUMBER_FIELDS and "metadata" not in value:
            number = self._store.phone_numbers[phone_number_id or self._first]
            value = {"messaging_product": "whatsapp",
                     "metadata": {"display_phone_number": number.display_digits,
                                  "phone_number_id": number.id},
                     **value}
        payload = {"object": "whatsapp_business_account", "entry": [{
            "id": self.waba_id, "time": int(self._store.now()),
            "changes": [{"value": value, "field": field}],
        }]}
        return await sender.post(field, payload, f"{field}-{next(_ids)}")

    async def simulate_template_status(
        self, name: str, status: str = "APPROVED", *, language: str = "en_US",
        template_id: int = 1_000_000_000_000_001, reason: str | None = "NONE",
        category: str | None = None,
    ) -> WebhookDelivery:
        """Post a ``message_template_status_update`` (template approved, rejected, ...).

        Args:
            name: The template name.
            status: The ``event``: ``"APPROVED"``, ``"REJECTED"``, ``"PAUSED"``, ...
            language: The template language.
            template_id: Its id.
            reason: Why (``"NONE"`` on approval).
            category: Its category, if the payload should carry it.

        Returns:
            The delivery.
        """
        value: dict[str, Any] = {
            "event": status, "message_template_id": template_id,
            "message_template_name": name, "message_template_language": language,
            "reason": reason,
        }
        if category is not None:
            value["message_template_category"] = category
        return await self.simulate_change("message_template_status_update", value)

    async def simulate_template_quality(
        self, name: str, new_score: str, *, previous_score: str = "GREEN",
        language: str = "en_US", template_id: int = 1_000_000_000_000_001,
    ) -> WebhookDelivery:
        """Post a ``message_template_quality_update`` (``"GREEN"``, ``"YELLOW"``, ``"RED"``).

        Returns:
            The delivery.
        """
        return await self.simulate_change("message_template_quality_update", {
            "previous_quality_score": previous_score, "new_quality_score": new_score,
            "message_template_id": template_id, "message_template_name": name,
            "message_template_language": language,
        })

    async def simulate_account_update(self, event: str, **details: Any) -> WebhookDelivery:
        """Post an ``account_update`` with ``event`` and the event's details.

        Args:
            event: E.g. ``"DISABLED_UPDATE"`` or ``"ACCOUNT_VIOLATION"``.
            details: The other value keys, e.g. ``ban_info={"waba_ban_state": "DISABLE"}``.

        Returns:
            The delivery.
        """
        return await self.simulate_change("account_update", {"event": event, **details})

    async def simulate_phone_number_quality(
        self, event: str = "UPGRADE", current_limit: str = "TIER_10K", *,
        phone_number_id: str | None = None,
    ) -> WebhookDelivery:
        """Post a ``phone_number_quality_update`` of a business number.

        Returns:
            The delivery.
        """
        number = self._store.phone_numbers[phone_number_id or self._first]
        return await self.simulate_change("phone_number_quality_update", {
            "display_phone_number": number.display_digits, "event": event,
            "current_limit": current_limit,
        })

    async def simulate_call(
        self, from_: str, event: str = "connect", *, call_id: str | None = None,
        direction: str = "USER_INITIATED", sdp: str = "v=0\r\n", name: str = "Test User",
        status: str = "COMPLETED", duration: int = 30, phone_number_id: str | None = None,
    ) -> WebhookDelivery:
        """Post a ``calls`` change: a user's call rings (``connect``) or ends (``terminate``).

        Args:
            from_: The caller's number.
            event: ``"connect"`` (with an SDP offer) or ``"terminate"``.
            call_id: The call id; a new one by default (reuse it for ``terminate``).
            direction: ``"USER_INITIATED"`` or ``"BUSINESS_INITIATED"``.
            sdp: The SDP offer of a ``connect``.
            name: The caller's profile name.
            status: A ``terminate``'s status.
            duration: A ``terminate``'s seconds connected.
            phone_number_id: The business number called.

        Returns:
            The delivery.
        """
        number = self._store.phone_numbers[phone_number_id or self._first]
        wa_id = digits(from_)
        now = int(self._store.now())
        call: dict[str, Any] = {
            "id": call_id or f"wacid.{wa_id}.{next(_ids)}", "to": number.display_digits,
            "from": wa_id, "event": event, "timestamp": str(now), "direction": direction,
        }
        if event == "connect":
            call["session"] = {"sdp_type": "offer", "sdp": sdp}
        else:
            call.update({"status": status, "start_time": str(now - duration),
                         "end_time": str(now), "duration": duration})
        return await self.simulate_change("calls", {
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "calls": [call],
        }, phone_number_id=number.id)

    async def simulate_user_preference(
        self, from_: str, value: str = "stop", *, category: str = "marketing_messages",
    ) -> WebhookDelivery:
        """Post a ``user_preferences`` change: a user stops (or resumes) marketing messages.

        Returns:
            The delivery.
        """
        wa_id = digits(from_)
        return await self.simulate_change("user_preferences", {
            "contacts": [{"profile": {"name": "Test User"}, "wa_id": wa_id}],
            "user_preferences": [{
                "wa_id": wa_id, "detail": f"User requested to {value} marketing messages",
                "category": category, "value": value, "timestamp": int(self._store.now()),
            }],
        })

    async def simulate_group(
        self, event_type: str = "group_create", *, group_id: str = "Z3JvdXAtMQ",
        field: str = "group_lifecycle_update", **details: Any,
    ) -> WebhookDelivery:
        """Post a group change (``group_create``, ``group_participants_add``, ...).

        Args:
            event_type: The group event's ``type``.
            group_id: The group.
            field: The group field it arrives in.
            details: Other keys of the group event (``subject``, ``added_participants``).

        Returns:
            The delivery.
        """
        return await self.simulate_change(field, {"groups": [{
            "timestamp": int(self._store.now()), "group_id": group_id, "type": event_type,
            "request_id": f"req-{next(_ids)}", **details,
        }]})

    async def _simulate_message(
        self, from_: str, body: dict[str, Any], name: str
    ) -> WebhookDelivery:
        wa_id = digits(from_)
        message = {"from": wa_id, "id": self._store.ids.wamid(wa_id),
                   "timestamp": str(int(self._store.now())), **body}
        return await self.simulate_change("messages", {
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message],
        })

    async def simulate_revoke(
        self, from_: str, message_id: str, *, name: str = "Test User"
    ) -> WebhookDelivery:
        """Post a ``revoke`` message: the user deleted their message ``message_id``.

        Returns:
            The delivery.
        """
        return await self._simulate_message(
            from_, {"type": "revoke", "revoke": {"original_message_id": message_id}}, name)

    async def simulate_edit(
        self, from_: str, message_id: str, text: str, *, name: str = "Test User"
    ) -> WebhookDelivery:
        """Post an ``edit`` message: the user changed their text ``message_id`` to ``text``.

        Returns:
            The delivery.
        """
        return await self._simulate_message(from_, {"type": "edit", "edit": {
            "original_message_id": message_id,
            "message": {"type": "text", "text": {"body": text}},
        }}, name)

    async def simulate_request_welcome(
        self, from_: str, *, name: str = "Test User"
    ) -> WebhookDelivery:
        """Post a ``request_welcome`` message: a user opened the chat for the first time.

        Returns:
            The delivery.
        """
        return await self._simulate_message(from_, {"type": "request_welcome"}, name)
