"""The sandbox's page in a real browser: chat with the echo bot, tap a button, watch a broadcast."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import aiohttp

from tests.browser.conftest import Bot
from tests.integration.test_broadcast_cli import write_recipients
from whatsapp_async.bulk import Recipient
from whatsapp_async.types.messages import ReplyButton

CUSTOMER = "447700900123"


async def open_chat(page: Any, bot: Bot, artifacts: Path, name: str = "Ana") -> None:
    """Open the page and start a chat as ``CUSTOMER``."""
    await page.goto(bot.sandbox.page_url)
    await page.get_by_test_id("live-status").filter(has_text="live").wait_for()
    await page.get_by_test_id("new-chat-number").fill(f"+{CUSTOMER}")
    await page.get_by_test_id("new-chat-name").fill(name)
    await page.get_by_test_id("new-chat-start").click()
    await page.get_by_test_id("conversation").and_(
        page.locator(f'[data-wa-id="{CUSTOMER}"]')).wait_for()
    await page.screenshot(path=artifacts / "01-chat-opened.png")


async def test_the_echo_bot_answers_a_message_typed_in_the_page(
        page: Any, echo_bot: Bot, artifacts: Path) -> None:
    await open_chat(page, echo_bot, artifacts)
    await page.get_by_test_id("composer-input").fill("Hello from the browser")
    await page.screenshot(path=artifacts / "02-typed.png")
    await page.get_by_test_id("composer-send").click()

    answer = page.locator('[data-testid="message"][data-direction="out"][data-type="text"]')
    await answer.filter(has_text="Hello from the browser").wait_for()
    # The sandbox posts sent, delivered and read for the bot's answer: its ticks turn blue.
    await answer.locator('[data-testid="status"][data-status="read"]').wait_for()
    await page.screenshot(path=artifacts / "03-echoed.png")

    mine = page.locator('[data-testid="message"][data-direction="in"]')
    assert await mine.count() == 1
    # The bot marked it read: the customer's ticks turn blue.
    await page.locator('[data-testid="receipt"][data-read="true"]').wait_for()
    await echo_bot.router.join()
    (inbound,) = echo_bot.sandbox.inbound
    assert inbound.webhook == {"status": 200, "error": None, "signed": True}
    assert inbound.message["text"] == {"body": "Hello from the browser"}
    (reply,) = echo_bot.sandbox.sent
    assert (reply.wa_id, reply.text) == (CUSTOMER, "Hello from the browser")
    assert reply.body["context"] == {"message_id": inbound.id}
    assert echo_bot.sandbox.verification.state == "verified"


async def test_a_reply_button_tap_reaches_the_bot_as_a_button_reply(
        page: Any, echo_bot: Bot, artifacts: Path) -> None:
    await open_chat(page, echo_bot, artifacts, name="Ben")
    menu = await echo_bot.client.messages.send_reply_buttons(
        f"+{CUSTOMER}", "Your workshop is tomorrow at 9am.",
        [ReplyButton(id="keep", title="Keep it"), ReplyButton(id="move", title="Reschedule")],
        footer="Lucky Shrub",
    )
    button = page.get_by_test_id("reply-button").filter(has_text="Reschedule")
    await button.wait_for()
    await page.screenshot(path=artifacts / "02-buttons.png")
    await button.click()

    answer = page.locator('[data-testid="message"][data-direction="out"]').filter(
        has_text="You picked Reschedule (move)")
    await answer.wait_for()
    await page.screenshot(path=artifacts / "03-answered.png")
    (tap,) = echo_bot.sandbox.inbound
    assert tap.message["type"] == "interactive"
    assert tap.message["interactive"] == {
        "type": "button_reply", "button_reply": {"id": "move", "title": "Reschedule"}}
    assert tap.message["context"]["id"] == menu.message_id
    await page.locator('[data-testid="message"][data-direction="in"][data-type="interactive"]'
                       ).filter(has_text="Reschedule").wait_for()


async def test_a_broadcast_fills_the_dashboard(
        page: Any, echo_bot: Bot, artifacts: Path) -> None:
    await page.goto(f"{echo_bot.sandbox.page_url}#dashboard")
    await page.get_by_test_id("live-status").filter(has_text="live").wait_for()
    await page.screenshot(path=artifacts / "01-empty-dashboard.png")
    recipients = [Recipient(f"+1555{i:07d}") for i in range(60)]
    report = await echo_bot.client.broadcast(recipients, template="welcome_offer")
    assert report.sent == 60

    accepted = page.locator('[data-testid="dashboard-count"][data-outcome="accepted"]')
    await accepted.filter(has_text="60").wait_for()
    chart = page.get_by_test_id("dashboard-rate-chart")
    await page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=dashboard-rate-chart]')"
        ".dataset.points) > 0")
    assert await chart.is_visible()
    number = page.locator(f'[data-testid="dashboard-number"]'
                          f'[data-number="{echo_bot.sandbox.phone_number_id}"]')
    assert "60" in await number.inner_text()
    await page.screenshot(path=artifacts / "02-dashboard.png")
    # The inbox lists the recipients too.
    await page.get_by_role("tab", name="Inbox").click()
    assert await page.get_by_test_id("conversation").count() == 60


async def test_the_request_log_lists_a_refused_call_with_its_graph_code(
        page: Any, echo_bot: Bot, artifacts: Path) -> None:
    await page.goto(f"{echo_bot.sandbox.page_url}#requests")
    await page.get_by_test_id("live-status").filter(has_text="live").wait_for()
    await echo_bot.client.messages.send_text(f"+{CUSTOMER}", "accepted first")
    url = f"{echo_bot.sandbox.base_url}/{echo_bot.sandbox.phone_number_id}/messages"
    async with aiohttp.ClientSession() as session, session.post(
            url, json={"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text",
                       "text": {"body": "no token"}},
            headers={"Authorization": "Bearer wrong"}) as resp:
        assert resp.status == 401

    log = page.get_by_test_id("request-log")
    refused = log.locator('[data-testid="request-row"][data-code="190"]')
    await refused.wait_for()
    assert await refused.get_attribute("data-status") == "401"
    assert "Invalid OAuth access token" in await refused.inner_text()
    await page.screenshot(path=artifacts / "01-log.png")

    await page.get_by_test_id("request-filter-status").select_option("error")
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=request-row]').length === 1")
    await page.screenshot(path=artifacts / "02-log-filtered.png")
    assert await log.locator('[data-testid="request-row"]').count() == 1
    await asyncio.sleep(0)


async def test_a_cli_broadcast_with_sandbox_fills_the_running_sandboxs_dashboard(
        page: Any, echo_bot: Bot, artifacts: Path, tmp_path: Path) -> None:
    sandbox = echo_bot.sandbox
    people = write_recipients(tmp_path / "people.csv", 50)
    await page.goto(f"{sandbox.page_url}#dashboard")
    await page.get_by_test_id("live-status").filter(has_text="live").wait_for()
    # As a user runs it in a second terminal while the sandbox's page is open.
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "whatsapp_async", "broadcast", str(people), "--template",
        "welcome_offer", "--param", "name", "--sandbox", "--sandbox-url", sandbox.url,
        "--rate", "200", "--plain", stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode == 0, err.decode()
    assert "sent 50" in out.decode()
    accepted = page.locator('[data-testid="dashboard-count"][data-outcome="accepted"]')
    await accepted.filter(has_text="50").wait_for()
    await page.screenshot(path=artifacts / "01-cli-broadcast-dashboard.png")
