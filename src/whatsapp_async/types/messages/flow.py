"""The Flow message: a button that opens a WhatsApp Flow."""

from __future__ import annotations

from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._codec import encode_body
from ..._validation import check_choice, unset
from ...errors import ValidationError
from ._checks import _id, _optional_text, _struct, _text, _Wire
from .interactive_parts import Body, Footer, Header, _as_footer, _as_header, _Interactive
from .limits import _NO_LIMIT, FLOW_CTA_MAX


class FlowActionPayload(_Wire, kw_only=True):
    """The first screen of a ``navigate`` Flow and its input data."""

    screen: str | UnsetType = UNSET
    data: dict[str, Any] | UnsetType = UNSET


# ``flow_message_version`` must always be "3": a tag is always encoded, while a
# default would be dropped by omit_defaults.
class FlowParameters(_Wire, tag_field="flow_message_version", tag="3", kw_only=True):
    """Which Flow to open and how; exactly one of ``flow_id`` or ``flow_name``.

    Attributes:
        flow_cta: Button text, up to 30 characters.
        flow_id: The Flow's id.
        flow_name: The Flow's name.
        flow_token: Your identifier for this Flow session (defaults to "unused").
        mode: ``"draft"`` or ``"published"`` (the default).
        flow_action: ``"navigate"`` (the default) or ``"data_exchange"``.
        flow_action_payload: First screen and its data (for ``navigate``).
    """

    flow_cta: str
    flow_id: str | UnsetType = UNSET
    flow_name: str | UnsetType = UNSET
    flow_token: str | UnsetType = UNSET
    mode: str | UnsetType = UNSET
    flow_action: str | UnsetType = UNSET
    flow_action_payload: FlowActionPayload | UnsetType = UNSET


class FlowAction(_Wire, tag_field="name", tag="flow", kw_only=True):
    """The ``action`` of a Flow message (``name: "flow"``)."""

    parameters: FlowParameters

    def _check(self, path: str) -> None:
        where = f"{path}.parameters"
        _struct(where, self.parameters, FlowParameters)
        p = self.parameters
        _text(f"{where}.flow_cta", p.flow_cta, FLOW_CTA_MAX)
        if (p.flow_id is UNSET) == (p.flow_name is UNSET):
            raise ValidationError(where, "needs exactly one of flow_id or flow_name")
        if p.flow_id is not UNSET:
            _id(f"{where}.flow_id", p.flow_id)
        else:
            _text(f"{where}.flow_name", p.flow_name, _NO_LIMIT)
        _optional_text(f"{where}.flow_token", p.flow_token, _NO_LIMIT)
        if p.mode is not UNSET:
            check_choice(f"{where}.mode", p.mode, ("draft", "published"))
        if p.flow_action is not UNSET:
            check_choice(f"{where}.flow_action", p.flow_action, ("navigate", "data_exchange"))
        payload = p.flow_action_payload
        if payload is not UNSET:
            at = f"{where}.flow_action_payload"
            _struct(at, payload, FlowActionPayload)
            _optional_text(f"{at}.screen", payload.screen, _NO_LIMIT)
            if payload.data is not UNSET:
                if not (isinstance(payload.data, dict) and payload.data):
                    raise ValidationError(f"{at}.data", "must be a non-empty object")
                # Free-form, so only encoding it tells whether it can be sent.
                encode_body(payload.data, f"{at}.data")


class Flow(_Interactive, tag="flow", kw_only=True):
    """A button that opens a WhatsApp Flow (interactive ``flow``)."""

    body: Body
    action: FlowAction
    header: Header | UnsetType = UNSET
    footer: Footer | UnsetType = UNSET

    @classmethod
    def create(
        cls,
        body: str,
        *,
        flow_cta: str,
        flow_id: str | None = None,
        flow_name: str | None = None,
        flow_token: str | None = None,
        mode: Literal["draft", "published"] | None = None,
        flow_action: Literal["navigate", "data_exchange"] | None = None,
        screen: str | None = None,
        data: dict[str, Any] | None = None,
        header: str | Header | None = None,
        footer: str | None = None,
    ) -> Flow:
        """Build the message from plain values (``screen``/``data`` form the payload)."""
        payload: FlowActionPayload | UnsetType = UNSET
        if screen is not None or data is not None:
            payload = FlowActionPayload(screen=unset(screen), data=unset(data))
        parameters = FlowParameters(
            flow_cta=flow_cta,
            flow_id=unset(flow_id),
            flow_name=unset(flow_name),
            flow_token=unset(flow_token),
            mode=unset(mode),
            flow_action=unset(flow_action),
            flow_action_payload=payload,
        )
        return cls(
            body=Body(text=body),
            action=FlowAction(parameters=parameters),
            header=_as_header(header),
            footer=_as_footer(footer),
        )

    def _check(self, path: str) -> None:
        self._check_parts(path, FlowAction)
