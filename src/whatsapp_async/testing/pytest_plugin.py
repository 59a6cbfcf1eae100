"""pytest plugin: ``fake_cloud_api`` and ``whatsapp_client`` fixtures.

Registered through the ``pytest11`` entry point, so installing whatsapp-async
is enough::

    async def test_greeting(whatsapp_client, fake_cloud_api):
        await whatsapp_client.messages.send_text("+15551234567", "Hi")
        assert fake_cloud_api.sent[0].text == "Hi"

Settings for the fake go in a marker:
``@pytest.mark.fake_cloud_api(messages_per_second=10, webhook_url=...)``.
The fixtures are async and need pytest-asyncio, in any mode: an ``async def``
test that uses them, directly or through another fixture, is marked
``asyncio`` here, so no ``asyncio_mode = "auto"`` setting is needed.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Generator
from typing import Any

import pytest

from ..client import WhatsAppClient
from ._server import FakeCloudAPI

__all__ = ["fake_cloud_api", "whatsapp_client"]

try:
    import pytest_asyncio

    _async_fixture: Any = pytest_asyncio.fixture
except ImportError:  # pragma: no cover - the fixtures then explain what is missing
    _async_fixture = None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_cloud_api(**kwargs): keyword arguments for the FakeCloudAPI of the "
        "fake_cloud_api / whatsapp_client fixtures",
    )


_OUR_FIXTURES = frozenset({"fake_cloud_api", "whatsapp_client"})


# trylast makes this wrapper the innermost, so the marker is on the item before
# pytest-asyncio's own wrapper decides (in strict mode) whether the test is async.
@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_pycollect_makeitem(
    collector: pytest.Collector, name: str, obj: object
) -> Generator[None, Any, None]:
    outcome = yield
    made = outcome.get_result()
    if _async_fixture is None or not inspect.iscoroutinefunction(obj):
        return
    for item in made if isinstance(made, list) else [made]:
        if (isinstance(item, pytest.Function) and _OUR_FIXTURES & set(item.fixturenames)
                and item.get_closest_marker("asyncio") is None):
            item.add_marker(pytest.mark.asyncio)


def _fake_kwargs(request: pytest.FixtureRequest) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    # Closest marker last, so a test's marker overrides its class's and module's.
    for marker in reversed(list(request.node.iter_markers("fake_cloud_api"))):
        kwargs.update(marker.kwargs)
    return kwargs


async def _fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeCloudAPI]:
    async with FakeCloudAPI(**_fake_kwargs(request)) as fake:
        yield fake


async def _client(fake_cloud_api: FakeCloudAPI) -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(
        fake_cloud_api.access_token,
        fake_cloud_api.phone_number_id,
        base_url=fake_cloud_api.base_url,
        messages_per_second=fake_cloud_api.messages_per_second,
        business_account_id=fake_cloud_api.waba_id,
    ) as client:
        yield client


if _async_fixture is not None:
    fake_cloud_api = _async_fixture(_fake, name="fake_cloud_api")
    whatsapp_client = _async_fixture(_client, name="whatsapp_client")
else:  # pragma: no cover

    @pytest.fixture(name="fake_cloud_api")
    def fake_cloud_api() -> None:
        pytest.fail("the fake_cloud_api fixture needs pytest-asyncio: pip install pytest-asyncio")

    @pytest.fixture(name="whatsapp_client")
    def whatsapp_client() -> None:
        pytest.fail("the whatsapp_client fixture needs pytest-asyncio: pip install pytest-asyncio")
