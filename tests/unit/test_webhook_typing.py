"""mypy --strict accepts typed handlers without union-attr errors, and refuses a wrong kind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GOOD = '''
from whatsapp_async.webhooks import (
    CallEvent, InteractiveEvent, MessageEvent, OrderEvent, TemplateStatusEvent, TextEvent,
    WebhookRouter,
)

router = WebhookRouter(app_secret="s")


@router.on_message(kind="interactive")
async def tapped(event: InteractiveEvent) -> None:
    reply = event.message.interactive.button_reply
    if reply is not None:
        print(reply.id, reply.title)
    if event.button_reply is not None:
        print(event.button_reply.id)
    if event.list_reply is not None:
        print(event.list_reply.description)


@router.on_message(kind="text", text=r"^hi")
async def hello(event: TextEvent) -> None:
    print(event.message.text.body.upper())


@router.on_message(kind="order")
async def order(event: OrderEvent) -> None:
    print(sum(item.quantity for item in event.message.order.product_items))


@router.on_message
async def anything(event: MessageEvent) -> None:
    print(event.message.kind)


@router.on_template_status(event="APPROVED")
async def approved(event: TemplateStatusEvent) -> None:
    print(event.value.message_template_name, event.change.value.event)


@router.on_call
async def ringing(event: CallEvent) -> None:
    for call in event.value.calls:
        print(call.id, call.event)
'''

WRONG = '''
from whatsapp_async.webhooks import InteractiveEvent, WebhookRouter

router = WebhookRouter(app_secret="s")


@router.on_message(kind="text")
async def mismatched(event: InteractiveEvent) -> None:
    print(event.message.interactive.type)
'''


def mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "handlers.py").write_text(code, encoding="utf-8")
    # Run from the temporary folder, so mypy checks the package as installed
    # (editable or not), as it would in a user's project.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MYPYPATH"}}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", str(tmp_path / ".mypy_cache"), "handlers.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


def test_typed_handlers_type_check_without_union_attr_errors(tmp_path: Path) -> None:
    run = mypy(tmp_path, GOOD)
    assert "union-attr" not in run.stdout, run.stdout
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_handler_of_the_wrong_kind_is_refused(tmp_path: Path) -> None:
    run = mypy(tmp_path, WRONG)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "arg-type" in run.stdout, run.stdout
