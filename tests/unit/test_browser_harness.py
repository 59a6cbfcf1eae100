"""Without chromium or Playwright, the browser tests skip saying what to install."""

from __future__ import annotations

import sys
import types

import pytest

from tests.browser import conftest as harness


def test_no_chromium_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness.shutil, "which", lambda name: None)
    monkeypatch.setattr(harness.os, "access", lambda path, mode: False)
    # Playwright present (a stand-in, so this holds wherever the test runs).
    for name in ("playwright", "playwright.async_api"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    reason = harness.browser_missing()
    assert reason == ("chromium is not installed: apt-get install -y chromium "
                      "(Debian's package)")


def test_no_playwright_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "playwright.async_api", None)
    reason = harness.browser_missing()
    assert reason is not None and "pip install -e '.[test]'" in reason
    assert "do not run 'playwright install'" in reason


def test_the_system_chromium_is_found_on_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness.shutil, "which",
                        lambda name: "/opt/bin/chromium" if name == "chromium" else None)
    assert harness.chromium_binary() == "/opt/bin/chromium"
