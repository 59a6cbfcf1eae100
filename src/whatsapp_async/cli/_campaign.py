"""A campaign's totals across all its runs, read back from the journal for the final report."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .._journal_backend import JournalBackend
from ..errors import JournalError

__all__ = ["STATUSES", "CampaignTotals", "campaign_totals"]

log = logging.getLogger("whatsapp_async")

#: The journal's statuses in the order reports show them; ``pending`` only
#: appears when a crashed run left rows whose send may or may not have happened.
STATUSES = ("sent", "failed", "unknown", "skipped", "pending")


@dataclass(frozen=True)
class CampaignTotals:
    """What the journal holds for one campaign: this run plus every earlier one.

    Attributes:
        name: The campaign.
        counts: Source rows per journal status (recipients and row entries such
            as duplicates and invalid rows, each counted once in its latest state).
    """

    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Source rows the campaign has recorded."""
        return sum(self.counts.values())

    def get(self, status: str) -> int:
        """Source rows in ``status`` (0 when none)."""
        return self.counts.get(status, 0)

    def summary(self) -> str:
        """One line of plain text, like :meth:`BroadcastReport.summary`'s first."""
        shown = [s for s in STATUSES if s != "pending" or self.get(s)]
        shown += sorted(set(self.counts) - set(STATUSES))  # a status a newer version wrote
        counts = ", ".join(f"{s} {self.get(s)}" for s in shown)
        return f"campaign {self.name!r}, all runs: {self.total} rows: {counts}"


async def campaign_totals(journal: JournalBackend) -> CampaignTotals | None:
    """Count the campaign's source rows per status.

    Args:
        journal: The open journal of the run.

    Returns:
        The totals, or None when the journal cannot be read any more (its
        writer failed during the run, which the run's report already says):
        the run is over, so this must not turn its outcome into an error.
    """
    try:
        counts = await journal.counts()
    except (JournalError, RuntimeError) as exc:
        log.warning("cannot read the campaign's totals from %s: %s", journal.location, exc)
        return None
    return CampaignTotals(journal.campaign, counts)
