"""The pytest plugin's fixtures and the standalone sandbox server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

from tests.support import send
from whatsapp_async import WhatsAppClient
from whatsapp_async.testing import FakeCloudAPI
from whatsapp_async.testing.__main__ import main


async def test_fixtures_give_a_client_pointed_at_the_fake(
    whatsapp_client: WhatsAppClient, fake_cloud_api: FakeCloudAPI
) -> None:
    assert whatsapp_client.base_url == fake_cloud_api.base_url
    assert whatsapp_client.phone_number_id == fake_cloud_api.phone_number_id
    message_id = await send(whatsapp_client)
    assert fake_cloud_api.sent[0].id == message_id


async def test_fixture_client_throttles_at_the_fakes_rate(
    whatsapp_client: WhatsAppClient, fake_cloud_api: FakeCloudAPI
) -> None:
    throttle = whatsapp_client.throttle
    assert throttle.rate_for(fake_cloud_api.phone_number_id) == (  # type: ignore[attr-defined]
        fake_cloud_api.messages_per_second)


@pytest.mark.fake_cloud_api(phone_numbers=("5550001",), messages_per_second=5)
async def test_marker_configures_the_fake(
    whatsapp_client: WhatsAppClient, fake_cloud_api: FakeCloudAPI
) -> None:
    assert fake_cloud_api.phone_number_id == "5550001"
    assert fake_cloud_api.messages_per_second == 5
    assert whatsapp_client.phone_number_id == "5550001"


def test_plugin_is_registered_through_the_entry_point(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.has_plugin("whatsapp_async")


def test_main_refuses_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port)]) == 1
    assert "cannot serve" in capsys.readouterr().err


def test_main_help_exits_cleanly() -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0


def test_sandbox_serves_until_interrupted() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "whatsapp_async.testing", "--port", "0", "--token", "tok"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        base_url = first.rsplit(" ", 1)[1].strip()
        lines = [proc.stdout.readline() for _ in range(3)]
        assert "WHATSAPP_ACCESS_TOKEN=tok\n" in [line.strip() + "\n" for line in lines]
        request = urllib.request.Request(f"{base_url}/1234567890",
                                         headers={"Authorization": "Bearer tok"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 200
            assert json.loads(resp.read())["id"] == "1234567890"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
