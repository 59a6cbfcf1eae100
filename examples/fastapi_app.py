"""A FastAPI app that sends WhatsApp messages and answers Meta's webhook.

It shows how to:

* open one ``WhatsAppClient`` in the app's lifespan and share it with every
  request (one connection pool, one throttle);
* send from an endpoint: ``POST /notify`` with ``{"to": "+15551234567", "text": "..."}``;
* serve the webhook at ``/webhook`` with ``WebhookRouter``'s ASGI app: GET
  answers Meta's verification handshake, POST takes signed notifications, and
  every inbound text gets a reply.

Run it (``pip install whatsapp-async fastapi uvicorn``)::

    export WHATSAPP_ACCESS_TOKEN=... WHATSAPP_PHONE_NUMBER_ID=...
    export WHATSAPP_APP_SECRET=... WHATSAPP_VERIFY_TOKEN=...
    uvicorn --factory --app-dir examples fastapi_app:create_app --port 8000

    curl -X POST http://127.0.0.1:8000/notify -H 'content-type: application/json' \\
         -d '{"to": "+15551234567", "text": "Your order has shipped"}'

Meta must reach the webhook over HTTPS: put the app behind a reverse proxy and
give ``https://<your host>/webhook`` as the callback URL, with the same verify
token. ``tests/examples/test_examples.py`` runs this app against the
library's fake Cloud API.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel
from starlette.routing import Route

from whatsapp_async import APIError, ValidationError, WhatsAppClient
from whatsapp_async.webhooks import MessageEvent, WebhookRouter


class Notify(BaseModel):
    """The body of ``POST /notify``."""

    to: str
    text: str


class Sent(BaseModel):
    """The answer of ``POST /notify``: the id WhatsApp gave the message."""

    message_id: str


def whatsapp(request: Request) -> WhatsAppClient:
    """The app's client, for endpoints that send (a FastAPI dependency)."""
    client: WhatsAppClient = request.app.state.whatsapp
    return client


async def notify(body: Notify, wa: Annotated[WhatsAppClient, Depends(whatsapp)]) -> Sent:
    """Send ``body.text`` to ``body.to``; bad input is a 422, a refusal by Meta a 502."""
    try:
        sent = await wa.messages.send_text(body.to, body.text)
    except ValidationError as exc:  # raised before any request: a bad number or text
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    except APIError as exc:
        raise HTTPException(status_code=502, detail=f"WhatsApp refused it: {exc}") from exc
    return Sent(message_id=sent.message_id)


def build_router(app_secret: str, verify_token: str | None) -> WebhookRouter:
    """The webhook handlers; the client is attached when the app starts."""
    router = WebhookRouter(app_secret=app_secret, verify_token=verify_token)

    @router.on_message(kind="text")
    async def answer(event: MessageEvent) -> None:
        await event.mark_read()
        await event.reply_text(f"Thanks {event.sender.name or 'there'}, you said: {event.text}")

    return router


def create_app(
    *,
    access_token: str | None = None,
    phone_number_id: str | None = None,
    base_url: str | None = None,
    app_secret: str | None = None,
    verify_token: str | None = None,
) -> FastAPI:
    """The app; every argument falls back to its ``WHATSAPP_*`` environment variable."""
    router = build_router(
        app_secret or os.environ["WHATSAPP_APP_SECRET"],
        verify_token or os.environ.get("WHATSAPP_VERIFY_TOKEN"),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with WhatsAppClient(access_token, phone_number_id, base_url=base_url) as client:
            app.state.whatsapp = router.client = client
            try:
                yield
            finally:
                # A mounted ASGI app gets no lifespan events of its own: close the
                # router here, so handlers finish their replies before the client closes.
                await router.aclose()

    # A Route, not a Mount: a Mount would answer /webhook (no slash) with a redirect.
    webhook = Route("/webhook", router.asgi_app(), include_in_schema=False)
    app = FastAPI(title="WhatsApp notifier", lifespan=lifespan, routes=[webhook])
    app.post("/notify")(notify)
    return app
