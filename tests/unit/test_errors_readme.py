"""The README's error table names every public exception class, and only those."""

from __future__ import annotations

import re
from pathlib import Path

import whatsapp_async
from whatsapp_async import errors

README = Path(__file__).resolve().parents[2] / "README.md"


def errors_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Errors")
    return text[start:text.index("\n### ", start + 1)]


def table_names(section: str) -> list[str]:
    """The exception of each row: the backticked name in the first column."""
    return re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE)


def public_exceptions() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module in (errors, whatsapp_async):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, BaseException):
                found[name] = value
    return found


def test_every_public_exception_is_in_the_readmes_error_table() -> None:
    section = errors_section()
    rows = table_names(section)
    # APIError's subclasses are listed by Graph code in the paragraph under the table.
    below = section[section.index("`APIError` subclasses"):]
    missing = []
    for name, cls in sorted(public_exceptions().items()):
        if cls is errors.WhatsAppError:
            documented = "Everything raised is a `whatsapp_async.WhatsAppError`" in section
        elif issubclass(cls, errors.APIError) and cls is not errors.APIError:
            documented = f"`{name}`" in below
        else:
            documented = name in rows
        if not documented:
            missing.append(name)
    assert missing == []


def test_the_error_table_names_only_real_exceptions_once_each() -> None:
    rows = table_names(errors_section())
    assert len(rows) == len(set(rows))
    assert set(rows) <= set(public_exceptions())
