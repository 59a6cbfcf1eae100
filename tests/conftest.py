"""Fixtures shared by the whole suite; constants and helpers live in ``tests.support``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# Re-exported for modules that still import them from here; new code imports tests.support.
from tests.support import FIXTURES, ROOT, load_fixture

__all__ = ["FIXTURES", "ROOT", "load_fixture"]


def _prism(*, media_last: bool = False) -> Iterator[str]:
    from tests.prism_server import PrismServer, PrismUnavailable, prism_missing

    reason = prism_missing()
    if reason is not None:
        pytest.skip(reason)
    server = PrismServer(media_last=media_last)
    try:
        server.start()
    except PrismUnavailable as exc:
        pytest.skip(f"Prism conformance skipped: {exc}")
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    """Base URL of a Prism mock of the spec (GET /<id> answers getPhoneNumber)."""
    yield from _prism()


@pytest.fixture(scope="session")
def prism_media_url() -> Iterator[str]:
    """Base URL of a Prism mock where GET /<id> answers getMediaUrl."""
    yield from _prism(media_last=True)


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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A real PostgreSQL on a free loopback port, shared by the session (see ``postgres_dsn``)."""
    from tests.postgres_server import PostgresServer, postgres_missing

    reason = postgres_missing()
    if reason is not None:
        pytest.skip(reason)
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def postgres_dsn(postgres_server: Any) -> str:
    """The DSN of a database on the session's PostgreSQL (``postgresql://postgres@127.0.0.1:...``)."""
    dsn: str = postgres_server.dsn
    return dsn


_databases = iter(range(1, 1_000_000))


@pytest.fixture
def fresh_postgres_dsn(postgres_server: Any) -> str:
    """The DSN of a new, empty database on the session's PostgreSQL, for one test."""
    dsn: str = postgres_server.create_database(f"t{next(_databases)}")
    return dsn


@pytest.fixture(params=["sqlite", "postgres"])
def journal_target(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A fresh journal on each backend: an SQLite file's path, then an empty database's DSN."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.db")
    dsn: str = request.getfixturevalue("fresh_postgres_dsn")
    return dsn


#: Set by CI (``.ci/run``): a test that skips there fails instead, so CI never
#: passes with part of the suite unrun.
_EVERY_TEST_RUNS = os.environ.get("WHATSAPP_ASYNC_NO_SKIP") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if _EVERY_TEST_RUNS and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under WHATSAPP_ASYNC_NO_SKIP=1 (CI runs every test): {reason}"


#: The per-test limit (``timeout`` in pyproject.toml) for a test that may first
#: install Prism from npm (up to 600 s) and start it (up to 90 s): the time spent
#: in a session fixture's setup counts against the first test that uses it.
_PRISM_INSTALL_TIMEOUT = 900
_PRISM_FIXTURES = frozenset({"prism_url", "prism_media_url"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _PRISM_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.timeout(_PRISM_INSTALL_TIMEOUT))
