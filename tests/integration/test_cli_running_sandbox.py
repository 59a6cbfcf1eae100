"""``--sandbox`` sends to a running sandbox, so its page and dashboard show the run."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.integration.test_broadcast_cli import write_recipients
from whatsapp_async.cli import _settings
from whatsapp_async.errors import ConfigurationError
from whatsapp_async.testing.sandbox import Sandbox

TEMPLATES = [{"name": "order_update", "language": "en_US", "category": "UTILITY",
              "status": "APPROVED", "components": [
                  {"type": "BODY", "text": "Hi {{1}}, order shipped",
                   "example": {"body_text": [["Ann"]]}}]}]


def _dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


async def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    # A real process, so this test's loop keeps serving the sandbox meanwhile.
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "whatsapp_async", *args, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})})
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def _stats(sandbox: Sandbox) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, \
            http.get(f"{sandbox.url}/_sandbox/stats") as resp:
        stats: dict[str, Any] = await resp.json()
        return stats


async def test_a_broadcast_with_sandbox_url_lands_on_the_running_sandboxs_dashboard(
        tmp_path: Path) -> None:
    people = write_recipients(tmp_path / "people.csv", 40)
    async with Sandbox(verify_token=None, template_definitions=TEMPLATES,
                       messages_per_second=1000) as sandbox:
        code, out, err = await _cli(
            "broadcast", str(people), "--template", "order_update", "--param", "name",
            "--sandbox-url", sandbox.url, "--rate", "500", "--plain")
        assert code == 0, err
        assert "sent 40" in out
        assert f"sending to the sandbox at {sandbox.url}" in err
        assert len(sandbox.sent) == 40
        assert {m.wa_id for m in sandbox.sent} == {f"1555{i:07d}" for i in range(40)}
        stats = await _stats(sandbox)
        assert stats["outcomes"]["accepted"] == 40, stats


async def test_the_running_sandboxs_templates_check_the_rows_before_any_send(
        tmp_path: Path) -> None:
    people = write_recipients(tmp_path / "people.csv", 5)
    async with Sandbox(verify_token=None, template_definitions=TEMPLATES) as sandbox:
        # order_update takes one body parameter; none is given.
        code, _, err = await _cli("broadcast", str(people), "--template", "order_update",
                                  "--sandbox-url", sandbox.url, "--plain")
        assert code == 2, err
        assert "BODY expects 1" in err
        assert sandbox.sent == []


async def test_sandbox_url_that_does_not_answer_is_refused_with_the_way_out(
        tmp_path: Path) -> None:
    people = write_recipients(tmp_path / "people.csv", 3)
    url = _dead_url()
    code, _, err = await _cli("broadcast", str(people), "--template", "spring_sale",
                              "--sandbox-url", url, "--plain")
    assert code == 2, err
    assert f"no sandbox answers at {url}" in err
    assert "whatsapp-async sandbox" in err


def _args(**flags: Any) -> argparse.Namespace:
    base: dict[str, Any] = {"sandbox": True, "sandbox_url": None, "templates": None,
                            "token": None, "phone_number_id": None, "base_url": None,
                            "business_account_id": None}
    return argparse.Namespace(**{**base, **flags})


async def test_plain_sandbox_finds_a_sandbox_at_the_default_address(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("WHATSAPP_ASYNC_SANDBOX_URL", raising=False)
    async with Sandbox(verify_token=None, phone_numbers=("111", "222")) as sandbox:
        monkeypatch.setattr(_settings, "DEFAULT_SANDBOX_URL", sandbox.url)
        async with _settings.credentials(_args(), rate=80) as creds:
            assert (creds.base_url, creds.token, creds.phone_number_id) == (
                sandbox.base_url, sandbox.access_token, "111")
            assert creds.business_account_id is None  # no templates to check against
        async with _settings.credentials(_args(phone_number_id="222"), rate=80) as creds:
            assert creds.phone_number_id == "222"
        with pytest.raises(ConfigurationError, match="333 is not a number of the sandbox"):
            async with _settings.credentials(_args(phone_number_id="333"), rate=80):
                pass
    assert "its page shows this run" in capsys.readouterr().err


async def test_with_no_sandbox_running_an_in_process_one_takes_the_sends_and_a_note_says_so(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("WHATSAPP_ASYNC_SANDBOX_URL", raising=False)
    dead = _dead_url()
    monkeypatch.setattr(_settings, "DEFAULT_SANDBOX_URL", dead)
    async with _settings.credentials(_args(), rate=80) as creds:
        assert creds.base_url is not None and not creds.base_url.startswith(dead)
    err = capsys.readouterr().err
    assert f"no sandbox is running at {dead}" in err


async def test_the_environment_names_the_sandbox_only_with_the_sandbox_flag(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_ASYNC_SANDBOX_URL", _dead_url())
    with pytest.raises(ConfigurationError, match="no sandbox answers"):
        async with _settings.credentials(_args(), rate=80):
            pass
    # Without --sandbox the variable is not a way to send somewhere else.
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "real-token")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "999")
    async with _settings.credentials(_args(sandbox=False), rate=80) as creds:
        assert (creds.token, creds.phone_number_id, creds.base_url) == ("real-token", "999", None)


async def test_something_that_is_not_a_sandbox_is_not_taken_for_one() -> None:
    from aiohttp import web

    app = web.Application()

    async def info(_: web.Request) -> web.Response:
        return web.Response(text=json.dumps({"hello": "world"}))

    app.router.add_get("/_sandbox/info", info)
    runner = web.AppRunner(app)
    await runner.setup()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        assert await _settings.running_sandbox(f"http://127.0.0.1:{port}") is None
    finally:
        await runner.cleanup()
