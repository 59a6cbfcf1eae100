"""Typed handlers: one decorator per field family, and one event class per message kind."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import FIXTURES
from whatsapp_async import ConfigurationError
from whatsapp_async.webhooks import (
    AccountAlertEvent,
    AccountReviewEvent,
    AccountUpdateEvent,
    CallEvent,
    ChangeEvent,
    EchoEvent,
    GroupEvent,
    InteractiveEvent,
    MessageEvent,
    PhoneNumberNameEvent,
    PhoneNumberQualityEvent,
    RevokeEvent,
    TemplateCategoryEvent,
    TemplateComponentsEvent,
    TemplateQualityEvent,
    TemplateStatusEvent,
    TextEvent,
    UserPreferencesEvent,
    WebhookRouter,
    sign,
)

SECRET = "typed-secret"
META = FIXTURES / "webhooks" / "meta"


def raw(name: str) -> bytes:
    return (META / f"{name}.json").read_bytes()


@pytest.fixture
def router() -> WebhookRouter:
    return WebhookRouter(app_secret=SECRET)


async def post(router: WebhookRouter, body: bytes) -> None:
    assert (await router.handle(body, sign(body, SECRET))).status == 200
    await router.join()


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    async def __call__(self, event: Any) -> None:
        self.events.append(event)


FAMILIES = [
    ("on_template_status", "template_status_approved", TemplateStatusEvent),
    ("on_template_quality", "template_quality_update", TemplateQualityEvent),
    ("on_template_category", "template_category_update", TemplateCategoryEvent),
    ("on_template_components", "template_components_update", TemplateComponentsEvent),
    ("on_account_update", "account_update_disabled", AccountUpdateEvent),
    ("on_account_review", "account_review_update", AccountReviewEvent),
    ("on_account_alert", "account_alerts", AccountAlertEvent),
    ("on_phone_number_quality", "phone_number_quality_update", PhoneNumberQualityEvent),
    ("on_phone_number_name", "phone_number_name_update", PhoneNumberNameEvent),
    ("on_call", "calls_connect", CallEvent),
    ("on_user_preferences", "user_preferences_stop", UserPreferencesEvent),
    ("on_group", "group_lifecycle_create", GroupEvent),
    ("on_group", "group_participant_remove_singular", GroupEvent),
    ("on_group", "group_settings_update", GroupEvent),
    ("on_group", "group_status_update", GroupEvent),
    ("on_echo", "smb_message_echoes", EchoEvent),
    ("on_echo", "cloud_message_echoes", EchoEvent),
]


@pytest.mark.parametrize(("decorator", "payload", "event_type"), FAMILIES)
async def test_family_handler_gets_its_typed_event(
    router: WebhookRouter, decorator: str, payload: str, event_type: type
) -> None:
    bare = getattr(router, decorator)(Recorder())
    called = getattr(router, decorator)()(Recorder())
    await post(router, raw(payload))
    for recorder in (bare, called):
        [event] = recorder.events
        assert type(event) is event_type
        assert event.value is event.change.value
        assert event.waba_id == "214367980012345"


@pytest.mark.parametrize(("decorator", "payload", "event_type"), FAMILIES)
async def test_family_handler_ignores_other_fields(
    router: WebhookRouter, decorator: str, payload: str, event_type: type
) -> None:
    seen = getattr(router, decorator)(Recorder())
    other = "account_review_update" if decorator != "on_account_review" else "security"
    await post(router, raw(other))
    assert seen.events == []


async def test_event_filter_matches_value_event(router: WebhookRouter) -> None:
    approved = router.on_template_status(event="APPROVED")(Recorder())
    rejected = router.on_template_status(event=["REJECTED", "DISABLED"])(Recorder())
    banned = router.on_account_update(event="DISABLED_UPDATE")(Recorder())
    await post(router, raw("template_status_approved"))
    await post(router, raw("template_status_disabled"))
    await post(router, raw("account_update_violation"))
    await post(router, raw("account_update_disabled"))
    assert [e.value.event for e in approved.events] == ["APPROVED"]
    assert [e.value.event for e in rejected.events] == ["DISABLED"]
    assert [e.value.ban_info.waba_ban_state for e in banned.events] == ["DISABLE"]


async def test_on_change_still_gets_every_field_typed(router: WebhookRouter) -> None:
    seen = router.on_change(Recorder())
    await post(router, raw("template_status_approved"))
    await post(router, raw("security"))
    assert isinstance(seen.events[0], TemplateStatusEvent)
    assert type(seen.events[1]) is ChangeEvent
    assert seen.events[1].change.value.event == "PIN_CHANGED"


async def test_family_handler_must_be_async(router: WebhookRouter) -> None:
    with pytest.raises(ConfigurationError, match="async"):
        router.on_call(lambda event: None)  # type: ignore[arg-type,return-value]


async def test_message_handlers_get_the_event_class_of_the_kind(router: WebhookRouter) -> None:
    interactive = router.on_message(kind="interactive")(Recorder())
    every = router.on_message(Recorder())
    await post(router, (FIXTURES / "facts" / "webhooks" / "03_interactive_button_reply.json")
               .read_bytes())
    await post(router, raw("message_revoke"))
    await post(router, raw("message_group_text"))
    [event] = interactive.events
    assert isinstance(event, InteractiveEvent) and isinstance(event, MessageEvent)
    assert event.button_reply is not None
    assert event.button_reply is event.message.interactive.button_reply
    assert event.list_reply is None
    assert [type(e) for e in every.events] == [InteractiveEvent, RevokeEvent, TextEvent]
    assert every.events[2].button_reply is None
