"""Where a command gets its credentials and its throttle: flags, environment, sandbox."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from ..errors import ConfigurationError
from ..throttle import Throttle

#: Where ``whatsapp-async sandbox`` listens by default; ``--sandbox`` looks there first.
DEFAULT_SANDBOX_URL = "http://127.0.0.1:8089"
#: Seconds a running sandbox has to answer before ``--sandbox`` starts its own.
_PROBE_TIMEOUT = 0.5


@dataclass(frozen=True)
class Credentials:
    """What a client needs to reach the Cloud API as one business number."""

    token: str = field(repr=False)  # never shown, even by accident
    phone_number_id: str
    base_url: str | None
    business_account_id: str | None = None
    #: A sandbox without template definitions: it accepts any template name.
    any_template: bool = False


@contextlib.asynccontextmanager
async def credentials(args: argparse.Namespace, *, rate: float) -> AsyncIterator[Credentials]:
    """Flags, then environment variables; or an in-process sandbox with ``--sandbox``.

    With ``--sandbox`` (or ``--sandbox-url``) the sends go to a running
    sandbox, so its page shows them: the one at ``--sandbox-url`` (or
    ``$WHATSAPP_ASYNC_SANDBOX_URL``), which must answer, else one at
    :data:`DEFAULT_SANDBOX_URL` if it answers; with none running, an
    in-process fake takes them (a note says so).

    Args:
        args: Parsed flags (``--token``, ``--phone-number-id``, ``--base-url``,
            ``--sandbox``, ``--sandbox-url``).
        rate: Messages per second the in-process sandbox accepts from the number.

    Yields:
        The credentials, valid until the block exits (the sandbox stops then).

    Raises:
        ConfigurationError: No token or no business phone number id, or no
            sandbox answers at the ``--sandbox-url`` given.
    """
    flag = getattr(args, "sandbox_url", None)
    if getattr(args, "sandbox", False) or flag:
        chosen = flag or os.environ.get("WHATSAPP_ASYNC_SANDBOX_URL")
        url = (chosen or DEFAULT_SANDBOX_URL).rstrip("/")
        info = await running_sandbox(url)
        if info is not None:
            yield _running_credentials(args, url, info)
            return
        if chosen:
            raise ConfigurationError(
                f"no sandbox answers at {url}: start one with 'whatsapp-async sandbox' "
                "(or drop --sandbox-url to use an in-process one)")
        from ..testing import FakeCloudAPI

        print(f"note: no sandbox is running at {url}; sending to an in-process one (start "
              "'whatsapp-async sandbox' first to watch the run on its page)", file=sys.stderr)
        templates = _sandbox_templates(args)
        async with FakeCloudAPI(messages_per_second=rate, templates=templates) as fake:
            # Only a sandbox that knows templates has definitions to check sends against.
            account = fake.waba_id if templates is not None else None
            yield Credentials(fake.access_token, fake.phone_number_id, fake.base_url, account,
                              any_template=templates is None)
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


async def running_sandbox(url: str) -> dict[str, Any] | None:
    """The settings of the sandbox answering at ``url``, or None if none answers.

    Args:
        url: The sandbox's address, e.g. ``http://127.0.0.1:8089``.

    Returns:
        Its ``GET /_sandbox/info``, or None when nothing (or something that
        is not a sandbox) answers within half a second.
    """
    timeout = aiohttp.ClientTimeout(total=_PROBE_TIMEOUT)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as http, \
                http.get(f"{url}/_sandbox/info", allow_redirects=False) as resp:
            if resp.status != 200:
                return None
            info = json.loads(await resp.read())
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None
    wanted = ("base_url", "access_token", "phone_numbers")
    if not isinstance(info, dict) or not all(info.get(key) for key in wanted):
        return None
    return info


def _running_credentials(args: argparse.Namespace, url: str, info: dict[str, Any]
                         ) -> Credentials:
    numbers = [str(n) for n in info["phone_numbers"]]
    number = getattr(args, "phone_number_id", None) or numbers[0]
    if number not in numbers:
        raise ConfigurationError(f"--phone-number-id {number} is not a number of the sandbox "
                                 f"at {url} ({', '.join(numbers)})")
    if getattr(args, "templates", None):
        print(f"note: --templates is not used: the sandbox at {url} has its own (start it "
              "with --templates FILE)", file=sys.stderr)
    # Only a sandbox that knows templates has definitions to check sends against.
    account = info.get("business_account_id") if info.get("templates") else None
    print(f"sending to the sandbox at {url} (its page shows this run)", file=sys.stderr)
    return Credentials(str(info["access_token"]), number, str(info["base_url"]),
                       str(account) if account else None, any_template=not account)


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
