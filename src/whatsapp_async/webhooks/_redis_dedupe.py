"""The Redis dedupe store: one ``SET key 1 NX PX ttl`` per update key, shared by processes."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ._dedupe_store import DEFAULT_DEDUPE_TTL, _check_ttl

if TYPE_CHECKING:
    import redis.asyncio as aioredis

__all__ = ["RedisDedupeStore"]


class RedisDedupeStore:
    """Update keys in Redis, each for ``ttl`` seconds, shared by every process.

    Each key is claimed with ``SET NX`` and an expiry, atomic in Redis, so of
    several routers (processes, machines) that get the same update exactly
    one handles it. A batch is one pipelined round trip.

    Args:
        redis: A ``redis://`` URL, or a ``redis.asyncio.Redis`` client of yours
            (then :meth:`aclose` leaves it open).
        ttl: Seconds a key is remembered (default: Meta's 7-day redelivery window).
        prefix: Put before every key, to share a Redis database.

    Raises:
        ConfigurationError: ``ttl`` is not positive, or redis-py is not installed
            (``pip install 'whatsapp-async[redis]'``).
    """

    def __init__(
        self,
        redis: str | aioredis.Redis,
        *,
        ttl: float = DEFAULT_DEDUPE_TTL,
        prefix: str = "whatsapp_async:webhook_seen:",
    ) -> None:
        self.ttl = _check_ttl(ttl)
        self.prefix = prefix
        self._owned = isinstance(redis, str)
        if isinstance(redis, str):
            try:
                import redis.asyncio as aioredis
            except ImportError:  # pragma: no cover - the extra is installed in tests
                raise ConfigurationError(
                    "RedisDedupeStore needs redis-py: pip install 'whatsapp-async[redis]'"
                ) from None
            self._redis: Any = aioredis.from_url(redis)
        else:
            self._redis = redis

    def __repr__(self) -> str:
        return f"<RedisDedupeStore ttl={self.ttl:g}s prefix={self.prefix!r}>"

    async def claim(self, keys: Sequence[str]) -> list[bool]:
        """Remember each key for ``ttl`` seconds; True for each that was new.

        Raises:
            redis.exceptions.RedisError: Redis is unreachable (the router
                answers 503 then, so Meta redelivers).
        """
        if not keys:
            return []
        ttl_ms = max(1, round(self.ttl * 1000))
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(self.prefix + key, b"1", nx=True, px=ttl_ms)
            replies = await pipe.execute()
        return [bool(reply) for reply in replies]

    async def aclose(self) -> None:
        """Close the connection if this store opened it from a URL."""
        if self._owned:
            await self._redis.aclose()

    async def __aenter__(self) -> RedisDedupeStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
