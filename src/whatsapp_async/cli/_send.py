"""``whatsapp-async send``: one text, image or template message."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from ..bulk import template_message
from ..client import WhatsAppClient
from ..errors import ConfigurationError
from ..types.messages import Language, Template
from ._exit_codes import EXIT_OK
from ._settings import credentials


def template_of(
    name: str, language: str, params: Sequence[str] | Mapping[str, str] | None
) -> Template:
    """The template ``name`` in ``language`` with ``params`` as its body parameters.

    Args:
        name: Approved template name.
        language: Template language code.
        params: Body parameters, as :func:`~whatsapp_async.bulk.template_message` takes them.

    Returns:
        The template message.
    """
    base = Template(name=name, language=Language(code=language))
    return template_message(base, params)


async def send(args: argparse.Namespace) -> int:
    """Run ``send text|image|template``.

    Args:
        args: The parsed ``send`` flags.

    Returns:
        The exit status.

    Raises:
        ConfigurationError: Missing credentials, or not exactly one image source.
        ValidationError: The message or the recipient is invalid; nothing was sent.
        WhatsAppError: The API refused the message or could not be reached.
    """
    async with credentials(args, rate=80.0) as creds, WhatsAppClient(
        creds.token, creds.phone_number_id, base_url=creds.base_url
    ) as wa:
        if args.kind == "text":
            sent = await wa.messages.send_text(args.to, args.body, preview_url=args.preview_url)
        elif args.kind == "image":
            if bool(args.media_id) == bool(args.link):
                raise ConfigurationError("give exactly one of --media-id or --link")
            sent = await wa.messages.send_image(
                args.to, media_id=args.media_id, link=args.link, caption=args.caption
            )
        else:
            message = template_of(args.template, args.language, args.param or None)
            sent = await wa.messages.send(args.to, message)
    print(f"sent {sent.message_id}" + (f" to {sent.wa_id}" if sent.wa_id else ""))
    return EXIT_OK
