"""Find the code blocks of the documentation pages, and what each is marked with.

A block is a fenced block (backticks or tildes, indented or not, e.g. inside a
content tab). Every fence must name its language, so a Python block cannot
hide behind a bare fence. Python blocks (``python`` or ``py``) run unless the
nearest non-blank line above the fence is a marker comment:

- ``<!-- not-run: reason -->``: not run; the reason is required. For another
  library's code (the pywa/heyoo comparison), a shell session or a fragment
  that only makes sense inside a bigger program.
- ``<!-- check: name -->``: run, and then hand the names it defined to the
  checker ``name`` of ``tests/docs/_checks.py``, which drives what the block
  built (a web app called in-process, a pytest test function, a webhook bot
  fed a simulated message) and asserts what it did.

Nothing else is prepended to a block: what it sees is described in
``test_guide_snippets`` (environment variables and files in its directory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DOCS", "Block", "FenceError", "blocks_of", "doc_pages"]

DOCS = Path(__file__).resolve().parents[2] / "docs"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_MARKER = re.compile(r"^\s*<!--\s*(?P<kind>not-run|check):\s*(?P<arg>.*?)\s*-->\s*$")
_LOOSE_MARKER = re.compile(r"<!--\s*(not-run|check)\b")
_PYTHON = {"python", "py"}


class FenceError(ValueError):
    """A page breaks the rules for fences or markers."""


@dataclass(frozen=True)
class Block:
    """One fenced block of a page."""

    page: Path
    line: int  # 1-based line of the opening fence
    language: str
    source: str
    not_run: str | None = None  # the reason, when marked not-run
    check: str | None = None  # the checker's name, when marked check

    @property
    def is_python(self) -> bool:
        return self.language in _PYTHON

    @property
    def runs(self) -> bool:
        return self.is_python and self.not_run is None

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(DOCS).as_posix()}:{self.line}"


def doc_pages() -> list[Path]:
    """Every Markdown page of the site."""
    return sorted(DOCS.rglob("*.md"))


def blocks_of(page: Path) -> list[Block]:
    """The fenced blocks of ``page``, in order.

    Raises:
        FenceError: A fence without a language, an unclosed fence, a marker
            that is malformed, has no reason or name, or is not right above a
            Python fence.
    """
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: tuple[int, str, str] | None = None  # (line, kind, arg) of a marker
    i = 0
    while i < len(lines):
        text = lines[i]
        if _LOOSE_MARKER.search(text):
            marker = _MARKER.match(text)
            if marker is None or not marker["arg"]:
                raise FenceError(f"{page}:{i + 1}: a marker needs a reason or a checker name")
            pending = (i + 1, marker["kind"], marker["arg"])
            i += 1
            continue
        fence = _FENCE.match(text)
        if fence is None:
            if text.strip() and pending is not None:
                raise FenceError(f"{page}:{pending[0]}: marker not right above a fence")
            i += 1
            continue
        info = fence["info"].strip()
        language = info.split()[0].lower() if info else ""
        if not language:
            raise FenceError(f"{page}:{i + 1}: a fence must name its language")
        indent, closing = fence["indent"], fence["fence"]
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != closing:
            line = lines[j]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            j += 1
        if j == len(lines):
            raise FenceError(f"{page}:{i + 1}: fence never closed")
        not_run = check = None
        if pending is not None:
            if language not in _PYTHON:
                raise FenceError(f"{page}:{pending[0]}: markers are for Python blocks only")
            _, kind, arg = pending
            not_run, check = (arg, None) if kind == "not-run" else (None, arg)
            pending = None
        blocks.append(Block(page, i + 1, language, "\n".join(body) + "\n", not_run, check))
        i = j + 1
    if pending is not None:
        raise FenceError(f"{page}:{pending[0]}: marker not right above a fence")
    return blocks
