"""The business number itself: its node, two-step PIN, verification and registration."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._gate import Call, ok
from ._graph import GraphError
from ._state import FakeStore, PhoneNumberState
from ._validate_numbers import (
    check_code_request,
    check_deregister,
    check_pin,
    check_register,
    check_verification_code,
)

if TYPE_CHECKING:
    from ._server import FakeCloudAPI

__all__ = ["PhoneNumberRoutes"]

log = logging.getLogger("whatsapp_async.testing")

_FIELDS = frozenset({
    "id", "display_phone_number", "verified_name", "quality_rating",
    "code_verification_status", "platform_type", "throughput", "name_status", "status",
    "is_official_business_account", "account_mode", "is_pin_enabled", "messaging_limit_tier",
})
_DEFAULT_FIELDS = ("id", "display_phone_number", "verified_name", "quality_rating")


class PhoneNumberRoutes:
    """Serves ``/{phone-number-id}`` and its registration operations.

    Args:
        fake: Whose register budget applies (read per request).
        store: Where verification codes are drawn from (its ids) and the clock is.
    """

    def __init__(self, fake: FakeCloudAPI, store: FakeStore) -> None:
        self._fake = fake
        self._store = store

    async def get(self, call: Call) -> web.Response:
        """``getPhoneNumber``: the fields asked for (Graph's four by default)."""
        phone_number = call.phone_number
        wanted = call.fields(_FIELDS, _DEFAULT_FIELDS, "WhatsAppBusinessPhoneNumber")
        values: dict[str, Any] = {
            "id": phone_number.id,
            "display_phone_number": phone_number.display_phone_number,
            "verified_name": phone_number.verified_name,
            "quality_rating": phone_number.quality_rating,
            "code_verification_status": phone_number.code_verification_status,
            "platform_type": "CLOUD_API",
            "throughput": {"level": phone_number.throughput_level},
            "name_status": "APPROVED",
            "status": "CONNECTED" if phone_number.registered else "DISCONNECTED",
            "is_official_business_account": False,
            "account_mode": "LIVE",
            "is_pin_enabled": phone_number.pin is not None,
            "messaging_limit_tier": "TIER_1K",
        }
        info = {name: values[name] for name in wanted}
        info.setdefault("id", phone_number.id)  # Graph always returns the node id
        return ok(info)

    async def set_pin(self, call: Call) -> web.Response:
        """``setTwoStepVerification``."""
        call.phone_number.pin = check_pin(await call.json())
        return ok()

    async def request_code(self, call: Call) -> web.Response:
        """``requestVerificationCode``: "sends" a code, readable with ``verification_code``."""
        phone_number = call.phone_number
        method = check_code_request(await call.json())
        phone_number.pending_code = self._store.ids.verification_code()
        log.info("fake %s to %s: verification code %s", method,
                 phone_number.display_phone_number, phone_number.pending_code)
        return ok()

    async def verify_code(self, call: Call) -> web.Response:
        """``verifyCode``: the pending code verifies the number."""
        phone_number = call.phone_number
        code = check_verification_code(await call.json())
        if phone_number.pending_code is None:
            raise GraphError(136025, "No verification code was requested for this number.")
        if code != phone_number.pending_code:
            raise GraphError(136025, "Code couldn't be verified; you may have entered the "
                             "wrong code.")
        phone_number.pending_code = None
        phone_number.code_verification_status = "VERIFIED"
        return ok()

    async def register(self, call: Call) -> web.Response:
        """``registerPhoneNumber``: a verified number with the right PIN may send."""
        phone_number = call.phone_number
        pin = check_register(await call.json())
        if phone_number.code_verification_status != "VERIFIED":
            raise GraphError(133006, "Verify the phone number (request_code, verify_code) "
                             "before registering it.")
        self._spend_register_budget(phone_number)
        if phone_number.pin is not None and phone_number.pin != pin:
            raise GraphError(133005)
        phone_number.pin = pin
        phone_number.registered = True
        return ok()

    async def deregister(self, call: Call) -> web.Response:
        """``deregisterPhoneNumber``: the number may no longer send."""
        phone_number = call.phone_number
        check_deregister(await call.json())
        self._spend_register_budget(phone_number)
        phone_number.registered = False
        return ok()

    def _spend_register_budget(self, phone_number: PhoneNumberState) -> None:
        # register + deregister share one moving window (133016 past the budget).
        now = self._store.mono()
        calls = phone_number.register_calls
        while calls and calls[0] <= now - self._fake.register_window:
            calls.popleft()
        if len(calls) >= self._fake.register_budget:
            raise GraphError(133016)
        calls.append(now)
