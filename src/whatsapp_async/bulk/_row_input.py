"""From an input row to what is sent: the recipient's number and the message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._validation import normalize_phone_number as _normalize
from ..errors import ValidationError
from ..types.messages import BodyComponent, Message, Template, TextParameter
from ._types import Recipient

__all__ = ["message_for", "normalize_phone_number", "template_message"]


def normalize_phone_number(value: str) -> str:
    """Return ``value`` as E.164 (``"+<digits>"``), the form the journal keys on.

    The same rule as every send: spaces, dashes, brackets and dots are
    dropped, ``+`` is optional, 8 to 15 digits starting with the country code.

    Raises:
        ValidationError: Not a phone number (``field`` is ``"to"``).
    """
    return _normalize("to", value)


def message_for(
    recipient: Recipient, template: Template | None, message: Message | None
) -> Message:
    """The message of a row: its own, else the broadcast's template or message.

    Args:
        recipient: The row.
        template: The broadcast's template (name and language), if any.
        message: The broadcast's message, if any.

    Returns:
        What to send to the row's recipient.

    Raises:
        ValidationError: The row's parameters do not fit, or it has no message.
    """
    own = recipient.message
    if own is not None:
        return own
    if template is not None:
        return template_message(template, recipient.params)
    if message is not None:
        if recipient.params is not None:
            raise ValidationError("params", "parameters need template=, not message=")
        return message
    raise ValidationError(
        "message", "this row has no message: give the broadcast template= or "
        "message=, or the Recipient a message"
    )


def template_message(
    template: Template, params: Sequence[str] | Mapping[str, str] | None
) -> Template:
    """``template`` with ``params`` as its body text variables.

    Args:
        template: Name and language (its components are replaced).
        params: A sequence for ``{{1}}``, ``{{2}}``...; or a mapping with keys
            ``"1"``, ``"2"``... (positional) or parameter names (named variables).

    Returns:
        The template to send.

    Raises:
        ValidationError: Positional keys with gaps, or a lone string.
    """
    if params is None:
        return template
    if isinstance(params, str):
        raise ValidationError("params", "must be a sequence or mapping of strings, not one string")
    values: list[TextParameter]
    if isinstance(params, Mapping):
        keys = list(params)
        if all(isinstance(k, str) and k.isdigit() for k in keys):
            # Positional variables {{1}}, {{2}}...: the wire wants them in order, unnamed.
            ordered = sorted(keys, key=int)
            if [int(k) for k in ordered] != list(range(1, len(ordered) + 1)):
                raise ValidationError(
                    "params", f"positional keys must be 1..{len(ordered)} with no gaps, "
                    f"got {', '.join(ordered)}"
                )
            values = [TextParameter(text=params[k]) for k in ordered]
        else:
            values = [TextParameter(text=v, parameter_name=k) for k, v in params.items()]
    else:
        values = [TextParameter(text=v) for v in params]
    if not values:
        return template
    return Template(
        name=template.name, language=template.language,
        components=[BodyComponent(parameters=list(values))],
    )
