"""The fake as WhatsApp towards a Flow endpoint: encrypt a request, post it,
decrypt the answer and check that WhatsApp would accept it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from ..webhooks._signature import SIGNATURE_HEADER, sign

__all__ = ["FlowExchange", "FlowExchangeError", "flow_exchange"]


class FlowExchangeError(AssertionError):
    """The endpoint answered 200 with something WhatsApp would not accept."""


@dataclass(frozen=True)
class FlowExchange:
    """What one request to a Flow endpoint came back with.

    Attributes:
        status: The HTTP status (200, or 421 / 427 / 432 / ... of Meta's protocol).
        response: The decrypted answer for a 200, the JSON body of a 427
            (``{"error_msg": ...}``), else None.
        body: The raw response body.
        request: The clear request JSON that was encrypted and posted.
    """

    status: int
    response: Any
    body: bytes
    request: Mapping[str, Any]

    @property
    def screen(self) -> str | None:
        """The screen the answer shows next (``"SUCCESS"`` closes the flow)."""
        if isinstance(self.response, dict):
            screen = self.response.get("screen")
            return screen if isinstance(screen, str) else None
        return None

    @property
    def data(self) -> dict[str, Any]:
        """The answer's ``data`` ({} when there is none)."""
        if isinstance(self.response, dict) and isinstance(self.response.get("data"), dict):
            return dict(self.response["data"])
        return {}


def _request_json(action: str, screen: str | None, data: Mapping[str, Any] | None,
                  flow_token: str | None, version: str) -> dict[str, Any]:
    if action == "ping":
        return {"version": version, "action": "ping"}
    payload: dict[str, Any] = {"version": version, "action": action}
    if screen is not None:
        payload["screen"] = screen
    payload["data"] = dict(data or {})
    if flow_token is not None:
        payload["flow_token"] = flow_token
    return payload


def check_answer(request: Mapping[str, Any], answer: Any) -> None:
    """Raise :class:`FlowExchangeError` unless WhatsApp would accept ``answer``."""
    if not isinstance(answer, dict):
        raise FlowExchangeError(f"the answer must be a JSON object, got {answer!r}")
    data = answer.get("data")
    if request["action"] == "ping":
        if data != {"status": "active"}:
            raise FlowExchangeError(f'a ping must be answered {{"data": {{"status": "active"}}}}'
                                    f", got {answer!r}")
        return
    if "error" in request.get("data", {}):
        if not isinstance(data, dict) or data.get("acknowledged") is not True:
            raise FlowExchangeError("an error notification must be answered "
                                    f'{{"data": {{"acknowledged": true}}}}, got {answer!r}')
        return
    screen = answer.get("screen")
    if not isinstance(screen, str) or not screen:
        raise FlowExchangeError(f"the answer needs a 'screen' (a screen id), got {answer!r}")
    if data is not None and not isinstance(data, dict):
        raise FlowExchangeError(f"the answer's 'data' must be an object, got {data!r}")
    if screen == "SUCCESS":
        params = ((data or {}).get("extension_message_response") or {}).get("params")
        if not isinstance(params, dict) or "flow_token" not in params:
            raise FlowExchangeError("a SUCCESS answer needs data.extension_message_response"
                                    f".params with the flow_token, got {answer!r}")


async def flow_exchange(
    endpoint_url: str,
    public_key: str,
    *,
    action: str = "INIT",
    screen: str | None = None,
    data: Mapping[str, Any] | None = None,
    flow_token: str | None = "flow-token",
    version: str = "3.0",
    app_secret: str | None = None,
    signature: str | None = None,
    check: bool = True,
    timeout: float = 10.0,
) -> FlowExchange:
    """Post one request to a Flow endpoint the way WhatsApp does.

    Args:
        endpoint_url: The endpoint's URL.
        public_key: The business public key (PEM) to encrypt for.
        action: ``"INIT"``, ``"data_exchange"``, ``"BACK"`` or ``"ping"``.
        screen: The screen the request comes from.
        data: What the screen submits (``{"error": ..., "error_message": ...}``
            makes it an error notification).
        flow_token: The flow token (not sent with a ping).
        version: The data API version.
        app_secret: Signs the body (``X-Hub-Signature-256``) when given.
        signature: Send this header value instead (e.g. a wrong one).
        check: Raise when a 200 answer is not what WhatsApp accepts.
        timeout: Seconds to wait for the answer.

    Returns:
        The status and the decrypted answer.

    Raises:
        FlowExchangeError: ``check`` and the 200 answer cannot be decrypted or
            has the wrong shape.
    """
    from ..flows._crypto import FlowDecryptionError, decrypt_response, encrypt_request

    request = _request_json(action, screen, data, flow_token, version)
    envelope, aes_key, iv = encrypt_request(public_key, request)
    body = json.dumps(envelope).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature
    elif app_secret is not None:
        headers[SIGNATURE_HEADER] = sign(body, app_secret)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http, \
            http.post(endpoint_url, data=body, headers=headers) as resp:
        status, raw = resp.status, await resp.read()
    response: Any = None
    if status == 200:
        try:
            response = decrypt_response(raw, aes_key, iv)
        except (FlowDecryptionError, ValueError) as exc:
            if check:
                raise FlowExchangeError(f"the answer cannot be decrypted: {exc}") from None
        else:
            if check:
                check_answer(request, response)
    elif status == 427:
        try:
            response = json.loads(raw) if raw else {}
        except ValueError:
            response = None
    return FlowExchange(status, response, raw, request)
