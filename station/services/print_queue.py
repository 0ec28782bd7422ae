"""The durable print queue: labels for new lots, never lost and never silently doubled.

A job is queued in the same transaction as the lot it labels. Sending is recorded
(``print.sending``) before the bytes go out, and the outcome after: a failure that
printed nothing is retried with backoff; a failure that may have printed, or a
station that died while sending, leaves the job ``uncertain``, and only a reprint
an operator confirms (with a recorded reason) sends it again.

Who and what may be printed is checked twice, when a job is queued (first label or
reprint) and again just before its bytes go out: the job must name an operator on
the roster with one of ``[labels] print_roles`` and valid training, and the lot must
be here and available; a label on held, rejected, shipped or used-up material would
let it pass for available material. Each refusal is a ``print.refused`` event (a job
refused at send time becomes ``refused``; only a confirmed reprint, checked again,
can print it).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from labels.content import lot_label, pallet_label
from labels.model import Label
from labels.templates import LabelTemplate
from station.config import StationConfig
from station.domain.events import Event, EventKind
from station.domain.operators import Operator
from station.domain.printable import printable
from station.errors import DeviceError, StationError
from station.ports import Clock, LabelPrinter
from station.services.print_rights import lot_refusal, operator_refusal
from station.store.eventlog import EventLog
from station.store.projections.prints import PrintJob as PrintJob  # noqa: PLC0414 (front ends)
from station.store.projections.prints import PrintState, print_job, print_jobs
from station.store.views.lots import LotRecord, SqliteLotView

if TYPE_CHECKING:
    # The renderers load numpy and the QR and font code: only when a label is made.
    from labels.document import RenderedLabel

MAX_BACKOFF_S = 300.0
SKIPPED = "skipped"
"""A `PrintOutcome` state: the job was no longer queued when its turn came (not sent)."""
PrinterOpener = Callable[[str], LabelPrinter]


class LabelError(StationError):
    """A label cannot be made for a lot (e.g. no GTIN for a Digital Link)."""


class PrintRefused(LabelError):
    """A print or reprint refused (who asked, or what the lot is); the refusal is recorded."""


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """What one pass over the queue did to one job."""

    job_id: str
    state: str
    message: str


def build_label(config: StationConfig, lots: SqliteLotView, lot: LotRecord) -> Label:
    """The label of a lot or pallet, from its record and genealogy."""
    settings = config.labels
    produced = dt.datetime.fromisoformat(lot.made_at).date()
    parents = lots.parents(lot.lot_id)
    if lot.sscc:
        template = settings.templates[settings.pallet_template]
        assert isinstance(template, LabelTemplate)
        return pallet_label(
            resolver=settings.resolver_host,
            sscc=lot.sscc,
            produced_on=produced,
            contents=lot.product or "",
            quantity=f"{lot.quantity} {lot.uom}",
            lots=f"{len(parents)} parent lot(s)" if parents else "",
            place=config.site,
            template=template,
        )
    if not lot.gtin:
        raise LabelError(
            f"lot {lot.lot_id} has no GTIN, so it has no GS1 Digital Link: "
            "label it as part of a pallet (palletise) instead"
        )
    template = settings.templates[settings.lot_template]
    assert isinstance(template, LabelTemplate)
    return lot_label(
        resolver=settings.resolver_host,
        gtin=lot.gtin,
        lot=lot.lot_id,
        product=lot.product or "",
        quantity=lot.quantity,
        uom=lot.uom,
        produced_on=produced,
        place=config.site,
        parent_lots=len(parents),
        template=template,
    )


class PrintQueue:
    """Queues, sends and reprints label jobs for one station."""

    def __init__(
        self,
        config: StationConfig,
        log: EventLog,
        lots: SqliteLotView,
        clock: Clock,
        opener: PrinterOpener | None = None,
    ) -> None:
        self.config = config
        self.log = log
        self.lots = lots
        self.clock = clock
        self._opener = opener
        self._printers: dict[str, LabelPrinter] = {}

    @property
    def default_printer(self) -> str | None:
        """The first configured printer."""
        return self.config.printers[0] if self.config.printers else None

    def queue_events(
        self, lot_ids: list[str], operator: Operator | None, *, pallet: bool
    ) -> list[Event]:
        """Print-job events for new lots, appended with the event that made them.

        PRINT_QUEUED for each lot when `operator` may print, else one PRINT_REFUSED
        per lot saying why (the lots are made all the same; a permitted operator can
        print their labels later).
        """
        target = self.default_printer
        if target is None or not self.config.labels.print_new_lots:
            return []
        refusal = self._operator_refusal(operator)
        if refusal is not None:
            return [
                self._refused_event(
                    lot_id, refusal, "queue", operator_id=operator.id if operator else None
                )
                for lot_id in lot_ids
            ]
        assert operator is not None
        return [self._queued(lot_id, operator.id, target, pallet=pallet) for lot_id in lot_ids]

    def operator_by_badge(self, badge: str | None, lot_id: str, stage: str) -> Operator:
        """The roster entry for `badge`, or `PrintRefused` (recorded) naming what is wrong."""
        if not badge:
            self._refuse(lot_id, "a label needs an operator: give --operator BADGE", stage)
        operator = self.config.operator_by_badge(badge or "")
        if operator is None:
            self._refuse(
                lot_id,
                f"badge {printable(badge or '')!r} is not on this station's roster",
                stage,
                badge=badge,
            )
        assert operator is not None
        return operator

    def queue(self, lot_id: str, operator: Operator | None, printer: str | None = None) -> str:
        """Queue a first label for an existing lot; return the job id.

        Raises `PrintRefused` (recorded) when `operator` may not print or the lot is
        not available, `LabelError` when no printer is configured.
        """
        refusal = self._operator_refusal(operator) or lot_refusal(self.lots, lot_id)
        if refusal is not None:
            self._refuse(lot_id, refusal, "queue", operator=operator)
        assert operator is not None
        lot = self.lots.lot(lot_id)
        assert lot is not None
        target = printer or self.default_printer
        if target is None:
            raise LabelError("no printer is configured ([devices] printers)")
        event = self._queued(lot_id, operator.id, target, pallet=bool(lot.sscc))
        self.log.append([event])
        return str(event.payload["job_id"])

    def reprint(self, job_id: str, operator: Operator | None, reason: str) -> str:
        """Confirm a reprint of a job (uncertain, sent, failed or refused); return the new job id.

        The operator and the lot are checked as for a first label (`PrintRefused`).
        """
        job = print_job(self.log.connection, job_id)
        if job is None:
            raise LabelError(f"no print job {printable(job_id)!r}")
        if job.state == PrintState.SENDING:
            raise LabelError(f"job {job_id} is being sent right now; wait for its outcome")
        if len(reason.strip()) < 5:
            raise LabelError("a reprint needs a reason (e.g. 'label torn', 'printer jammed')")
        refusal = self._operator_refusal(operator) or lot_refusal(self.lots, job.lot_id)
        if refusal is not None:
            self._refuse(job.lot_id, refusal, "reprint", operator=operator, reprint_of=job_id)
        assert operator is not None
        event = self._event(
            EventKind.PRINT_REPRINT,
            {
                "job_id": str(uuid.uuid4()),
                "lot_id": job.lot_id,
                "template": job.template,
                "printer": job.printer,
                "reprint_of": job.job_id,
                "reason": reason.strip(),
            },
            operator.id,
        )
        self.log.append([event])
        return str(event.payload["job_id"])

    def recover(self) -> list[str]:
        """At start: jobs caught mid-send by a crash become uncertain (never resent blindly)."""
        stuck = print_jobs(self.log.connection, states=(PrintState.SENDING,))
        self.log.append(
            [
                self._event(
                    EventKind.PRINT_FAILED,
                    {
                        "job_id": job.job_id,
                        "error": "the station stopped while sending; check the printer and "
                        "confirm a reprint if the label is missing",
                        "uncertain": True,
                    },
                )
                for job in stuck
            ]
        )
        return [job.job_id for job in stuck]

    def jobs(self) -> list[PrintJob]:
        """Every job, oldest first."""
        return print_jobs(self.log.connection)

    def due(self) -> list[PrintJob]:
        """Queued jobs whose retry time has come, oldest first."""
        now = self.clock.now()
        return [
            job
            for job in print_jobs(self.log.connection, states=(PrintState.QUEUED,))
            if not job.next_attempt_at or dt.datetime.fromisoformat(job.next_attempt_at) <= now
        ]

    def process(self) -> list[PrintOutcome]:
        """Send every job that is due; one attempt each (blocking; for the CLI and tests)."""
        outcomes = []
        for job in self.due():
            begun = self.begin(job)
            if isinstance(begun, PrintOutcome):
                outcomes.append(begun)
                continue
            outcomes.append(self.finish(job, self.send(job, begun)))
        return outcomes

    def begin(self, job: PrintJob) -> RenderedLabel | PrintOutcome:
        """Check the job again, render the label and record that it is being sent.

        The lot's status and the job's operator are checked here, just before any byte
        goes out: a hold placed after the job was queued stops it (``refused``).
        """
        refusal = self._send_refusal(job)
        if refusal is not None:
            event = self._refused_event(
                job.lot_id, refusal, "send", job_id=job.job_id, operator_id=job.queued_by
            )
            self.log.append([event])
            return PrintOutcome(job.job_id, PrintState.REFUSED, f"no label printed: {refusal}")
        from labels.document import RenderedLabel  # noqa: PLC0415 - see the import above

        lot = self.lots.lot(job.lot_id)
        try:
            if lot is None:
                raise LabelError(f"lot {job.lot_id} is not known")
            document = RenderedLabel(
                build_label(self.config, self.lots, lot), job_id=job.job_id, name=job.lot_id
            )
        except StationError as exc:
            payload = {"job_id": job.job_id, "error": str(exc), "uncertain": True}
            self.log.append([self._event(EventKind.PRINT_FAILED, payload)])
            return PrintOutcome(job.job_id, PrintState.UNCERTAIN, str(exc))
        still: list[PrintJob] = []

        def sending(conn: sqlite3.Connection) -> list[Event]:
            # Checked again under the write lock: another writer may have taken the job.
            current = print_job(conn, job.job_id)
            if current is None or current.state != PrintState.QUEUED:
                return []
            still.append(current)
            return [self._event(EventKind.PRINT_SENDING, {"job_id": job.job_id})]

        self.log.append_built(sending)
        if not still:
            return PrintOutcome(job.job_id, SKIPPED, "taken by another process; not sent again")
        return document

    def _operator_refusal(self, operator: Operator | None) -> str | None:
        return operator_refusal(self.config, operator, self.clock.now().date())

    def _send_refusal(self, job: PrintJob) -> str | None:
        lot = lot_refusal(self.lots, job.lot_id)
        if lot is not None:
            return lot
        operator = next((op for op in self.config.operators if op.id == job.queued_by), None)
        if operator is None:
            return (
                f"job {job.job_id} names no operator on this station's roster "
                f"({printable(job.queued_by or 'none')}): reprint it with one"
            )
        return self._operator_refusal(operator)

    def send(self, job: PrintJob, document: RenderedLabel) -> DeviceError | None:
        """Hand the label to the printer; touches no database (safe in a worker thread)."""
        try:
            self._printer(job.printer).send(document)
        except DeviceError as exc:
            return exc
        return None

    def finish(self, job: PrintJob, error: DeviceError | None) -> PrintOutcome:
        """Record how a send ended: sent, retry later, or uncertain."""
        if error is None:
            self.log.append([self._event(EventKind.PRINT_SENT, {"job_id": job.job_id})])
            return PrintOutcome(job.job_id, PrintState.SENT, f"label for {job.lot_id} printed")
        return self._failed(job, error)

    def _failed(self, job: PrintJob, exc: DeviceError) -> PrintOutcome:
        from drivers.printers.errors import UnconfirmedPrintError  # noqa: PLC0415

        uncertain = isinstance(exc, UnconfirmedPrintError)
        payload: dict[str, object] = {
            "job_id": job.job_id,
            "error": str(exc),
            "uncertain": uncertain,
        }
        if not uncertain:
            delay = min(MAX_BACKOFF_S, 2.0 ** (job.attempts + 1))
            payload["retry_at"] = (self.clock.now() + dt.timedelta(seconds=delay)).isoformat()
        self.log.append([self._event(EventKind.PRINT_FAILED, payload)])
        state = PrintState.UNCERTAIN if uncertain else PrintState.QUEUED
        return PrintOutcome(job.job_id, state, str(exc))

    def _printer(self, url: str) -> LabelPrinter:
        printer = self._printers.get(url)
        if printer is None:
            if self._opener is None:
                from drivers.registry import open_printer  # noqa: PLC0415

                self._opener = open_printer
            printer = self._opener(url)
            self._printers[url] = printer
        return printer

    def _refuse(
        self,
        lot_id: str,
        reason: str,
        stage: str,
        *,
        operator: Operator | None = None,
        badge: str | None = None,
        reprint_of: str | None = None,
    ) -> None:
        event = self._refused_event(
            lot_id,
            reason,
            stage,
            operator_id=operator.id if operator else None,
            badge=badge,
            reprint_of=reprint_of,
        )
        self.log.append([event])
        raise PrintRefused(f"no label printed: {reason}")

    def _refused_event(
        self,
        lot_id: str,
        reason: str,
        stage: str,
        *,
        operator_id: str | None = None,
        badge: str | None = None,
        job_id: str | None = None,
        reprint_of: str | None = None,
    ) -> Event:
        payload: dict[str, object] = {"lot_id": lot_id, "stage": stage, "reason": reason}
        for key, value in (("badge", badge), ("job_id", job_id), ("reprint_of", reprint_of)):
            if value is not None:
                payload[key] = value
        return self._event(EventKind.PRINT_REFUSED, payload, operator_id)

    def _queued(self, lot_id: str, operator_id: str | None, printer: str, *, pallet: bool) -> Event:
        labels = self.config.labels
        template = labels.pallet_template if pallet else labels.lot_template
        return self._event(
            EventKind.PRINT_QUEUED,
            {
                "job_id": str(uuid.uuid4()),
                "lot_id": lot_id,
                "template": template,
                "printer": printer,
            },
            operator_id,
        )

    def _event(
        self, kind: EventKind, payload: dict[str, object], operator_id: str | None = None
    ) -> Event:
        return Event.new(
            kind,
            station_id=self.config.station_id,
            operator_id=operator_id,
            recorded_at=self.clock.now(),
            payload=payload,
        )
