"""A broadcast's use of its journal (either backend): opening, resuming, entries."""

from __future__ import annotations

import asyncio
import logging
import os

from .._journal_backend import JournalBackend, is_dsn
from ..errors import ConfigurationError
from ..journal import JournalEntry, open_journal
from ._dedupe import PREV_BY_STATUS, PREV_FINAL, RecipientStates
from ._types import SendOutcome

__all__ = ["check_campaign", "entry_of", "load_for_run", "open_for_run"]

log = logging.getLogger("whatsapp_async")


async def open_for_run(
    arg: str | os.PathLike[str] | JournalBackend | None, *, campaign: str, resume: bool
) -> tuple[JournalBackend | None, bool]:
    """Open the journal of a run.

    Args:
        arg: The ``journal=`` argument: a path, a PostgreSQL DSN, a journal
            object (open or not), or None.
        campaign: The campaign name for a path or a DSN.
        resume: Whether the run resumes a campaign (which needs a journal).

    Returns:
        The journal (None without one) and whether the run opened it (and so closes it).

    Raises:
        ConfigurationError: ``resume`` without a journal, or with a path where
            there is no file (a new, empty journal would resend everything).
        JournalError: The journal cannot be opened.
    """
    if arg is None:
        if resume:
            raise ConfigurationError("resume=True needs a journal=")
        return None, False
    if not isinstance(arg, (str, os.PathLike)):
        if arg.is_open:
            return arg, False
        await arg.open()
        return arg, True
    # A database cannot be missing the way a file can; check_campaign refuses an unknown one.
    if resume and not is_dsn(arg) and not await asyncio.to_thread(os.path.exists, arg):
        raise ConfigurationError(f"resume=True: there is no journal at {os.fspath(arg)!r}")
    journal = open_journal(arg, campaign=campaign)
    await journal.open()
    return journal, True


async def check_campaign(
    journal: JournalBackend, *, resume: bool, resume_word: str = "resume=True",
    campaign_word: str = "campaign name",
) -> None:
    """Refuse a campaign that does not fit the run: new without ``resume``, known with it.

    Args:
        journal: The run's open journal.
        resume: Whether the run continues the campaign.
        resume_word: How the caller's users say "resume" (``--resume`` for the CLI).
        campaign_word: How they name another campaign (``--campaign`` for the CLI).

    Raises:
        ConfigurationError: The campaign already has entries and ``resume`` is
            off; or ``resume`` is on and it has none (a typo or another file:
            resuming it would resend every row), naming the campaigns the
            journal holds.
    """
    recorded = await journal.has_entries()
    if not resume and recorded:
        raise ConfigurationError(
            f"the journal {journal.location} already holds campaign {journal.campaign!r}: "
            f"pass {resume_word} to continue it, or use another {campaign_word}"
        )
    if resume and not recorded:
        names = await journal.campaigns()
        held = ", ".join(repr(name) for name in names) if names else "no campaigns"
        raise ConfigurationError(
            f"{resume_word}: the journal {journal.location} holds no campaign "
            f"{journal.campaign!r} (it holds {held}); check the {campaign_word} and the "
            "file, or start the campaign without resuming"
        )


async def load_for_run(journal: JournalBackend, *, resume: bool, seen: RecipientStates) -> None:
    """Claim the campaign, check it fits the run and, resuming, load what it recorded.

    Args:
        journal: The run's open journal.
        resume: Continue the campaign the journal holds.
        seen: The run's recipient states.

    Raises:
        CampaignBusyError: Another run holds the campaign.
        ConfigurationError: See :func:`check_campaign`.
    """
    await journal.claim()
    await check_campaign(journal, resume=resume)
    if not resume:
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
        duplicate_of=outcome.duplicate_of,
    )
