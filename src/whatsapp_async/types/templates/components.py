"""The components of a message template definition, in Meta's wire shape.

A template is a list of components tagged by ``type``: :class:`TemplateHeader`
(text, image, video, document or location), :class:`TemplateBody`,
:class:`TemplateFooter`, :class:`TemplateButtons` (buttons tagged by their own
``type``), :class:`TemplateCarousel` (cards with their own header, body and
buttons) and :class:`TemplateLimitedTimeOffer`. The same Structs encode a
``create`` body and decode what the API answers; the rules are checked by
:mod:`whatsapp_async.types.templates.rules`.
"""

from __future__ import annotations

from typing import TypeAlias

import msgspec
from msgspec import UNSET, UnsetType

__all__ = [
    "AuthenticationBody",
    "AuthenticationFooter",
    "BodyExample",
    "CatalogButton",
    "CopyCodeButton",
    "FlowButton",
    "HeaderExample",
    "LimitedTimeOffer",
    "MultiProductButton",
    "NamedExample",
    "OtpApp",
    "OtpButton",
    "PhoneNumberButton",
    "QuickReplyButton",
    "TemplateBody",
    "TemplateButton",
    "TemplateButtons",
    "TemplateCard",
    "TemplateCarousel",
    "TemplateComponent",
    "TemplateFooter",
    "TemplateHeader",
    "TemplateLimitedTimeOffer",
    "UrlButton",
    "VoiceCallButton",
]


class _Part(msgspec.Struct, kw_only=True, omit_defaults=True, forbid_unknown_fields=False):
    """Base of every definition part: keyword-only, unset fields stay off the wire."""


class NamedExample(_Part, kw_only=True):
    """An example value of a named variable (``{{first_name}}``)."""

    param_name: str
    example: str


class HeaderExample(_Part, kw_only=True):
    """Examples a header needs for review.

    Attributes:
        header_text: The example of the text header's one positional variable.
        header_text_named_params: The example of its one named variable.
        header_handle: An upload handle (Resumable Upload API) of a sample
            image, video or document.
    """

    header_text: list[str] | UnsetType = UNSET
    header_text_named_params: list[NamedExample] | UnsetType = UNSET
    header_handle: list[str] | UnsetType = UNSET


class BodyExample(_Part, kw_only=True):
    """Examples of the body variables: one row of positional values, or named ones."""

    body_text: list[list[str]] | UnsetType = UNSET
    body_text_named_params: list[NamedExample] | UnsetType = UNSET


# ----------------------------------------------------------------------------- components


class _Component(_Part, tag_field="type", kw_only=True):
    """Base of template components, tagged by their upper-case ``type``."""


class TemplateHeader(_Component, tag="HEADER", kw_only=True):
    """The header: ``format`` TEXT (≤60 characters, at most one variable),
    IMAGE, VIDEO, DOCUMENT (each with a sample ``header_handle``) or LOCATION.
    """

    format: str
    text: str | UnsetType = UNSET
    example: HeaderExample | UnsetType = UNSET


class TemplateBody(_Component, tag="BODY", kw_only=True):
    """The body: up to 1024 characters with ``{{1}}`` or ``{{name}}`` variables.

    Attributes:
        text: The body text (absent in authentication templates, whose text is Meta's).
        example: Example values of every variable (required when it has any).
        add_security_recommendation: Authentication templates only: add Meta's
            "do not share this code" line.
    """

    text: str | UnsetType = UNSET
    example: BodyExample | UnsetType = UNSET
    add_security_recommendation: bool | UnsetType = UNSET


class TemplateFooter(_Component, tag="FOOTER", kw_only=True):
    """The footer: up to 60 characters, no variables; authentication templates
    give ``code_expiration_minutes`` (1-90) instead of text."""

    text: str | UnsetType = UNSET
    code_expiration_minutes: int | UnsetType = UNSET


#: The body of an authentication template (its text is written by Meta).
AuthenticationBody = TemplateBody
#: The footer of an authentication template (``code_expiration_minutes`` only).
AuthenticationFooter = TemplateFooter


# ----------------------------------------------------------------------------- buttons


class _Button(_Part, tag_field="type", kw_only=True):
    """Base of template buttons, tagged by their upper-case ``type``."""


class QuickReplyButton(_Button, tag="QUICK_REPLY", kw_only=True):
    """A button that sends its text back (≤25 characters; up to 10 per template)."""

    text: str


class UrlButton(_Button, tag="URL", kw_only=True):
    """A button that opens ``url`` (≤2000 characters), which may end in one
    variable ``{{1}}``; then ``example`` holds one full sample URL."""

    text: str
    url: str
    example: list[str] | UnsetType = UNSET


class PhoneNumberButton(_Button, tag="PHONE_NUMBER", kw_only=True):
    """A button that calls ``phone_number`` (≤20 characters, with country code)."""

    text: str
    phone_number: str


class VoiceCallButton(_Button, tag="VOICE_CALL", kw_only=True):
    """A button that starts a WhatsApp voice call to the business."""

    text: str


class CopyCodeButton(_Button, tag="COPY_CODE", kw_only=True):
    """A button that copies a coupon code; ``example`` is a sample (≤15 characters)."""

    example: str
    text: str | UnsetType = UNSET


class OtpApp(_Part, kw_only=True):
    """An Android app that may receive a one-tap or zero-tap code."""

    package_name: str
    signature_hash: str


class OtpButton(_Button, tag="OTP", kw_only=True):
    """The one-time-password button of an authentication template.

    Attributes:
        otp_type: ``COPY_CODE``, ``ONE_TAP`` or ``ZERO_TAP``.
        text: Label of the copy-code button (≤25 characters).
        autofill_text: Label of the one-tap autofill button (≤25 characters).
        supported_apps: The apps (one-tap and zero-tap), up to 5.
        zero_tap_terms_accepted: Zero-tap only: you accept Meta's zero-tap terms.
    """

    otp_type: str
    text: str | UnsetType = UNSET
    autofill_text: str | UnsetType = UNSET
    supported_apps: list[OtpApp] | UnsetType = UNSET
    zero_tap_terms_accepted: bool | UnsetType = UNSET


class FlowButton(_Button, tag="FLOW", kw_only=True):
    """A button that opens a Flow: give exactly one of ``flow_id``, ``flow_name``
    or ``flow_json``; ``flow_action`` is ``navigate`` or ``data_exchange``."""

    text: str
    flow_id: str | UnsetType = UNSET
    flow_name: str | UnsetType = UNSET
    flow_json: str | UnsetType = UNSET
    flow_action: str | UnsetType = UNSET
    navigate_screen: str | UnsetType = UNSET


class CatalogButton(_Button, tag="CATALOG", kw_only=True):
    """A "View catalog" button (catalog templates)."""

    text: str


class MultiProductButton(_Button, tag="MPM", kw_only=True):
    """A button that opens a multi-product message's products."""

    text: str


#: Any template button.
TemplateButton: TypeAlias = (
    QuickReplyButton | UrlButton | PhoneNumberButton | VoiceCallButton | CopyCodeButton |
    OtpButton | FlowButton | CatalogButton | MultiProductButton
)


class TemplateButtons(_Component, tag="BUTTONS", kw_only=True):
    """The buttons: up to 10, quick replies kept together."""

    buttons: list[TemplateButton]


# ----------------------------------------------------------------------------- carousel, offer


#: What a carousel card holds: an image or video header, a body, buttons.
CardComponent: TypeAlias = TemplateHeader | TemplateBody | TemplateButtons


class TemplateCard(_Part, kw_only=True):
    """One carousel card: a header (IMAGE or VIDEO), an optional body (≤160
    characters) and up to 2 buttons; every card has the same components."""

    components: list[CardComponent]


class TemplateCarousel(_Component, tag="CAROUSEL", kw_only=True):
    """A carousel of 2 to 10 cards, shown under the template's body."""

    cards: list[TemplateCard]


class LimitedTimeOffer(_Part, kw_only=True):
    """The offer line (≤16 characters) and whether it shows an expiry countdown."""

    text: str
    has_expiration: bool | UnsetType = UNSET


class TemplateLimitedTimeOffer(_Component, tag="LIMITED_TIME_OFFER", kw_only=True):
    """A limited-time offer (marketing templates, no footer)."""

    limited_time_offer: LimitedTimeOffer


#: Any template component.
TemplateComponent: TypeAlias = (
    TemplateHeader | TemplateBody | TemplateFooter | TemplateButtons | TemplateCarousel |
    TemplateLimitedTimeOffer
)
