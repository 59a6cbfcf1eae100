"""Typed handlers per webhook field family: ``on_template_status``, ``on_account_update``, ...

Each registers a change route for its family's field(s) and hands the
handler that family's event class from :mod:`._field_events`; those with an
``event=`` filter match it against ``change.value.event``. Fields without a
decorator of their own are reached with ``on_change(field=...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, overload

from ._field_events import (
    AccountAlertEvent,
    AccountReviewEvent,
    AccountUpdateEvent,
    CallEvent,
    EchoEvent,
    GroupEvent,
    PhoneNumberNameEvent,
    PhoneNumberQualityEvent,
    TemplateCategoryEvent,
    TemplateComponentsEvent,
    TemplateQualityEvent,
    TemplateStatusEvent,
    UserPreferencesEvent,
)
from ._handlers import Handler, HandlerRegistry, _ChangeRoute, _check_async, _names

__all__ = ["FieldHandlers"]

_GROUP_FIELDS = frozenset({
    "group_lifecycle_update", "group_participants_update", "group_participant_update",
    "group_settings_update", "group_status_update",
})

@dataclass(frozen=True)
class _EventRoute(_ChangeRoute):
    events: frozenset[str] | None = None

    def accepts_change(self, change: Any) -> bool:
        if not self.accepts(change.field):
            return False
        if self.events is None:
            return True
        return getattr(change.value, "event", None) in self.events


class FieldHandlers(HandlerRegistry):
    """The ``on_<family>`` decorators; :class:`WebhookRouter` inherits them."""

    def _on_fields(
        self, fields: frozenset[str], events: str | Collection[str] | None, handler: Any
    ) -> Any:
        wanted = _names(events)

        def register(h: Any) -> Any:
            _check_async(h)
            self._change_routes.append(_EventRoute(h, fields, wanted))
            return h

        return register(handler) if handler is not None else register

    @overload
    def on_template_status(
        self, handler: Handler[TemplateStatusEvent], /
    ) -> Handler[TemplateStatusEvent]: ...

    @overload
    def on_template_status(
        self, handler: None = None, /, *, event: str | Collection[str] | None = None
    ) -> Callable[[Handler[TemplateStatusEvent]], Handler[TemplateStatusEvent]]: ...

    def on_template_status(
        self, handler: Handler[TemplateStatusEvent] | None = None, /, *,
        event: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for ``message_template_status_update``.

        It runs when a template was approved, rejected, paused, disabled or
        reinstated (Meta's ``event``).

        Usable bare or called; with ``event=`` it must be called.

        Args:
            handler: The handler, when used bare.
            event: Only these ``value.event`` values (e.g. ``"APPROVED"``); None for all.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`TemplateStatusEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"message_template_status_update"}), event, handler)

    @overload
    def on_template_quality(
        self, handler: Handler[TemplateQualityEvent], /
    ) -> Handler[TemplateQualityEvent]: ...

    @overload
    def on_template_quality(
        self, handler: None = None, /
    ) -> Callable[[Handler[TemplateQualityEvent]], Handler[TemplateQualityEvent]]: ...

    def on_template_quality(
        self, handler: Handler[TemplateQualityEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``message_template_quality_update``.

        It runs when a template's quality score changed.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`TemplateQualityEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"message_template_quality_update"}), None, handler)

    @overload
    def on_template_category(
        self, handler: Handler[TemplateCategoryEvent], /
    ) -> Handler[TemplateCategoryEvent]: ...

    @overload
    def on_template_category(
        self, handler: None = None, /
    ) -> Callable[[Handler[TemplateCategoryEvent]], Handler[TemplateCategoryEvent]]: ...

    def on_template_category(
        self, handler: Handler[TemplateCategoryEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``template_category_update``.

        It runs when a template's category changed or will change.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`TemplateCategoryEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"template_category_update"}), None, handler)

    @overload
    def on_template_components(
        self, handler: Handler[TemplateComponentsEvent], /
    ) -> Handler[TemplateComponentsEvent]: ...

    @overload
    def on_template_components(
        self, handler: None = None, /
    ) -> Callable[[Handler[TemplateComponentsEvent]], Handler[TemplateComponentsEvent]]: ...

    def on_template_components(
        self, handler: Handler[TemplateComponentsEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``message_template_components_update``.

        It runs when a template's text or buttons changed.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`TemplateComponentsEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"message_template_components_update"}), None, handler)

    @overload
    def on_account_update(
        self, handler: Handler[AccountUpdateEvent], /
    ) -> Handler[AccountUpdateEvent]: ...

    @overload
    def on_account_update(
        self, handler: None = None, /, *, event: str | Collection[str] | None = None
    ) -> Callable[[Handler[AccountUpdateEvent]], Handler[AccountUpdateEvent]]: ...

    def on_account_update(
        self, handler: Handler[AccountUpdateEvent] | None = None, /, *,
        event: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for ``account_update``.

        It runs when the account was verified, banned, restricted, shared with
        a partner, and so on (Meta's ``event``).

        Usable bare or called; with ``event=`` it must be called.

        Args:
            handler: The handler, when used bare.
            event: Only these ``value.event`` values (e.g. ``"APPROVED"``); None for all.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`AccountUpdateEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"account_update"}), event, handler)

    @overload
    def on_account_review(
        self, handler: Handler[AccountReviewEvent], /
    ) -> Handler[AccountReviewEvent]: ...

    @overload
    def on_account_review(
        self, handler: None = None, /
    ) -> Callable[[Handler[AccountReviewEvent]], Handler[AccountReviewEvent]]: ...

    def on_account_review(
        self, handler: Handler[AccountReviewEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``account_review_update``.

        It runs when the account review decided.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`AccountReviewEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"account_review_update"}), None, handler)

    @overload
    def on_account_alert(
        self, handler: Handler[AccountAlertEvent], /
    ) -> Handler[AccountAlertEvent]: ...

    @overload
    def on_account_alert(
        self, handler: None = None, /
    ) -> Callable[[Handler[AccountAlertEvent]], Handler[AccountAlertEvent]]: ...

    def on_account_alert(
        self, handler: Handler[AccountAlertEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``account_alerts``.

        It runs when Meta raised an alert on the account or a number.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`AccountAlertEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"account_alerts"}), None, handler)

    @overload
    def on_phone_number_quality(
        self, handler: Handler[PhoneNumberQualityEvent], /
    ) -> Handler[PhoneNumberQualityEvent]: ...

    @overload
    def on_phone_number_quality(
        self, handler: None = None, /, *, event: str | Collection[str] | None = None
    ) -> Callable[[Handler[PhoneNumberQualityEvent]], Handler[PhoneNumberQualityEvent]]: ...

    def on_phone_number_quality(
        self, handler: Handler[PhoneNumberQualityEvent] | None = None, /, *,
        event: str | Collection[str] | None = None,
    ) -> Any:
        """Register a handler for ``phone_number_quality_update``.

        It runs when a number's messaging limit or quality changed.

        Usable bare or called; with ``event=`` it must be called.

        Args:
            handler: The handler, when used bare.
            event: Only these ``value.event`` values (e.g. ``"APPROVED"``); None for all.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`PhoneNumberQualityEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"phone_number_quality_update"}), event, handler)

    @overload
    def on_phone_number_name(
        self, handler: Handler[PhoneNumberNameEvent], /
    ) -> Handler[PhoneNumberNameEvent]: ...

    @overload
    def on_phone_number_name(
        self, handler: None = None, /
    ) -> Callable[[Handler[PhoneNumberNameEvent]], Handler[PhoneNumberNameEvent]]: ...

    def on_phone_number_name(
        self, handler: Handler[PhoneNumberNameEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``phone_number_name_update``.

        It runs when a display name review decided.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`PhoneNumberNameEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"phone_number_name_update"}), None, handler)

    @overload
    def on_call(
        self, handler: Handler[CallEvent], /
    ) -> Handler[CallEvent]: ...

    @overload
    def on_call(
        self, handler: None = None, /
    ) -> Callable[[Handler[CallEvent]], Handler[CallEvent]]: ...

    def on_call(
        self, handler: Handler[CallEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``calls``.

        It runs when a call rang, connected or ended, or a call status arrived.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`CallEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"calls"}), None, handler)

    @overload
    def on_user_preferences(
        self, handler: Handler[UserPreferencesEvent], /
    ) -> Handler[UserPreferencesEvent]: ...

    @overload
    def on_user_preferences(
        self, handler: None = None, /
    ) -> Callable[[Handler[UserPreferencesEvent]], Handler[UserPreferencesEvent]]: ...

    def on_user_preferences(
        self, handler: Handler[UserPreferencesEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``user_preferences``.

        It runs when a user stopped or resumed marketing messages.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`UserPreferencesEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"user_preferences"}), None, handler)

    @overload
    def on_group(
        self, handler: Handler[GroupEvent], /
    ) -> Handler[GroupEvent]: ...

    @overload
    def on_group(
        self, handler: None = None, /
    ) -> Callable[[Handler[GroupEvent]], Handler[GroupEvent]]: ...

    def on_group(
        self, handler: Handler[GroupEvent] | None = None, /
    ) -> Any:
        """Register a handler for the group fields.

        They are ``group_lifecycle_update``, ``group_participants_update`` (and
        its singular spelling), ``group_settings_update`` and ``group_status_update``.

        It runs when a group was created, deleted, changed, joined or left.

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`GroupEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(_GROUP_FIELDS, None, handler)

    @overload
    def on_echo(
        self, handler: Handler[EchoEvent], /
    ) -> Handler[EchoEvent]: ...

    @overload
    def on_echo(
        self, handler: None = None, /
    ) -> Callable[[Handler[EchoEvent]], Handler[EchoEvent]]: ...

    def on_echo(
        self, handler: Handler[EchoEvent] | None = None, /
    ) -> Any:
        """Register a handler for ``message_echoes``, ``smb_message_echoes``.

        It runs when the business sent a message from another app (echoes).

        Usable bare or called (with parentheses).

        Args:
            handler: The handler, when used bare.

        Returns:
            The handler unchanged, or a decorator that registers it; the
            handler receives a :class:`EchoEvent`.

        Raises:
            ConfigurationError: The handler is not async.
        """
        return self._on_fields(frozenset({"message_echoes", "smb_message_echoes"}), None, handler)
