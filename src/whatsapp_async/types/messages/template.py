"""The template message: language, components and the parameters that fill them."""

from __future__ import annotations

import re
from typing import ClassVar, TypeAlias

from msgspec import UNSET, UnsetType

from ..._validation import check_choice, check_language_code, has_surrogate, is_language_code
from ...errors import ValidationError
from ._checks import _items, _Message, _optional_text, _struct, _text, _Wire
from .basic import Document, Image, Location, Video
from .limits import (
    _NO_LIMIT,
    COUPON_CODE_MAX,
    TEMPLATE_BODY_ONLY_TEXT_MAX,
    TEMPLATE_BODY_TEXT_MAX,
    TEMPLATE_HEADER_TEXT_MAX,
    TEMPLATE_NAME_MAX,
)

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_BUTTON_INDEX = re.compile(r"[0-9]")
_BUTTON_SUB_TYPES = ("quick_reply", "url", "copy_code", "flow", "catalog", "mpm", "voice_call")


class Language(_Wire, kw_only=True):
    """The template language: ``code`` like ``en_US``; ``policy`` is ``deterministic``."""

    code: str
    policy: str | UnsetType = UNSET

    def _check(self, path: str) -> None:
        check_language_code(f"{path}.code", self.code)
        if self.policy is not UNSET:
            check_choice(f"{path}.policy", self.policy, ("deterministic",))


class Currency(_Wire, kw_only=True):
    """An amount of money: ``amount_1000`` is the amount times 1000.

    Attributes:
        fallback_value: Text shown if localisation fails (and on Cloud API, always).
        code: ISO 4217 code, e.g. ``USD``.
        amount_1000: Amount × 1000, e.g. 100990 for 100.99.
    """

    fallback_value: str
    code: str
    amount_1000: int


class DateTime(_Wire, kw_only=True):
    """A date/time parameter; Cloud API always shows ``fallback_value``."""

    fallback_value: str


class _Parameter(_Wire, tag_field="type", kw_only=True):
    """Base of template parameters, tagged by ``type``."""


class TextParameter(_Parameter, tag="text", kw_only=True):
    """Text for a ``{{n}}`` (or named ``{{name}}``) variable, or a URL-button suffix."""

    text: str
    parameter_name: str | UnsetType = UNSET


class CurrencyParameter(_Parameter, tag="currency", kw_only=True):
    """A money amount in a body."""

    currency: Currency


class DateTimeParameter(_Parameter, tag="date_time", kw_only=True):
    """A date/time in a body."""

    date_time: DateTime


class ImageParameter(_Parameter, tag="image", kw_only=True):
    """An image header; no caption."""

    image: Image


class VideoParameter(_Parameter, tag="video", kw_only=True):
    """A video header; no caption."""

    video: Video


class DocumentParameter(_Parameter, tag="document", kw_only=True):
    """A document header (PDF only); no caption, ``filename`` allowed."""

    document: Document


class LocationParameter(_Parameter, tag="location", kw_only=True):
    """A location header."""

    location: Location


class PayloadParameter(_Parameter, tag="payload", kw_only=True):
    """What a quick-reply button sends back in the webhook."""

    payload: str


class CouponCodeParameter(_Parameter, tag="coupon_code", kw_only=True):
    """The code a copy-code button copies (≤15 characters)."""

    coupon_code: str


#: Any template parameter.
Parameter: TypeAlias = (
    TextParameter | CurrencyParameter | DateTimeParameter | ImageParameter | VideoParameter |
    DocumentParameter | LocationParameter | PayloadParameter | CouponCodeParameter
)


def _check_parameter(path: str, p: object, text_max: int) -> None:
    if isinstance(p, TextParameter):
        _text(f"{path}.text", p.text, text_max)
        _optional_text(f"{path}.parameter_name", p.parameter_name, _NO_LIMIT)
    elif isinstance(p, CurrencyParameter):
        at = f"{path}.currency"
        _struct(at, p.currency, Currency)
        _text(f"{at}.fallback_value", p.currency.fallback_value, _NO_LIMIT)
        if not isinstance(p.currency.code, str) or not _CURRENCY_CODE.fullmatch(p.currency.code):
            raise ValidationError(f"{at}.code", "must be an ISO 4217 code such as 'USD'")
        amount = p.currency.amount_1000
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(f"{at}.amount_1000", "must be an integer (the amount × 1000)")
    elif isinstance(p, DateTimeParameter):
        _struct(f"{path}.date_time", p.date_time, DateTime)
        _text(f"{path}.date_time.fallback_value", p.date_time.fallback_value, _NO_LIMIT)
    elif isinstance(p, ImageParameter):
        _struct(f"{path}.image", p.image, Image)
        p.image._check_media(f"{path}.image", caption=False)
    elif isinstance(p, VideoParameter):
        _struct(f"{path}.video", p.video, Video)
        p.video._check_media(f"{path}.video", caption=False)
    elif isinstance(p, DocumentParameter):
        _struct(f"{path}.document", p.document, Document)
        p.document._check_media(f"{path}.document", caption=False)
    elif isinstance(p, LocationParameter):
        _struct(f"{path}.location", p.location, Location)
        p.location._check(f"{path}.location")
    elif isinstance(p, PayloadParameter):
        _text(f"{path}.payload", p.payload, _NO_LIMIT)
    elif isinstance(p, CouponCodeParameter):
        _text(f"{path}.coupon_code", p.coupon_code, COUPON_CODE_MAX)


class _Component(_Wire, tag_field="type", kw_only=True):
    """Base of template components, tagged by ``type``."""

    _allowed: ClassVar[tuple[type, ...]] = ()
    _min_parameters: ClassVar[int] = 1

    parameters: list[Parameter]

    def _check_parameters(self, path: str, text_max: int) -> None:
        params = _items(
            f"{path}.parameters", self.parameters, _Parameter,
            minimum=self._min_parameters, maximum=None,
        )
        for i, p in enumerate(params):
            where = f"{path}.parameters[{i}]"
            if not isinstance(p, self._allowed):
                names = ", ".join(k.__struct_config__.tag for k in self._allowed)  # type: ignore[attr-defined]
                raise ValidationError(f"{where}.type", f"must be one of {names} in this component")
            _check_parameter(where, p, text_max)

    def _plainly_valid(self, text_max: int) -> bool:
        """A cheap test that never passes what :meth:`_check_parameters` refuses.

        Bulk sends are mostly templates with text parameters; checking those
        inline (and building error paths only when something looks wrong)
        keeps validation cheaper than encoding the message with json.dumps.
        """
        params = self.parameters
        if type(params) is not list or len(params) < self._min_parameters:
            return False
        for p in params:
            kind = type(p)
            if kind is TextParameter:
                text = p.text  # type: ignore[union-attr]
                if (
                    type(text) is not str or not 0 < len(text) <= text_max
                    or p.parameter_name is not UNSET  # type: ignore[union-attr]
                    or has_surrogate(text)
                ):
                    return False
            elif kind is PayloadParameter:
                payload = p.payload  # type: ignore[union-attr]
                if type(payload) is not str or not payload or has_surrogate(payload):
                    return False
            else:
                return False
            if kind not in self._allowed:
                return False
        return True


class HeaderComponent(_Component, tag="header", kw_only=True):
    """Values for the template header: text (≤60), image, video, document or location."""

    _allowed: ClassVar[tuple[type, ...]] = (
        TextParameter, ImageParameter, VideoParameter, DocumentParameter, LocationParameter,
    )


class BodyComponent(_Component, tag="body", kw_only=True):
    """Values for the body variables: text, currency or date_time."""

    _allowed: ClassVar[tuple[type, ...]] = (TextParameter, CurrencyParameter, DateTimeParameter)
    _min_parameters: ClassVar[int] = 0


class ButtonComponent(_Component, tag="button", kw_only=True):
    """Values for one template button.

    Attributes:
        sub_type: ``quick_reply``, ``url``, ``copy_code``, ``flow``, ``catalog``,
            ``mpm`` or ``voice_call``.
        index: Position of the button, ``"0"`` to ``"9"``.
        parameters: ``payload`` (quick reply), ``text`` (URL suffix) or ``coupon_code``.
    """

    _allowed: ClassVar[tuple[type, ...]] = (
        PayloadParameter, TextParameter, CouponCodeParameter,
    )

    sub_type: str
    index: str


#: What a carousel card holds: its header, body and buttons values.
CardComponent: TypeAlias = HeaderComponent | BodyComponent | ButtonComponent

_CARDS_MAX = 10


class CarouselCard(_Wire, kw_only=True):
    """The values of one card of a carousel template.

    Attributes:
        card_index: The card's position, from 0.
        components: Its header (an image or video), body and button values.
    """

    card_index: int
    components: list[CardComponent]

    def _check(self, path: str) -> None:
        index = self.card_index
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < _CARDS_MAX:
            raise ValidationError(f"{path}.card_index", "must be 0 to 9")
        parts = _items(f"{path}.components", self.components, _Component, minimum=1,
                       maximum=None)
        for i, c in enumerate(parts):
            where = f"{path}.components[{i}]"
            if isinstance(c, HeaderComponent):
                c._check_parameters(where, TEMPLATE_HEADER_TEXT_MAX)
                if not isinstance(c.parameters[0], (ImageParameter, VideoParameter)):
                    raise ValidationError(f"{where}.parameters[0].type",
                                          "a card header is an image or a video")
            elif isinstance(c, ButtonComponent):
                _check_button_position(where, c)
                c._check_parameters(where, _NO_LIMIT)
            else:
                c._check_parameters(where, TEMPLATE_BODY_TEXT_MAX)


class CarouselComponent(_Wire, tag_field="type", tag="carousel", kw_only=True):
    """Values for a carousel template: one :class:`CarouselCard` per card (up to 10)."""

    cards: list[CarouselCard]

    def _check(self, path: str) -> None:
        cards = _items(f"{path}.cards", self.cards, CarouselCard, minimum=1,
                       maximum=_CARDS_MAX)
        seen: set[int] = set()
        for i, card in enumerate(cards):
            card._check(f"{path}.cards[{i}]")
            if card.card_index in seen:
                raise ValidationError(f"{path}.cards[{i}].card_index",
                                      f"card {card.card_index} is given twice")
            seen.add(card.card_index)


def _check_button_position(path: str, c: ButtonComponent) -> None:
    if c.sub_type not in _BUTTON_SUB_TYPES:
        check_choice(f"{path}.sub_type", c.sub_type, _BUTTON_SUB_TYPES)
    if type(c.index) is not str or not _BUTTON_INDEX.fullmatch(c.index):
        raise ValidationError(f"{path}.index", "must be a string '0' to '9'")


#: Any template component.
Component: TypeAlias = (
    HeaderComponent | BodyComponent | ButtonComponent | CarouselComponent
)


class Template(_Message, kw_only=True):
    """A pre-approved template (``type: "template"``); the only kind allowed
    outside the 24-hour customer-service window.

    Attributes:
        name: Template name as approved.
        language: Language the template was approved in.
        components: Values for header, body and buttons.
    """

    kind: ClassVar[str] = "template"

    name: str
    language: Language
    components: list[Component] | UnsetType = UNSET

    def _check(self, path: str) -> None:
        name = self.name
        if type(name) is not str or not 0 < len(name) <= TEMPLATE_NAME_MAX or has_surrogate(name):
            _text(f"{path}.name", name, TEMPLATE_NAME_MAX)
        language = self.language
        # Every send validates, so the common case is tested inline; only a
        # doubtful one builds paths and goes through check_language_code.
        if (
            type(language) is not Language
            or type(language.code) is not str
            or not is_language_code(language.code)
            or language.policy is not UNSET
        ):
            _struct(f"{path}.language", language, Language)
            language._check(f"{path}.language")
        components = self.components
        if components is UNSET:
            return
        if type(components) is not list:
            components = _items(
                f"{path}.components", components, _Wire, minimum=0, maximum=None
            )
        body_only = True
        for c in components:
            if not isinstance(c, BodyComponent):
                body_only = False
                break
        body_max = TEMPLATE_BODY_ONLY_TEXT_MAX if body_only else TEMPLATE_BODY_TEXT_MAX
        for i, c in enumerate(components):
            if isinstance(c, CarouselComponent):
                c._check(f"{path}.components[{i}]")
                continue
            if isinstance(c, BodyComponent):
                text_max = body_max
            elif isinstance(c, HeaderComponent):
                text_max = TEMPLATE_HEADER_TEXT_MAX
            elif isinstance(c, ButtonComponent):
                text_max = _NO_LIMIT
                sub_type, index = c.sub_type, c.index
                if sub_type not in _BUTTON_SUB_TYPES:
                    check_choice(f"{path}.components[{i}].sub_type", sub_type, _BUTTON_SUB_TYPES)
                if type(index) is not str or not _BUTTON_INDEX.fullmatch(index):
                    raise ValidationError(
                        f"{path}.components[{i}].index", "must be a string '0' to '9'"
                    )
            else:
                raise ValidationError(
                    f"{path}.components[{i}]",
                    f"must be a HeaderComponent, BodyComponent, ButtonComponent or "
                    f"CarouselComponent, got "
                    f"{type(c).__name__}",
                )
            if not c._plainly_valid(text_max):
                c._check_parameters(f"{path}.components[{i}]", text_max)
