"""Exit statuses of the ``whatsapp-async`` command."""

from __future__ import annotations

#: Everything went out.
EXIT_OK = 0
#: Some row failed or ended unknown, or the run was cut short.
EXIT_FAILED = 1
#: Bad input or settings; nothing was sent.
EXIT_USAGE = 2
#: Stopped by Ctrl-C (the shell's 128 + SIGINT).
EXIT_INTERRUPTED = 130
