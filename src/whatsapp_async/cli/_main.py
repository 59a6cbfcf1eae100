"""The command line's flags and ``main``: which command runs, and what each error exits with."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import (
    MAY_HAVE_BEEN_SENT,
    ConfigurationError,
    JournalError,
    ValidationError,
    WhatsAppError,
)
from ..speed import run
from ._broadcast import broadcast
from ._csv_input import CsvInputError
from ._demo import demo
from ._exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE
from ._report import add_report_commands, journal_export, report
from ._send import send

#: The command's name, as installed by the package's entry point.
PROG = "whatsapp-async"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns:
        The exit status.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["sandbox"]:
        # The sandbox server has its own flags; it gets the rest of the line as is.
        from ..testing.__main__ import main as sandbox_main

        return sandbox_main(args_list[1:], prog=f"{PROG} sandbox")
    args = _parser().parse_args(args_list)
    runner = {"broadcast": broadcast, "send": send, "demo": demo, "report": report,
              "journal": journal_export}[args.command]
    try:
        # uvloop when the [speed] extra is installed, asyncio's own loop otherwise.
        return run(runner(args))
    except CsvInputError as exc:
        print(f"error: {exc}; nothing was sent", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigurationError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except JournalError as exc:
        # Only opening (or reading back) the journal raises here, before any send;
        # the engine handles write failures during the run itself.
        print(f"error: {exc}; nothing was sent", file=sys.stderr)
        return EXIT_USAGE
    except WhatsAppError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _add_credentials(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("credentials (default: environment variables)")
    group.add_argument("--token", help="access token (default: $WHATSAPP_ACCESS_TOKEN)")
    group.add_argument("--phone-number-id",
                       help="business phone number id (default: $WHATSAPP_PHONE_NUMBER_ID)")
    group.add_argument("--base-url", help="API prefix with version (default: $WHATSAPP_BASE_URL "
                       "or https://graph.facebook.com/v21.0)")
    group.add_argument("--business-account-id",
                       help="WhatsApp Business Account id, for template checks (default: "
                       "$WHATSAPP_BUSINESS_ACCOUNT_ID)")
    group.add_argument("--templates", metavar="FILE",
                       help="with --sandbox: the sandbox's templates (JSON list in Meta's "
                       "shape), checked before sending")
    group.add_argument("--sandbox", action="store_true",
                       help="send to the sandbox instead (no account needed): the one "
                       "running at http://127.0.0.1:8089 if any, so its page shows the run, "
                       "else an in-process one")
    group.add_argument("--sandbox-url", metavar="URL",
                       help="with --sandbox: the running sandbox to send to, which must "
                       "answer (default: $WHATSAPP_ASYNC_SANDBOX_URL)")


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plain", action="store_true", help="plain text output even with rich")
    parser.add_argument("--quiet", action="store_true", help="no progress output")


def _positive(value: str) -> float:
    parsed = float(value)
    if not parsed > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return parsed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="WhatsApp Cloud API from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_broadcast_flags(commands.add_parser(
        "broadcast", help="send a template to every row of a CSV",
        description="Send a template to every row of a CSV file: a phone column plus one "
        "column per template parameter.",
    ))
    _add_send_kinds(commands.add_parser("send", help="send one message"))

    d = commands.add_parser("demo", help="broadcast to 10,000 generated recipients in a sandbox")
    d.add_argument("--rows", type=int, default=10_000, help="recipients (default 10000)")
    d.add_argument("--rate", type=_positive, default=1000.0,
                   help="messages per second (default 1000)")
    d.add_argument("--seed", type=int, default=1,
                   help="seed of the generated list and of the sandbox's faults (default 1)")
    d.add_argument("--journal", metavar="FILE",
                   help="keep the demo's journal here (and track its status webhooks into it)")
    _add_output(d)
    add_report_commands(commands)

    # Listed for --help only: main() hands "sandbox ..." over before parsing.
    commands.add_parser("sandbox", add_help=False,
                        help="serve a fake Cloud API on loopback (see 'sandbox --help')")
    return parser


def _add_broadcast_flags(b: argparse.ArgumentParser) -> None:
    b.add_argument("csv", help="recipients CSV (UTF-8) with a header row")
    b.add_argument("--template", required=True, help="approved template name")
    b.add_argument("--language", default="en_US", help="template language (default en_US)")
    b.add_argument("--param", action="append", metavar="COLUMN",
                   help="CSV column for the next body parameter {{1}}, {{2}}... (repeatable)")
    b.add_argument("--phone-column", default="phone", help="phone number column (default phone)")
    b.add_argument("--rate", type=_positive, default=80.0,
                   help="messages per second (default 80, the standard limit)")
    b.add_argument("--concurrency", type=int, help="sends in flight at most (default: derived)")
    b.add_argument("--journal",
                   help="SQLite journal file or postgresql:// DSN; needed to --resume")
    b.add_argument("--campaign", default="default", help="campaign name in the journal")
    b.add_argument("--resume", action="store_true",
                   help="continue the journaled campaign: rows with an outcome are skipped")
    b.add_argument("--resend-unknown", action="store_true",
                   help=f"with --resume: resend rows recorded as unknown ({MAY_HAVE_BEEN_SENT}: "
                   "a resend risks a duplicate)")
    b.add_argument("--retry-failed", action="store_true",
                   help="with --resume: resend rows the API refused before")
    b.add_argument("--shared", action="store_true",
                   help="one of many workers on the campaign (needs a postgresql:// "
                   "--journal; give every worker the same CSV): the first loads the rows, "
                   "all claim them in leased batches, a dead worker's rows are taken over")
    b.add_argument("--lease", type=_positive, default=30.0, metavar="SECONDS",
                   help="with --shared: how long a claim lasts without renewal (default 30)")
    b.add_argument("--dry-run", action="store_true",
                   help="check the CSV and build every message, list invalid and "
                   "duplicate rows; send nothing")
    b.add_argument("--marketing-messages", action="store_true",
                   help="send through Meta's Marketing Messages API (marketing templates)")
    b.add_argument("--no-preflight", action="store_true",
                   help="do not check the rows against the template's definition first")
    b.add_argument("--failures", help="CSV for failed, unknown, invalid and duplicate rows "
                   "(default: <csv>.failures.csv)")
    b.add_argument("--redis-url", help="share the rate limit through Redis (needs the redis "
                   "extra)")
    _add_output(b)
    _add_credentials(b)


def _add_send_kinds(s: argparse.ArgumentParser) -> None:
    kinds = s.add_subparsers(dest="kind", required=True, metavar="KIND")
    text = kinds.add_parser("text", help="a text message")
    _add_to(text)
    text.add_argument("--body", required=True, help="the message text (up to 4096 characters)")
    text.add_argument("--preview-url", action="store_true",
                      help="show a preview of the first URL in the body")
    image = kinds.add_parser("image", help="an image by media id or https link")
    _add_to(image)
    image.add_argument("--media-id", help="id of an uploaded image (or give --link)")
    image.add_argument("--link", help="https URL of the image (or give --media-id)")
    image.add_argument("--caption", help="text shown under the image")
    template = kinds.add_parser("template", help="an approved template")
    _add_to(template)
    template.add_argument("--template", required=True, help="approved template name")
    template.add_argument("--language", default="en_US",
                          help="template language (default en_US)")
    template.add_argument("--param", action="append", metavar="VALUE",
                          help="value of the next body parameter (repeatable)")
    for sub in (text, image, template):
        _add_credentials(sub)


def _add_to(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True,
                        help="recipient's phone number, international format (+15551234567)")
