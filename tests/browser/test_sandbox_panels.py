"""The faults and templates panels, switched from the page while code sends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Bot
from tests.browser.test_sandbox_rendering import TEMPLATES
from whatsapp_async import APIError


@pytest.mark.sandbox(template_definitions=TEMPLATES)
async def test_faults_and_template_reviews_are_switched_from_the_page(
        page: Any, echo_bot: Bot, artifacts: Path) -> None:
    sandbox, wa = echo_bot.sandbox, echo_bot.client
    await page.goto(f"{sandbox.page_url}#faults")
    await page.get_by_test_id("live-status").filter(has_text="live").wait_for()
    panel = page.get_by_test_id("faults-panel")
    await panel.locator('input[name="error_rate"]').fill("1")
    await panel.locator('input[name="error_code"]').fill("131026")
    await page.get_by_test_id("faults-apply").click()
    await page.get_by_test_id("faults-current").filter(has_text='"error_code": 131026').wait_for()
    await page.screenshot(path=artifacts / "01-faults-on.png")
    with pytest.raises(APIError) as info:
        await wa.messages.send_text("+15550001111", "refused")
    assert info.value.code == 131026
    await page.get_by_test_id("faults-off").click()
    await page.get_by_test_id("faults-current").filter(has_text='"error_rate": 0').wait_for()
    await wa.messages.send_text("+15550001111", "accepted")

    await page.get_by_role("tab", name="Templates").click()
    card = page.locator('[data-testid="template"][data-name="order_update"]')
    await card.get_by_test_id("template-pause").click()
    await page.locator('[data-testid="template"][data-status="PAUSED"]').wait_for()
    await page.screenshot(path=artifacts / "02-template-paused.png")
    with pytest.raises(APIError) as info:
        await wa.messages.send_template("+15550001111", "order_update", language="en_US")
    assert info.value.code == 132015  # Meta's "template is paused"
    await sandbox.flush_webhooks()
    (update,) = [d for d in sandbox.webhook_deliveries if d.kind == "template_status"]
    change = json.loads(update.body)["entry"][0]["changes"][0]
    assert (change["field"], change["value"]["event"]) == (
        "message_template_status_update", "PAUSED")
    assert update.status == 200


async def test_a_webhook_of_another_field_is_fired_from_the_page_and_failed_sends_show_why(
        page: Any, echo_bot: Bot, artifacts: Path) -> None:
    sandbox, wa, router = echo_bot.sandbox, echo_bot.client, echo_bot.router
    calls: list[Any] = []

    @router.on_call
    async def ringing(event: Any) -> None:
        calls.append(event)

    await page.goto(f"{sandbox.page_url}#webhooks")
    await page.get_by_test_id("live-status").filter(has_text="live").wait_for()
    await page.get_by_test_id("simulate-kind").select_option("call")
    body = page.get_by_test_id("simulate-body")
    assert json.loads(await body.input_value()) == {"from": "15551234567", "event": "connect"}
    await body.fill(json.dumps({"from": "15550002222", "event": "connect"}))
    await page.get_by_test_id("simulate-send").click()
    result = page.locator('[data-testid="simulate-result"][data-ok="true"]')
    await result.filter(has_text="calls: the webhook answered 200, signed").wait_for()
    await page.screenshot(path=artifacts / "01-call-posted.png")
    await router.join()
    (call,) = calls
    assert call.value.calls[0].from_ == "15550002222"

    await body.fill(json.dumps({"from": "15550002222", "colour": "red"}))
    await page.get_by_test_id("simulate-send").click()
    await page.locator('[data-testid="simulate-result"][data-ok="false"]').filter(
        has_text="colour: is not a field of call").wait_for()

    sandbox.fail_deliveries_to("+15550003333", 131026)
    await wa.messages.send_text("+15550003333", "will not arrive")
    await page.get_by_role("tab", name="Inbox").click()
    await page.locator('[data-testid="conversation"][data-wa-id="15550003333"]').click()
    failed = page.locator('[data-testid="message"][data-direction="out"] '
                          '[data-testid="status"][data-status="failed"]')
    await failed.wait_for()
    assert await failed.get_attribute("data-error-code") == "131026"
    assert "131026" in (await failed.get_attribute("title") or "")
    await page.screenshot(path=artifacts / "02-failed-ticks.png")
