"""Headless Chromium on the sandbox's page: Debian's ``chromium`` driven by Playwright.

Playwright's own browser download is not used (nor reachable): the tests
launch the system binary with a fresh profile and the flags that keep it
from reaching out to the network. Without chromium or Playwright the tests
skip, saying what to install (under ``WHATSAPP_ASYNC_NO_SKIP=1`` they fail).

Screenshots of each step go to ``$WHATSAPP_ASYNC_ARTIFACTS/browser/<test>/``
when that variable is set, else to ``<pytest tmp path>/artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.examples.test_examples import load_example
from whatsapp_async import WhatsAppClient
from whatsapp_async.testing.sandbox import Sandbox
from whatsapp_async.webhooks import MessageEvent, WebhookRouter

APP_SECRET = "s3cret"
VERIFY_TOKEN = "browser-verify-token"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
]


def chromium_binary() -> str | None:
    """The system Chromium, if installed."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return ("Playwright for Python is not installed: pip install -e '.[test]' "
                "(or pip install playwright; do not run 'playwright install', the system "
                "chromium is used)")
    if chromium_binary() is None:
        return "chromium is not installed: apt-get install -y chromium (Debian's package)"
    return None


@pytest.fixture
def artifacts(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where this test's screenshots go."""
    root = os.environ.get("WHATSAPP_ASYNC_ARTIFACTS")
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    folder = Path(root) / "browser" / name if root else tmp_path / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def page(tmp_path: Path) -> AsyncIterator[Any]:
    """A page of a fresh headless Chromium (profile in the test's tmp path)."""
    reason = browser_missing()
    if reason is not None:
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium_binary(),
            headless=True, args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 800},
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            await context.close()


@dataclass
class Bot:
    """The echo bot of ``examples/echo_bot.py``, served on loopback, and its sandbox."""

    sandbox: Sandbox
    router: WebhookRouter
    client: WhatsAppClient


def _add_button_answers(router: WebhookRouter) -> None:
    # The echo bot answers texts; a bot with a menu also answers its buttons.
    @router.on_message(kind="interactive")
    async def picked(event: MessageEvent) -> None:
        interactive = event.message.interactive
        assert interactive is not None
        reply = interactive.button_reply or interactive.list_reply
        assert reply is not None
        await event.reply_text(f"You picked {reply.title} ({reply.id})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sandbox(**settings): extra Sandbox settings of the "
                            "echo_bot fixture")


@pytest.fixture
async def echo_bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    """The echo bot, behind a sandbox that posts signed webhooks to it."""
    marker = request.node.get_closest_marker("sandbox")
    settings = marker.kwargs if marker is not None else {}
    echo = load_example("echo_bot")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhook"
    async with Sandbox(webhook_url=url, app_secret=APP_SECRET, verify_token=VERIFY_TOKEN,
                       pair_limit=None, **settings) as sandbox:
        router = echo.build_router(APP_SECRET, VERIFY_TOKEN)
        _add_button_answers(router)
        runner = web.AppRunner(echo.create_app(router, access_token=sandbox.access_token,
                                               base_url=sandbox.base_url))
        await runner.setup()
        await web.SockSite(runner, sock).start()
        try:
            async with WhatsAppClient(sandbox.access_token, sandbox.phone_number_id,
                                      base_url=sandbox.base_url) as client:
                yield Bot(sandbox, router, client)
            # Status webhooks still queued go out while the bot is up to take them.
            await sandbox.flush_webhooks()
        finally:
            await runner.cleanup()
