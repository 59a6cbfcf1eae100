"""The recipients CSV: checked whole before anything is sent, then read lazily."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from ..bulk import Recipient

__all__ = ["CsvInputError", "read_recipients", "scan_csv"]


class CsvInputError(Exception):
    """The recipients CSV cannot be used; nothing was sent."""


def _open_csv(path: Path) -> IO[str]:
    # utf-8-sig: spreadsheet exports often start with a byte-order mark.
    return path.open(newline="", encoding="utf-8-sig", errors="strict")


def _is_blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def scan_csv(path: str | os.PathLike[str], *, phone_column: str, params: Sequence[str]) -> int:
    """Check the whole CSV before anything is sent, without holding it in memory.

    Args:
        path: The CSV file.
        phone_column: Header of the phone number column.
        params: Headers of the template's parameter columns, in order.

    Returns:
        The number of data rows.

    Raises:
        CsvInputError: Missing file, bad encoding, no header or rows, a missing
            column, a row with the wrong number of fields, or an empty parameter.
    """
    source = Path(path)
    if not source.is_file():
        raise CsvInputError(f"{source}: no such file")
    count = 0
    try:
        with _open_csv(source) as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise CsvInputError(f"{source}: the file is empty (a header row is needed)")
            names = [h.strip() for h in header]
            missing = [c for c in (phone_column, *params) if c not in names]
            if missing:
                raise CsvInputError(
                    f"{source}: no column {', '.join(repr(c) for c in missing)} in the header "
                    f"(found: {', '.join(repr(n) for n in names)})"
                )
            wanted = [names.index(c) for c in params]
            for line, row in enumerate(reader, start=2):
                if _is_blank(row):
                    continue
                if len(row) != len(names):
                    raise CsvInputError(
                        f"{source}, line {line}: {len(row)} fields, but the header has "
                        f"{len(names)}; the template needs {len(params)} parameter(s) per row"
                    )
                for column, index in zip(params, wanted, strict=True):
                    if not row[index].strip():
                        raise CsvInputError(
                            f"{source}, line {line}: parameter column {column!r} is empty; the "
                            f"template needs {len(params)} parameter(s) per row"
                        )
                count += 1
    except UnicodeDecodeError as exc:
        raise CsvInputError(
            f"{source}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise CsvInputError(f"{source}: malformed CSV: {exc}") from None
    if count == 0:
        raise CsvInputError(f"{source}: no data rows below the header")
    return count


def read_recipients(
    path: str | os.PathLike[str], *, phone_column: str, params: Sequence[str]
) -> Iterator[Recipient]:
    """Yield one :class:`~whatsapp_async.bulk.Recipient` per data row, lazily.

    Check the file with :func:`scan_csv` first: this reader assumes a good one.

    Args:
        path: The CSV file.
        phone_column: Header of the phone number column.
        params: Headers of the template's parameter columns, in order.

    Returns:
        An iterator of recipients; blank lines are left out.
    """
    with _open_csv(Path(path)) as handle:
        reader = csv.reader(handle)
        names = [h.strip() for h in next(reader)]
        to_index = names.index(phone_column)
        wanted = [names.index(c) for c in params]
        for row in reader:
            if _is_blank(row):
                continue
            values = [row[i].strip() for i in wanted]
            yield Recipient(row[to_index].strip(), params=values or None)
