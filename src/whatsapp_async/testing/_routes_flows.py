"""Flows in the fake: ``/{waba-id}/flows``, ``/{flow-id}/...`` and the number's
``whatsapp_business_encryption`` key.

Flows keep their state (DRAFT -> PUBLISHED -> DEPRECATED) and answer as Meta
does: a Flow JSON with problems is stored with Meta-shaped
``validation_errors`` and cannot be published; only drafts are edited or
deleted; only published flows are deprecated. The JSON checks here are the
fake's own (a second opinion on the library's ``check_flow_json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._gate import Call, Handler, RouteHandler, ok, unknown_node
from ._graph import GraphError, invalid, unknown_object

if TYPE_CHECKING:
    from ._server import FakeCloudAPI

__all__ = ["FLOW_ID_PATTERN", "FlowRoutes", "StoredFlow", "flow_table"]

#: Fake flow ids: 17 digits from 9, so they never collide with the 16-digit media ids.
FLOW_ID_PATTERN = r"9\d{16}"
_CATEGORIES = frozenset({
    "SIGN_UP", "SIGN_IN", "APPOINTMENT_BOOKING", "LEAD_GENERATION", "SHOPPING",
    "CONTACT_US", "CUSTOMER_SUPPORT", "SURVEY", "OTHER",
})
_ROOT_KEYS = frozenset({"version", "screens", "routing_model", "data_api_version",
                        "data_channel_uri"})
_FIELDS = ("id", "name", "status", "categories", "validation_errors", "json_version",
           "data_api_version", "endpoint_uri", "data_channel_uri", "preview", "health_status",
           "application", "whatsapp_business_account", "metric")
_LIST_DEFAULT = ("id", "name", "status", "categories", "validation_errors")
_PAGE = 25
# Meta's Flows error codes: 139001 an upload it cannot process, 139002 a publish
# it refuses, 139003 an operation the flow's status does not allow.
_UPLOAD_ERROR, _PUBLISH_ERROR, _STATE_ERROR = 139001, 139002, 139003


@dataclass
class StoredFlow:
    """One flow of the fake's account."""

    id: str
    name: str
    categories: list[str]
    status: str = "DRAFT"
    endpoint_uri: str | None = None
    flow_json: bytes | None = None
    validation_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def document(self) -> dict[str, Any] | None:
        """The uploaded Flow JSON, parsed (None if none or not an object)."""
        if self.flow_json is None:
            return None
        try:
            doc = json.loads(self.flow_json)
        except ValueError:
            return None
        return doc if isinstance(doc, dict) else None


def _flow_error(code: int, message: str) -> GraphError:
    return GraphError(code, message, status=400, message=f"(#{code}) {message}")


def _problem(error: str, message: str, text: str, needle: str | None = None
             ) -> dict[str, Any]:
    line, column = 1, 1
    if needle is not None and needle in text:
        before = text[: text.index(needle)]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
    end = column + (len(needle) if needle else 1) - 1
    return {"error": error, "error_type": "JSON_SCHEMA_ERROR", "message": message,
            "line_start": line, "line_end": line, "column_start": column, "column_end": end}


def validate_flow_json(raw: bytes) -> list[dict[str, Any]]:
    """Meta-shaped validation errors of an uploaded Flow JSON."""
    text = raw.decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        return [{"error": "INVALID_JSON", "error_type": "JSON_PARSE_ERROR",
                 "message": f"Expected a valid JSON: {exc}", "line_start": 1, "line_end": 1,
                 "column_start": 1, "column_end": 1}]
    if not isinstance(doc, dict):
        return [_problem("INVALID_TYPE", 'Expected "$root" to be an object.', text)]
    errors: list[dict[str, Any]] = []
    for key in doc:
        if key not in _ROOT_KEYS:
            errors.append(_problem("INVALID_PROPERTY",
                                   f'The property "{key}" cannot be specified at "$root".',
                                   text, f'"{key}"'))
    if not isinstance(doc.get("version"), str):
        errors.append(_problem("MISSING_REQUIRED_PROPERTY",
                               'The property "version" is required at "$root".', text))
    screens = doc.get("screens")
    if not isinstance(screens, list) or not screens:
        errors.append(_problem("MISSING_REQUIRED_PROPERTY",
                               'The property "screens" is required at "$root".', text))
        return errors
    ids = [s.get("id") for s in screens if isinstance(s, dict)]
    if not any(isinstance(s, dict) and s.get("terminal") is True for s in screens):
        errors.append(_problem("MISSING_TERMINAL_SCREEN",
                               "The flow must have at least one terminal screen.", text))
    routing = doc.get("routing_model")
    if isinstance(routing, dict):
        for source, targets in routing.items():
            for target in targets if isinstance(targets, list) else [targets]:
                if source not in ids or target not in ids:
                    missing = target if source in ids else source
                    errors.append(_problem(
                        "INVALID_ROUTING_MODEL",
                        f'The routing model refers to screen "{missing}" that does not '
                        'exist at "$root/routing_model".', text, f'"{source}"'))
    elif "data_api_version" in doc:
        errors.append(_problem("MISSING_ROUTING_MODEL",
                               'The property "routing_model" is required at "$root" when '
                               '"data_api_version" is set.', text))
    return errors


class FlowRoutes:
    """Creates, lists, edits, publishes, deprecates and deletes the account's flows.

    Args:
        fake: Whose account id (``waba_id``) and origin apply.
    """

    def __init__(self, fake: FakeCloudAPI) -> None:
        self._fake = fake
        self.flows: dict[str, StoredFlow] = {}
        self.public_keys: dict[str, str] = {}
        self._next = 0

    def reset(self) -> None:
        """Forget every flow and key."""
        self.flows.clear()
        self.public_keys.clear()

    # -------------------------------------------------------------- account

    def _account(self, call: Call) -> None:
        if call.node != self._fake.waba_id:
            raise unknown_object(call.request.method, call.node)

    async def list_flows(self, call: Call) -> web.Response:
        """``listFlows``: the account's flows, ``limit`` per page, with cursors."""
        self._account(call)
        wanted = call.fields(_FIELDS, _LIST_DEFAULT, "Flow")
        query = call.request.query
        try:
            limit = int(query.get("limit", _PAGE))
            start = int(query.get("after", "0") or 0)
        except ValueError:
            raise invalid("limit and after must be numbers") from None
        flows = list(self.flows.values())
        page = flows[start:start + max(limit, 1)]
        body: dict[str, Any] = {"data": [self._json(f, wanted) for f in page]}
        end = start + len(page)
        if page:
            body["paging"] = {"cursors": {"before": str(start), "after": str(end)}}
            if end < len(flows):
                body["paging"]["next"] = (f"{self._fake.base_url}/{call.node}/flows"
                                          f"?after={end}&limit={limit}")
        return ok(body)

    async def create(self, call: Call) -> web.Response:
        """``createFlow``: a new draft (optionally cloned, with JSON, published)."""
        self._account(call)
        form = await _form(call)
        name = form.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("Param name must be a non-empty string")
        if any(f.name == name for f in self.flows.values()):
            raise invalid("Flow name is not unique")
        categories = _categories(form.get("categories"))
        self._next += 1
        flow = StoredFlow(id=str(9 * 10**16 + self._next), name=name, categories=categories,
                          endpoint_uri=_text(form.get("endpoint_uri")))
        clone = _text(form.get("clone_flow_id"))
        if clone is not None:
            source = self.flows.get(clone)
            if source is None:
                raise unknown_object("POST", clone)
            flow.flow_json, flow.validation_errors = source.flow_json, source.validation_errors
        raw = form.get("flow_json")
        if raw is not None:
            flow.flow_json = raw.encode() if isinstance(raw, str) else bytes(raw)
            flow.validation_errors = validate_flow_json(flow.flow_json)
        if _text(form.get("publish")) == "true":
            self._check_publishable(flow)
            flow.status = "PUBLISHED"
        self.flows[flow.id] = flow
        answer: dict[str, Any] = {"id": flow.id}
        if raw is not None:
            answer["success"] = True
            answer["validation_errors"] = flow.validation_errors
        return ok(answer)

    # -------------------------------------------------------------- one flow

    def _flow(self, call: Call) -> StoredFlow:
        flow = self.flows.get(call.node)
        if flow is None:
            raise unknown_object(call.request.method, call.node)
        return flow

    async def get(self, call: Call) -> web.Response:
        """``getFlow``: the fields asked for (metrics via ``metric.name(...)``)."""
        flow = self._flow(call)
        wanted = call.fields(_FIELDS, ("id", "name", "status", "categories",
                                       "validation_errors"), "Flow")
        body = self._json(flow, [w for w in wanted if w != "metric"])
        if "metric" in wanted:
            body["metric"] = _metric(call.request.query.get("fields", ""))
        return ok(body)

    async def update(self, call: Call) -> web.Response:
        """``updateFlowMetadata``: name, categories, endpoint of a draft."""
        flow = self._flow(call)
        self._draft_only(flow, "updated")
        form = await _form(call)
        name = _text(form.get("name"))
        if name is not None:
            if any(f.name == name and f.id != flow.id for f in self.flows.values()):
                raise invalid("Flow name is not unique")
            flow.name = name
        if "categories" in form:
            flow.categories = _categories(form.get("categories"))
        if "endpoint_uri" in form:
            flow.endpoint_uri = _text(form.get("endpoint_uri"))
        return ok()

    async def delete(self, call: Call) -> web.Response:
        """``deleteFlow``: drafts only."""
        flow = self._flow(call)
        self._draft_only(flow, "deleted")
        del self.flows[flow.id]
        return ok()

    async def upload(self, call: Call) -> web.Response:
        """``updateFlowJson``: store the file, answer its validation errors."""
        flow = self._flow(call)
        self._draft_only(flow, "updated")
        form = await _form(call)
        if form.get("asset_type") != "FLOW_JSON":
            raise invalid("Param asset_type must be FLOW_JSON")
        file = form.get("file")
        if not isinstance(file, web.FileField):
            raise _flow_error(_UPLOAD_ERROR, "The Flow JSON file is missing (field 'file').")
        flow.flow_json = file.file.read()
        flow.validation_errors = validate_flow_json(flow.flow_json)
        return ok({"success": True, "validation_errors": flow.validation_errors})

    async def assets(self, call: Call) -> web.Response:
        """``listAssetsGetFlowJsonUrl``: the Flow JSON and where to download it."""
        flow = self._flow(call)
        data = []
        if flow.flow_json is not None:
            data.append({"name": "flow.json", "asset_type": "FLOW_JSON",
                         "download_url": f"{self._fake.url}/_fake/flows/{flow.id}/flow.json"})
        return ok({"data": data})

    async def download(self, request: web.Request) -> web.Response:
        """The Flow JSON behind an asset's ``download_url`` (no token, like a CDN)."""
        flow = self.flows.get(request.match_info["flow"])
        if flow is None or flow.flow_json is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=flow.flow_json, content_type="application/json")

    async def publish(self, call: Call) -> web.Response:
        """``publishFlow``: a draft whose JSON has no validation errors."""
        flow = self._flow(call)
        if flow.status != "DRAFT":
            raise _flow_error(_PUBLISH_ERROR, f"Only a DRAFT flow can be published; this "
                              f"flow is {flow.status}.")
        self._check_publishable(flow)
        flow.status = "PUBLISHED"
        return ok()

    async def deprecate(self, call: Call) -> web.Response:
        """``deprecateFlow``: published flows only."""
        flow = self._flow(call)
        if flow.status != "PUBLISHED":
            raise _flow_error(_STATE_ERROR, f"Only a PUBLISHED flow can be deprecated; this "
                              f"flow is {flow.status}.")
        flow.status = "DEPRECATED"
        return ok()

    def _check_publishable(self, flow: StoredFlow) -> None:
        if flow.flow_json is None:
            raise _flow_error(_PUBLISH_ERROR, "The flow has no Flow JSON to publish.")
        if flow.validation_errors:
            raise _flow_error(_PUBLISH_ERROR, f"The Flow JSON has {len(flow.validation_errors)}"
                              " validation error(s); fix them before publishing.")
        doc = flow.document or {}
        if "data_api_version" in doc and not flow.endpoint_uri:
            raise _flow_error(_PUBLISH_ERROR, "A flow with data_api_version needs an "
                              "endpoint_uri before it can be published.")

    def _draft_only(self, flow: StoredFlow, verb: str) -> None:
        if flow.status != "DRAFT":
            raise _flow_error(_STATE_ERROR, f"Only a DRAFT flow can be {verb}; this flow is "
                              f"{flow.status}.")

    def _json(self, flow: StoredFlow, wanted: list[str]) -> dict[str, Any]:
        doc = flow.document or {}
        values: dict[str, Any] = {
            "id": flow.id, "name": flow.name, "status": flow.status,
            "categories": flow.categories, "validation_errors": flow.validation_errors,
            "json_version": doc.get("version"), "data_api_version": doc.get("data_api_version"),
            "endpoint_uri": flow.endpoint_uri, "data_channel_uri": flow.endpoint_uri,
            "preview": {"preview_url": f"{self._fake.url}/_fake/flows/{flow.id}/preview",
                        "expires_at": "2099-01-01T00:00:00+0000"},
            "health_status": {"can_send_message": "AVAILABLE", "entities": [
                {"entity_type": "FLOW", "id": flow.id, "can_send_message": "AVAILABLE"}]},
            "application": {"id": "fake-app", "name": "Fake App"},
            "whatsapp_business_account": {"id": self._fake.waba_id},
        }
        # Graph answers a node's id whatever fields were asked for.
        return {k: values[k] for k in ("id", *wanted) if values.get(k) is not None}

    # ------------------------------------------------------------ encryption

    async def get_key(self, call: Call) -> web.Response:
        """``getBusinessEncryptionPublicKey``."""
        key = self.public_keys.get(call.phone_number.id)
        info = ({"business_public_key": key, "business_public_key_signature_status": "VALID"}
                if key else {"business_public_key": " ",
                             "business_public_key_signature_status": "MISMATCH"})
        return ok({"data": [info]})

    async def set_key(self, call: Call) -> web.Response:
        """``setBusinessEncryptionPublicKey``: a PEM public key."""
        form = await _form(call)
        key = _text(form.get("business_public_key"))
        if key is None or "-----BEGIN PUBLIC KEY-----" not in key:
            raise invalid("Param business_public_key must be a PEM public key")
        self.public_keys[call.phone_number.id] = key
        return ok()


async def _form(call: Call) -> dict[str, Any]:
    """A multipart or urlencoded form, or a JSON object body, as a dict."""
    request = call.request
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return dict(await request.post())
    return await call.json_object()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _categories(raw: Any) -> list[str]:
    try:
        categories = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        categories = None
    if (not isinstance(categories, list) or not categories
            or any(c not in _CATEGORIES for c in categories)):
        raise invalid("Param categories must be a JSON array of: " + ", ".join(
            sorted(_CATEGORIES)))
    return categories


def _metric(fields: str) -> dict[str, Any]:
    """An empty-valued metric named as ``metric.name(X).granularity(Y)`` asks."""

    def arg(name: str, default: str) -> str:
        marker = f"{name}("
        if marker not in fields:
            return default
        return fields.split(marker, 1)[1].split(")", 1)[0]

    return {"name": arg("name", "ENDPOINT_REQUEST_COUNT"),
            "granularity": arg("granularity", "DAY"), "data_points": []}


def flow_table(flows: FlowRoutes, serve: Callable[..., RouteHandler]
               ) -> list[tuple[str, str, RouteHandler]]:
    """The fake's route rows of Flows and the Flow encryption key.

    Flow ids have their own pattern, so these rows can come first and the
    ``/{node}`` rows of numbers and media stay as they are.
    """
    flow = r"/{version:v\d+\.\d+}/{node:" + FLOW_ID_PATTERN + "}"
    node = r"/{version:v\d+\.\d+}/{node}"

    def other(operation: str, handler: Handler) -> RouteHandler:
        # A flow id or the account id is no business number: the gate's
        # "other node" branch serves it.
        return serve(operation, unknown_node, other_node=(operation, handler))

    return [
        ("GET", flow, other("getFlow", flows.get)),
        ("POST", flow, other("updateFlowMetadata", flows.update)),
        ("DELETE", flow, other("deleteFlow", flows.delete)),
        ("GET", f"{flow}/assets", other("listAssetsGetFlowJsonUrl", flows.assets)),
        ("POST", f"{flow}/assets", other("updateFlowJson", flows.upload)),
        ("POST", f"{flow}/publish", other("publishFlow", flows.publish)),
        ("POST", f"{flow}/deprecate", other("deprecateFlow", flows.deprecate)),
        ("GET", f"{node}/flows", other("listFlows", flows.list_flows)),
        ("POST", f"{node}/flows", other("createFlow", flows.create)),
        ("GET", f"{node}/whatsapp_business_encryption",
         serve("getBusinessEncryptionPublicKey", flows.get_key)),
        ("POST", f"{node}/whatsapp_business_encryption",
         serve("setBusinessEncryptionPublicKey", flows.set_key)),
        ("GET", "/_fake/flows/{flow}/flow.json", flows.download),
    ]
