"""Integration fixtures, built on the shipped pytest plugin.

The plugin (``whatsapp_async.testing.pytest_plugin``, loaded through the
``pytest11`` entry point) gives ``fake_cloud_api`` and ``whatsapp_client``; the
tests here use them under short names:

* ``fake`` is the plugin's ``fake_cloud_api``. Configure it the plugin's way,
  with ``@pytest.mark.fake_cloud_api(...)`` on a test or ``pytestmark`` on a
  module. A module whose fake needs more than static keyword arguments (a value
  from another fixture, faults queued after start) overrides ``fake_cloud_api``
  itself; ``fake``, ``wa`` and ``whatsapp_client`` then all get that one.
* ``wa`` is the plugin's ``whatsapp_client`` retrying with ``FAST_RETRY``, so a
  retried call costs milliseconds. A test wanting other settings takes a view:
  ``wa.with_options(retry=..., timeout=...)``.
"""

from __future__ import annotations

import pytest

from tests.support import FAST_RETRY
from whatsapp_async import WhatsAppClient
from whatsapp_async.testing import FakeCloudAPI


@pytest.fixture
def fake(fake_cloud_api: FakeCloudAPI) -> FakeCloudAPI:
    """The plugin's fake Cloud API (configured by the ``fake_cloud_api`` marker)."""
    return fake_cloud_api


@pytest.fixture
def wa(whatsapp_client: WhatsAppClient) -> WhatsAppClient:
    """The plugin's client on ``fake``, retrying with ``FAST_RETRY``."""
    return whatsapp_client.with_options(retry=FAST_RETRY)
