"""How ``tests/docs/_snippets`` reads a page: what runs, what is marked, what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs import _snippets
from tests.docs._snippets import FenceError, blocks_of


def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    monkeypatch.setattr(_snippets, "DOCS", tmp_path)
    path = tmp_path / "guide.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_python_blocks_run_and_others_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = page(tmp_path, monkeypatch, (
        "# Guide\n\n```python\nprint(1)\n```\n\n```sh\nls\n```\n\n"
        "<!-- not-run: another library -->\n```python\nimport pywa\n```\n\n"
        "<!-- check: fastapi_app -->\n\n```py\napp = 1\n```\n"
    ))
    blocks = blocks_of(path)
    assert [(b.line, b.language, b.runs, b.not_run, b.check) for b in blocks] == [
        (3, "python", True, None, None),
        (7, "sh", False, None, None),
        (12, "python", False, "another library", None),
        (18, "py", True, None, "fastapi_app"),
    ]
    assert blocks[0].source == "print(1)\n"
    assert blocks[3].id == "guide.md:18"


def test_a_block_inside_a_content_tab_is_dedented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = page(tmp_path, monkeypatch, (
        '=== "tab"\n\n    ```python\n    def f():\n        return 1\n    ```\n\n'
        '=== "other"\n\n    <!-- not-run: shown only -->\n    ```python\n    x\n    ```\n'
    ))
    first, second = blocks_of(path)
    assert first.source == "def f():\n    return 1\n"
    assert first.runs
    assert second.not_run == "shown only"


@pytest.mark.parametrize(("text", "message"), [
    ("```\nprint(1)\n```\n", "must name its language"),
    ("```python\nprint(1)\n", "never closed"),
    ("<!-- not-run: -->\n```python\nx\n```\n", "needs a reason"),
    ("<!-- not-run because -->\n```python\nx\n```\n", "needs a reason"),
    ("<!-- not-run: why -->\nSome prose.\n```python\nx\n```\n", "not right above a fence"),
    ("<!-- not-run: why -->\n```sh\nls\n```\n", "Python blocks only"),
    ("Text\n<!-- check: app -->\n", "not right above a fence"),
])
def test_malformed_pages_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    path = page(tmp_path, monkeypatch, text)
    with pytest.raises(FenceError, match=message):
        blocks_of(path)
