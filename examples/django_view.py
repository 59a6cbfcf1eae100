"""Django async views: send a WhatsApp message from a view, and receive Meta's webhook.

It shows how to:

* share one ``WhatsAppClient`` between views (one connection pool, one throttle);
* send from a view: ``POST /notify`` with ``{"to": "+15551234567", "text": "..."}``;
* serve the webhook at ``/webhook`` with ``WebhookRouter``: GET answers the
  verification handshake, POST takes signed notifications, and every inbound
  text gets a reply;
* close the router and the client when the server stops (Django itself
  ignores ASGI lifespan events, so ``application`` below handles them).

The file is a whole Django project (``settings.configure``), served by an ASGI
server (``pip install whatsapp-async django uvicorn``)::

    export WHATSAPP_ACCESS_TOKEN=... WHATSAPP_PHONE_NUMBER_ID=...
    export WHATSAPP_APP_SECRET=... WHATSAPP_VERIFY_TOKEN=...
    export DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,<your host>
    uvicorn --app-dir examples django_view:application --port 8000

    curl -X POST http://127.0.0.1:8000/notify -H 'content-type: application/json' \\
         -d '{"to": "+15551234567", "text": "Your order has shipped"}'

Serve it with ASGI, not WSGI (``runserver``): webhook handlers run after the
200 answer, on the server's event loop, and WSGI gives each request a loop of
its own that ends with it. In a real project the views go in an app's
``views.py``, the URL patterns in ``urls.py``, ``application`` in ``asgi.py``,
and ``/notify`` behind your authentication. ``tests/examples/test_examples.py``
runs this file against the library's fake Cloud API.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import django
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from whatsapp_async import APIError, ValidationError, WhatsAppClient
from whatsapp_async.webhooks import MAX_BODY_SIZE, SIGNATURE_HEADER, MessageEvent, WebhookRouter

if not settings.configured:
    settings.configure(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(","),
        # Meta's webhook bodies go up to 3 MB; Django's default cap is 2.5 MB.
        DATA_UPLOAD_MAX_MEMORY_SIZE=MAX_BODY_SIZE,
    )
    django.setup()

# Token, number id and base URL come from the WHATSAPP_* environment variables.
wa = WhatsAppClient()
router = WebhookRouter(
    app_secret=os.environ["WHATSAPP_APP_SECRET"],
    verify_token=os.environ.get("WHATSAPP_VERIFY_TOKEN"),
    client=wa,
)


@router.on_message(kind="text")
async def answer(event: MessageEvent) -> None:
    await event.mark_read()
    await event.reply_text(f"Thanks {event.sender.name or 'there'}, you said: {event.text}")


@require_POST
async def notify(request: HttpRequest) -> HttpResponse:
    """Send ``text`` to ``to``; bad input is a 422, a refusal by Meta a 502."""
    try:
        data = json.loads(request.body)
        to, text = str(data["to"]), str(data["text"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": 'send JSON {"to": ..., "text": ...}'}, status=400)
    try:
        sent = await wa.messages.send_text(to, text)
    except ValidationError as exc:  # raised before any request: a bad number or text
        return JsonResponse({"error": str(exc)}, status=422)
    except APIError as exc:
        return JsonResponse({"error": f"WhatsApp refused it: {exc}"}, status=502)
    return JsonResponse({"message_id": sent.message_id})


@csrf_exempt  # Meta signs its POSTs instead; the router checks that signature
@require_http_methods(["GET", "POST"])
async def webhook(request: HttpRequest) -> HttpResponse:
    """GET: the verification handshake. POST: a notification, dispatched to the handlers."""
    if request.method == "GET":
        reply = router.handshake(request.GET.dict())
    else:
        reply = await router.handle(request.body, request.headers.get(SIGNATURE_HEADER))
    return HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)


urlpatterns = [path("notify", notify), path("webhook", webhook)]

Message = MutableMapping[str, Any]
_django_app = get_asgi_application()


async def application(
    scope: Message, receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """Django's ASGI app, plus the lifespan events: on shutdown, close router and client."""
    if scope["type"] != "lifespan":
        await _django_app(scope, receive, send)
        return
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await router.aclose()  # running handlers finish their replies first
            await wa.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return
