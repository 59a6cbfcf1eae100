"""One process at a time runs a campaign: an OS lock beside the journal.

The lock is an exclusive ``flock`` on a small file next to the journal, one
per campaign. The operating system drops it when the holder exits, however it
exits (SIGKILL and power loss included), so a killed run never blocks the
resume that follows it, and there is no lease to expire or heartbeat to keep.
The file also says who holds it (pid, host, since when), so that a refused run
can name the holder.

``flock`` is POSIX; where it is missing (Windows) the lock is not taken and a
warning says so once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
from pathlib import Path
from typing import IO

from .errors import CampaignBusyError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["CampaignLock", "describe_holder", "holder_record", "lock_path", "read_holder"]

log = logging.getLogger("whatsapp_async")
_warned = False


def lock_path(journal: Path, campaign: str) -> Path:
    """The lock file of ``campaign`` in ``journal`` (hashed: any campaign name is safe)."""
    digest = hashlib.sha256(campaign.encode()).hexdigest()[:16]
    return journal.with_name(f"{journal.name}.{digest}.lock")


class CampaignLock:
    """The exclusive right to run one campaign of one journal file.

    Args:
        journal: The journal's path.
        campaign: The campaign's name.
    """

    def __init__(self, journal: Path, campaign: str) -> None:
        self.path = lock_path(journal, campaign)
        self._journal = journal
        self._campaign = campaign
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._handle is not None

    def acquire(self) -> None:
        """Take the lock, or refuse naming who holds it. Blocking I/O: call it in a thread.

        Raises:
            CampaignBusyError: Another process (or another run in this one) holds it.
        """
        global _warned
        if self._handle is not None:
            return
        if fcntl is None:  # pragma: no cover - Windows
            if not _warned:
                _warned = True
                log.warning("journal: no flock on this platform; one run per campaign is "
                            "not enforced")
            return
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = read_holder(handle.read())
            handle.close()
            raise CampaignBusyError(
                f"campaign {self._campaign!r} of the journal {self._journal} is being run by "
                f"another process ({describe_holder(holder)}); one run at a time may use a "
                "campaign: wait for it to end (or stop it), then resume",
                holder,
            ) from None
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(holder_record()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Give the lock up (closing the file releases the flock). Safe to call twice."""
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()


def holder_record() -> dict[str, object]:
    """Who is taking a campaign: this process's pid, its host and the time (ISO 8601)."""
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def read_holder(text: str | None) -> dict[str, object]:
    """The holder a lock (or a PostgreSQL claim) recorded as JSON; empty when unreadable."""
    if not text:
        return {}
    try:
        holder = json.loads(text)
    except ValueError:
        return {}
    return holder if isinstance(holder, dict) else {}


def describe_holder(holder: dict[str, object]) -> str:
    """``pid 123 on host since ...`` for a refused run's message."""
    if not holder:
        return "holder unknown"
    return f"pid {holder.get('pid')} on {holder.get('host')} since {holder.get('since')}"
