"""``/{waba-id}/message_templates`` and ``/{template-id}``: the account's templates, with state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._gate import Call, Handler, ok
from ._graph import GraphError, invalid, unknown_object
from ._templates import StoredTemplate, TemplateBook, template_status_webhook

if TYPE_CHECKING:
    from ._server import FakeCloudAPI
    from ._state import FakeStore

__all__ = ["TemplateRoutes"]

_PAGE = 25
_FILTERS = ("name", "status", "category", "language", "quality_score")


class TemplateRoutes:
    """Lists, creates, reads, edits and deletes templates; changes their status.

    Args:
        fake: Whose account id and webhook sender apply.
        store: The fake's state (clock, webhook sender).
        book: The templates.
    """

    def __init__(self, fake: FakeCloudAPI, store: FakeStore, book: TemplateBook) -> None:
        self._fake = fake
        self._store = store
        self._book = book

    def _account(self, call: Call) -> None:
        if call.node != self._fake.waba_id:
            raise unknown_object(call.request.method, call.node)

    async def list_templates(self, call: Call) -> web.Response:
        """``GET /{waba-id}/message_templates``: filtered, in pages of ``limit``."""
        self._account(call)
        query = call.request.query
        found = list(self._book.matching({k: query[k] for k in _FILTERS if k in query}))
        try:
            size = int(query.get("limit", _PAGE))
            start = int(query.get("after", "0") or 0)
        except ValueError:
            raise invalid("limit and after must be integers") from None
        if size < 1:
            raise invalid("limit must be positive")
        page = found[start:start + size]
        body: dict[str, Any] = {"data": [t.json() for t in page]}
        if page:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
            if start + len(page) < len(found):
                body["paging"]["next"] = (
                    f"{self._fake.base_url}/{call.node}/message_templates?after="
                    f"{start + len(page)}&limit={size}"
                )
        return ok(body)

    async def create(self, call: Call) -> web.Response:
        """``POST /{waba-id}/message_templates``: checked with Meta's rules, then PENDING."""
        self._account(call)
        body = await call.json_object()
        stored = self._book.add(body, status="PENDING")
        return ok({"id": stored.id, "status": stored.status, "category": stored.category})

    async def delete(self, call: Call) -> web.Response:
        """``DELETE /{waba-id}/message_templates?name=...`` (and ``hsm_id`` for one language)."""
        self._account(call)
        query = call.request.query
        name = query.get("name")
        if not name:
            raise GraphError(100, "name is required", message="(#100) The parameter name is "
                             "required")
        hsm_id = query.get("hsm_id")
        doomed = [t for t in self._book.named(name) if hsm_id is None or t.id == hsm_id]
        if not doomed:
            raise GraphError(100, f"template {name} not found", subcode=2593002,
                             message="(#100) Message template not found")
        for t in doomed:
            del self._book.by_id[t.id]
        return ok()

    def get_or(self, other: Handler) -> Handler:
        """``GET /{template-id}``, else ``other`` (the media route shares the path)."""

        async def get(call: Call) -> web.StreamResponse:
            stored = self._book.by_id.get(call.node)
            if stored is None:
                return await other(call)
            return ok(stored.json())

        return get

    async def edit(self, call: Call) -> web.Response:
        """``POST /{template-id}``: new components or category; back to review."""
        stored = self._book.by_id.get(call.node)
        if stored is None:
            raise unknown_object("POST", call.node)
        body = await call.json_object()
        merged = {**stored.json(), **{k: v for k, v in body.items()
                                      if k in ("components", "category")}}
        merged.pop("id")
        del self._book.by_id[stored.id]
        try:
            fresh = self._book.add(merged, status="PENDING")
        except GraphError:
            self._book.by_id[stored.id] = stored
            raise
        # The template keeps its id through edits.
        del self._book.by_id[fresh.id]
        fresh.id = stored.id
        self._book.by_id[stored.id] = fresh
        return ok()

    def set_status(self, template: StoredTemplate, status: str, reason: str) -> None:
        """Change a template's status and post ``message_template_status_update``."""
        template.status = status
        if status == "REJECTED":
            template.rejected_reason = reason
        sender = self._store.sender
        if sender is not None:
            payload = template_status_webhook(
                self._fake.waba_id, template, status, reason, int(self._store.now())
            )
            sender.enqueue("template_status", payload, template.id, template.id)
