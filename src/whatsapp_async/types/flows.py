"""Structs of the Flows management API (``/{waba-id}/flows``, ``/{flow-id}``...)."""

from __future__ import annotations

import re
from typing import Literal

import msgspec

from .common import GraphPage, GraphPaging

__all__ = [
    "Flow",
    "FlowAsset",
    "FlowAssetList",
    "FlowCreated",
    "FlowErrorPointer",
    "FlowHealthEntity",
    "FlowHealthError",
    "FlowHealthStatus",
    "FlowJSONUpload",
    "FlowList",
    "FlowMetric",
    "FlowMetricAnswer",
    "FlowMetricPoint",
    "FlowMetricValue",
    "FlowPreview",
    "FlowStatus",
    "FlowValidationError",
    "PublicKeyInfo",
    "PublicKeyList",
]

#: The states of a flow's lifecycle.
FlowStatus = Literal["DRAFT", "PUBLISHED", "DEPRECATED", "BLOCKED", "THROTTLED"]

_SCREEN_IN_PATH = re.compile(r"screens(?:/|\[)(\d+)")


class FlowErrorPointer(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Where in the Flow JSON a validation error points (Meta's ``pointers`` entries)."""

    path: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    column_start: int | None = None
    column_end: int | None = None


class FlowValidationError(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One problem Meta found in an uploaded Flow JSON.

    ``str(error)`` reads as ``line 46, columns 17-30 (screen 0): INVALID_PROPERTY:
    The property "initial-text" cannot be specified at ...``.

    Attributes:
        error: The error key, e.g. ``"INVALID_PROPERTY"``.
        error_type: Its family, e.g. ``"JSON_SCHEMA_ERROR"``.
        message: Meta's explanation (it names the JSON path).
        line_start: First line of the offending part of the JSON.
        line_end: Last line.
        column_start: First column.
        column_end: Last column.
        pointers: More precise locations, when Meta gives them.
    """

    error: str = ""
    error_type: str = ""
    message: str = ""
    line_start: int | None = None
    line_end: int | None = None
    column_start: int | None = None
    column_end: int | None = None
    pointers: list[FlowErrorPointer | str] = msgspec.field(default_factory=list)

    @property
    def path(self) -> str | None:
        """The JSON path of the problem, from the pointers or Meta's message."""
        for pointer in self.pointers:
            found = pointer if isinstance(pointer, str) else pointer.path
            if found:
                return found
        match = re.search(r"\$root\S*", self.message)
        return match.group(0).rstrip('".,') if match else None

    @property
    def screen_index(self) -> int | None:
        """Index in ``screens`` of the screen the problem is in, when the path says."""
        path = self.path
        match = _SCREEN_IN_PATH.search(path) if path else None
        return int(match.group(1)) if match else None

    @property
    def component(self) -> str | None:
        """Where in the screen's layout the problem is (e.g. ``children/2/children/0``)."""
        path = self.path
        if not path or "layout" not in path:
            return None
        inside = path.split("layout", 1)[1].lstrip("/.")
        return inside or None

    def __str__(self) -> str:
        where: list[str] = []
        if self.line_start is not None:
            where.append(f"line {self.line_start}")
        if self.column_start is not None:
            end = self.column_end
            cols = (f"columns {self.column_start}-{end}"
                    if end is not None and end != self.column_start
                    else f"column {self.column_start}")
            where.append(cols)
        screen = self.screen_index
        head = ", ".join(where)
        if screen is not None:
            head = f"{head} (screen {screen})" if head else f"screen {screen}"
        kind = self.error or self.error_type or "ERROR"
        return f"{head}: {kind}: {self.message}" if head else f"{kind}: {self.message}"


class FlowPreview(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A link to preview the flow in a browser, and when it stops working."""

    preview_url: str
    expires_at: str | None = None


class FlowHealthError(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Why an entity limits or blocks sending the flow."""

    error_code: int | None = None
    error_description: str | None = None
    possible_solution: str | None = None


class FlowHealthEntity(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Health of one entity the flow depends on (the flow, WABA, business, app)."""

    entity_type: str
    id: str
    can_send_message: str
    errors: list[FlowHealthError] = msgspec.field(default_factory=list)


class FlowHealthStatus(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Whether the flow can be sent: ``AVAILABLE``, ``LIMITED`` or ``BLOCKED``, and why."""

    can_send_message: str
    entities: list[FlowHealthEntity] = msgspec.field(default_factory=list)


class FlowApplication(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The Meta app the flow's endpoint belongs to."""

    id: str
    name: str | None = None
    link: str | None = None


class FlowAccount(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The WhatsApp Business Account that owns the flow."""

    id: str
    name: str | None = None
    business_type: str | None = None
    message_template_namespace: str | None = None
    timezone_id: str | None = None


class Flow(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A flow as Graph describes it; fields not asked for are None.

    Attributes:
        id: The flow id.
        name: Its name, unique within the account.
        status: ``DRAFT``, ``PUBLISHED``, ``DEPRECATED``, ``BLOCKED`` or ``THROTTLED``.
        categories: E.g. ``["APPOINTMENT_BOOKING"]``.
        validation_errors: What Meta found wrong in the current Flow JSON.
        json_version: The Flow JSON ``version``.
        data_api_version: The data API version (``"3.0"``) of a flow with an endpoint.
        endpoint_uri: The data endpoint's URL.
        data_channel_uri: The older name of ``endpoint_uri``.
        preview: A browser preview link.
        health_status: Whether the flow can be sent, and why not.
        application: The app the endpoint is linked to.
        whatsapp_business_account: The owning account.
    """

    id: str
    name: str | None = None
    status: str | None = None
    categories: list[str] | None = None
    validation_errors: list[FlowValidationError] | None = None
    json_version: str | None = None
    data_api_version: str | None = None
    endpoint_uri: str | None = None
    data_channel_uri: str | None = None
    preview: FlowPreview | None = None
    health_status: FlowHealthStatus | None = None
    application: FlowApplication | None = None
    whatsapp_business_account: FlowAccount | None = None


class FlowList(GraphPage, frozen=True, kw_only=True):
    """One page of ``GET /{waba-id}/flows``."""

    data: list[Flow] = msgspec.field(default_factory=list)


class FlowCreated(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Answer of ``POST /{waba-id}/flows``: the new id (and, with ``flow_json``,
    the validation errors of that JSON)."""

    id: str
    success: bool | None = None
    validation_errors: list[FlowValidationError] = msgspec.field(default_factory=list)


class FlowJSONUpload(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Answer of a Flow JSON upload: stored, with what Meta found wrong in it.

    A JSON with errors is stored but the flow cannot be published until a
    corrected one is uploaded.
    """

    success: bool = False
    validation_errors: list[FlowValidationError] = msgspec.field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Whether Meta found nothing wrong."""
        return self.success and not self.validation_errors

    def describe(self) -> str:
        """The errors, one per line (empty when there are none)."""
        return "\n".join(str(error) for error in self.validation_errors)


class FlowAsset(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A file attached to a flow (today only its Flow JSON)."""

    name: str
    asset_type: str
    download_url: str | None = None


class FlowAssetList(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``GET /{flow-id}/assets``."""

    data: list[FlowAsset] = msgspec.field(default_factory=list)
    paging: GraphPaging | None = None


class FlowMetricValue(msgspec.Struct, frozen=True, kw_only=True):
    """One value of a data point (``key`` is e.g. ``"value"``, ``"succeeded"``)."""

    key: str
    value: float


class FlowMetricPoint(msgspec.Struct, frozen=True, kw_only=True):
    """The values of a metric at one time."""

    timestamp: str
    data: list[FlowMetricValue] = msgspec.field(default_factory=list)


class FlowMetric(msgspec.Struct, frozen=True, kw_only=True):
    """An endpoint metric of a flow over time."""

    name: str
    granularity: str
    data_points: list[FlowMetricPoint] = msgspec.field(default_factory=list)


class FlowMetricAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``GET /{flow-id}?fields=metric...``."""

    id: str
    metric: FlowMetric


class PublicKeyInfo(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The business public key of a number and whether its signature checks out.

    Attributes:
        business_public_key: The PEM (blank when none is set).
        business_public_key_signature_status: ``"VALID"`` or ``"MISMATCH"``.
    """

    business_public_key: str | None = None
    business_public_key_signature_status: str | None = None


class PublicKeyList(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``GET /{phone-number-id}/whatsapp_business_encryption``.

    Meta's spec wraps the key in ``data``; some answers come flat. Both read.
    """

    data: list[PublicKeyInfo] = msgspec.field(default_factory=list)
    business_public_key: str | None = None
    business_public_key_signature_status: str | None = None

    def info(self) -> PublicKeyInfo:
        """The key, unwrapped."""
        if self.data:
            return self.data[0]
        return PublicKeyInfo(
            business_public_key=self.business_public_key,
            business_public_key_signature_status=self.business_public_key_signature_status,
        )
