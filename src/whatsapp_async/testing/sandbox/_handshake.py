"""Meta's webhook verification: a GET with ``hub.*`` parameters, answered with the challenge.

Meta makes this call when a callback URL is saved, and only then delivers
notifications. The sandbox makes it at start, and again until it succeeds
(a bot started after the sandbox is verified as soon as it answers).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass

import aiohttp

__all__ = ["Verification", "verify_webhook"]

log = logging.getLogger("whatsapp_async.testing")


@dataclass
class Verification:
    """Where the handshake stands.

    Attributes:
        state: ``"pending"`` (not tried or not reached yet), ``"verified"``
            or ``"failed"`` (the endpoint answered, but not with the challenge).
        detail: What the last attempt got.
        attempts: Attempts made.
    """

    state: str = "pending"
    detail: str = ""
    attempts: int = 0

    def to_json(self) -> dict[str, object]:
        return {"state": self.state, "detail": self.detail, "attempts": self.attempts}


async def verify_webhook(url: str, verify_token: str, status: Verification, *,
                         session: aiohttp.ClientSession | None = None) -> bool:
    """Make one verification request to ``url`` and note the result in ``status``.

    Args:
        url: The webhook endpoint.
        verify_token: The token the endpoint must recognise.
        status: Updated with the outcome.
        session: The HTTP session to use (one is made if None).

    Returns:
        Whether the endpoint answered 200 with the challenge.
    """
    challenge = str(secrets.randbelow(10**9))
    params = {"hub.mode": "subscribe", "hub.verify_token": verify_token,
              "hub.challenge": challenge}
    own = session is None
    client = session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    status.attempts += 1
    try:
        async with client.get(url, params=params,
                              headers={"User-Agent": "facebookplatform/1.0"}) as resp:
            text = (await resp.text()).strip()
            if resp.status == 200 and text == challenge:
                status.state, status.detail = "verified", f"{url} answered the challenge"
                return True
            status.state = "failed"
            status.detail = f"{url} answered {resp.status} {text[:80]!r}, not the challenge"
            return False
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        status.state, status.detail = "pending", f"{url} not reachable yet: {exc}"
        return False
    finally:
        if own:
            await client.close()


async def keep_verifying(url: str, verify_token: str, status: Verification,
                         interval: float = 1.0) -> None:
    """Retry the handshake until it succeeds or the endpoint refuses the token."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while not await verify_webhook(url, verify_token, status, session=session):
            if status.state == "failed":
                log.warning("webhook verification failed: %s", status.detail)
                return
            await asyncio.sleep(interval)
