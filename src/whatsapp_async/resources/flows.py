"""The ``flows`` resource: WhatsApp Flows of the account, and the number's Flow key."""

from __future__ import annotations

import builtins
import json
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any, Literal

from .._validation import check_choice, check_length, check_url
from ..errors import ValidationError
from ..request import FilePart, Multipart, check_segment
from ..types.common import Success
from ..types.flows import (
    Flow,
    FlowAsset,
    FlowAssetList,
    FlowCreated,
    FlowJSONUpload,
    FlowList,
    FlowMetric,
    FlowMetricAnswer,
    PublicKeyInfo,
    PublicKeyList,
)
from ._base import Resource

__all__ = ["CATEGORIES", "FLOW_FIELDS", "FlowsResource"]

#: The categories Meta accepts for a flow.
CATEGORIES: tuple[str, ...] = (
    "SIGN_UP", "SIGN_IN", "APPOINTMENT_BOOKING", "LEAD_GENERATION", "SHOPPING",
    "CONTACT_US", "CUSTOMER_SUPPORT", "SURVEY", "OTHER",
)
#: Fields of a flow node that :meth:`FlowsResource.get` and ``list`` can ask for.
FLOW_FIELDS: tuple[str, ...] = (
    "id", "name", "status", "categories", "validation_errors", "json_version",
    "data_api_version", "endpoint_uri", "data_channel_uri", "preview", "health_status",
    "application", "whatsapp_business_account",
)
_GET_FIELDS = ("id", "name", "status", "categories", "validation_errors", "json_version",
               "data_api_version", "endpoint_uri", "preview", "health_status")
_LIST_FIELDS = ("id", "name", "status", "categories", "validation_errors")

Metric = Literal["ENDPOINT_REQUEST_COUNT", "ENDPOINT_REQUEST_ERROR",
                 "ENDPOINT_REQUEST_ERROR_RATE", "ENDPOINT_REQUEST_LATENCY_SECONDS_CEIL",
                 "ENDPOINT_AVAILABILITY"]
METRICS: tuple[str, ...] = ("ENDPOINT_REQUEST_COUNT", "ENDPOINT_REQUEST_ERROR",
                            "ENDPOINT_REQUEST_ERROR_RATE",
                            "ENDPOINT_REQUEST_LATENCY_SECONDS_CEIL", "ENDPOINT_AVAILABILITY")
Granularity = Literal["DAY", "HOUR", "LIFETIME"]
_GRANULARITIES: tuple[str, ...] = ("DAY", "HOUR", "LIFETIME")
_MAX_NAME = 200
# A safety stop for list(): no account has this many pages of flows.
_MAX_PAGES = 1000
_PEM_HEAD = "-----BEGIN PUBLIC KEY-----"


def _names(field: str, value: object, choices: tuple[str, ...]) -> list[str]:
    """``value`` as a non-empty list of names from ``choices``."""
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError(field, f"must be a list of names, got {type(value).__name__}")
    names = list(value)
    if not names:
        raise ValidationError(field, "must name at least one")
    for name in names:
        check_choice(field, name, choices)
    return names


def _fields(fields: Iterable[str] | None, default: tuple[str, ...]) -> str:
    if fields is None:
        return ",".join(default)
    return ",".join(_names("fields", fields, FLOW_FIELDS))


def _categories(categories: Iterable[str]) -> str:
    return json.dumps(_names("categories", categories, CATEGORIES))


def _name(name: str) -> str:
    check_length("name", name, _MAX_NAME, minimum=1)
    if not name.strip():
        raise ValidationError("name", "must not be blank")
    return name


def _flag(field: str, value: object) -> bool:
    if type(value) is not bool:
        raise ValidationError(field, f"must be True or False, got {type(value).__name__}")
    return value


def _json_text(flow_json: str | bytes | Mapping[str, Any], check: bool) -> bytes:
    """The Flow JSON's bytes, as the user gave them (a mapping is serialized once)."""
    # Imported here: whatsapp_async.flows loads cryptography, which the
    # client itself must not need.
    from ..flows._json_checks import (
        FlowJSONError,
        FlowJSONProblem,
        check_flow_json,
        load_flow_json,
    )

    if _flag("check", check):
        check_flow_json(flow_json)
    else:
        load_flow_json(flow_json)
    try:
        if isinstance(flow_json, Mapping):
            return json.dumps(flow_json, ensure_ascii=False, allow_nan=False).encode()
        return flow_json.encode() if isinstance(flow_json, str) else bytes(flow_json)
    except (TypeError, ValueError, RecursionError) as exc:
        # ValueError covers NaN and a str's lone surrogate (UnicodeEncodeError).
        raise FlowJSONError([FlowJSONProblem(
            "flow_json", f"cannot be sent as JSON text ({type(exc).__name__})")]) from None


class FlowsResource(Resource):
    """WhatsApp Flows of the business account (needs ``business_account_id``),
    and the Flow encryption key of the business number."""

    async def list(self, *, fields: Iterable[str] | None = None,
                   page_size: int | None = None) -> AsyncIterator[Flow]:
        """Every flow of the account, following Graph's pages.

        Args:
            fields: Fields to ask for (see ``FLOW_FIELDS``); by default id,
                name, status, categories and validation errors.
            page_size: Flows per page (Graph's ``limit``, 1-100).

        Yields:
            Each flow, in Graph's order.

        Raises:
            ValidationError: An unknown field or a bad page size.
            ConfigurationError: The client has no business_account_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        base = {"fields": _fields(fields, _LIST_FIELDS)}
        if page_size is not None:
            if type(page_size) is not int or not 1 <= page_size <= 100:
                raise ValidationError("page_size", "must be an int from 1 to 100")
            base["limit"] = str(page_size)
        account = self._business_account_id
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            params = {**base, "after": cursor} if cursor is not None else base
            page = await self._request("GET", account, "flows", cast_to=FlowList,
                                       params=params)
            for flow in page.data:
                yield flow
            following = page.next_cursor()
            if following is None or following == cursor or not page.data:
                return
            cursor = following

    async def get(self, flow_id: str, *, fields: Iterable[str] | None = None) -> Flow:
        """One flow.

        Args:
            flow_id: The flow's id.
            fields: Fields to ask for (see ``FLOW_FIELDS``); by default all
                but the application and account.

        Returns:
            The flow; fields not asked for are None.

        Raises:
            ValidationError: ``flow_id`` is not a safe id, or an unknown field.
            APIError: The API refused (e.g. an unknown flow).
            TransportError: No answer was received.
        """
        segment = check_segment("flow_id", flow_id)
        return await self._request("GET", segment, cast_to=Flow,
                                   params={"fields": _fields(fields, _GET_FIELDS)})

    async def create(
        self,
        name: str,
        categories: Iterable[str],
        *,
        clone_flow_id: str | None = None,
        endpoint_uri: str | None = None,
        flow_json: str | bytes | Mapping[str, Any] | None = None,
        publish: bool = False,
        check: bool = True,
    ) -> FlowCreated:
        """Create a flow (a draft, unless ``publish``).

        Args:
            name: Its name, unique within the account (1-200 characters).
            categories: One or more of ``CATEGORIES``.
            clone_flow_id: Start from a copy of this flow.
            endpoint_uri: The data endpoint's https URL (flows with an endpoint).
            flow_json: The Flow JSON to start with, as text, bytes or a mapping.
            publish: Publish at once (needs a ``flow_json`` without errors).
            check: Run :func:`~whatsapp_async.flows.check_flow_json` on
                ``flow_json`` first.

        Returns:
            The new id, with Meta's validation errors of ``flow_json``.

        Raises:
            ValidationError: A bad name, category, id or URL; ``publish``
                without ``flow_json``; ``flow_json`` fails the checks
                (:class:`~whatsapp_async.flows.FlowJSONError`).
            ConfigurationError: The client has no business_account_id.
            APIError: The API refused (e.g. the name is taken).
            TransportError: No answer was received.
        """
        form = {"name": _name(name), "categories": _categories(categories)}
        if clone_flow_id is not None:
            form["clone_flow_id"] = check_segment("clone_flow_id", clone_flow_id)
        if endpoint_uri is not None:
            form["endpoint_uri"] = check_url("endpoint_uri", endpoint_uri)
        if flow_json is not None:
            form["flow_json"] = _json_text(flow_json, check).decode()
        if _flag("publish", publish):
            if flow_json is None:
                raise ValidationError("publish", "needs flow_json: a flow is published "
                                      "with its Flow JSON")
            form["publish"] = "true"
        return await self._request("POST", self._business_account_id, "flows",
                                   cast_to=FlowCreated, multipart=Multipart(fields=form))

    async def update(
        self,
        flow_id: str,
        *,
        name: str | None = None,
        categories: Iterable[str] | None = None,
        endpoint_uri: str | None = None,
    ) -> bool:
        """Change a draft flow's metadata.

        Args:
            flow_id: The flow's id.
            name: A new name.
            categories: New categories.
            endpoint_uri: A new data endpoint URL.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: Nothing to change, or a bad value.
            APIError: The API refused (e.g. the flow is published).
            TransportError: No answer was received.
        """
        segment = check_segment("flow_id", flow_id)
        form: dict[str, str] = {}
        if name is not None:
            form["name"] = _name(name)
        if categories is not None:
            form["categories"] = _categories(categories)
        if endpoint_uri is not None:
            form["endpoint_uri"] = check_url("endpoint_uri", endpoint_uri)
        if not form:
            raise ValidationError("update", "give at least one of name, categories, "
                                  "endpoint_uri")
        answer = await self._request("POST", segment, cast_to=Success,
                                     multipart=Multipart(fields=form), idempotent=True)
        return answer.success

    async def upload_json(self, flow_id: str, flow_json: str | bytes | Mapping[str, Any],
                          *, check: bool = True) -> FlowJSONUpload:
        """Upload the flow's Flow JSON (replacing the previous one).

        Text and bytes are uploaded exactly as given. Meta stores a JSON with
        validation errors too, and reports them in the answer: check
        :attr:`FlowJSONUpload.valid` (``describe()`` lists them readably).

        Args:
            flow_id: The flow's id.
            flow_json: The Flow JSON as text, bytes or a mapping.
            check: Run :func:`~whatsapp_async.flows.check_flow_json` first.

        Returns:
            Whether it was stored, with Meta's validation errors.

        Raises:
            ValidationError: A bad id, or the JSON fails the checks
                (:class:`~whatsapp_async.flows.FlowJSONError`).
            APIError: The API refused (e.g. the flow is not a draft).
            TransportError: No answer was received.
        """
        segment = check_segment("flow_id", flow_id)
        data = _json_text(flow_json, check)
        multipart = Multipart(
            fields={"name": "flow.json", "asset_type": "FLOW_JSON"},
            files=[FilePart("file", "flow.json", "application/json", lambda: data)],
        )
        return await self._request("POST", segment, "assets", cast_to=FlowJSONUpload,
                                   multipart=multipart, idempotent=True)

    async def assets(self, flow_id: str) -> builtins.list[FlowAsset]:
        """The flow's assets (its Flow JSON, with a download URL).

        Raises:
            ValidationError: ``flow_id`` is not a safe id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        segment = check_segment("flow_id", flow_id)
        answer = await self._request("GET", segment, "assets", cast_to=FlowAssetList)
        return answer.data

    async def publish(self, flow_id: str) -> bool:
        """Publish a draft flow (irreversible: it cannot be edited afterwards).

        Raises:
            ValidationError: ``flow_id`` is not a safe id.
            APIError: The API refused (e.g. its Flow JSON has errors).
            TransportError: No answer was received.
        """
        segment = check_segment("flow_id", flow_id)
        answer = await self._request("POST", segment, "publish", cast_to=Success)
        return answer.success

    async def deprecate(self, flow_id: str) -> bool:
        """Deprecate a published flow: it can no longer be sent (irreversible).

        Raises:
            ValidationError: ``flow_id`` is not a safe id.
            APIError: The API refused (e.g. the flow is not published).
            TransportError: No answer was received.
        """
        segment = check_segment("flow_id", flow_id)
        answer = await self._request("POST", segment, "deprecate", cast_to=Success,
                                     idempotent=True)
        return answer.success

    async def delete(self, flow_id: str) -> bool:
        """Delete a draft flow (published flows can only be deprecated).

        Raises:
            ValidationError: ``flow_id`` is not a safe id.
            APIError: The API refused (e.g. the flow is not a draft).
            TransportError: No answer was received.
        """
        segment = check_segment("flow_id", flow_id)
        answer = await self._request("DELETE", segment, cast_to=Success)
        return answer.success

    async def metrics(self, flow_id: str, name: Metric, *, granularity: Granularity = "DAY",
                      since: str | None = None, until: str | None = None) -> FlowMetric:
        """An endpoint metric of the flow (requests, errors, latency, availability).

        Args:
            flow_id: The flow's id.
            name: One of ``METRICS``.
            granularity: ``"DAY"``, ``"HOUR"`` or ``"LIFETIME"``.
            since: First day, ``YYYY-MM-DD``.
            until: Last day, ``YYYY-MM-DD``.

        Returns:
            The metric's data points.

        Raises:
            ValidationError: A bad id, metric, granularity or date.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        segment = check_segment("flow_id", flow_id)
        check_choice("name", name, METRICS)
        check_choice("granularity", granularity, _GRANULARITIES)
        spec = f"metric.name({name}).granularity({granularity})"
        for field, day in (("since", since), ("until", until)):
            if day is not None:
                if not isinstance(day, str) or not _is_day(day):
                    raise ValidationError(field, "must be a date as YYYY-MM-DD")
                spec += f".{field}({day})"
        answer = await self._request("GET", segment, cast_to=FlowMetricAnswer,
                                     params={"fields": spec})
        return answer.metric

    # ------------------------------------------------------------ encryption

    async def set_public_key(self, public_key: str) -> bool:
        """Upload the business public key of the number (what WhatsApp encrypts
        Flow requests for; see :func:`~whatsapp_async.flows.generate_key_pair`).

        Args:
            public_key: The RSA public key, PEM.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: Not a PEM public key.
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        check_length("public_key", public_key, 8192, minimum=1)
        if not public_key.strip().startswith(_PEM_HEAD):
            raise ValidationError("public_key", f"must be a PEM public key ({_PEM_HEAD}...)")
        answer = await self._request(
            "POST", self._phone_number_id, "whatsapp_business_encryption", cast_to=Success,
            multipart=Multipart(fields={"business_public_key": public_key}), idempotent=True,
        )
        return answer.success

    async def get_public_key(self) -> PublicKeyInfo:
        """The number's business public key and whether its signature is valid.

        Raises:
            ConfigurationError: The client has no phone_number_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        answer = await self._request("GET", self._phone_number_id,
                                     "whatsapp_business_encryption", cast_to=PublicKeyList)
        return answer.info()


def _is_day(value: str) -> bool:
    parts = value.split("-")
    return (len(parts) == 3 and [len(p) for p in parts] == [4, 2, 2]
            and all(p.isascii() and p.isdigit() for p in parts))
