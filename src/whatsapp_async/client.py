"""``WhatsAppClient``: the async session manager every call goes through."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

import aiohttp

from ._transport import Download, RequestOptions, Secret, Transport, resolve_base_url
from .errors import ConfigurationError
from .middleware import CallNext, Middleware
from .request import APIRequest, check_segment
from .resources import (
    BusinessProfileResource,
    MediaResource,
    MessagesResource,
    PhoneNumbersResource,
    QrCodesResource,
    RegistrationResource,
    TemplatesResource,
)
from .resources.account import AccountResource
from .resources.flows import FlowsResource
from .resources.number_settings import (
    BlockedUsersResource,
    CommerceSettingsResource,
    ConversationalAutomationResource,
)
from .retry import RetryPolicy
from .throttle import LocalThrottle, Throttle

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, Callable, Iterable

    from ._journal_backend import JournalBackend
    from .bulk import Broadcast, BroadcastProgress, Recipient
    from .types.messages import Message

__all__ = ["WhatsAppClient"]

T = TypeVar("T")

# Characters an HTTP header value cannot carry (CR and LF would split the header).
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class WhatsAppClient:
    """An async client for one WhatsApp Business account's Cloud API.

    One client owns one aiohttp connection pool, one throttle and one retry
    policy; its resources (``messages``, ``media``, ``phone_numbers``,
    ``registration``, ``business_profile``, ``qr_codes``) and its views
    (:meth:`for_number`, :meth:`with_options`) all share them.

    Use it as an async context manager, or call :meth:`aclose` when done::

        async with WhatsAppClient(access_token=..., phone_number_id="1234567890") as wa:
            sent = await wa.messages.send_text("+15551234567", "Hello")

    Args:
        access_token: Bearer token; falls back to ``WHATSAPP_ACCESS_TOKEN``.
        phone_number_id: Business phone number id used by number-bound
            resources; falls back to ``WHATSAPP_PHONE_NUMBER_ID``.
        business_account_id: WhatsApp Business Account (WABA) id used by
            account-bound resources (templates, flows, the account's numbers);
            falls back to ``WHATSAPP_BUSINESS_ACCOUNT_ID``.
        base_url: Full API prefix with version, e.g. ``https://graph.facebook.com/v21.0``;
            falls back to ``WHATSAPP_BASE_URL``. Plain http is allowed only to loopback.
        api_version: Shortcut that changes only the version of the default host.
        timeout: Seconds one attempt may take in all.
        connect_timeout: Seconds to connect (or wait for a free pooled connection).
        max_connections: Size of the connection pool.
        session: An existing ``aiohttp.ClientSession`` to use; it is never
            closed or modified, the token is added per request.
        retry: Retry policy; defaults to :class:`RetryPolicy()`.
        throttle: Throttle shared by all sends; defaults to a
            :class:`LocalThrottle` at ``messages_per_second``. Pass one object to
            several clients to make them share a budget.
        messages_per_second: Rate of the default throttle.
        middleware: Middlewares run around every HTTP attempt, outermost
            first, after the throttle (see :mod:`whatsapp_async.middleware`).

    Raises:
        ConfigurationError: No token, a token with a control character (such as
            a trailing newline), or an unsafe/malformed base URL.
        ValidationError: ``phone_number_id`` or ``business_account_id`` is not a
            safe id.
    """

    def __init__(
        self,
        access_token: str | None = None,
        phone_number_id: str | None = None,
        *,
        base_url: str | None = None,
        api_version: str | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_connections: int = 100,
        session: aiohttp.ClientSession | None = None,
        retry: RetryPolicy | None = None,
        throttle: Throttle | None = None,
        messages_per_second: float = 80.0,
        middleware: Sequence[Middleware] = (),
        business_account_id: str | None = None,
    ) -> None:
        token = Secret(access_token or os.environ.get("WHATSAPP_ACCESS_TOKEN") or "")
        # Error reporters show every local and argument of a failing frame: from
        # here on, no plain copy of the token stays in this one.
        access_token = None
        if not token:
            raise ConfigurationError(
                "no access token: pass access_token= or set WHATSAPP_ACCESS_TOKEN"
            )
        if _HEADER_UNSAFE.search(token.reveal()):
            # Checked here, not at the first request: a trailing newline from a
            # file or env var would otherwise surface as a plain ValueError later.
            raise ConfigurationError(
                "the access token holds a control character (a trailing newline?), "
                "which an HTTP header cannot carry; strip it"
            )
        number = phone_number_id or os.environ.get("WHATSAPP_PHONE_NUMBER_ID") or None
        if number is not None:
            check_segment("phone_number_id", number)
        account = business_account_id or os.environ.get("WHATSAPP_BUSINESS_ACCOUNT_ID") or None
        if account is not None:
            check_segment("business_account_id", account)
        if base_url is None and api_version is None:
            base_url = os.environ.get("WHATSAPP_BASE_URL") or None
        if max_connections < 1:
            raise ConfigurationError("max_connections must be >= 1")
        self._transport = Transport(
            base_url=resolve_base_url(base_url, api_version),
            access_token=token,
            throttle=throttle if throttle is not None else LocalThrottle(messages_per_second),
            max_connections=max_connections,
            session=session,
        )
        self._max_connections = max_connections
        self._options = _make_options(
            timeout, connect_timeout, retry or RetryPolicy(), tuple(middleware)
        )
        self._pipeline: CallNext = self._transport.pipeline(self._options)
        self._phone_number_id = number
        self._business_account_id = account
        self._owner = True

    # ------------------------------------------------------------------ views

    def _view(
        self,
        phone_number_id: str | None,
        options: RequestOptions,
        business_account_id: str | None = None,
    ) -> WhatsAppClient:
        view = object.__new__(WhatsAppClient)
        view._transport = self._transport
        view._max_connections = self._max_connections
        view._options = options
        view._pipeline = (
            self._pipeline if options is self._options else self._transport.pipeline(options)
        )
        view._phone_number_id = phone_number_id
        view._business_account_id = (
            self._business_account_id if business_account_id is None else business_account_id
        )
        view._owner = False
        return view

    def for_number(self, phone_number_id: str) -> WhatsAppClient:
        """A view bound to another business number.

        It shares this client's pool, throttle and retry policy; closing it
        does nothing (close the client that made it).

        Raises:
            ValidationError: ``phone_number_id`` is not a safe id.
        """
        return self._view(check_segment("phone_number_id", phone_number_id), self._options)

    def for_account(self, business_account_id: str) -> WhatsAppClient:
        """A view bound to another WhatsApp Business Account (WABA).

        Account-bound resources (templates, flows, the account's numbers) of
        the view act on that account; it keeps this view's business number and
        shares the pool, throttle and retry policy. Closing it does nothing.

        Raises:
            ValidationError: ``business_account_id`` is not a safe id.
        """
        return self._view(
            self._phone_number_id,
            self._options,
            check_segment("business_account_id", business_account_id),
        )

    def with_options(
        self,
        *,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> WhatsAppClient:
        """A view with other per-request settings, sharing the pool and throttle.

        Args:
            timeout: Seconds one attempt may take in all.
            connect_timeout: Seconds to connect or get a pooled connection.
            retry: Retry policy for the view's calls.
        """
        opts = self._options
        return self._view(
            self._phone_number_id,
            _make_options(
                opts.timeout if timeout is None else timeout,
                opts.connect_timeout if connect_timeout is None else connect_timeout,
                opts.retry if retry is None else retry,
                opts.middleware,
            ),
        )

    def with_middleware(self, *middleware: Middleware) -> WhatsAppClient:
        """A view whose calls also run through ``middleware``, after this view's own.

        It shares the pool, throttle and retry policy. Use it to watch or
        count the calls of one part of a program (the broadcast engine counts
        each row's attempts this way).

        Args:
            *middleware: Middlewares to add, outermost first (see
                :mod:`whatsapp_async.middleware`).
        """
        opts = self._options
        return self._view(
            self._phone_number_id,
            _make_options(
                opts.timeout, opts.connect_timeout, opts.retry, (*opts.middleware, *middleware)
            ),
        )

    # ------------------------------------------------------------------ state

    @property
    def phone_number_id(self) -> str | None:
        """The business number this view sends from."""
        return self._phone_number_id

    @property
    def business_account_id(self) -> str | None:
        """The WhatsApp Business Account account-bound resources of this view act on."""
        return self._business_account_id

    @property
    def base_url(self) -> str:
        """The full API prefix, version included."""
        return self._transport.base_url

    @property
    def throttle(self) -> Throttle:
        """The throttle shared by every send of this client and its views."""
        return self._transport.throttle

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy of this view."""
        return self._options.retry

    @property
    def timeout(self) -> float:
        """Seconds one attempt may take in all."""
        return self._options.timeout

    @property
    def max_connections(self) -> int:
        """Size of the connection pool the client creates (its sends in flight at most)."""
        return self._max_connections

    @property
    def middleware(self) -> tuple[Middleware, ...]:
        """The users' middlewares of this view, outermost first."""
        return self._options.middleware

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` was called on the owning client."""
        return self._transport.closed

    def __repr__(self) -> str:
        if "_pipeline" not in self.__dict__:  # __init__ failed: error reporters still format it
            return "<WhatsAppClient (not initialised) access_token='***'>"
        kind = "WhatsAppClient" if self._owner else "WhatsAppClient view"
        state = "closed" if self.closed else "open"
        return (
            f"<{kind} phone_number_id={self._phone_number_id!r} base_url={self.base_url!r} "
            f"access_token='***' {state}>"
        )

    # -------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> WhatsAppClient:
        await self._transport.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool. Safe to call twice; a no-op on views.

        A session passed in with ``session=`` is left open.
        """
        if self._owner:
            await self._transport.aclose()

    # -------------------------------------------------------------- calls

    async def request(self, request: APIRequest[T]) -> T:
        """Make one API call: the one way every resource (and a user) calls the API.

        The call runs through this view's throttle, middlewares and retry
        policy, and its answer is decoded into ``request.result_type``.

        Args:
            request: What to call; see :class:`~whatsapp_async.APIRequest`.

        Returns:
            The decoded answer.

        Raises:
            ValidationError: The body cannot be encoded as JSON (a lone
                surrogate, an unsupported type); names the field, nothing was sent.
            APIError: The API refused (a subclass by Graph error code).
            OutcomeUnknownError: A non-idempotent call failed and it may have been sent.
            TransportError: No answer was received.
            ThrottleUnavailableError: A shared throttle could not be reached; nothing was sent.
            ClientClosedError: The client is closed.
        """
        return await self._transport.request(
            request, options=self._options, pipeline=self._pipeline
        )

    @asynccontextmanager
    async def open_download(self, url: str) -> AsyncIterator[Download]:
        """Open a streamed GET of a media URL, sending the token only to allowed hosts.

        Args:
            url: A media URL, as in the :class:`~whatsapp_async.MediaInfo` that
                :meth:`MediaResource.get <whatsapp_async.resources.MediaResource.get>`
                returns.

        Yields:
            The answer; iterate ``chunks()`` for the body.

        Raises:
            ValidationError: The host may not receive the token (nothing is sent).
            APIError: The answer was an error (e.g. 404 for an expired URL).
            TransportError: No answer was received.
        """
        async with self._transport.download(url, options=self._options) as answer:
            yield answer

    # -------------------------------------------------------------- resources

    @cached_property
    def messages(self) -> MessagesResource:
        """Send messages and mark them read."""
        return MessagesResource(self)

    @cached_property
    def media(self) -> MediaResource:
        """Upload, look up, download and delete media."""
        return MediaResource(self)

    @cached_property
    def phone_numbers(self) -> PhoneNumbersResource:
        """Business phone number info and two-step verification PIN."""
        return PhoneNumbersResource(self)

    @cached_property
    def registration(self) -> RegistrationResource:
        """Request and verify codes; register and deregister the number."""
        return RegistrationResource(self)

    @cached_property
    def flows(self) -> FlowsResource:
        """WhatsApp Flows of the account, and the number's Flow encryption key."""
        return FlowsResource(self)

    @cached_property
    def business_profile(self) -> BusinessProfileResource:
        """Read and update the business profile."""
        return BusinessProfileResource(self)

    @cached_property
    def qr_codes(self) -> QrCodesResource:
        """Create, list, update and delete QR codes."""
        return QrCodesResource(self)

    @cached_property
    def templates(self) -> TemplatesResource:
        """List, read, create, edit and delete the account's message templates."""
        return TemplatesResource(self)

    @cached_property
    def account(self) -> AccountResource:
        """The business account: its node, phone numbers and webhook subscriptions."""
        return AccountResource(self)

    @cached_property
    def blocked_users(self) -> BlockedUsersResource:
        """Block, unblock and list users of the business number."""
        return BlockedUsersResource(self)

    @cached_property
    def commerce_settings(self) -> CommerceSettingsResource:
        """The number's cart and catalog visibility."""
        return CommerceSettingsResource(self)

    @cached_property
    def conversational_automation(self) -> ConversationalAutomationResource:
        """The number's welcome message, ice breakers and commands."""
        return ConversationalAutomationResource(self)

    # ------------------------------------------------------------------ bulk

    def broadcast(
        self,
        rows: Iterable[Recipient | str] | AsyncIterable[Recipient | str],
        *,
        template: str | None = None,
        language: str = "en_US",
        message: Message | None = None,
        concurrency: int | None = None,
        journal: str | os.PathLike[str] | JournalBackend | None = None,
        campaign: str = "default",
        resume: bool = False,
        resend_unknown: bool = False,
        retry_failed: bool = False,
        on_progress: Callable[[BroadcastProgress], object] | None = None,
        total: int | None = None,
        drain_timeout: float = 30.0,
        preflight: bool = False,
        marketing_messages: bool = False,
        shared: bool = False,
        lease: float = 30.0,
    ) -> Broadcast:
        """Send a template or message to many recipients; see :mod:`whatsapp_async.bulk`.

        Iterate the result for each :class:`~whatsapp_async.bulk.SendOutcome`
        as it is recorded, or await it for the
        :class:`~whatsapp_async.bulk.BroadcastReport`. Nothing is sent before.

        Args:
            rows: Recipients (or bare numbers), sync or async, read lazily.
            template: Template name; rows give its body variables in ``params``.
            language: Template language code.
            message: One message Struct for every row (instead of ``template``).
            concurrency: Rows in flight at most; by default derived from the
                throttle's rate and raised when sends turn out slow.
            journal: Where every recipient is recorded before and after its
                send: an SQLite file, a ``postgresql://`` DSN (the ``postgres``
                extra), or a journal object (:class:`~whatsapp_async.journal.Journal`,
                :class:`~whatsapp_async.journal.PostgresJournal`).
            campaign: Name of this broadcast inside the journal.
            resume: Continue the campaign: recipients with an outcome are skipped.
            resend_unknown: On resume, resend recipients whose send may or may
                not have happened (in flight at a crash, or ``unknown``).
            retry_failed: On resume, resend recipients the API refused before.
            on_progress: Called with a :class:`~whatsapp_async.bulk.BroadcastProgress`
                at most every 0.2 s and once at the end.
            total: Row count for progress, when ``rows`` has no length.
            drain_timeout: Seconds in-flight sends get to finish after a stop.
            preflight: Check every row against the template's definition
                (fetched once before the first send; needs the client's
                ``business_account_id``): mismatching rows are skipped, never sent.
            marketing_messages: Send through Meta's Marketing Messages API
                (``/{phone-number-id}/marketing_messages``; marketing templates).
            shared: Be one of many worker processes on the campaign (needs a
                PostgreSQL journal; every worker is given the same rows): rows
                are loaded once and claimed in leased batches.
            lease: Seconds a shared worker's claim lasts without renewal; a
                dead worker's rows are taken over after it.

        Returns:
            The broadcast, not started yet.

        Raises:
            ConfigurationError: No phone number id, or conflicting arguments.
            ValidationError: The template name or language is malformed.
        """
        from .bulk import Broadcast  # the engine and its journal load only when used

        return Broadcast(
            self, rows, template=template, language=language, message=message,
            concurrency=concurrency, journal=journal, campaign=campaign, resume=resume,
            resend_unknown=resend_unknown, retry_failed=retry_failed, on_progress=on_progress,
            total=total, drain_timeout=drain_timeout, preflight=preflight,
            marketing_messages=marketing_messages, shared=shared, lease=lease,
        )


def _make_options(
    timeout: float, connect_timeout: float, retry: RetryPolicy,
    middleware: tuple[Middleware, ...],
) -> RequestOptions:
    if not timeout > 0 or not connect_timeout > 0:
        raise ConfigurationError("timeout and connect_timeout must be > 0 seconds")
    return RequestOptions(
        timeout=float(timeout), connect_timeout=float(min(connect_timeout, timeout)), retry=retry,
        middleware=middleware,
    )
