"""Every Python block of the documentation runs here, so a snippet that rots fails CI.

One test per block, named ``<page>:<line>``. A block runs as the user would
run it (``asyncio.run(main())`` included) in a fresh temporary directory,
against one in-process ``FakeCloudAPI`` on loopback (served from a thread of
its own, reset before every block). What a block may rely on without writing
it, and nothing else:

- the variables a deployed app reads: ``WHATSAPP_BASE_URL``,
  ``WHATSAPP_ACCESS_TOKEN``, ``WHATSAPP_PHONE_NUMBER_ID`` and
  ``WHATSAPP_BUSINESS_ACCOUNT_ID`` (the fake's),
  ``WHATSAPP_APP_SECRET`` and ``WHATSAPP_VERIFY_TOKEN`` (for webhook
  routers), and ``REDIS_URL`` (a redis-server on loopback, started for blocks
  that name it);
- its directory holds ``photo.jpg`` (a tiny JPEG) and ``customers.csv``
  (``phone,first_name`` and three rows);
- only loopback resolves: a block that would reach another host (Graph
  itself, say) fails instead;
- ``__name__`` is not ``"__main__"``, so an ``if __name__ == "__main__":``
  guard keeps a server from starting (its app is then driven by a checker).

How blocks are marked (not run, or run then checked) is in ``_snippets``; the
checkers are in ``_checks``.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs._checks import CHECKS
from tests.docs._snippets import DOCS, Block, blocks_of, doc_pages
from whatsapp_async.testing import FakeCloudAPI

GUIDES = (
    "quickstart", "web-apps", "broadcasts", "webhooks", "testing", "processes", "errors",
    "migrating", "sandbox", "templates", "flows",
)
APP_SECRET = "docs-app-secret"
VERIFY_TOKEN = "docs-verify-token"
# The smallest JPEG header is enough: the fake stores uploads as bytes.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
CUSTOMERS = "phone,first_name\n+15550100001,Ana\n+15550100002,Ben\n+15550100003,Chloe\n"


def _all_blocks() -> list[Block]:
    return [block for page in doc_pages() for block in blocks_of(page)]


RUN_BLOCKS = [block for block in _all_blocks() if block.runs]


class ThreadedFake:
    """A FakeCloudAPI served by an event loop in a thread of its own.

    Blocks call ``asyncio.run`` themselves, so the fake cannot live in their loop.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.fake = FakeCloudAPI()

    def _call(self, coro: object) -> object:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)  # type: ignore[arg-type]

    def start(self) -> None:
        self.thread.start()
        self._call(self.fake.start())

    def reset(self) -> None:
        async def reset() -> None:
            self.fake.reset()

        self._call(reset())

    def stop(self) -> None:
        self._call(self.fake.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def threaded_fake() -> Iterator[ThreadedFake]:
    fake = ThreadedFake()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def only_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every name but loopback fail to resolve, so no block reaches the internet."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK:
            raise OSError(f"docs blocks may only contact loopback, not {name!r}")
        return resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo what a block does to logging (the errors guide configures it, as an app would)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logger.level for name, logger in logging.Logger.manager.loggerDict.items()
              if isinstance(logger, logging.Logger)}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, logger in logging.Logger.manager.loggerDict.items():
            if isinstance(logger, logging.Logger):
                logger.setLevel(levels.get(name, logging.NOTSET))


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("block", RUN_BLOCKS, ids=[block.id for block in RUN_BLOCKS])
def test_block_runs(
    block: Block,
    threaded_fake: ThreadedFake,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    threaded_fake.reset()
    fake = threaded_fake.fake
    monkeypatch.setenv("WHATSAPP_BASE_URL", fake.base_url)
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", fake.access_token)
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", fake.phone_number_id)
    monkeypatch.setenv("WHATSAPP_BUSINESS_ACCOUNT_ID", fake.waba_id)
    monkeypatch.setenv("WHATSAPP_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)
    if "REDIS_URL" in block.source:
        monkeypatch.setenv("REDIS_URL", request.getfixturevalue("redis_server").url)
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
    (tmp_path / "photo.jpg").write_bytes(JPEG)
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    only_loopback(monkeypatch)
    namespace: dict[str, object] = {"__name__": "docs_snippet"}
    # The file name in the code object makes a traceback point at the page and line.
    code = compile("\n" * block.line + block.source, str(block.page), "exec")
    exec(code, namespace)
    if block.check is not None:
        CHECKS[block.check](namespace, fake, monkeypatch)


def test_every_guide_exists_and_runs_blocks() -> None:
    for name in GUIDES:
        page = DOCS / "guides" / f"{name}.md"
        assert page.exists(), page
        ran = [block for block in blocks_of(page) if block.runs]
        assert ran, f"{page}: no Python block runs"


def test_every_unmarked_python_block_is_collected() -> None:
    # Recount the fences with a plain scan, independently of the parser, so a
    # block the parser missed (a new fence style, say) fails here.
    expected = set()
    for page in doc_pages():
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            info = line.strip()
            if info.startswith(("```py", "~~~py")):
                expected.add(f"{page.relative_to(DOCS).as_posix()}:{number}")
    marked = {block.id for block in _all_blocks() if block.is_python and not block.runs}
    assert expected - marked == {block.id for block in RUN_BLOCKS}


def test_a_block_cannot_reach_another_host(monkeypatch: pytest.MonkeyPatch) -> None:
    only_loopback(monkeypatch)
    with pytest.raises(OSError, match="only contact loopback"):
        socket.getaddrinfo("graph.facebook.com", 443)
    assert socket.getaddrinfo("127.0.0.1", 80)


def test_every_checker_named_exists_and_is_used() -> None:
    named = {block.check for block in RUN_BLOCKS if block.check is not None}
    assert named == set(CHECKS)


def test_not_run_blocks_are_few() -> None:
    # Markers are for code that cannot run here; most of a guide must run.
    for name in GUIDES:
        blocks = [block for block in blocks_of(DOCS / "guides" / f"{name}.md") if block.is_python]
        skipped = [block for block in blocks if not block.runs]
        if name != "migrating":
            assert len(skipped) <= len(blocks) // 2, [block.id for block in skipped]

