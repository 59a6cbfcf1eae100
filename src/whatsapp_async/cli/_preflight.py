"""Pre-flight of ``whatsapp-async broadcast``: every row checked against the template first.

Before the first send (and in a ``--dry-run``), the template's definition is
fetched from the business account and each row's message is checked against
it; the first mismatch stops the command with exit status 2 and nothing is
sent. Rows that cannot be built at all (a bad phone number, a missing
column) are left to the broadcast, which lists them as invalid.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable

from ..bulk import Recipient
from ..client import WhatsAppClient
from ..errors import ValidationError
from ..resources._template_preflight import check_send, template_cache
from ._send import template_of

__all__ = ["preflight_rows", "wants_preflight"]


def wants_preflight(args: argparse.Namespace, business_account_id: str | None, *,
                    any_template: bool = False) -> bool:
    """Whether to run pre-flight: not ``--no-preflight``, and an account to ask.

    Without a business account id, or with a sandbox that accepts any
    template, there is no definition to check against: say so on stderr
    (once) and go on without.

    Args:
        args: The parsed flags (``--no-preflight``).
        business_account_id: The account whose templates to read, if known.
        any_template: The sends go to a sandbox started without ``--templates``.

    Returns:
        Whether to check the rows before the first send.
    """
    if getattr(args, "no_preflight", False):
        return False
    if any_template:
        print("note: pre-flight check skipped: this sandbox accepts any template (start it "
              "with --templates FILE to check every row against the definitions)",
              file=sys.stderr)
        return False
    if business_account_id is None:
        print("note: pre-flight check skipped: no business account id (set "
              "WHATSAPP_BUSINESS_ACCOUNT_ID or pass --business-account-id; --no-preflight "
              "silences this)", file=sys.stderr)
        return False
    return True


async def preflight_rows(
    wa: WhatsAppClient, args: argparse.Namespace, rows: Iterable[Recipient],
    line_of: Callable[[int], int | None],
) -> int:
    """Check every row's template message against the template's definition.

    Args:
        wa: A client bound to the business account.
        args: ``--template`` and ``--language``.
        rows: The CSV's rows.
        line_of: The file line of a row by its position, for the message.

    Returns:
        How many rows were checked.

    Raises:
        ValidationError: The template does not exist or is not approved, or a
            row does not fit it (the message names the line, template,
            component and parameter).
    """
    definition = await template_cache(wa).definition(wa, args.template, args.language)
    if getattr(args, "marketing_messages", False) and definition.category != "MARKETING":
        raise ValidationError("template.category", f"template {args.template!r} is "
                              f"{definition.category}: --marketing-messages sends marketing "
                              "templates only; nothing was sent")
    checked = 0
    for index, row in enumerate(rows):
        try:
            message = template_of(args.template, args.language, row.params)
            message.validate()
        except ValidationError:
            continue  # the broadcast reports the row as invalid
        try:
            check_send(message, definition)
        except ValidationError as exc:
            line = line_of(index)
            where = f"line {line}" if line is not None else f"row {index + 1}"
            raise ValidationError(exc.field, f"{where}: {exc.rule}; nothing was sent "
                                  "(--no-preflight skips this check)") from None
        checked += 1
    return checked
