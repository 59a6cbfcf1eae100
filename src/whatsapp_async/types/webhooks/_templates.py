"""Template fields: status, quality, category and component changes of message templates."""

from __future__ import annotations

from ._common import _ChangeBase, _Wire

__all__ = [
    "TemplateButton",
    "TemplateCategoryChange",
    "TemplateCategoryValue",
    "TemplateComponentsChange",
    "TemplateComponentsValue",
    "TemplateDisableInfo",
    "TemplateOtherInfo",
    "TemplateQualityChange",
    "TemplateQualityValue",
    "TemplateRejectionInfo",
    "TemplateStatusChange",
    "TemplateStatusValue",
]


class TemplateDisableInfo(_Wire, frozen=True, kw_only=True):
    """When a template was disabled."""

    disable_date: str | int | None = None


class TemplateOtherInfo(_Wire, frozen=True, kw_only=True):
    """Why a template was locked or unlocked."""

    title: str | None = None
    description: str | None = None


class TemplateRejectionInfo(_Wire, frozen=True, kw_only=True):
    """Why a template was rejected (``INVALID_FORMAT``) and what to change."""

    reason: str | None = None
    recommendation: str | None = None


class TemplateStatusValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``message_template_status_update`` change.

    Attributes:
        event: The new status: ``"APPROVED"``, ``"REJECTED"``, ``"PENDING"``,
            ``"PAUSED"``, ``"DISABLED"``, ``"FLAGGED"``, ``"ARCHIVED"``, ...
        message_template_id: The template id (a number on the wire).
        message_template_name: The template name.
        message_template_language: Language and locale, e.g. ``"en_US"``.
        reason: Why (``"NONE"`` on approval).
        message_template_category: The template's category.
        disable_info: On ``DISABLED``: when.
        other_info: On lock or unlock: why.
        rejection_info: On an ``INVALID_FORMAT`` rejection: details.
    """

    event: str
    message_template_id: int | None = None
    message_template_name: str | None = None
    message_template_language: str | None = None
    reason: str | None = None
    message_template_category: str | None = None
    disable_info: TemplateDisableInfo | None = None
    other_info: TemplateOtherInfo | None = None
    rejection_info: TemplateRejectionInfo | None = None


class TemplateStatusChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``message_template_status_update`` change."""

    value: TemplateStatusValue


class TemplateQualityValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``message_template_quality_update`` change.

    Attributes:
        previous_quality_score: ``"GREEN"``, ``"YELLOW"``, ``"RED"`` or ``"UNKNOWN"``.
        new_quality_score: The score now.
    """

    previous_quality_score: str | None = None
    new_quality_score: str
    message_template_id: int | None = None
    message_template_name: str | None = None
    message_template_language: str | None = None


class TemplateQualityChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``message_template_quality_update`` change."""

    value: TemplateQualityValue


class TemplateButton(_Wire, frozen=True, kw_only=True):
    """One button of a template whose components changed."""

    message_template_button_type: str | None = None
    message_template_button_text: str | None = None
    message_template_button_url: str | None = None
    message_template_button_phone_number: str | None = None


class TemplateComponentsValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``message_template_components_update`` change.

    Attributes:
        message_template_element: The body text.
        message_template_title: The header text, if any.
        message_template_footer: The footer text, if any.
        message_template_buttons: The buttons.
    """

    message_template_id: int | None = None
    message_template_name: str | None = None
    message_template_language: str | None = None
    message_template_element: str | None = None
    message_template_title: str | None = None
    message_template_footer: str | None = None
    message_template_buttons: tuple[TemplateButton, ...] = ()


class TemplateComponentsChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``message_template_components_update`` change."""

    value: TemplateComponentsValue


class TemplateCategoryValue(_Wire, frozen=True, kw_only=True):
    """The value of a ``template_category_update`` change.

    Attributes:
        previous_category: The category before.
        new_category: The category now.
        correct_category: On a pending recategorisation: the category Meta
            will apply, announced before it takes effect.
    """

    message_template_id: int | None = None
    message_template_name: str | None = None
    message_template_language: str | None = None
    previous_category: str | None = None
    new_category: str | None = None
    correct_category: str | None = None


class TemplateCategoryChange(_ChangeBase, frozen=True, kw_only=True):
    """A ``template_category_update`` change."""

    value: TemplateCategoryValue
