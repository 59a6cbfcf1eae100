"""A broadcast's use of its :class:`~whatsapp_async.journal.Journal`: opening, resuming, entries."""

from __future__ import annotations

import logging
import os

from ..errors import ConfigurationError
from ..journal import Journal, JournalEntry
from ._dedupe import PREV_BY_STATUS, PREV_FINAL, RecipientStates
from ._types import SendOutcome

__all__ = ["entry_of", "load_for_run", "open_for_run"]

log = logging.getLogger("whatsapp_async")


async def open_for_run(
    arg: str | os.PathLike[str] | Journal | None, *, campaign: str, resume: bool
) -> tuple[Journal | None, bool]:
    """Open the journal of a run.

    Args:
        arg: The ``journal=`` argument: a path, a :class:`Journal`, or None.
        campaign: The campaign name for a path.
        resume: Whether the run resumes a campaign (which needs a journal).

    Returns:
        The journal (None without one) and whether the run opened it (and so closes it).

    Raises:
        ConfigurationError: ``resume`` without a journal.
        sqlite3.Error: The journal cannot be opened.
    """
    if arg is None:
        if resume:
            raise ConfigurationError("resume=True needs a journal=")
        return None, False
    if isinstance(arg, Journal):
        if arg.is_open:
            return arg, False
        await arg.open()
        return arg, True
    journal = Journal(arg, campaign=campaign)
    await journal.open()
    return journal, True


async def load_for_run(journal: Journal, *, resume: bool, seen: RecipientStates) -> None:
    """Check the campaign is new, or (resuming) load what it recorded into ``seen``.

    Args:
        journal: The run's open journal.
        resume: Continue the campaign the journal holds.
        seen: The run's recipient states.

    Raises:
        ConfigurationError: The journal already holds the campaign, without ``resume``.
    """
    if not resume:
        if await journal.has_entries():
            raise ConfigurationError(
                f"the journal {journal.path} already holds campaign {journal.campaign!r}: "
                "pass resume=True to continue it, or use another campaign name"
            )
        return

    def consume(to: str, status: str) -> None:
        seen.mark(to, PREV_BY_STATUS.get(status, PREV_FINAL))

    count = await journal.scan(consume)
    log.info("broadcast: resuming campaign %r with %d recorded recipients",
             journal.campaign, count)


def entry_of(outcome: SendOutcome) -> JournalEntry:
    """The journal entry that records ``outcome``."""
    error = outcome.error
    return JournalEntry(
        outcome.to, outcome.status, row=outcome.row, message_id=outcome.message_id,
        error_code=error.code if error else None, error_type=error.type if error else None,
        error_message=error.message if error else None, attempts=outcome.attempts,
    )
