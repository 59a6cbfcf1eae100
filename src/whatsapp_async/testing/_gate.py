"""What every request to the fake passes through, around its handler.

A :class:`Gate` checks the bearer token, finds the business number the path
names, applies latency and faults, and turns a :class:`GraphError` raised by a
handler into Graph's error answer (noting the refusal). Handlers get a
:class:`Call` (the request, parsed on demand) and answer with :func:`ok`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import parse_qsl

import msgspec
from aiohttp import web

from ._faults import Fault
from ._graph import GraphError, bad_token, invalid, unknown_object
from ._state import FakeStore, PhoneNumberState
from ._usage_header import BUSINESS_USAGE, usage_header

if TYPE_CHECKING:
    from ._server import FakeCloudAPI

__all__ = ["SUCCESS", "Call", "Gate", "Handler", "ok", "unknown_node"]

_JSON = "application/json"
SUCCESS = b'{"success":true}'

#: An aiohttp handler, as the application's router takes them.
RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def ok(payload: Any = SUCCESS) -> web.Response:
    """A 200 JSON answer of ``payload`` (bytes go as they are); ``{"success":true}`` by default."""
    body = payload if isinstance(payload, bytes) else msgspec.json.encode(payload)
    return web.Response(body=body, content_type=_JSON)


class Call:
    """One request to a ``/{version}/{node}/...`` route, as its handler sees it.

    Args:
        request: The aiohttp request.
        node: The ``{node}`` path segment (a phone number id, media id, ...).
        phone_number: The business number ``node`` names, if it names one.
    """

    __slots__ = ("_phone_number", "node", "request")

    def __init__(self, request: web.Request, node: str,
                 phone_number: PhoneNumberState | None) -> None:
        self.request = request
        self.node = node
        self._phone_number = phone_number

    @property
    def phone_number(self) -> PhoneNumberState:
        """The business number of the path.

        Raises:
            GraphError: The node is not a business number. Handlers of number
                routes never see this (the gate refuses such a node first).
        """
        if self._phone_number is None:
            raise unknown_object(self.request.method, self.node)
        return self._phone_number

    async def json(self) -> Any:
        """The decoded body: JSON, or a form as a dict; ``{}`` when empty.

        Raises:
            GraphError: The body is not JSON.
        """
        raw = await self.request.read()
        if not raw:
            return {}
        if self.request.content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(raw.decode()))
        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            raise invalid("The request body could not be parsed as JSON") from None

    async def json_object(self) -> dict[str, Any]:
        """Like :meth:`json`, but refuse a body that is not a JSON object."""
        body = await self.json()
        if not isinstance(body, dict):
            raise invalid("The request body must be a JSON object")
        return body

    def fields(self, known: Collection[str], default: Sequence[str], node_type: str
               ) -> list[str]:
        """The field names the ``fields`` query asks for, ``default`` if none.

        Args:
            known: Fields the node has.
            default: Fields Graph returns when none are asked for.
            node_type: Graph's name of the node type, for the refusal.

        Raises:
            GraphError: A field the node does not have.
        """
        wanted = _field_names(self.request.query.get("fields")) or list(default)
        for name in wanted:
            if name not in known:
                raise invalid(f"Tried accessing nonexisting field ({name}) on node type "
                              f"({node_type})")
        return wanted


#: A route's handler: one call in, one answer out; refusals are raised as GraphError.
Handler = Callable[[Call], Awaitable[web.StreamResponse]]


async def unknown_node(call: Call) -> NoReturn:
    """Refuse the node as Graph refuses an id it does not know."""
    raise unknown_object(call.request.method, call.node)


class Gate:
    """Auth, number lookup, faults and refusals around every handler.

    Args:
        fake: Whose token, faults and API version apply (read per request).
        store: Where numbers are looked up and refusals and drops are noted.
    """

    def __init__(self, fake: FakeCloudAPI, store: FakeStore) -> None:
        self._fake = fake
        self._store = store
        self._auth = f"Bearer {fake.access_token}"

    def authorized(self, request: web.Request) -> bool:
        """Whether the request carries the fake's bearer token."""
        return request.headers.get("Authorization") == self._auth

    def serve(self, operation: str, handler: Handler, *,
              other_node: tuple[str, Handler] | None = None) -> RouteHandler:
        """The aiohttp handler of one operation on ``/{version}/{node}...``.

        Args:
            operation: The seed spec's ``operationId`` (names faults and refusals).
            handler: Serves the call when ``node`` is a business number.
            other_node: The operation and handler for any other node (a
                ``/{media-id}`` shares the path of ``/{phone-number-id}``);
                without it, such a node is refused as an unknown object.
        """

        async def serve(request: web.Request) -> web.StreamResponse:
            node = request.match_info["node"]
            phone_number: PhoneNumberState | None = None
            current, serve_call = operation, handler
            try:
                if not self.authorized(request):
                    raise bad_token()
                phone_number = self._store.phone_numbers.get(node)
                if phone_number is None:
                    if other_node is None:
                        raise unknown_object(request.method, node)
                    current, serve_call = other_node
                fault = await self.hold(request, current)
                call = Call(request, node, phone_number)
                if fault is None:
                    return await serve_call(call)
                return await self._apply_fault(call, fault, current, serve_call, phone_number)
            except GraphError as exc:
                return self.refuse(exc, current, phone_number)

        return serve

    async def hold(self, request: web.Request, operation: str) -> Fault | None:
        """Draw the request's fault and wait out its latency.

        Returns:
            The fault still to apply (a ``delay`` fault is used up here), or None.
        """
        faults = self._fake.faults
        fault = faults.draw(operation)
        delay = faults.latency(operation)
        if fault is not None and fault.kind == "delay":
            delay += fault.seconds
            fault = None
        if delay > 0:
            if not request.content_type.startswith("multipart/"):
                # Read the body first (aiohttp keeps it): a client that gives
                # up during the delay must not stop the processing.
                await request.read()
            await asyncio.sleep(delay)
        return fault

    async def _apply_fault(self, call: Call, fault: Fault, operation: str, handler: Handler,
                           phone_number: PhoneNumberState | None) -> web.StreamResponse:
        if fault.kind == "error":
            raise GraphError(fault.code, status=fault.status)
        if fault.kind == "server_error":
            status = fault.status or 502
            self._store.note_refusal(operation, None, status, phone_number)
            return web.Response(
                status=status, content_type="text/html",
                text=f"<html><body><h1>{status}</h1>Server Error</body></html>",
            )
        if fault.kind == "drop_after":
            # Refused or not, the caller learns nothing either way.
            with contextlib.suppress(GraphError):
                await handler(call)
        return self.drop(call.request)

    def drop(self, request: web.Request) -> web.Response:
        """Close the connection without an answer (and count it in ``dropped``)."""
        self._store.dropped += 1
        transport = request.transport
        if transport is not None:
            transport.abort()
        return web.Response(status=204)

    def refuse(self, exc: GraphError, operation: str,
               phone_number: PhoneNumberState | None) -> web.Response:
        """Graph's error answer for ``exc``, noted in the refusals."""
        self._store.note_refusal(operation, exc.code, exc.status, phone_number)
        trace = self._store.ids.fbtrace_id()
        headers = {"x-fb-trace-id": trace, "facebook-api-version": self._fake.api_version}
        if exc.code == 130429:  # the number's allowance is spent: usage at 100 %
            headers[BUSINESS_USAGE] = usage_header(self._fake.waba_id, 100)
        if exc.code == 190:
            headers["WWW-Authenticate"] = (
                'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"'
            )
        return web.Response(
            body=msgspec.json.encode(exc.body(trace)), status=exc.status,
            content_type=_JSON, headers=headers,
        )

    async def unknown_path(self, request: web.Request) -> web.Response:
        """The answer to a path the fake does not serve."""
        if not self.authorized(request):
            return self.refuse(bad_token(), "unknown", None)
        return self.refuse(invalid(f"Unknown path components: {request.path}"), "unknown", None)


def _field_names(fields: str | None) -> list[str]:
    # "qr_image_url.format(SVG)" and "throughput{level}" name the fields
    # qr_image_url and throughput.
    if not fields:
        return []
    names = []
    for raw in fields.split(","):
        name = raw.strip().split(".", 1)[0].split("{", 1)[0].split("(", 1)[0]
        if name:
            names.append(name)
    return names
