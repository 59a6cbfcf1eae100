"""Where a command gets its credentials and its throttle: flags, environment, sandbox."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from ..errors import ConfigurationError
from ..throttle import Throttle


@dataclass(frozen=True)
class Credentials:
    """What a client needs to reach the Cloud API as one business number."""

    token: str = field(repr=False)  # never shown, even by accident
    phone_number_id: str
    base_url: str | None
    business_account_id: str | None = None


@contextlib.asynccontextmanager
async def credentials(args: argparse.Namespace, *, rate: float) -> AsyncIterator[Credentials]:
    """Flags, then environment variables; or an in-process sandbox with ``--sandbox``.

    Args:
        args: Parsed flags (``--token``, ``--phone-number-id``, ``--base-url``, ``--sandbox``).
        rate: Messages per second the sandbox accepts from the number.

    Yields:
        The credentials, valid until the block exits (the sandbox stops then).

    Raises:
        ConfigurationError: No token or no business phone number id.
    """
    if getattr(args, "sandbox", False):
        from ..testing import FakeCloudAPI

        templates = _sandbox_templates(args)
        async with FakeCloudAPI(messages_per_second=rate, templates=templates) as fake:
            # Only a sandbox that knows templates has definitions to check sends against.
            account = fake.waba_id if templates is not None else None
            yield Credentials(fake.access_token, fake.phone_number_id, fake.base_url, account)
        return
    token = args.token or os.environ.get("WHATSAPP_ACCESS_TOKEN")
    phone_number_id = args.phone_number_id or os.environ.get("WHATSAPP_PHONE_NUMBER_ID")
    base_url = args.base_url or os.environ.get("WHATSAPP_BASE_URL") or None
    if not token:
        raise ConfigurationError(
            "no access token: set WHATSAPP_ACCESS_TOKEN or pass --token (or use --sandbox)"
        )
    if not phone_number_id:
        raise ConfigurationError(
            "no business phone number id: set WHATSAPP_PHONE_NUMBER_ID or pass "
            "--phone-number-id (or use --sandbox)"
        )
    account = (getattr(args, "business_account_id", None)
               or os.environ.get("WHATSAPP_BUSINESS_ACCOUNT_ID") or None)
    yield Credentials(token, phone_number_id, base_url, account)


def _sandbox_templates(args: argparse.Namespace) -> list[dict[str, object]] | None:
    path = getattr(args, "templates", None)
    if not path:
        return None
    from ..testing._templates import load_templates

    try:
        return list(load_templates(path))
    except (ValueError, OSError) as exc:
        raise ConfigurationError(f"--templates: {exc}") from None


@contextlib.asynccontextmanager
async def shared_throttle(redis_url: str | None, *, rate: float) -> AsyncIterator[Throttle | None]:
    """A Redis throttle shared with other senders with ``--redis-url``; none otherwise.

    Args:
        redis_url: The ``--redis-url`` flag.
        rate: Messages per second for each business number.

    Yields:
        The throttle (closed when the block exits), or None for the client's own.

    Raises:
        ConfigurationError: The redis extra is not installed.
    """
    if not redis_url:
        yield None
        return
    try:
        from ..throttle import RedisThrottle
    except ImportError as exc:
        raise ConfigurationError(
            "--redis-url needs the redis extra: pip install 'whatsapp-async[redis]'"
        ) from exc
    throttle = RedisThrottle(redis_url, rate=rate)
    try:
        yield throttle
    finally:
        await throttle.aclose()
