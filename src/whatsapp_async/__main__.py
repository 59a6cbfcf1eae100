"""``python -m whatsapp_async``: the ``whatsapp-async`` command."""

from .cli import main

raise SystemExit(main())
