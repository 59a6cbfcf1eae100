"""Message template definitions (``/{waba-id}/message_templates``): components, rules, answers.

:mod:`.components` holds the component and button Structs in Meta's wire
shape, :mod:`.definitions` the template as a whole (what ``create`` and
``edit`` send, what ``list`` and ``get`` answer), and :mod:`.rules` Meta's
limits, checked before a request. Import from ``whatsapp_async.types.templates``.
"""

from __future__ import annotations

from .components import (
    AuthenticationBody,
    AuthenticationFooter,
    BodyExample,
    CatalogButton,
    CopyCodeButton,
    FlowButton,
    HeaderExample,
    LimitedTimeOffer,
    MultiProductButton,
    NamedExample,
    OtpApp,
    OtpButton,
    PhoneNumberButton,
    QuickReplyButton,
    TemplateBody,
    TemplateButton,
    TemplateButtons,
    TemplateCard,
    TemplateCarousel,
    TemplateComponent,
    TemplateFooter,
    TemplateHeader,
    TemplateLimitedTimeOffer,
    UrlButton,
    VoiceCallButton,
)
from .definitions import (
    CATEGORIES,
    PARAMETER_FORMATS,
    STATUSES,
    MessageTemplate,
    QualityScore,
    TemplateCreated,
    TemplateDefinition,
    TemplateList,
    TemplateUpdate,
    template_from_dict,
)
from .rules import LIMITS, check_definition, variables

__all__ = [
    "CATEGORIES",
    "LIMITS",
    "PARAMETER_FORMATS",
    "STATUSES",
    "AuthenticationBody",
    "AuthenticationFooter",
    "BodyExample",
    "CatalogButton",
    "CopyCodeButton",
    "FlowButton",
    "HeaderExample",
    "LimitedTimeOffer",
    "MessageTemplate",
    "MultiProductButton",
    "NamedExample",
    "OtpApp",
    "OtpButton",
    "PhoneNumberButton",
    "QualityScore",
    "QuickReplyButton",
    "TemplateBody",
    "TemplateButton",
    "TemplateButtons",
    "TemplateCard",
    "TemplateCarousel",
    "TemplateComponent",
    "TemplateCreated",
    "TemplateDefinition",
    "TemplateFooter",
    "TemplateHeader",
    "TemplateLimitedTimeOffer",
    "TemplateList",
    "TemplateUpdate",
    "UrlButton",
    "VoiceCallButton",
    "check_definition",
    "template_from_dict",
    "variables",
]
