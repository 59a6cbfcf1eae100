"""Hostile arguments to wa.flows are refused with ValidationError before any request.

Every argument of every operation gets junk (wrong types, surrogates, huge
values, path tricks); either the call is refused with a ValidationError and
nothing is sent, or the value was acceptable and the request went out (to no
server). Nothing else may escape.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aioresponses import aioresponses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import NO_RETRY, PHONE_NUMBER_ID, TOKEN
from whatsapp_async import TransportError, ValidationError, WhatsAppClient

WABA = "102290129340398"
PEM = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"
FLOW_JSON = {"version": "7.1", "screens": [
    {"id": "A", "terminal": True, "layout": {"type": "SingleColumnLayout", "children": []}}]}

JUNK: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([
        None, "", " ", "\x00", "\ud800", "a" * 5000, "../x", "a/b?c#d", 10**400, -1, 0, True,
        False, float("nan"), 3.5, b"\xff\xfe", bytearray(b"x"), [], {}, (), set(), [None],
        ["OTHER", None], [["OTHER"]], {"k": object()}, {"version": 1}, "[1]", "{",
        "http://example.com", "https://", "2026-13-45", "2026-1-1", object(),
    ]),
    st.integers(), st.text(max_size=8),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=3)), max_size=3),
)

CALLS: dict[str, dict[str, Any]] = {
    "create": {"name": "n", "categories": ["OTHER"], "clone_flow_id": "1",
               "endpoint_uri": "https://example.com/f", "flow_json": FLOW_JSON,
               "publish": True, "check": True},
    "update": {"flow_id": "1", "name": "n", "categories": ["OTHER"],
               "endpoint_uri": "https://example.com/f"},
    "upload_json": {"flow_id": "1", "flow_json": FLOW_JSON, "check": True},
    "get": {"flow_id": "1", "fields": ["status"]},
    "assets": {"flow_id": "1"},
    "publish": {"flow_id": "1"},
    "deprecate": {"flow_id": "1"},
    "delete": {"flow_id": "1"},
    "metrics": {"flow_id": "1", "name": "ENDPOINT_REQUEST_COUNT", "granularity": "DAY",
                "since": "2026-01-01", "until": "2026-01-31"},
    "set_public_key": {"public_key": PEM},
    "list": {"fields": ["name"], "page_size": 10},
}
TARGETS = [(method, name) for method, kwargs in CALLS.items() for name in kwargs]


async def _call(method: str, kwargs: dict[str, Any]) -> tuple[BaseException, int]:
    with aioresponses() as mock:  # no routes: a request that leaves fails to connect
        async with WhatsAppClient(TOKEN, PHONE_NUMBER_ID, business_account_id=WABA,
                                  retry=NO_RETRY) as wa:
            try:
                if method == "list":
                    [flow async for flow in wa.flows.list(**kwargs)]
                else:
                    await getattr(wa.flows, method)(**kwargs)
            except Exception as exc:
                return exc, sum(len(calls) for calls in mock.requests.values())
    raise AssertionError(f"flows.{method} returned without a server")


def test_every_baseline_call_reaches_the_network() -> None:
    for method, kwargs in CALLS.items():
        exc, requests = asyncio.run(_call(method, kwargs))
        assert isinstance(exc, TransportError), (method, exc)
        assert requests >= 1, method


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(TARGETS), value=JUNK)
def test_a_hostile_argument_is_refused_before_any_request(target: tuple[str, str],
                                                          value: Any) -> None:
    method, name = target
    exc, requests = asyncio.run(_call(method, {**CALLS[method], name: value}))
    if isinstance(exc, ValidationError):
        assert exc.field and exc.rule
        assert requests == 0, f"{method} sent a request and then refused {name}={value!r}"
    else:
        assert isinstance(exc, TransportError), f"{method} {name}={value!r} raised {exc!r}"
        assert requests >= 1
