"""The ``whatsapp-async`` command: broadcasts from a CSV, one-off sends, a demo, a sandbox.

Exit status: 0 when everything went out, 1 when any row failed or ended
unknown (or the run was cut short), 2 for bad input or settings (nothing sent),
130 after Ctrl-C. Progress and tables use `rich` when it is installed
(``pip install 'whatsapp-async[cli]'``), plain text otherwise.
"""

from __future__ import annotations

from ._csv_input import CsvInputError, read_recipients, scan_csv
from ._exit_codes import EXIT_FAILED as EXIT_FAILED
from ._exit_codes import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from ._exit_codes import EXIT_OK as EXIT_OK
from ._exit_codes import EXIT_USAGE as EXIT_USAGE
from ._failures import FAILURE_COLUMNS as FAILURE_COLUMNS
from ._main import main

__all__ = ["CsvInputError", "main", "read_recipients", "scan_csv"]
