"""Bulk broadcast: one message or template to many recipients, nothing lost.

:meth:`WhatsAppClient.broadcast <whatsapp_async.WhatsAppClient.broadcast>` returns a
:class:`Broadcast`. Iterate it for outcomes as they happen, or await it for the
:class:`BroadcastReport`::

    rows = (Recipient(phone, params=[name]) for phone, name in read_customers())
    async for outcome in wa.broadcast(rows, template="spring_sale", journal="sale.db"):
        ...
    report = await wa.broadcast(rows, template="spring_sale", journal="sale.db", resume=True)

How it stays safe:

* rows are read lazily and at most ``concurrency`` are in flight, so a
  generator of a million rows is never held in memory;
* every send goes through the client's throttle (130429 slows the whole run)
  and retry policy (131056 backs off that one recipient);
* every row ends with exactly one :class:`SendOutcome`; a send whose fate is
  unknown is reported ``unknown`` and never resent automatically;
* with a journal, a recipient is recorded ``pending`` before the send and with
  its outcome after, so a resumed run never sends twice to anyone recorded;
  a duplicate or invalid row gets an entry of its own (a duplicate naming the
  row it repeats), so the journal holds one outcome per source row;
* every send is tagged with its campaign and row (``biz_opaque_callback_data``,
  see :func:`campaign_tag`), so status webhooks can be tracked back to it.

The package's modules, in the order a row meets them: ``_types`` (the public
types), ``_broadcast`` (the handle you iterate), ``_engine`` (workers and how
many run at once), ``_row_send`` (one row to its outcome), with ``_row_input``
(number and message of a row), ``_dedupe`` (recipients already met),
``_row_outcome`` (a failed send's row status, from
:func:`whatsapp_async.outcome.fate_of`), ``_journaling``, ``_tally`` and
``_channel`` (the outcome queue).
"""

from .._campaign_tag import CALLBACK_DATA_MAX, CampaignTag, campaign_key, campaign_tag, parse_tag
from ._broadcast import Broadcast
from ._journaling import check_campaign
from ._row_input import normalize_phone_number, template_message
from ._types import (
    BroadcastProgress,
    BroadcastReport,
    OutcomeStatus,
    Recipient,
    SendError,
    SendFunction,
    SendOutcome,
)

__all__ = [
    "CALLBACK_DATA_MAX",
    "Broadcast",
    "BroadcastProgress",
    "BroadcastReport",
    "CampaignTag",
    "OutcomeStatus",
    "Recipient",
    "SendError",
    "SendFunction",
    "SendOutcome",
    "campaign_key",
    "campaign_tag",
    "check_campaign",
    "normalize_phone_number",
    "parse_tag",
    "template_message",
]
