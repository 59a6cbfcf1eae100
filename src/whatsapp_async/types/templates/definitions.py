"""Message templates as a whole: what ``create`` and ``edit`` send, what the API answers."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from ..common import GraphPage
from .components import TemplateComponent

__all__ = [
    "CATEGORIES",
    "PARAMETER_FORMATS",
    "STATUSES",
    "MessageTemplate",
    "QualityScore",
    "TemplateCreated",
    "TemplateDefinition",
    "TemplateList",
    "TemplateUpdate",
    "template_from_dict",
]

#: The categories Meta files templates under.
CATEGORIES: tuple[str, ...] = ("MARKETING", "UTILITY", "AUTHENTICATION")
#: How a template writes its variables: ``{{1}}`` or ``{{first_name}}``.
PARAMETER_FORMATS: tuple[str, ...] = ("POSITIONAL", "NAMED")
#: The statuses a template can have.
STATUSES: tuple[str, ...] = (
    "APPROVED", "IN_APPEAL", "PENDING", "REJECTED", "PENDING_DELETION", "DELETED",
    "DISABLED", "PAUSED", "LIMIT_EXCEEDED", "ARCHIVED",
)


class TemplateDefinition(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{waba-id}/message_templates``: a template to submit for review.

    Attributes:
        name: Lower-case letters, digits and underscores, up to 512 characters.
        language: Language or locale code, e.g. ``en_US``.
        category: ``MARKETING``, ``UTILITY`` or ``AUTHENTICATION``.
        components: Header, body, footer, buttons, carousel, limited-time offer.
        parameter_format: ``POSITIONAL`` (``{{1}}``, the default) or ``NAMED``.
        allow_category_change: Let Meta move it to the category it finds right.
        message_send_ttl_seconds: How long Meta keeps trying to deliver a send.
    """

    name: str
    language: str
    category: str
    components: list[TemplateComponent]
    parameter_format: str | UnsetType = UNSET
    allow_category_change: bool | UnsetType = UNSET
    message_send_ttl_seconds: int | UnsetType = UNSET

    def validate(self) -> None:
        """Check Meta's rules for templates before the request.

        Raises:
            ValidationError: Names the component and field, and the rule broken.
        """
        from .rules import check_definition

        check_definition(self)


class TemplateUpdate(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{template-id}``: what an edit may change."""

    category: str | UnsetType = UNSET
    components: list[TemplateComponent] | UnsetType = UNSET
    message_send_ttl_seconds: int | UnsetType = UNSET
    parameter_format: str | UnsetType = UNSET


class QualityScore(msgspec.Struct, frozen=True, kw_only=True):
    """A template's quality: ``GREEN``, ``YELLOW``, ``RED`` or ``UNKNOWN``."""

    score: str
    date: int | None = None


class MessageTemplate(msgspec.Struct, frozen=True, kw_only=True):
    """A template as the API describes it.

    Attributes:
        id: Its id (used by ``get``, ``edit`` and ``delete``).
        name: Its name (shared by its translations).
        language: Its language code.
        category: ``MARKETING``, ``UTILITY`` or ``AUTHENTICATION``.
        status: ``APPROVED``, ``PENDING``, ``REJECTED``, ``PAUSED``, ``DISABLED``, ...
        components: Its components (None when not asked for).
        parameter_format: ``POSITIONAL`` or ``NAMED``, when the API says.
        quality_score: Its quality rating, when asked for.
        rejected_reason: Why it was rejected, if it was.
        previous_category: Its category before Meta changed it.
        sub_category: e.g. ``ORDER_DETAILS`` for some utility templates.
    """

    id: str
    name: str = ""
    language: str = ""
    category: str = ""
    status: str = ""
    components: list[TemplateComponent] | None = None
    parameter_format: str | None = None
    quality_score: QualityScore | None = None
    rejected_reason: str | None = None
    previous_category: str | None = None
    sub_category: str | None = None


class TemplateList(GraphPage, frozen=True, kw_only=True):
    """One page of ``GET /{waba-id}/message_templates``."""

    data: list[MessageTemplate] = msgspec.field(default_factory=list)


class TemplateCreated(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``create``: the new template's id, status and category."""

    id: str
    status: str = ""
    category: str = ""


def _upper_types(value: Any) -> Any:
    # Meta's own examples write "type": "header" as often as "HEADER"; the
    # Structs are tagged upper-case.
    if isinstance(value, dict):
        out = {k: _upper_types(v) for k, v in value.items()}
        for key in ("type", "format", "category", "parameter_format", "otp_type"):
            if isinstance(out.get(key), str):
                out[key] = out[key].upper()
        return out
    if isinstance(value, list):
        return [_upper_types(v) for v in value]
    return value


def template_from_dict(data: dict[str, Any]) -> TemplateDefinition:
    """A :class:`TemplateDefinition` from a dict in Meta's message-template shape.

    Types, formats and categories may be written in either case, as Meta accepts.

    Raises:
        ValidationError: The dict does not have the shape of a template.
    """
    from ...errors import ValidationError

    fields = {k: v for k, v in _upper_types(data).items()
              if k in TemplateDefinition.__struct_fields__}
    try:
        return msgspec.convert(fields, TemplateDefinition)
    except msgspec.ValidationError as exc:
        raise ValidationError("template", f"is not a message template: {exc}") from None
