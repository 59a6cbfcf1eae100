"""The one module that touches aiohttp.

It builds URLs from checked path segments, adds the bearer token, encodes
request Structs, runs each attempt through the view's middleware chain (see
:mod:`whatsapp_async.middleware`), decodes answers into the requested type and
maps failures to the exception tree, with the retry policy around it all.
Resources never see HTTP details.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Any, TypeVar, overload
from urllib.parse import urlsplit

import aiohttp
import msgspec
from multidict import CIMultiDict
from yarl import URL

from . import _codec
from ._base_url import (
    _API_VERSION,
    DEFAULT_API_VERSION,
    resolve_base_url,
)
from ._error_answers import error_from_response
from ._slots import Slots, wait_for_slot
from ._usage import APP_USAGE, BUSINESS_USAGE
from ._version import __version__
from .errors import (
    MAY_HAVE_BEEN_SENT,
    APIError,
    ClientClosedError,
    ConnectError,
    ConnectionLostError,
    RequestTimeout,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
    WhatsAppError,
)
from .middleware import Answer, Attempt, CallNext, Middleware, pipeline
from .request import APIRequest, FilePart, Multipart, check_segment
from .retry import RetryPolicy
from .throttle import (
    Throttle,
    acquire_nowait_for,
    apply_pacing_rules,
    observer_for,
    usage_hook,
)

__all__ = [
    "FilePart", "Multipart", "RequestOptions", "Transport", "check_segment", "resolve_base_url",
]

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger("whatsapp_async")

_DOWNLOAD_PATH = "(media download)"  # the URL itself may carry signed query data
USER_AGENT = f"whatsapp-async/{__version__}"
JSON_TYPE = "application/json"

# Hosts Meta serves media downloads from (seen in real GET /{media-id} answers).
MEDIA_HOST_SUFFIXES = ("lookaside.fbsbx.com", ".fbcdn.net", ".whatsapp.net")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TARGETS_MAX = 1024


def _unknown_path(error: APIError) -> bool:
    """Whether ``error`` is Graph's answer to a path it does not know (code 100)."""
    return error.code == 100 and "unknown path components" in error.message.lower()


class AuthHeaders(CIMultiDict[str]):
    """Request headers carrying the bearer token, with a repr that masks it.

    Error reporters format every local of every frame (``capture_locals``);
    a plain dict here would print the token. A CIMultiDict because that is
    what aiohttp keeps headers in: it takes one as it is, where a dict is
    converted on every request.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        shown = {k: "Bearer ***" if k == "Authorization" else v for k, v in self.items()}
        return f"AuthHeaders({shown!r})"

    __str__ = __repr__


class Secret:
    """A string kept out of reprs and captured locals; :meth:`reveal` gives it back."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


@dataclass(frozen=True)
class RequestOptions:
    """Per-view settings applied to every request."""

    timeout: float
    connect_timeout: float
    retry: RetryPolicy
    middleware: tuple[Middleware, ...] = field(default=())

    @cached_property
    def client_timeout(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=self.timeout, connect=self.connect_timeout)


class Download:
    """A streamed download answer; iterate :meth:`chunks` to read it."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.status = response.status
        self.content_type = response.headers.get("Content-Type", "")
        self.content_length = response.content_length

    async def chunks(self, size: int = 64 * 1024) -> AsyncIterator[bytes]:
        """Yield the body in chunks of at most ``size`` bytes."""
        try:
            async for chunk in self._response.content.iter_chunked(size):
                yield chunk
            return
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            failure = transport_failure(exc, "GET", _DOWNLOAD_PATH)
        raise failure  # outside the except block, without aiohttp's cause (see pipeline)


def transport_failure(
    exc: aiohttp.ClientError | asyncio.TimeoutError,
    method: str,
    path: str,
    *,
    timeout: float | None = None,
) -> TransportError:
    """The typed error for an aiohttp failure, saying whether the server may have the request.

    Only a failure to connect (or to get a pooled connection) proves nothing
    was sent; a timeout or a broken connection afterwards leaves it open.
    """
    where = f"{method} {path}"
    if isinstance(exc, aiohttp.ClientResponseError):  # a malformed answer from the server
        return ConnectionLostError(
            f"{where}: bad answer: {exc.message}", method=method, path=path
        )
    if isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)):
        return ConnectError(
            f"{where}: could not connect: {type(exc).__name__}: {exc}", method=method, path=path
        )
    if isinstance(exc, asyncio.TimeoutError):
        after = f" after {timeout:g}s" if timeout is not None else ""
        return RequestTimeout(
            f"{where}: timed out{after} waiting for the answer; {MAY_HAVE_BEEN_SENT}",
            method=method, path=path, may_have_been_sent=True,
        )
    return ConnectionLostError(
        f"{where}: connection lost ({type(exc).__name__}: {exc}); {MAY_HAVE_BEEN_SENT}",
        method=method, path=path,
    )


class Transport:
    """Owns (or borrows) the aiohttp session and performs every HTTP call.

    Args:
        base_url: Full prefix, version included, already checked.
        access_token: Bearer token; never logged or shown.
        throttle: Shared throttle consulted before each message send.
        max_connections: Size of the connection pool the transport creates.
        session: A caller's session to use instead; never closed or changed.
    """

    def __init__(
        self,
        *,
        base_url: str,
        access_token: Secret,
        throttle: Throttle,
        max_connections: int,
        session: aiohttp.ClientSession | None,
    ) -> None:
        self.base_url = base_url
        parts = urlsplit(base_url)
        # Graph hosts are refused without a version; another host (a proxy in front
        # of Meta, a fake) may need none, so its "unknown path" answers get a hint.
        self._unversioned = not any(_API_VERSION.fullmatch(s) for s in parts.path.split("/"))
        self.api_host = parts.hostname or ""
        self.api_origin = (parts.scheme, self.api_host.lower(),
                           parts.port or _DEFAULT_PORTS.get(parts.scheme))
        self.throttle = throttle
        self._max_connections = max_connections
        self._session = session
        self._owns_session = session is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._auth_headers = AuthHeaders(
            {"Authorization": f"Bearer {access_token.reveal()}", "User-Agent": USER_AGENT}
        )
        self._json_headers = AuthHeaders({**self._auth_headers, "Content-Type": JSON_TYPE})
        self._targets: dict[tuple[str, ...], tuple[str, URL]] = {}
        self._decoders: dict[Any, msgspec.json.Decoder[Any]] = {}
        # Only a pool of our own: a borrowed session's limits are its owner's.
        self._slots = Slots(max_connections) if session is None else None

    @property
    def closed(self) -> bool:
        return self._closed

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("this WhatsAppClient is closed; create a new one")
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise ClientClosedError(
                "this WhatsAppClient was opened in another event loop; create one per loop"
            )
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._max_connections, keepalive_timeout=60)
            self._session = aiohttp.ClientSession(connector=connector, raise_for_status=False)
        return self._session

    def _target(self, segments: tuple[str, ...]) -> tuple[str, URL]:
        """The path and full URL of ``segments``, remembered: every send repeats its own."""
        path = "/" + "/".join(segments)
        if len(self._targets) >= _TARGETS_MAX:
            self._targets.clear()  # one-off paths (media ids) must not pile up
        target = self._targets[segments] = (path, URL(self.base_url + path))
        return target

    async def open(self) -> None:
        """Create the pool now (it is otherwise created on first use)."""
        self._get_session()

    async def aclose(self) -> None:
        """Close the pool this transport created; a borrowed session stays open."""
        if self._closed:
            return
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None

    def pipeline(self, options: RequestOptions) -> CallNext:
        """The middleware chain of one view around this transport's HTTP exchange.

        Without user middlewares the throttle step runs inside the exchange
        itself (the same steps in the same order, a coroutine less per send).
        """
        throttle = self.throttle
        inline = not options.middleware
        observe = observer_for(throttle)
        acquire_nowait = acquire_nowait_for(throttle)
        note_usage = usage_hook(throttle)
        is_enabled_for = log.isEnabledFor
        targets = self._targets
        json_headers = self._json_headers
        encode = _codec.encoder.encode
        slots = self._slots

        async def exchange(attempt: Attempt) -> Answer:
            """One HTTP exchange and its debug line: the innermost step of the chain."""
            request = attempt.request
            number = request.phone_number_id if inline else None
            if number is not None and (acquire_nowait is None or not acquire_nowait(number)):
                await throttle.acquire(number)
            # request() checked the loop; a client closed since has no session any more.
            session = self._session or self._get_session()
            method = request.method
            target = targets.get(request.path)
            if target is None:
                target = self._target(request.path)
            path, url = target
            data: bytes | aiohttp.FormData | None
            to_close: list[IO[bytes]] | None = None
            body = request.body
            if body is not None:
                # A body that cannot be written as JSON is refused here, the one
                # place bodies are encoded, before any byte leaves.
                try:
                    data = encode(body)
                except _codec.ENCODE_ERRORS:
                    data = _codec.encode_body(body)  # raises the ValidationError naming the field
                headers = json_headers
            else:
                if request.multipart is not None:
                    to_close = []
                    data = _form(request.multipart, to_close)
                else:
                    data = None
                headers = self._auth_headers
            if slots is not None:
                if slots.free > 0:
                    slots.free -= 1
                else:
                    try:
                        await wait_for_slot(
                            slots, min(options.connect_timeout, options.timeout), method, path,
                            self._max_connections,
                        )
                    except ConnectError:
                        for handle in to_close or ():
                            handle.close()
                        raise
            try:
                async with session.request(
                    method, url, data=data, params=request.params,
                    headers=headers, timeout=options.client_timeout, allow_redirects=False,
                ) as resp:
                    raw = await resp.read()
                    if is_enabled_for(logging.DEBUG):
                        log.debug(
                            "%s %s -> %d (attempt %d, fbtrace_id=%s)", method, path,
                            resp.status, attempt.number, resp.headers.get("x-fb-trace-id"),
                        )
                    answer = Answer(
                        status=resp.status, headers=resp.headers, body=raw, method=method,
                        path=path,
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                failure = transport_failure(exc, method, path, timeout=options.timeout)
            else:
                if number is not None:  # the throttle step's second half: what it said
                    if note_usage is not None:
                        answered = answer.headers
                        business = answered.get(BUSINESS_USAGE)
                        app = answered.get(APP_USAGE)
                        if business is not None or app is not None:
                            note_usage(number, business, app)
                    if observe is not None:
                        await observe(number, answer)
                    elif answer.status >= 400:
                        await apply_pacing_rules(throttle, number, answer)
                return answer
            finally:
                if slots is not None:
                    if slots.waiters:
                        slots.release()
                    else:
                        slots.free += 1
                if to_close is not None:
                    for handle in to_close:
                        handle.close()
            # Raised here, outside the except block and without a cause: aiohttp's
            # exception (its repr, and its frames' locals) holds the request headers.
            raise failure

        if inline:
            return exchange
        return pipeline(throttle, options.middleware, exchange)

    @overload
    async def request(
        self, request: APIRequest[T], *, options: RequestOptions, pipeline: CallNext
    ) -> T: ...

    @overload
    async def request(
        self, request: APIRequest[T], *, options: RequestOptions, pipeline: CallNext,
        finish: Callable[[APIRequest[T], T], R],
    ) -> R: ...

    async def request(
        self, request: APIRequest[Any], *, options: RequestOptions, pipeline: CallNext,
        finish: Callable[[APIRequest[Any], Any], Any] | None = None,
    ) -> Any:
        """Make one API call through ``pipeline`` with retry, and decode the answer.

        Args:
            request: What to call.
            options: Timeouts and retry policy of the calling view.
            pipeline: The view's middleware chain (from :meth:`pipeline`).
            finish: Called with the request and its decoded answer, outside the
                retry; it lets a caller turn the answer into its result without
                a coroutine of its own around this one (a message send does,
                once per send).

        Returns:
            The decoded answer, or what ``finish`` made of it.

        Raises:
            ValidationError: The body cannot be encoded as JSON; nothing was sent.
            APIError: The API refused (subclass by Graph code).
            TransportError: No answer was received.
            ClientClosedError: The client is closed.
        """
        if self._closed or self._loop is not asyncio.get_running_loop():
            self._get_session()  # a closed client fails before any throttle wait
        decoder: msgspec.json.Decoder[Any] | None = self._decoders.get(request.result_type)
        if decoder is None:
            decoder = self._decoders[request.result_type] = _codec.decoder_for(
                request.result_type
            )
        # The first attempt is made here rather than through the retry policy:
        # most calls succeed first time, and a coroutine less per call counts.
        try:
            answer = await pipeline(Attempt(request, 1))
            if answer.status >= 300:
                raise self._error(answer)
            try:
                result = decoder.decode(answer.body)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                raise _unreadable(answer, request, exc) from exc
        except WhatsAppError as exc:
            failure = exc
        else:
            # Outside the try: what finish raises is the caller's, never retried.
            return result if finish is None else finish(request, result)
        attempts = 1

        async def attempt() -> Any:
            nonlocal attempts
            attempts += 1
            return self._decode(await pipeline(Attempt(request, attempts)), request, decoder)

        result = await options.retry.after_failure(
            failure, attempt, idempotent=request.retry_safe, label=request
        )
        return result if finish is None else finish(request, result)

    def _decode(
        self, answer: Answer, request: APIRequest[T], decoder: msgspec.json.Decoder[T]
    ) -> T:
        """The decoded body of a 2xx answer; the typed error of any other."""
        if answer.status >= 300:
            raise self._error(answer)
        try:
            return decoder.decode(answer.body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise _unreadable(answer, request, exc) from exc

    def _error(self, answer: Answer) -> APIError:
        """The typed error of an answer that is not 2xx, with a hint for an unversioned URL."""
        error = answer.error
        assert error is not None  # never None from 300 on
        if self._unversioned and error.hint is None and _unknown_path(error):
            error.add_hint(
                f"base_url {self.base_url!r} has no API version: the prefix must "
                f"end with it, e.g. {self.base_url}/{DEFAULT_API_VERSION}"
            )
        return error

    def check_download_host(self, url: str) -> None:
        """Refuse a URL whose origin may not receive the token.

        Allowed: the API's own origin (scheme, host and port, so plain http
        only to a loopback API on its own port), or one of Meta's media hosts
        over https on the default port.

        Raises:
            ValidationError: Another origin, credentials in the URL, or a
                malformed URL.
        """
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            origin = (parts.scheme, host, parts.port or _DEFAULT_PORTS.get(parts.scheme))
        except ValueError as exc:  # e.g. an unclosed "[" of an IPv6 host, a port > 65535
            raise ValidationError("url", "is not a valid URL") from exc
        if parts.username is not None or parts.password is not None:
            # aiohttp would refuse to combine them with the Authorization header.
            raise ValidationError("url", "must not carry credentials (user:password@)")
        allowed = origin == self.api_origin or (
            origin[0] == "https" and origin[2] == 443 and host.endswith(MEDIA_HOST_SUFFIXES)
        )
        if not allowed:
            raise ValidationError(
                "url",
                f"refusing to send the access token to {parts.scheme}://{parts.netloc}: media "
                f"is downloaded only from {self.base_url.split('/', 3)[2]} or Meta's media "
                "hosts over https",
            )

    @asynccontextmanager
    async def download(self, url: str, *, options: RequestOptions) -> AsyncIterator[Download]:
        """Open a streamed GET of a media URL, with the token, after the host check.

        Raises:
            ValidationError: The host is not on the allow-list (nothing is sent).
            APIError: The answer was an error (e.g. 404 for an expired URL).
            TransportError: No answer was received.
        """
        self.check_download_host(url)
        session = self._get_session()
        try:
            async with session.get(
                url, headers=self._auth_headers, timeout=options.client_timeout
            ) as resp:
                if resp.status >= 400:
                    raw = await resp.read()
                    raise error_from_response(
                        resp.status, resp.headers, raw, method="GET", path=_DOWNLOAD_PATH
                    )
                yield Download(resp)
                return
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            failure = transport_failure(exc, "GET", _DOWNLOAD_PATH, timeout=options.timeout)
        raise failure  # outside the except block, without aiohttp's cause (see pipeline)


def _unreadable(answer: Answer, request: APIRequest[T], exc: Exception) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        status=answer.status,
        message=f"could not read the answer as {request.result_type.__name__}: {exc}",
        method=answer.method, path=answer.path,
    )


def _form(multipart: Multipart, to_close: list[IO[bytes]]) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in multipart.fields.items():
        form.add_field(name, value)
    for part in multipart.files:
        source = part.open()
        if not isinstance(source, bytes) and part.close:
            to_close.append(source)
        form.add_field(part.name, source, filename=part.filename, content_type=part.content_type)
    return form
