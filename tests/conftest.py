"""Fixtures shared by the whole suite; constants and helpers live in ``tests.support``."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

# Re-exported for modules that still import them from here; new code imports tests.support.
from tests.support import FIXTURES, ROOT, SHARED, free_port, load_fixture

__all__ = ["FIXTURES", "ROOT", "SHARED", "load_fixture"]

PRISM_SCRIPT = SHARED / "conformance" / "prism-server.sh"


def _prism(**env: str) -> Iterator[str]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm not on PATH: the Prism conformance server cannot run")
    if not PRISM_SCRIPT.exists():
        pytest.skip(f"conformance harness not found at {PRISM_SCRIPT}")
    port = str(free_port())
    out = subprocess.run(
        ["bash", str(PRISM_SCRIPT), port],
        check=True, capture_output=True, text=True, timeout=600, env={**os.environ, **env},
    )
    try:
        yield out.stdout.strip()
    finally:
        subprocess.run(["bash", str(PRISM_SCRIPT), "stop", port], check=False,
                       capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    """Base URL of a Prism mock of the seed spec (GET /<id> answers getPhoneNumber)."""
    yield from _prism()


@pytest.fixture(scope="session")
def prism_media_url() -> Iterator[str]:
    """Base URL of a Prism mock where GET /<id> answers getMediaUrl (quirk 1)."""
    yield from _prism(PRISM_AMBIGUOUS_GET="media")


def _redis_server() -> Iterator[Any]:
    from tests.redis_server import REDIS_SERVER, RedisServer

    if REDIS_SERVER is None:
        pytest.skip("redis-server is not on PATH (Debian: apt-get install redis-server); "
                    "the shared-throttle tests need a real Redis")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Any]:
    """A real redis-server on a free loopback port, shared by the session (``.url``)."""
    yield from _redis_server()


@pytest.fixture
def own_redis_server() -> Iterator[Any]:
    """A redis-server for one test only, which it may ``kill()`` and ``start()`` again."""
    yield from _redis_server()
