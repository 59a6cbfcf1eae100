"""The app secret never sits in plain text in a local of a frame on an error path."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import pytest

from whatsapp_async.webhooks import WebhookRouter, sign, verify_signature

SECRET = "s3cret-app-secret-4711"


def shown_by(exc: BaseException) -> str:
    """What an error reporter formatting locals shows of ``exc``, outside this test's frames."""
    shown: list[str] = [repr(exc), str(exc)]
    seen: set[int] = set()
    pending: list[traceback.TracebackException | None] = [
        traceback.TracebackException.from_exception(exc, capture_locals=True)
    ]
    while pending:
        te = pending.pop()
        if te is None or id(te) in seen:
            continue
        seen.add(id(te))
        shown += te.format_exception_only()
        for frame in te.stack:
            if "/tests/" not in frame.filename:
                shown += [f"{name} = {value}" for name, value in (frame.locals or {}).items()]
        pending += [te.__cause__, te.__context__]
    return "\n".join(shown)


def captured(call: Callable[[], Any]) -> str:
    """Everything an error reporter formatting locals would show of ``call``'s error."""
    with pytest.raises(Exception) as info:
        call()
    return shown_by(info.value)


BAD_ROUTER_ARGUMENTS: list[dict[str, Any]] = [
    {"dedupe_size": -1},
    {"max_body_size": None},
    {"max_concurrency": 0},
    {"max_concurrency": "2"},
    {"max_backlog": -1, "max_concurrency": 1},
    {"handler_timeout": -1.0},
]


@pytest.mark.parametrize("bad", BAD_ROUTER_ARGUMENTS, ids=lambda bad: ",".join(bad))
def test_a_router_that_fails_to_build_shows_no_app_secret_in_its_locals(
    bad: dict[str, Any],
) -> None:
    shown = captured(lambda: WebhookRouter(app_secret=SECRET, **bad))
    assert SECRET not in shown


@pytest.mark.parametrize("bad", BAD_ROUTER_ARGUMENTS, ids=lambda bad: ",".join(bad))
def test_a_router_that_fails_to_build_shows_no_app_secret_from_the_environment(
    bad: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHATSAPP_APP_SECRET", SECRET)
    shown = captured(lambda: WebhookRouter(**bad))
    assert SECRET not in shown


@pytest.mark.parametrize("secret", ["", b"", 4711, "bad\ud800" + SECRET])
def test_an_unusable_app_secret_is_refused_without_showing_it(secret: Any) -> None:
    from whatsapp_async import ConfigurationError

    with pytest.raises(ConfigurationError):
        WebhookRouter(app_secret=secret)
    shown = captured(lambda: WebhookRouter(app_secret=secret))
    assert SECRET not in shown


@pytest.mark.parametrize("secret", [SECRET, SECRET.encode()])
@pytest.mark.parametrize(
    "call",
    [
        lambda secret: verify_signature("not bytes", "sha256=00", secret),
        lambda secret: verify_signature(b"{}", 42, secret),
        lambda secret: sign("not bytes", secret),  # type: ignore[arg-type]
        lambda secret: verify_signature(None, "sha256=00", secret),
    ],
    ids=["str-body", "int-header", "sign-str-body", "none-body"],
)
def test_signature_errors_show_no_app_secret_in_their_locals(
    call: Callable[[Any], Any], secret: str | bytes
) -> None:
    shown = captured(lambda: call(secret))
    assert SECRET not in shown


async def test_a_router_handling_a_bad_body_shows_no_app_secret_in_its_locals() -> None:
    router = WebhookRouter(app_secret=SECRET)
    with pytest.raises(Exception) as info:
        await router.handle("not bytes", "sha256=00")  # type: ignore[arg-type]
    assert SECRET not in shown_by(info.value)
