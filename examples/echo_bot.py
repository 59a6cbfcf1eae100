"""An echo bot: answers every text with the same text and reacts to images with a thumbs-up.

Serve it for real (Meta must reach it over HTTPS, e.g. behind a reverse proxy)::

    export WHATSAPP_ACCESS_TOKEN=... WHATSAPP_APP_SECRET=... WHATSAPP_VERIFY_TOKEN=...
    python examples/echo_bot.py --port 8080        # callback URL: https://<host>/webhook

Or try it with no account and no network against the built-in fake Cloud API,
which posts signed inbound messages to the bot and records its replies::

    python examples/echo_bot.py --sandbox
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator

from aiohttp import web

from whatsapp_async import WhatsAppClient
from whatsapp_async.webhooks import MessageEvent, StatusEvent, WebhookRouter

log = logging.getLogger("echo_bot")


def build_router(app_secret: str, verify_token: str | None) -> WebhookRouter:
    """The bot's handlers; the client is attached when the app starts."""
    router = WebhookRouter(app_secret=app_secret, verify_token=verify_token)

    @router.on_message(kind="text")
    async def echo(event: MessageEvent) -> None:
        await event.mark_read(typing_indicator=True)
        await event.reply_text(event.text or "")

    @router.on_message(kind="image")
    async def like(event: MessageEvent) -> None:
        await event.react("\N{THUMBS UP SIGN}")

    @router.on_status(status="failed")
    async def failed(event: StatusEvent) -> None:
        codes = [error.code for error in event.status.errors]
        log.warning("message %s failed: %s", event.status.id, codes)

    return router


def create_app(
    router: WebhookRouter, *, access_token: str | None = None, base_url: str | None = None
) -> web.Application:
    """An aiohttp app serving ``router`` at ``/webhook`` with a client for its replies.

    The client is opened when the app starts (token, number and base URL fall
    back to the ``WHATSAPP_*`` environment variables) and closed after the
    router has let running handlers finish: the router closes in
    ``on_shutdown``, which aiohttp runs before this cleanup.
    """
    app = router.aiohttp_app("/webhook")

    async def client_lifecycle(_: web.Application) -> AsyncIterator[None]:
        async with WhatsAppClient(access_token=access_token, base_url=base_url) as client:
            router.client = client
            yield

    app.cleanup_ctx.append(client_lifecycle)
    return app


async def sandbox() -> None:
    """Run the bot on loopback, let the fake send it messages, print what it answered."""
    from whatsapp_async.testing import FakeCloudAPI, Media

    secret = "sandbox-app-secret"
    # Bind the bot's socket first: the fake needs the bot's URL, the bot the fake's.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    bot_url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhook"
    async with FakeCloudAPI(webhook_url=bot_url, app_secret=secret) as fake:
        router = build_router(secret, None)
        runner = web.AppRunner(
            create_app(router, access_token=fake.access_token, base_url=fake.base_url)
        )
        await runner.setup()
        await web.SockSite(runner, sock).start()
        try:
            print(f"bot at {bot_url}, fake Cloud API at {fake.base_url}")
            await fake.simulate_inbound(from_="447700900123", text="Hello bot!", name="Ana")
            await fake.simulate_inbound(
                from_="447700900123",
                message=Media(kind="image", data=b"\x89PNG...", mime_type="image/png"),
            )
            await router.join()
            await fake.flush_webhooks()
            for sent in fake.sent:
                quoted = sent.body.get("context", {}).get("message_id")
                print(f"bot sent {sent.type} to +{sent.wa_id}: {sent.body[sent.type]}"
                      + (f" (quoting {quoted})" if quoted else ""))
            for mark in fake.read_marks:
                print(f"bot marked {mark.message_id} read (typing: {mark.typing_indicator})")
        finally:
            await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description="WhatsApp echo bot (aiohttp).")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--sandbox", action="store_true",
                        help="run against the built-in fake Cloud API and exit")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    if args.sandbox:
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
        asyncio.run(sandbox())
        return
    router = build_router(os.environ["WHATSAPP_APP_SECRET"], os.environ["WHATSAPP_VERIFY_TOKEN"])
    # Token, number and base URL come from WHATSAPP_* environment variables.
    web.run_app(create_app(router), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
