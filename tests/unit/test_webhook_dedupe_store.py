"""Durable dedupe: the same contract for the SQLite and Redis stores, and the router using them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.redis_server import RedisServer
from tests.support import FIXTURES
from whatsapp_async import ConfigurationError
from whatsapp_async.webhooks import (
    DedupeStore,
    RedisDedupeStore,
    SQLiteDedupeStore,
    WebhookRouter,
    sign,
)

SECRET = "dedupe-secret"
TEXT = (FIXTURES / "facts" / "webhooks" / "01_text_from_ctwa_ad.json").read_bytes()
DELIVERED = (FIXTURES / "facts" / "webhooks" / "07_status_delivered_with_pricing.json").read_bytes()

#: Builds a store of one kind; calling it again with the same name reaches the same data.
Factory = Callable[..., DedupeStore]


@pytest.fixture(params=["sqlite", "redis"])
async def make_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Factory]:
    opened: list[DedupeStore] = []
    prefix = f"test:{uuid.uuid4().hex}:"

    def make(**kwargs: Any) -> DedupeStore:
        store: DedupeStore
        if request.param == "sqlite":
            store = SQLiteDedupeStore(tmp_path / "seen.sqlite3", **kwargs)
        else:
            server: RedisServer = request.getfixturevalue("redis_server")
            store = RedisDedupeStore(server.url, prefix=prefix, **kwargs)
        opened.append(store)
        return store

    yield make
    for store in opened:
        await store.aclose()


async def test_new_keys_are_claimed_once(make_store: Factory) -> None:
    store = make_store()
    assert isinstance(store, DedupeStore)
    assert await store.claim(["m:a", "m:b"]) == [True, True]
    assert await store.claim(["m:a", "m:c"]) == [False, True]
    assert await store.claim([]) == []


async def test_a_key_repeated_in_one_claim_is_new_once(make_store: Factory) -> None:
    assert await make_store().claim(["m:x", "m:x", "m:y"]) == [True, False, True]


async def test_keys_survive_a_new_store_on_the_same_data(make_store: Factory) -> None:
    first = make_store()
    await first.claim(["m:kept"])
    await first.aclose()
    assert await make_store().claim(["m:kept", "m:other"]) == [False, True]


async def test_keys_are_forgotten_after_the_ttl(make_store: Factory) -> None:
    store = make_store(ttl=0.2)
    await store.claim(["m:brief"])
    assert await store.claim(["m:brief"]) == [False]
    await asyncio.sleep(0.4)
    assert await store.claim(["m:brief"]) == [True]


async def test_concurrent_claims_of_one_key_give_it_to_exactly_one(make_store: Factory) -> None:
    stores = [make_store() for _ in range(4)]
    results = await asyncio.gather(*(s.claim(["m:race"]) for s in stores for _ in range(5)))
    assert sum(r == [True] for r in results) == 1


@pytest.mark.parametrize("ttl", [0, -1])
def test_ttl_must_be_positive(tmp_path: Path, ttl: float) -> None:
    with pytest.raises(ConfigurationError, match="ttl"):
        SQLiteDedupeStore(tmp_path / "x.sqlite3", ttl=ttl)
    with pytest.raises(ConfigurationError, match="ttl"):
        RedisDedupeStore("redis://127.0.0.1:1/0", ttl=ttl)


async def test_sqlite_store_purges_expired_rows(tmp_path: Path) -> None:
    now = [1000.0]
    store = SQLiteDedupeStore(tmp_path / "p.sqlite3", ttl=10, clock=lambda: now[0])
    await store.claim([f"m:old{i}" for i in range(300)])
    now[0] += 11
    await store.claim([f"m:new{i}" for i in range(300)])
    assert store._db is not None
    [(rows,)] = store._db.execute("SELECT COUNT(*) FROM webhook_seen").fetchall()
    assert rows == 300
    await store.aclose()
    with pytest.raises(ConfigurationError, match="closed"):
        await store.claim(["m:late"])


# ------------------------------------------------------------------ the router


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    async def __call__(self, event: Any) -> None:
        self.events.append(event)


def routed(store: DedupeStore) -> tuple[WebhookRouter, Recorder]:
    router = WebhookRouter(app_secret=SECRET, dedupe_store=store)
    seen = Recorder()
    router.on_message(seen)
    router.on_status(seen)
    return router, seen


async def post(router: WebhookRouter, body: bytes) -> int:
    status = (await router.handle(body, sign(body, SECRET))).status
    await router.join()
    return status


async def test_two_routers_sharing_a_store_handle_an_update_once(make_store: Factory) -> None:
    (one, seen_one), (two, seen_two) = routed(make_store()), routed(make_store())
    assert await post(one, TEXT) == 200
    assert await post(two, TEXT) == 200
    assert await post(two, DELIVERED) == 200
    assert len(seen_one.events) == 1
    assert len(seen_two.events) == 1
    assert seen_two.events[0].status.status == "delivered"


async def test_a_restarted_router_drops_a_redelivery(make_store: Factory) -> None:
    first, seen = routed(make_store())
    await post(first, TEXT)
    await first.aclose()
    second, seen_again = routed(make_store())
    assert await post(second, TEXT) == 200
    assert (len(seen.events), seen_again.events) == (1, [])


async def test_a_failing_store_answers_503_and_starts_nothing() -> None:
    class Broken:
        async def claim(self, keys: Any) -> list[bool]:
            raise OSError("disk gone")

        async def aclose(self) -> None:
            pass

    router, seen = routed(Broken())
    response = await router.handle(TEXT, sign(TEXT, SECRET))
    assert response.status == 503
    await router.join()
    assert seen.events == []
    # Not remembered either: once the store is back, the redelivery is handled.
    router.dedupe_store = SQLiteDedupeStore(":memory:")
    assert await post(router, TEXT) == 200
    assert len(seen.events) == 1
    await router.dedupe_store.aclose()


async def test_store_is_not_asked_for_updates_without_keys(tmp_path: Path) -> None:
    asked: list[list[str]] = []

    class Spy(SQLiteDedupeStore):
        async def claim(self, keys: Any) -> list[bool]:
            asked.append(list(keys))
            return await super().claim(keys)

    store = Spy(tmp_path / "spy.sqlite3")
    router, _ = routed(store)
    await post(router, (FIXTURES / "webhooks" / "27_value_errors.json").read_bytes())
    await post(router, TEXT)
    assert asked == [[], ["m:wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FGMTIzNDU2Nzg5MEFCQ0RFRjAA"]]
    await store.aclose()


