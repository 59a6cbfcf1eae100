"""One row of a broadcast, taken to its outcome: check, dedupe, journal, send, record."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal

from .._campaign_tag import check_callback_data, tag_prefix
from .._journal_backend import JournalBackend
from ..errors import ConnectError, ValidationError
from ..journal import JournalEntry
from ..resources._template_preflight import check_send, template_cache
from ..types.messages import Message, Template
from ..types.templates import MessageTemplate
from ._control import RunControl
from ._dedupe import NEW, PREV_PENDING, PRIOR_STATUS, SEEN, RecipientStates, repeat_outcome
from ._journaling import entry_of
from ._pending import PendingMarkFailed, RowAttempts
from ._row_input import message_for, normalize_phone_number
from ._row_outcome import STOPPED_FIRST, error_of, failed_send, message_id_of
from ._tally import Tally
from ._types import Recipient, SendError, SendFunction, SendOutcome

if TYPE_CHECKING:
    from ..client import WhatsAppClient

__all__ = ["RowFate", "RowSender"]

log = logging.getLogger("whatsapp_async")

#: What became of a row's journal record: ``done`` (its outcome is durable, or was
#: already), ``release`` (its pending mark was undone: nothing went out, any run may
#: send it) or ``keep`` (a journal write failed: leave the row as the journal has it).
RowFate = Literal["done", "release", "keep"]

#: Rows in a row that could not even connect before a run gives up on the API:
#: past this, every later row would wait out its retries and fail the same way.
UNREACHABLE_AFTER = 10


class RowSender:
    """Takes each row of one run to exactly one :class:`SendOutcome`.

    Attributes:
        seen: The state of every recipient met so far (and, resuming, journaled).
        journal: The run's open journal, if it has one.
    """

    def __init__(
        self, control: RunControl, tally: Tally, *, template: Template | None,
        message: Message | None, send: SendFunction | None, resend_unknown: bool,
        retry_failed: bool, stop_on_fatal: bool, preflight: bool = False,
        marketing_messages: bool = False, campaign: str = "default",
    ) -> None:
        self._control = control
        self._sending = control.sending
        self._tally = tally
        self._template = template
        self._message = message
        self._send_fn = send
        self._resend_unknown = resend_unknown
        self._retry_failed = retry_failed
        self._stop_on_fatal = stop_on_fatal
        self.seen = RecipientStates()
        self.journal: JournalBackend | None = None
        self._unreachable = 0  # consecutive rows that could not connect at all
        self._preflight = preflight
        self._marketing = marketing_messages
        self._definition: MessageTemplate | None = None
        self.tag_prefix = tag_prefix(campaign)

    async def prepare(self, client: WhatsAppClient) -> None:
        """Before the first row: fetch the template's definition for pre-flight checks.

        Raises:
            ValidationError: The template does not exist, or is not approved.
            ConfigurationError: Pre-flight without a business_account_id.
        """
        template = self._template
        if template is None and type(self._message) is Template:
            template = self._message  # one template message for every row
        if not self._preflight or template is None:
            return
        definition = await template_cache(client).definition(
            client, template.name, template.language.code
        )
        if definition.status != "APPROVED":
            check_send(template, definition)  # raises, naming the status
        if self._marketing and definition.category != "MARKETING":
            raise ValidationError("template.category", f"template {template.name!r} is "
                                  f"{definition.category}: the Marketing Messages API sends "
                                  "marketing templates only")
        self._definition = definition

    def set_campaign(self, campaign: str) -> None:
        """Tag the sends with ``campaign`` (the journal's, when it names its own)."""
        self.tag_prefix = tag_prefix(campaign)

    async def process(
        self, index: int, row: Recipient | str, task: asyncio.Task[None],
        client: WhatsAppClient, counter: RowAttempts,
    ) -> RowFate:
        """Take row ``index`` to its outcome, sending through ``client`` (counted by ``counter``).

        One coroutine on purpose: this is the hot path, run once per row.

        With a journal, the row is marked ``pending`` ("may have been sent")
        before anything can go out: by ``counter`` just before the first HTTP
        attempt, once the throttle has let it through (so a row killed while
        it waits for its token is sent by a resumed run), or, for a custom
        ``send=`` function (whose requests the engine cannot see), before it
        is called.

        Returns:
            What became of the row's journal record (see :data:`RowFate`).
        """
        recipient = row if type(row) is Recipient else Recipient(row)  # type: ignore[arg-type]
        raw = recipient.to
        try:
            to = normalize_phone_number(raw)
        except ValidationError as exc:
            shown = raw.strip() if isinstance(raw, str) and raw.strip() else f"#row{index}"
            # Its own row entry: under a recipient key, rows with the same bad text would share one.
            return await self.finish(
                SendOutcome(shown, "skipped", error=error_of(exc), row=index), journal=True,
                row_entry=True,
            )
        state = self.seen.mark(to, SEEN, index)
        if state != NEW:
            repeat = repeat_outcome(
                to, index, state, resend_unknown=self._resend_unknown,
                retry_failed=self._retry_failed,
                first_row=self.seen.first_row(to) if state == SEEN else None,
            )
            if repeat is not None:
                # A duplicate gets its own row entry (its recipient's entry belongs to the
                # row it was sent from); a row done in an earlier run already has its entry.
                return await self.finish(repeat, journal=state in (SEEN, PREV_PENDING),
                                         row_entry=state == SEEN)
        prior = PRIOR_STATUS.get(state)
        try:
            message = (
                None if self._send_fn is not None
                else message_for(recipient, self._template, self._message)
            )
            definition = self._definition
            if (definition is not None and type(message) is Template
                    and message.name == definition.name):  # a row's own message may differ
                check_send(message, definition)
            # The campaign tag: status webhooks echo it, so tracking maps them to this row.
            tag = f"{self.tag_prefix}{index}"
            if recipient.callback_data is not None:
                check_callback_data(recipient.callback_data)
                tag = f"{tag}|{recipient.callback_data}"
        except Exception as exc:  # e.g. params=5: a malformed row must not end its worker
            return await self.finish(
                SendOutcome(to, "skipped", error=error_of(exc), row=index), journal=True
            )
        journal = self.journal
        counter.count = 0
        if journal is not None:
            mark = JournalEntry(to, "pending", row=index)
            if self._send_fn is None:
                # Written by the first attempt once it has its throttle token: a row
                # killed while it waits must not look as if it may have gone out.
                counter.arm(journal, mark)
            else:
                # A custom send may not go through this client: mark it before the call.
                try:
                    await journal.record_nowait(mark)
                except Exception as exc:
                    # Sending without a durable "pending" mark could double-send after a crash.
                    self._control.stop(f"journal write failed: {exc}")
                    reason = SendError(type="JournalError", message=f"not sent: {exc}")
                    return await self.finish(
                        SendOutcome(to, "skipped", error=reason, row=index), journal=False,
                        forget=True, prior=prior,
                    )
        if self._control.aborted:
            # Aborted before the send began (e.g. while a custom send's mark was written):
            # nothing went out, leave it for resume.
            return await self.finish(
                SendOutcome(to, "skipped", error=STOPPED_FIRST, row=index), journal=False,
                forget=True, prior=prior,
            )
        self._sending.add(task)
        forget = False
        try:
            if self._send_fn is not None:
                sent = await self._send_fn(client, to, recipient)
            elif self._marketing:
                sent = await client.messages.send(
                    to, message, marketing_messages=True  # type: ignore[arg-type]
                )
            else:
                sent = await client.messages.send(
                    to, message, biz_opaque_callback_data=tag  # type: ignore[arg-type]
                )
            outcome = SendOutcome(to, "sent", message_id_of(sent), None, counter.count, index)
            self._unreachable = 0
        except PendingMarkFailed as exc:
            # The first attempt could not mark the row, so it did not go on the wire.
            self._control.stop(f"journal write failed: {exc}")
            reason = SendError(type="JournalError", message=f"not sent: {exc}")
            outcome, forget = SendOutcome(to, "skipped", error=reason, row=index), True
        except (asyncio.CancelledError, Exception) as exc:
            # The counter sees only the client handed to the send. A custom send
            # may have gone through another client, so for it no count proves
            # that nothing went out: judge it as having made an attempt.
            attempts = counter.count or (1 if self._send_fn is not None else 0)
            outcome, forget, stop = failed_send(
                exc, to, index, attempts, stop_on_fatal=self._stop_on_fatal
            )
            if isinstance(exc, ConnectError):
                self._unreachable += 1
                if self._unreachable >= UNREACHABLE_AFTER and stop is None:
                    stop = (f"cannot reach the API: {self._unreachable} sends in a row could "
                            f"not connect ({exc}); nothing was sent for them, and the rows "
                            "not taken yet are left for a resumed run")
            else:
                self._unreachable = 0
            if stop is not None:
                self._control.stop(stop)
        finally:
            self._sending.discard(task)
        return await self.finish(outcome, journal=True, forget=forget, prior=prior)

    async def finish(
        self, outcome: SendOutcome, *, journal: bool, forget: bool = False,
        prior: str | None = None, row_entry: bool = False,
    ) -> RowFate:
        """Record ``outcome``: journal it (or forget the row's pending mark), count it, queue it.

        Args:
            outcome: The row's outcome.
            journal: Write it to the journal.
            forget: Instead, undo the row's ``pending`` mark (nothing went out).
            prior: The status an earlier run recorded, restored by ``forget``.
            row_entry: Write it as the row's own entry (a duplicate or invalid
                row), not as its recipient's.

        Returns:
            What became of the row's journal record (see :data:`RowFate`).
        """
        control = self._control
        fate: RowFate = "release" if forget else "done"
        if self.journal is not None and (journal or forget):
            try:
                if forget:
                    await self.journal.forget_pending(outcome.to, prior)
                elif row_entry:
                    await self.journal.record_row(entry_of(outcome))
                else:
                    await self.journal.record(entry_of(outcome))
            except Exception as exc:
                log.error("broadcast: journal write failed for row %d: %s", outcome.row, exc)
                control.stop(f"journal write failed: {exc}")
                fate = "keep"
        # This row has its outcome now: it is no longer in flight for the snapshot.
        self._tally.add(outcome, control.in_flight - 1)
        if control.channel is not None:
            await control.channel.put(outcome)
        return fate

    async def duplicate(self, index: int, to: str, first_row: int) -> RowFate:
        """Record row ``index`` as a duplicate of row ``first_row`` (a shared campaign's rows
        are deduplicated when loaded, across every worker), without a send.

        Returns:
            What became of the row's journal record.
        """
        # Not marked in ``seen``: the row it repeats may come later to this worker, and
        # must then be sent as the first of its recipient.
        outcome = repeat_outcome(to, index, SEEN, resend_unknown=False, retry_failed=False,
                                 first_row=first_row)
        assert outcome is not None  # a repeat within the run is always skipped
        return await self.finish(outcome, journal=True, row_entry=True)
