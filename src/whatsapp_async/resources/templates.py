"""The ``templates`` resource: list, read, create, edit and delete message templates.

Templates belong to the WhatsApp Business Account, not to a number, so every
call here needs the client's ``business_account_id`` (or a
:meth:`~whatsapp_async.WhatsAppClient.for_account` view).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from msgspec import UNSET

from .._validation import check_choice, check_language_code, check_length, listed
from ..errors import ValidationError
from ..request import check_segment
from ..types.common import Success
from ..types.templates import (
    CATEGORIES,
    STATUSES,
    MessageTemplate,
    TemplateComponent,
    TemplateCreated,
    TemplateDefinition,
    TemplateList,
    TemplateUpdate,
)
from ._base import Resource
from .phone_numbers import fields_param

__all__ = ["TemplatesResource"]

_TEMPLATES = "message_templates"
_QUALITY = ("GREEN", "YELLOW", "RED", "UNKNOWN")
# A safety stop for list(): no account has this many pages of templates.
_MAX_PAGES = 10_000


class TemplatesResource(Resource):
    """The message templates of the client's WhatsApp Business Account.

    Definitions are checked against Meta's rules before any request
    (:func:`~whatsapp_async.types.templates.check_definition`): a
    :class:`~whatsapp_async.ValidationError` names the component and the
    field (``BODY.example.body_text``, ``BUTTONS.buttons[1].url``).
    """

    def list(
        self,
        *,
        name: str | None = None,
        status: str | None = None,
        category: str | None = None,
        language: str | None = None,
        quality_score: str | None = None,
        fields: Sequence[str] | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[MessageTemplate]:
        """Every template matching the filters, following the API's pages.

        An async iterator (``async for t in wa.templates.list(...)``): pages
        are fetched as the loop reaches them.

        Args:
            name: Templates whose name contains this text.
            status: ``APPROVED``, ``PENDING``, ``REJECTED``, ``PAUSED``, ...
            category: ``MARKETING``, ``UTILITY`` or ``AUTHENTICATION``.
            language: A language code such as ``en_US``.
            quality_score: ``GREEN``, ``YELLOW``, ``RED`` or ``UNKNOWN``.
            fields: Graph fields to ask for (the API's default otherwise).
            page_size: Templates per page (the API's ``limit``).

        Returns:
            An async iterator of templates.

        Raises:
            ValidationError: A filter is malformed (raised by the call itself).
            ConfigurationError: The client has no business_account_id.
            APIError: The API refused.
            TransportError: No answer was received.
        """
        params = _filters(name, status, category, language, quality_score, fields, page_size)
        return self._pages(params)

    async def _pages(self, params: dict[str, str]) -> AsyncIterator[MessageTemplate]:
        account = self._business_account_id
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            query = {**params, "after": cursor} if cursor is not None else params
            page = await self._request(
                "GET", account, _TEMPLATES, cast_to=TemplateList, params=query or None
            )
            for template in page.data:
                yield template
            following = page.next_cursor()
            if following is None or following == cursor or not page.data:
                return
            cursor = following

    async def find(self, name: str, language: str) -> MessageTemplate | None:
        """The template ``name`` in ``language``, or None if the account has none.

        Raises:
            ValidationError: Malformed name or language.
            ConfigurationError: The client has no business_account_id.
            APIError, TransportError: As for :meth:`list`.
        """
        check_language_code("language", language)
        async for template in self.list(name=name, language=language):
            if template.name == name and template.language == language:
                return template
        return None

    async def get(self, template_id: str, *, fields: Sequence[str] | None = None
                  ) -> MessageTemplate:
        """One template by id.

        Args:
            template_id: The template's id.
            fields: Graph fields to ask for (the API's default otherwise).

        Returns:
            The template.

        Raises:
            ValidationError: ``template_id`` is not a safe id, or a bad field name.
            APIError: The API refused (e.g. an unknown id).
            TransportError: No answer was received.
        """
        params = {"fields": fields_param("fields", fields)} if fields is not None else None
        return await self._request(
            "GET", check_segment("template_id", template_id), cast_to=MessageTemplate,
            params=params,
        )

    async def create(
        self,
        template: str | TemplateDefinition,
        *,
        language: str | None = None,
        category: str | None = None,
        components: Sequence[TemplateComponent] | None = None,
        parameter_format: str | None = None,
        allow_category_change: bool | None = None,
        message_send_ttl_seconds: int | None = None,
    ) -> TemplateCreated:
        """Submit a template for review.

        Give a :class:`~whatsapp_async.types.templates.TemplateDefinition`, or
        its name with ``language``, ``category`` and ``components``.

        Returns:
            The new template's id, its status (``PENDING`` or ``APPROVED``)
            and category.

        Raises:
            ValidationError: A rule of Meta's is broken (names component and field).
            ConfigurationError: The client has no business_account_id.
            APIError: The API refused (e.g. a name already in use).
            TransportError: No answer was received.
        """
        if isinstance(template, TemplateDefinition):
            definition = template
        else:
            if language is None or category is None or components is None:
                raise ValidationError("template", "give a TemplateDefinition, or a name with "
                                      "language=, category= and components=")
            definition = TemplateDefinition(
                name=template, language=language, category=category,
                components=listed(components),
                parameter_format=UNSET if parameter_format is None else parameter_format,
                allow_category_change=(
                    UNSET if allow_category_change is None else allow_category_change),
                message_send_ttl_seconds=(
                    UNSET if message_send_ttl_seconds is None else message_send_ttl_seconds),
            )
        definition.validate()
        return await self._request(
            "POST", self._business_account_id, _TEMPLATES, cast_to=TemplateCreated,
            body=definition,
        )

    async def edit(
        self,
        template_id: str,
        *,
        components: Sequence[TemplateComponent] | None = None,
        category: str | None = None,
        message_send_ttl_seconds: int | None = None,
    ) -> bool:
        """Change a template's components, category or send TTL (it goes back to review).

        New components are checked against the rules of the template's
        category: the template is read first when ``category`` is not given.

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: Nothing to change, or a rule broken by the new components.
            APIError: The API refused (e.g. too many edits today).
            TransportError: No answer was received.
        """
        segment = check_segment("template_id", template_id)
        if components is None and category is None and message_send_ttl_seconds is None:
            raise ValidationError("edit", "give components=, category= or "
                                  "message_send_ttl_seconds=")
        if category is not None:
            check_choice("category", category, CATEGORIES)
        parameter_format: str | None = None
        if components is not None:
            current = await self.get(template_id)
            parameter_format = current.parameter_format
            TemplateDefinition(
                name=current.name or "template", language=current.language or "en",
                category=category or current.category or "UTILITY",
                components=listed(components),
                parameter_format=parameter_format or UNSET,
            ).validate()
        body = TemplateUpdate(
            category=UNSET if category is None else category,
            components=UNSET if components is None else listed(components),
            message_send_ttl_seconds=(
                UNSET if message_send_ttl_seconds is None else message_send_ttl_seconds),
        )
        answer = await self._request("POST", segment, cast_to=Success, body=body,
                                     idempotent=True)
        return answer.success

    async def delete(self, *, name: str | None = None, template_id: str | None = None) -> bool:
        """Delete a template: by ``name`` (all its languages) or by ``template_id`` (one).

        Returns:
            Whether the API reported success.

        Raises:
            ValidationError: Neither given, or a malformed one.
            ConfigurationError: The client has no business_account_id.
            APIError: The API refused (e.g. an unknown template).
            TransportError: No answer was received.
        """
        if name is None and template_id is None:
            raise ValidationError("delete", "give name= or template_id=")
        params: dict[str, str] = {}
        if template_id is not None:
            params["hsm_id"] = check_segment("template_id", template_id)
            if name is None:
                # Meta deletes by id only together with the template's name.
                name = (await self.get(template_id)).name
        assert name is not None
        params["name"] = check_length("name", name, 512, minimum=1)
        answer = await self._request(
            "DELETE", self._business_account_id, _TEMPLATES, cast_to=Success, params=params
        )
        return answer.success


def _filters(
    name: str | None, status: str | None, category: str | None, language: str | None,
    quality_score: str | None, fields: Sequence[str] | None, page_size: int | None,
) -> dict[str, str]:
    params: dict[str, str] = {}
    if name is not None:
        params["name"] = check_length("name", name, 512, minimum=1)
    if status is not None:
        params["status"] = check_choice("status", status, STATUSES)
    if category is not None:
        params["category"] = check_choice("category", category, CATEGORIES)
    if language is not None:
        params["language"] = check_language_code("language", language)
    if quality_score is not None:
        params["quality_score"] = check_choice("quality_score", quality_score, _QUALITY)
    if fields is not None:
        params["fields"] = fields_param("fields", fields)
    if page_size is not None:
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise ValidationError("page_size", "must be a positive integer")
        params["limit"] = str(page_size)
    return params

