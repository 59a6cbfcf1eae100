"""The one request description, the public call, and the middleware chain around attempts."""

from __future__ import annotations

import msgspec
import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY
from whatsapp_async import (
    Answer,
    APIError,
    APIRequest,
    Attempt,
    AttemptCounter,
    CallNext,
    LocalThrottle,
    Middleware,
    Multipart,
    OutcomeUnknownError,
    RetryPolicy,
    ServerError,
    ThrottleUnavailableError,
    ThroughputLimitError,
    UnexpectedResponseError,
    ValidationError,
    WhatsAppClient,
)
from whatsapp_async.types.common import Success

ONE_RETRY = RetryPolicy(max_attempts=2, initial_backoff=0.0, jitter=0.0)
SEND = APIRequest("POST", ("1", "messages"), Success, phone_number_id="1")


class Note(msgspec.Struct, kw_only=True):
    text: str


# ---------------------------------------------------------------- the request object


@pytest.mark.parametrize("path", [("1", "../x"), ("1", "a/b"), ("",), (), ("1", "x?y")])
def test_unsafe_or_empty_paths_are_refused(path: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as info:
        APIRequest("GET", path, Success)
    assert info.value.field == "path"


def test_a_path_given_as_a_list_is_refused() -> None:
    with pytest.raises(ValidationError, match="tuple"):
        APIRequest("GET", ["1"], Success)  # type: ignore[arg-type]


def test_unknown_method_and_unsafe_number_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        APIRequest("FETCH", ("1",), Success)
    assert info.value.field == "method"
    with pytest.raises(ValidationError) as info:
        APIRequest("POST", ("1", "messages"), Success, phone_number_id="1/../2")
    assert info.value.field == "phone_number_id"


def test_body_and_multipart_together_are_refused() -> None:
    with pytest.raises(ValidationError, match="not both"):
        APIRequest("POST", ("1",), Success, body=Note(text="x"), multipart=Multipart())


@pytest.mark.parametrize(
    ("method", "idempotent", "safe"),
    [("GET", None, True), ("DELETE", None, True), ("POST", None, False), ("POST", True, True),
     ("GET", False, False)],
)
def test_retry_safety_follows_the_method_unless_given(
    method: str, idempotent: bool | None, safe: bool
) -> None:
    assert APIRequest(method, ("1",), Success, idempotent=idempotent).retry_safe is safe


def test_label_names_method_and_path() -> None:
    assert SEND.label == "POST /1/messages"


# ---------------------------------------------------------------- the public call


async def test_request_makes_the_described_call_and_decodes_the_answer() -> None:
    async with WhatsAppClient("tok", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/notes?x=1", payload={"success": True})
            answer = await wa.request(APIRequest(
                "POST", ("1", "notes"), Success, body=Note(text="hi"), params={"x": "1"},
            ))
            (method, url), calls = next(iter(mock.requests.items()))
    assert answer == Success(success=True)
    assert (method, str(url)) == ("POST", f"{BASE}/1/notes?x=1")
    assert calls[0].kwargs["data"] == b'{"text":"hi"}'
    assert calls[0].kwargs["headers"]["Authorization"] == "Bearer tok"


async def test_a_success_whose_body_cannot_be_read_is_an_unknown_outcome_for_a_send() -> None:
    # The API accepted the send (2xx): reporting it as refused would invite a resend.
    async with WhatsAppClient("t", "1", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", body=b"<html>", status=200)
            with pytest.raises(OutcomeUnknownError, match="may have been sent"):
                await wa.request(SEND)


# ---------------------------------------------------------------- the chain


class RecordingThrottle:
    def __init__(self, events: list[str], *, refuse: bool = False) -> None:
        self.events = events
        self.refuse = refuse

    async def acquire(self, phone_number_id: str) -> None:
        if self.refuse:
            raise ThrottleUnavailableError("redis is down")
        self.events.append(f"acquire {phone_number_id}")

    async def report_rate_limited(
        self, phone_number_id: str, retry_after: float | None = None
    ) -> None:
        self.events.append(f"rate limited {phone_number_id}")

    async def observe(self, phone_number_id: str, answer: Answer) -> None:
        self.events.append(f"observe {answer.status}")


def recorder(events: list[str], name: str):  # type: ignore[no-untyped-def]
    async def middleware(attempt: Attempt, call_next: CallNext) -> Answer:
        events.append(f"{name} before #{attempt.number}")
        answer = await call_next(attempt)
        events.append(f"{name} after {answer.status}")
        return answer

    return middleware


async def test_users_middlewares_run_inside_the_throttle_in_order() -> None:
    events: list[str] = []
    wa = WhatsAppClient(
        "t", "1", retry=NO_RETRY, throttle=RecordingThrottle(events),
        middleware=[recorder(events, "a"), recorder(events, "b")],
    )
    async with wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", payload={"success": True})
            await wa.request(SEND)
    assert events == [
        "acquire 1", "a before #1", "b before #1", "b after 200", "a after 200", "observe 200",
    ]


async def test_a_middleware_sees_every_attempt_and_error_answers_as_answers() -> None:
    seen: list[tuple[int, int, type[BaseException] | None]] = []

    async def watch(attempt: Attempt, call_next: CallNext) -> Answer:
        answer = await call_next(attempt)
        error = answer.error
        seen.append((attempt.number, answer.status, type(error) if error else None))
        return answer

    async with WhatsAppClient("t", "1", retry=ONE_RETRY, middleware=[watch]) as wa:
        with aioresponses() as mock:
            url = f"{BASE}/1"
            mock.get(url, status=500, payload={"error": {"code": 131000, "message": "x"}})
            mock.get(url, payload={"success": True})
            await wa.request(APIRequest("GET", ("1",), Success))
    assert seen == [(1, 500, ServerError), (2, 200, None)]


async def test_with_middleware_adds_to_a_view_only() -> None:
    events: list[str] = []
    async with WhatsAppClient("t", "1", retry=NO_RETRY, middleware=[recorder(events, "a")]) as wa:
        view = wa.with_middleware(recorder(events, "v"))
        assert len(view.middleware) == 2
        assert len(wa.with_options(timeout=5).middleware) == 1
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", payload={"success": True}, repeat=True)
            await view.request(APIRequest("GET", ("1",), Success))
            assert events == ["a before #1", "v before #1", "v after 200", "a after 200"]
            events.clear()
            await wa.request(APIRequest("GET", ("1",), Success))
    assert events == ["a before #1", "a after 200"]


async def test_attempt_counter_counts_only_attempts_past_the_throttle() -> None:
    counter = AttemptCounter()
    refusing = WhatsAppClient("t", "1", throttle=RecordingThrottle([], refuse=True))
    async with refusing:
        with pytest.raises(ThrottleUnavailableError):
            await refusing.with_middleware(counter).request(SEND)
    assert counter.count == 0
    async with WhatsAppClient("t", "1", retry=ONE_RETRY) as wa:
        with aioresponses() as mock:
            url = f"{BASE}/1"
            mock.get(url, status=500, payload={"error": {"code": 131000, "message": "x"}})
            mock.get(url, payload={"success": True})
            await wa.with_middleware(counter).request(APIRequest("GET", ("1",), Success))
    assert counter.count == 2


async def test_calls_without_a_number_skip_the_throttle() -> None:
    events: list[str] = []
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=RecordingThrottle(events)) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/1", payload={"success": True})
            await wa.request(APIRequest("GET", ("1",), Success))
    assert events == []


# ---------------------------------------------------------------- pacing


@pytest.mark.parametrize(
    ("status", "code"), [(400, 100), (400, 131026), (500, 131000), (400, 131056)]
)
async def test_other_error_answers_leave_the_pace_alone(status: int, code: int) -> None:
    throttle = LocalThrottle(rate=100)
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=throttle) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", status=status,
                      payload={"error": {"code": code, "message": "no"}})
            with pytest.raises(APIError):
                await wa.request(SEND)
    assert throttle.rate_for("1") == 100


async def test_a_throughput_error_slows_the_number_through_the_throttle() -> None:
    throttle = LocalThrottle(rate=100, max_pause=0.0)
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=throttle) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", status=400,
                      payload={"error": {"code": 130429, "message": "limit"}})
            with pytest.raises(APIError):
                await wa.request(SEND)
    assert throttle.rate_for("1") == 50
    assert throttle.rate_for("2") == 100


async def test_a_throttle_without_observe_gets_the_built_in_rules() -> None:
    events: list[str] = []

    class Plain:
        async def acquire(self, phone_number_id: str) -> None:
            events.append("acquire")

        async def report_rate_limited(
            self, phone_number_id: str, retry_after: float | None = None
        ) -> None:
            events.append(f"rate limited {phone_number_id} {retry_after}")

    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=Plain()) as wa:
        with aioresponses() as mock:
            mock.post(
                f"{BASE}/1/messages", status=400,
                payload={"error": {"code": 130429, "message": "limit"}},
                headers={"X-Business-Use-Case-Usage":
                         '{"1":[{"estimated_time_to_regain_access":2}]}'},
            )
            with pytest.raises(ThroughputLimitError):
                await wa.request(SEND)
    assert events == ["acquire", "rate limited 1 120.0"]


async def _passthrough(attempt: Attempt, call_next: CallNext) -> Answer:
    return await call_next(attempt)


@pytest.mark.parametrize("middleware", [[], [_passthrough]], ids=["inline", "chained"])
async def test_a_throttle_whose_optional_hooks_are_none_has_none_of_them(
    middleware: list[Middleware],
) -> None:
    """``observe``, ``acquire_nowait`` and ``note_usage`` set to None mean "not defined"."""
    events: list[str] = []

    class Hookless:
        observe = None
        acquire_nowait = None
        note_usage = None

        async def acquire(self, phone_number_id: str) -> None:
            events.append("acquire")

        async def report_rate_limited(
            self, phone_number_id: str, retry_after: float | None = None
        ) -> None:
            events.append(f"rate limited {phone_number_id}")

    usage = {"X-Business-Use-Case-Usage": '{"1":[{"call_count":99}]}'}
    async with WhatsAppClient("t", "1", retry=NO_RETRY, throttle=Hookless(),
                              middleware=middleware) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", payload={"success": True}, headers=usage)
            mock.post(f"{BASE}/1/messages", status=400, headers=usage,
                      payload={"error": {"code": 130429, "message": "limit"}})
            await wa.request(SEND)
            with pytest.raises(ThroughputLimitError):
                await wa.request(SEND)
    assert events == ["acquire", "acquire", "rate limited 1"]


async def test_a_redirect_answer_is_an_error_to_a_middleware_too() -> None:
    seen: list[Answer] = []

    async def watch(attempt: Attempt, call_next: CallNext) -> Answer:
        answer = await call_next(attempt)
        seen.append(answer)
        return answer

    async with WhatsAppClient("t", "1", retry=NO_RETRY, middleware=[watch]) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/1/messages", status=307, headers={"Location": "https://x.test/"})
            with pytest.raises(UnexpectedResponseError, match="redirect"):
                await wa.request(SEND)
    [answer] = seen
    assert not answer.ok
    assert isinstance(answer.error, UnexpectedResponseError)
    assert answer.error.may_have_been_sent is False
