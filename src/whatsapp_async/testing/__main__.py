"""``python -m whatsapp_async.testing``: run the sandbox until Ctrl-C.

The sandbox is the fake Cloud API plus, on the same port, a web page (the
inbox, request log, faults panel and broadcast dashboard) and a control API.
The CLI's ``whatsapp-async sandbox`` calls :func:`main` too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import webbrowser

from ..errors import ValidationError
from .sandbox import Sandbox, load_templates, plan_from_spec

__all__ = ["DEFAULT_PROG", "main"]


#: How the server is started when not through ``whatsapp-async sandbox``.
DEFAULT_PROG = "python -m whatsapp_async.testing"
#: The verify token when none is given (the bot must be configured with it).
DEFAULT_VERIFY_TOKEN = "sandbox-verify-token"


def _faults(spec: str) -> object:
    try:
        return plan_from_spec(spec)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _templates(path: str) -> object:
    try:
        return load_templates(path)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve a fake WhatsApp Cloud API on loopback (no account, no network), "
        "with a web page at / to see what your bot sent and answer as a customer.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8089, help="port (default 8089; 0 = any)")
    parser.add_argument("--token", default="test-token", help="accepted access token")
    parser.add_argument("--phone-number-id", action="append", dest="phone_number_ids",
                        help="business number id (repeatable; default 1234567890)")
    parser.add_argument("--api-version", default="v21.0", help="version in the base URL")
    parser.add_argument("--messages-per-second", type=float, default=80.0,
                        help="throughput limit per number (default 80)")
    parser.add_argument("--webhook-url", help="POST status and inbound webhooks here "
                        "(verified first with Meta's GET handshake)")
    parser.add_argument("--app-secret", help="sign webhooks with this app secret")
    parser.add_argument("--verify-token", default=DEFAULT_VERIFY_TOKEN,
                        help="token of the webhook's verification handshake "
                        f"(default {DEFAULT_VERIFY_TOKEN})")
    parser.add_argument("--templates", metavar="FILE", type=_templates,
                        help="JSON list of templates (Meta's message-template shape): the "
                        "page renders sends with them, sends are checked against them and "
                        "other template names are refused (132001)")
    parser.add_argument("--faults", metavar="SPEC", type=_faults, help="random faults, e.g. "
                        "error_rate=0.05,error_code=131000,latency=0.02-0.08")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--seed", type=int, default=0, help="seed for ids and faults")
    parser.add_argument("--permissive-templates", action="store_true",
                        help="with --templates: still accept templates not in the file")
    return parser


async def _serve(args: argparse.Namespace, stop: asyncio.Event | None = None) -> None:
    fake = Sandbox(
        verify_token=args.verify_token,
        template_definitions=args.templates,
        faults=args.faults,
        host=args.host,
        port=args.port,
        access_token=args.token,
        phone_numbers=tuple(args.phone_number_ids or ("1234567890",)),
        api_version=args.api_version,
        messages_per_second=args.messages_per_second,
        webhook_url=args.webhook_url,
        app_secret=args.app_secret,
        seed=args.seed,
        permissive_templates=True if args.permissive_templates else None,
    )
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    async with fake:
        print(f"Fake WhatsApp Cloud API at {fake.base_url}", flush=True)
        print(f"  WHATSAPP_BASE_URL={fake.base_url}", flush=True)
        print(f"  WHATSAPP_ACCESS_TOKEN={fake.access_token}", flush=True)
        print(f"  WHATSAPP_PHONE_NUMBER_ID={fake.phone_number_id}", flush=True)
        print(f"  WHATSAPP_BUSINESS_ACCOUNT_ID={fake.waba_id}", flush=True)
        if fake.webhook_url is not None:
            # What the bot needs to accept the sandbox's webhooks.
            if fake.app_secret is not None:
                print(f"  WHATSAPP_APP_SECRET={fake.app_secret}", flush=True)
            print(f"  WHATSAPP_VERIFY_TOKEN={fake.verify_token}", flush=True)
            print(f"Webhooks go to {fake.webhook_url}", flush=True)
        if fake.template_definitions:
            print(f"  templates: {len(fake.template_definitions)}", flush=True)
        print(f"Inbox, request log and dashboard: {fake.page_url}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        if args.open:
            webbrowser.open(fake.page_url)
        await stop.wait()


def main(argv: list[str] | None = None, *, prog: str = DEFAULT_PROG) -> int:
    """Run the sandbox server until interrupted.

    Args:
        argv: Command-line arguments (without the program name); defaults to
            ``sys.argv[1:]``.
        prog: The command's name in ``--help`` and usage errors (the CLI
            passes ``whatsapp-async sandbox``).

    Returns:
        The exit status: 0 after Ctrl-C or SIGTERM, 1 if the port is taken,
        2 if the ``--templates`` file is not a list of templates.
    """
    args = _parser(prog).parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
