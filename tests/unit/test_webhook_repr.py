"""``repr`` of a router never raises, even half built: error reporters format locals."""

from __future__ import annotations

import traceback

import pytest

from whatsapp_async import ConfigurationError
from whatsapp_async.webhooks import WebhookRouter

SECRET = "repr-secret"


def test_repr_of_a_router_never_initialised_does_not_raise() -> None:
    router = WebhookRouter.__new__(WebhookRouter)
    text = repr(router)
    assert text.startswith("<WebhookRouter") and SECRET not in text


def test_repr_of_a_router_whose_init_failed_does_not_raise() -> None:
    with pytest.raises(ConfigurationError) as info:
        WebhookRouter(app_secret=SECRET, dedupe_size=-1)
    frames = [frame for frame, _ in traceback.walk_tb(info.tb)
              if frame.f_code.co_name == "__init__" and "self" in frame.f_locals]
    half_built = frames[0].f_locals["self"]
    assert isinstance(half_built, WebhookRouter)
    assert repr(half_built).startswith("<WebhookRouter")


def test_locals_of_a_failed_router_init_can_be_captured() -> None:
    with pytest.raises(ConfigurationError) as info:
        WebhookRouter(app_secret=SECRET, max_concurrency=0)
    summary = traceback.TracebackException.from_exception(info.value, capture_locals=True)
    assert "max_concurrency" in "".join(summary.format())
