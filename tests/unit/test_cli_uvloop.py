"""The command runs on uvloop when the [speed] extra is installed, and on asyncio's loop if not."""

from __future__ import annotations

import asyncio
import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.test_cli import ThreadedFake, broadcast, write_csv
from whatsapp_async import speed


@pytest.fixture
def people(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "people.csv", [
        ["phone", "name", "code"], ["+15550000001", "Ana", "A1"], ["+15550000002", "Ben", "B2"],
    ])


def _run_against_a_fake(people: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    with ThreadedFake() as server:
        monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", server.access_token)
        monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", server.phone_number_id)
        monkeypatch.setenv("WHATSAPP_BASE_URL", server.base_url)
        code = broadcast(people)
        assert len(server.sent) == 2
    return code


def test_the_command_runs_on_uvloop_when_it_is_installed(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loops: list[str] = []
    fake_uvloop = ModuleType("uvloop")

    def run(main: Any) -> Any:
        # stands for uvloop.run: a new loop of uvloop's kind runs the coroutine
        loop = asyncio.new_event_loop()
        loops.append("uvloop")
        try:
            return loop.run_until_complete(main)
        finally:
            loop.close()

    fake_uvloop.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "uvloop", fake_uvloop)
    assert _run_against_a_fake(people, monkeypatch) == 0
    assert loops == ["uvloop"]


def test_the_command_works_without_uvloop(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = importlib.import_module

    def no_uvloop(name: str, package: str | None = None) -> ModuleType:
        if name == "uvloop":
            raise ImportError("No module named 'uvloop'")
        return real_import(name, package)

    monkeypatch.setattr(speed.importlib, "import_module", no_uvloop)
    assert speed.uvloop_module() is None
    assert _run_against_a_fake(people, monkeypatch) == 0


def test_run_can_be_told_to_use_the_standard_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[str] = []
    fake_uvloop = ModuleType("uvloop")
    fake_uvloop.run = lambda main: called.append("uvloop")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "uvloop", fake_uvloop)

    async def answer() -> int:
        return 42

    assert speed.run(answer(), use_uvloop=False) == 42
    assert called == []


def test_run_uses_the_real_uvloop_of_the_speed_extra() -> None:
    async def loop_module() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert speed.run(loop_module()).startswith("uvloop")
    assert not speed.run(loop_module(), use_uvloop=False).startswith("uvloop")
