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
