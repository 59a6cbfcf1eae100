"""The README's three-line test runs in a project that sets no asyncio_mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

README_TEST = '''
async def test_welcome(whatsapp_client, fake_cloud_api):
    await whatsapp_client.messages.send_text("+15551234567", "Welcome!")
    assert fake_cloud_api.sent[0].text == "Welcome!"
'''

THROUGH_A_FIXTURE = '''
import pytest_asyncio

@pytest_asyncio.fixture
async def greeted(whatsapp_client, fake_cloud_api):
    await whatsapp_client.messages.send_text("+15551234567", "Hello")
    return fake_cloud_api

async def test_greeted(greeted):
    assert [m.text for m in greeted.sent] == ["Hello"]

async def test_not_ours():
    pass
'''


def _pytest_in(folder: Path) -> subprocess.CompletedProcess[str]:
    # Its own rootdir and an empty ini: pytest-asyncio runs in its default strict mode.
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(folder)],
        cwd=folder, capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_readme_test_passes_without_asyncio_mode(tmp_path: Path) -> None:
    (tmp_path / "test_readme.py").write_text(README_TEST, encoding="utf-8")
    run = _pytest_in(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASSED test_readme.py::test_welcome" in run.stdout


def test_a_test_using_the_fixtures_through_its_own_fixture_is_async_too(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_indirect.py").write_text(THROUGH_A_FIXTURE, encoding="utf-8")
    run = _pytest_in(tmp_path)
    # The test that uses none of the plugin's fixtures is left to strict mode, which
    # does not run an unmarked coroutine: the plugin marks only what it serves.
    assert "PASSED test_indirect.py::test_greeted" in run.stdout, run.stdout
    assert "FAILED test_indirect.py::test_not_ours" in run.stdout, run.stdout
