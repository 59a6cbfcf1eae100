"""The recipients CSV: checked whole before anything is sent, then read lazily."""

from __future__ import annotations

import bisect
import csv
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Protocol

from ..bulk import Recipient

__all__ = ["CsvInputError", "CsvRecipients", "LineMap", "line_map", "read_recipients", "scan_csv"]


class CsvInputError(Exception):
    """The recipients CSV cannot be used; nothing was sent."""


def _open_csv(path: Path) -> IO[str]:
    # utf-8-sig: spreadsheet exports often start with a byte-order mark.
    return path.open(newline="", encoding="utf-8-sig", errors="strict")


def _is_blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


#: Bad lines an error message lists; the rest are counted.
SHOWN_BAD_LINES = 10


class _Reader(Protocol):
    """A ``csv.reader``: rows, and how many lines of the file it has read so far."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


def _records(reader: _Reader, after: int) -> Iterator[tuple[int, list[str]]]:
    """The data records of ``reader`` with the file line each starts on; blank lines left out.

    A quoted field may hold line breaks, so a record can span lines: its line
    is the one it starts on, counted as an editor does (header = line 1).

    Args:
        reader: The reader, past the header.
        after: The line the header ended on.
    """
    previous = after
    for row in reader:
        start = previous + 1
        previous = reader.line_num
        if not _is_blank(row):
            yield start, row


def scan_csv(path: str | os.PathLike[str], *, phone_column: str, params: Sequence[str]) -> int:
    """Check the whole CSV before anything is sent, without holding it in memory.

    Every bad line is found, not only the first: the error lists the first
    :data:`SHOWN_BAD_LINES` with their line numbers and counts the rest.

    Args:
        path: The CSV file.
        phone_column: Header of the phone number column.
        params: Headers of the template's parameter columns, in order.

    Returns:
        The number of data rows.

    Raises:
        CsvInputError: Missing file, bad encoding, no header or rows, a missing
            column, rows with the wrong number of fields, or empty parameters.
    """
    source = Path(path)
    if not source.is_file():
        raise CsvInputError(f"{source}: no such file")
    count = 0
    bad: list[str] = []
    bad_count = 0
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
            for line, row in _records(reader, reader.line_num):
                count += 1
                problem = _problem(row, names, params, wanted)
                if problem is not None:
                    bad_count += 1
                    if len(bad) < SHOWN_BAD_LINES:
                        bad.append(f"line {line}: {problem}")
    except UnicodeDecodeError as exc:
        raise CsvInputError(
            f"{source}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise CsvInputError(f"{source}: malformed CSV: {exc}") from None
    if bad_count:
        more = bad_count - len(bad)
        raise CsvInputError(
            f"{source}: {bad_count} bad line{'s' if bad_count > 1 else ''} (the template needs "
            f"{len(params)} parameter(s) per row):\n  " + "\n  ".join(bad)
            + (f"\n  and {more} more bad line{'s' if more > 1 else ''}" if more else "")
        )
    if count == 0:
        raise CsvInputError(f"{source}: no data rows below the header")
    return count


def _problem(
    row: list[str], names: list[str], params: Sequence[str], wanted: list[int]
) -> str | None:
    """What is wrong with one data row, or None."""
    if len(row) != len(names):
        return f"{len(row)} fields, but the header has {len(names)}"
    for column, index in zip(params, wanted, strict=True):
        if not row[index].strip():
            return f"parameter column {column!r} is empty"
    return None


class LineMap:
    """The file line (header = line 1) each data row starts on, by the row's 0-based position.

    Rows usually follow each other one line apart; only where blank lines or
    records spanning several lines shift them is anything stored, so a clean
    file of any size costs one entry.
    """

    __slots__ = ("_offsets", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._offsets: list[int] = []

    def add(self, index: int, line: int) -> None:
        """Note that row ``index`` (the next one, in order) starts on ``line``."""
        if not self._offsets or line - index != self._offsets[-1]:
            self._starts.append(index)
            self._offsets.append(line - index)

    def line_of(self, index: int) -> int | None:
        """The line row ``index`` starts on, or None for a row not read (yet)."""
        at = bisect.bisect_right(self._starts, index) - 1
        if at < 0 or index < 0:
            return None
        return index + self._offsets[at]


class CsvRecipients(Iterator[Recipient]):
    """The rows of a checked CSV as recipients, read lazily, remembering each row's file line.

    Attributes:
        lines: The line of every row yielded so far (:meth:`LineMap.line_of`).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, phone_column: str, params: Sequence[str]
    ) -> None:
        self.lines = LineMap()
        self._rows = self._read(Path(path), phone_column, params)

    def __iter__(self) -> CsvRecipients:
        return self

    def __next__(self) -> Recipient:
        return next(self._rows)

    def line_of(self, index: int) -> int | None:
        """The file line of row ``index`` (its 0-based position), once it has been read."""
        return self.lines.line_of(index)

    def _read(
        self, path: Path, phone_column: str, params: Sequence[str]
    ) -> Iterator[Recipient]:
        with _open_csv(path) as handle:
            reader = csv.reader(handle)
            names = [h.strip() for h in next(reader)]
            to_index = names.index(phone_column)
            wanted = [names.index(c) for c in params]
            for index, (line, row) in enumerate(_records(reader, reader.line_num)):
                self.lines.add(index, line)
                values = [row[i].strip() for i in wanted]
                yield Recipient(row[to_index].strip(), params=values or None)


def line_map(path: str | os.PathLike[str]) -> LineMap:
    """The file line of every data row of the CSV at ``path``, as a broadcast of it counts them.

    Raises:
        OSError: The file cannot be read.
        UnicodeDecodeError: It is not UTF-8.
    """
    lines = LineMap()
    with _open_csv(Path(path)) as handle:
        reader = csv.reader(handle)
        next(reader, None)  # the header
        for index, (line, _row) in enumerate(_records(reader, reader.line_num)):
            lines.add(index, line)
    return lines


def read_recipients(
    path: str | os.PathLike[str], *, phone_column: str, params: Sequence[str]
) -> CsvRecipients:
    """Yield one :class:`~whatsapp_async.bulk.Recipient` per data row, lazily.

    Check the file with :func:`scan_csv` first: this reader assumes a good one.

    Args:
        path: The CSV file.
        phone_column: Header of the phone number column.
        params: Headers of the template's parameter columns, in order.

    Returns:
        An iterator of recipients (blank lines are left out) that knows the
        file line of each row it has yielded (``line_of(position)``).
    """
    return CsvRecipients(path, phone_column=phone_column, params=params)
