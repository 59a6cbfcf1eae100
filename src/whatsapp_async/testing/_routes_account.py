"""The account's node, numbers and ``subscribed_apps``; a number's blocked users,
commerce settings and conversational automation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._gate import Call, Handler, ok
from ._graph import GraphError, invalid, unknown_object
from ._state import digits

if TYPE_CHECKING:
    from ._server import FakeCloudAPI
    from ._state import FakeStore

__all__ = ["AccountRoutes"]

_ACCOUNT_FIELDS = ("id", "name", "currency", "timezone_id", "message_template_namespace",
                   "account_review_status", "business_verification_status", "country",
                   "ownership_type")
_BLOCK_MAX = 1000
_PAGE = 25


class AccountRoutes:
    """Serves the account-level operations and keeps their state.

    Args:
        fake: Whose account id and numbers apply.
        store: The fake's numbers.
    """

    def __init__(self, fake: FakeCloudAPI, store: FakeStore) -> None:
        self._fake = fake
        self._store = store
        self.reset()

    def reset(self) -> None:
        """Forget subscriptions, blocks and settings."""
        self.subscriptions: list[dict[str, Any]] = []
        self.blocked: dict[str, list[str]] = {}
        self.commerce: dict[str, dict[str, bool]] = {}
        self.automation: dict[str, dict[str, Any]] = {}

    def _account(self, call: Call) -> None:
        if call.node != self._fake.waba_id:
            raise unknown_object(call.request.method, call.node)

    # ------------------------------------------------------------------ account

    def get_or(self, other: Handler) -> Handler:
        """``GET /{waba-id}``, else ``other`` (other nodes share the path)."""

        async def get(call: Call) -> web.StreamResponse:
            if call.node != self._fake.waba_id:
                return await other(call)
            values = {
                "id": self._fake.waba_id, "name": "Fake Business", "currency": "USD",
                "timezone_id": "1", "message_template_namespace": "fake_namespace",
                "account_review_status": "APPROVED", "business_verification_status": "verified",
                "country": "US", "ownership_type": "CLIENT_OWNED",
            }
            wanted = call.fields(_ACCOUNT_FIELDS, ("id", "name", "currency", "timezone_id",
                                                   "message_template_namespace"),
                                 "WhatsAppBusinessAccount")
            return ok({k: values[k] for k in ("id", *wanted)})

        return get

    async def phone_numbers(self, call: Call) -> web.Response:
        """``GET /{waba-id}/phone_numbers``, in pages."""
        self._account(call)
        numbers = list(self._store.phone_numbers.values())
        query = call.request.query
        try:
            start, size = int(query.get("after", "0") or 0), int(query.get("limit", _PAGE))
        except ValueError:
            raise invalid("after and limit must be integers") from None
        page = numbers[start:start + size]
        data = [{
            "id": n.id, "display_phone_number": n.display_phone_number,
            "verified_name": n.verified_name, "name_status": "APPROVED",
            "quality_rating": n.quality_rating, "throughput": {"level": n.throughput_level},
            "messaging_limit_tier": "TIER_1K",
            "code_verification_status": n.code_verification_status,
            "platform_type": "CLOUD_API",
            "status": "CONNECTED" if n.registered else "DISCONNECTED",
        } for n in page]
        body: dict[str, Any] = {"data": data}
        if page:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
            if start + len(page) < len(numbers):
                body["paging"]["next"] = f"{self._fake.base_url}/{call.node}/phone_numbers"
        return ok(body)

    async def list_apps(self, call: Call) -> web.Response:
        """``GET /{waba-id}/subscribed_apps``."""
        self._account(call)
        return ok({"data": self.subscriptions})

    async def subscribe(self, call: Call) -> web.Response:
        """``POST /{waba-id}/subscribed_apps`` (with an optional callback override)."""
        self._account(call)
        body = await call.json_object()
        uri, token = body.get("override_callback_uri"), body.get("verify_token")
        if (uri is None) != (token is None):
            raise invalid("override_callback_uri and verify_token go together")
        app: dict[str, Any] = {"whatsapp_business_api_data": {
            "id": "1234567890123456", "name": "Fake App",
            "link": "https://www.facebook.com/games/?app_id=1234567890123456"}}
        if uri is not None:
            app["override_callback_uri"] = uri
        self.subscriptions[:] = [app]
        return ok()

    async def unsubscribe(self, call: Call) -> web.Response:
        """``DELETE /{waba-id}/subscribed_apps``."""
        self._account(call)
        self.subscriptions.clear()
        return ok()

    # ------------------------------------------------------------------ number settings

    async def block(self, call: Call) -> web.Response:
        """``POST /{phone-number-id}/block_users``."""
        return ok(self._block_answer(call, await call.json_object(), add=True))

    async def unblock(self, call: Call) -> web.Response:
        """``DELETE /{phone-number-id}/block_users``."""
        return ok(self._block_answer(call, await call.json_object(), add=False))

    def _block_answer(self, call: Call, body: dict[str, Any], *, add: bool) -> dict[str, Any]:
        users = body.get("block_users")
        if not isinstance(users, list) or not 1 <= len(users) <= _BLOCK_MAX:
            raise GraphError(131009, "block_users must list 1 to 1000 users")
        blocked = self.blocked.setdefault(call.phone_number.id, [])
        done: list[dict[str, str]] = []
        for item in users:
            user = item.get("user") if isinstance(item, dict) else None
            if not isinstance(user, str) or not digits(user):
                raise GraphError(131009, "each block_users item needs a user")
            wa_id = digits(user)
            if add and wa_id not in blocked:
                blocked.append(wa_id)
            elif not add and wa_id in blocked:
                blocked.remove(wa_id)
            done.append({"input": user, "wa_id": wa_id})
        key = "added_users" if add else "removed_users"
        return {"messaging_product": "whatsapp", "block_users": {key: done}}

    async def list_blocked(self, call: Call) -> web.Response:
        """``GET /{phone-number-id}/block_users``."""
        users = self.blocked.get(call.phone_number.id, [])
        return ok({"data": [{"messaging_product": "whatsapp", "wa_id": u} for u in users]})

    def _commerce(self, phone_number_id: str) -> dict[str, bool]:
        return self.commerce.setdefault(phone_number_id, {"is_cart_enabled": True,
                                                          "is_catalog_visible": False})

    async def get_commerce(self, call: Call) -> web.Response:
        """``GET /{phone-number-id}/whatsapp_commerce_settings``."""
        settings = self._commerce(call.phone_number.id)
        return ok({"data": [{**settings, "id": f"{call.phone_number.id}0"}]})

    async def update_commerce(self, call: Call) -> web.Response:
        """``POST /{phone-number-id}/whatsapp_commerce_settings?is_cart_enabled=...``."""
        settings = self._commerce(call.phone_number.id)
        query = call.request.query
        for name in ("is_cart_enabled", "is_catalog_visible"):
            if name in query:
                if query[name] not in ("true", "false"):
                    raise invalid(f"{name} must be true or false")
                settings[name] = query[name] == "true"
        return ok()

    async def update_automation(self, call: Call) -> web.Response:
        """``POST /{phone-number-id}/conversational_automation``."""
        body = await call.json_object()
        prompts = body.get("prompts")
        if prompts is not None and (not isinstance(prompts, list) or len(prompts) > 4):
            raise invalid("prompts: at most 4 ice breakers")
        commands = body.get("commands")
        if commands is not None and (not isinstance(commands, list) or len(commands) > 30):
            raise invalid("commands: at most 30 commands")
        current = self.automation.setdefault(call.phone_number.id, {})
        current.update({k: v for k, v in body.items()
                        if k in ("enable_welcome_message", "prompts", "commands")})
        return ok()

    def number_get_or(self, other: Handler) -> Handler:
        """``GET /{phone-number-id}?fields=conversational_automation``, else ``other``."""

        async def get(call: Call) -> web.StreamResponse:
            if call.request.query.get("fields") != "conversational_automation":
                return await other(call)
            number = call.phone_number.id
            return ok({"conversational_automation": self.automation.get(number, {}),
                       "id": number})

        return get
