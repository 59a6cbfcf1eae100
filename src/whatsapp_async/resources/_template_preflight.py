"""Pre-flight: a template send checked against the template's definition before it goes.

Meta refuses a send whose parameters do not fit the approved template
(132000, 132012, ...), but only after the request, one refused row at a time.
:func:`check_send` finds the same mismatches locally, from the definition that
:class:`TemplateCache` fetches once per name and language and keeps for a TTL.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

from msgspec import UNSET

from ..errors import ValidationError
from ..types.messages import (
    BodyComponent,
    ButtonComponent,
    CarouselCard,
    CarouselComponent,
    DocumentParameter,
    HeaderComponent,
    ImageParameter,
    LocationParameter,
    Template,
    TextParameter,
    VideoParameter,
)
from ..types.templates import (
    CopyCodeButton,
    MessageTemplate,
    TemplateBody,
    TemplateButtons,
    TemplateCarousel,
    TemplateHeader,
    UrlButton,
    variables,
)

if TYPE_CHECKING:
    from ..client import WhatsAppClient

__all__ = ["DEFAULT_TTL", "TemplateCache", "check_send", "template_cache"]

#: Seconds a fetched definition is trusted before it is fetched again.
DEFAULT_TTL = 300.0

_HEADER_PARAMETER = {
    "IMAGE": ImageParameter, "VIDEO": VideoParameter, "DOCUMENT": DocumentParameter,
    "LOCATION": LocationParameter,
}
# The send's button sub_type for each definition button type.
_SUB_TYPE = {
    "QuickReplyButton": "quick_reply", "UrlButton": "url", "CopyCodeButton": "copy_code",
    "FlowButton": "flow", "CatalogButton": "catalog", "MultiProductButton": "mpm",
    "OtpButton": "url", "VoiceCallButton": "voice_call", "PhoneNumberButton": "phone_number",
}


def _fail(template: MessageTemplate, field: str, rule: str) -> ValidationError:
    return ValidationError(field, f"template {template.name!r} ({template.language}): {rule}")


def check_send(message: Template, template: MessageTemplate) -> None:
    """Check a template message against the template's definition.

    Checks the status (only ``APPROVED`` templates are sent), the header's
    format and parameter, the number of body parameters and whether they are
    named or positional, the buttons' indices and sub-types (and the values a
    URL with a variable or a copy-code button needs), and a carousel's cards.

    Args:
        message: The message about to be sent.
        template: The template's definition, from the API.

    Raises:
        ValidationError: Names the template, the component and the parameter.
    """
    if template.status != "APPROVED":
        raise _fail(template, "template.status", f"is {template.status or 'not approved'}; "
                    "only APPROVED templates can be sent")
    definition = template.components or []
    header = next((c for c in definition if isinstance(c, TemplateHeader)), None)
    body = next((c for c in definition if isinstance(c, TemplateBody)), None)
    buttons_def = next((c for c in definition if isinstance(c, TemplateButtons)), None)
    sent = [] if message.components is UNSET else list(message.components)
    sent_header = next((c for c in sent if isinstance(c, HeaderComponent)), None)
    sent_body = next((c for c in sent if isinstance(c, BodyComponent)), None)
    _check_header(template, header, sent_header)
    _check_body(template, body, sent_body)
    _check_buttons(template, buttons_def.buttons if buttons_def is not None else [], sent,
                   "template.components")
    carousel = next((c for c in definition if isinstance(c, TemplateCarousel)), None)
    if carousel is not None:
        _check_carousel(template, carousel, sent)


def _check_buttons(template: MessageTemplate, buttons: Sequence[object], sent: Sequence[object],
                   at: str) -> None:
    # Buttons whose values must be sent: a URL with a variable, a copy-code button.
    wanted = {i for i, b in enumerate(buttons)
              if (isinstance(b, UrlButton) and variables(b.url)) or isinstance(b, CopyCodeButton)}
    for c in sent:
        if not isinstance(c, ButtonComponent) or not isinstance(c.index, str) \
                or not c.index.isdigit():
            continue  # not a button, or malformed: the message's own check refuses it
        where = f"{at}[button {c.index}]"
        index = int(c.index)
        if index >= len(buttons):
            raise _fail(template, f"{where}.index", f"has {len(buttons)} button(s); there is "
                        f"no button {index}")
        expected = _SUB_TYPE.get(type(buttons[index]).__name__)
        if expected is not None and c.sub_type != expected:
            raise _fail(template, f"{where}.sub_type", f"button {index} is "
                        f"{expected}, not {c.sub_type}")
        wanted.discard(index)
    if wanted:
        index = min(wanted)
        kind = "copy-code" if isinstance(buttons[index], CopyCodeButton) else "URL"
        raise _fail(template, f"{at}[button {index}]", f"{kind} button {index} takes a "
                    "value: send a button component with its parameter")


def _check_carousel(template: MessageTemplate, carousel: TemplateCarousel,
                    sent: Sequence[object]) -> None:
    where = "template.components[carousel]"
    given = next((c for c in sent if isinstance(c, CarouselComponent)), None)
    if given is None:
        raise _fail(template, where, f"CAROUSEL has {len(carousel.cards)} cards: send a "
                    "CarouselComponent with their values")
    if len(given.cards) != len(carousel.cards):
        raise _fail(template, f"{where}.cards", f"CAROUSEL has {len(carousel.cards)} cards, "
                    f"got {len(given.cards)}")
    for card in given.cards:
        if not isinstance(card, CarouselCard) or not isinstance(card.card_index, int) \
                or not 0 <= card.card_index < len(carousel.cards):
            continue  # the message's own check refuses it
        defined = carousel.cards[card.card_index].components
        body = next((c for c in defined if isinstance(c, TemplateBody)), None)
        names = list(dict.fromkeys(variables(body.text or ""))) if body is not None else []
        values = next((c for c in card.components if isinstance(c, BodyComponent)), None)
        count = len(values.parameters) if values is not None else 0
        if count != len(names):
            raise _fail(template, f"{where}.cards[{card.card_index}].body.parameters",
                        f"card {card.card_index}'s BODY expects {len(names)} parameter(s), "
                        f"got {count}")
        buttons = next((c for c in defined if isinstance(c, TemplateButtons)), None)
        _check_buttons(template, buttons.buttons if buttons is not None else [],
                       card.components, f"{where}.cards[{card.card_index}]")


def _check_header(template: MessageTemplate, header: TemplateHeader | None,
                  sent: HeaderComponent | None) -> None:
    where = "template.components[header].parameters"
    if header is None or (header.format == "TEXT" and not variables(header.text or "")):
        if sent is not None and sent.parameters:
            raise _fail(template, where, "HEADER has no variable; send no header parameters")
        return
    if sent is None or not sent.parameters:
        raise _fail(template, where, f"HEADER ({header.format}) needs 1 parameter, got 0")
    if len(sent.parameters) != 1:
        raise _fail(template, where, f"HEADER takes 1 parameter, got {len(sent.parameters)}")
    kind = TextParameter if header.format == "TEXT" else _HEADER_PARAMETER.get(header.format)
    if kind is not None and not isinstance(sent.parameters[0], kind):
        raise _fail(template, f"{where}[0].type", f"HEADER is {header.format}, not "
                    f"{type(sent.parameters[0]).__name__}")


def _check_body(template: MessageTemplate, body: TemplateBody | None,
                sent: BodyComponent | None) -> None:
    where = "template.components[body].parameters"
    found = variables(body.text or "") if body is not None else []
    if template.category == "AUTHENTICATION":
        found = ["1"]  # Meta's fixed text has one variable: the code
    names = list(dict.fromkeys(found))
    params = list(sent.parameters) if sent is not None else []
    if len(params) != len(names):
        shown = ", ".join(f"{{{{{n}}}}}" for n in names) or "none"
        raise _fail(template, where, f"BODY expects {len(names)} parameter(s) ({shown}), "
                    f"got {len(params)}")
    named = template.parameter_format == "NAMED" or any(not n.isdigit() for n in names)
    for i, p in enumerate(params):
        name = getattr(p, "parameter_name", UNSET)
        if named:
            if name is UNSET:
                raise _fail(template, f"{where}[{i}].parameter_name", "BODY uses named "
                            f"variables ({', '.join(names)}): give each parameter its name")
            if name not in names:
                raise _fail(template, f"{where}[{i}].parameter_name", f"BODY has no "
                            f"variable {{{{{name}}}}} (it has {', '.join(names)})")
        elif name is not UNSET:
            raise _fail(template, f"{where}[{i}].parameter_name", "BODY uses positional "
                        "variables: parameters have no names")


class TemplateCache:
    """Template definitions by account, name and language, each kept ``ttl`` seconds.

    Args:
        ttl: Seconds a definition is trusted.
    """

    def __init__(self, ttl: float = DEFAULT_TTL) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[str, str, str], tuple[float, MessageTemplate]] = {}
        self._lock = asyncio.Lock()

    async def definition(self, client: WhatsAppClient, name: str, language: str
                         ) -> MessageTemplate:
        """The definition of ``name`` in ``language``, fetched once per TTL.

        Raises:
            ValidationError: The account has no such template.
            ConfigurationError: The client has no business_account_id.
            APIError, TransportError: Fetching it failed.
        """
        account = client.templates._business_account_id
        key = (account, name, language)
        async with self._lock:  # many rows of one broadcast ask at once: fetch once
            entry = self._entries.get(key)
            now = time.monotonic()
            if entry is not None and now - entry[0] <= self.ttl:
                return entry[1]
            found = await client.templates.find(name, language)
            # A missing template is not remembered: it may be created in a moment.
            if found is None:
                raise ValidationError("template.name", f"template {name!r} does not exist "
                                      f"in {language} in business account {account}")
            self._entries[key] = (now, found)
        return found

    def clear(self) -> None:
        """Forget every definition (the next send fetches afresh)."""
        self._entries.clear()


_CACHES: weakref.WeakKeyDictionary[object, TemplateCache] = weakref.WeakKeyDictionary()


def template_cache(client: WhatsAppClient) -> TemplateCache:
    """The cache shared by a client and all its views (they share one transport)."""
    transport = client._transport
    cache = _CACHES.get(transport)
    if cache is None:
        cache = _CACHES[transport] = TemplateCache()
    return cache
