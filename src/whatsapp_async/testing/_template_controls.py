"""The fake's template controls: look a template up, approve, reject or pause it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._templates import StoredTemplate, TemplateBook

if TYPE_CHECKING:
    from ._routes_templates import TemplateRoutes

__all__ = ["TemplateControls"]


class TemplateControls:
    """The template methods of :class:`~whatsapp_async.testing.FakeCloudAPI`; it inherits them."""

    template_book: TemplateBook
    _template_routes: TemplateRoutes

    def template(self, name: str, language: str = "en_US") -> StoredTemplate:
        """The stored template ``name`` in ``language``.

        Raises:
            KeyError: The fake has no such template.
        """
        found = self.template_book.find(name, language)
        if found is None:
            raise KeyError(f"no template {name!r} in {language}")
        return found

    def set_template_status(self, name: str, status: str, *, language: str = "en_US",
                            reason: str = "NONE") -> StoredTemplate:
        """Change a template's status, posting ``message_template_status_update``.

        Args:
            name: The template.
            status: ``APPROVED``, ``REJECTED``, ``PAUSED``, ``DISABLED``, ``PENDING``, ...
            language: Its language.
            reason: The webhook's ``reason`` (``NONE``, ``INCORRECT_CATEGORY``, ...).

        Returns:
            The template, changed.

        Raises:
            KeyError: The fake has no such template.
        """
        stored = self.template(name, language)
        self._template_routes.set_status(stored, status.upper(), reason)
        return stored

    def approve_template(self, name: str, *, language: str = "en_US") -> StoredTemplate:
        """Approve a template (as review would), posting its status webhook."""
        return self.set_template_status(name, "APPROVED", language=language)

    def reject_template(self, name: str, *, language: str = "en_US",
                        reason: str = "INVALID_FORMAT") -> StoredTemplate:
        """Reject a template with ``reason``, posting its status webhook."""
        return self.set_template_status(name, "REJECTED", language=language, reason=reason)

    def pause_template(self, name: str, *, language: str = "en_US") -> StoredTemplate:
        """Pause a template (sends then get 132015), posting its status webhook."""
        return self.set_template_status(name, "PAUSED", language=language,
                                        reason="LOW_QUALITY")
