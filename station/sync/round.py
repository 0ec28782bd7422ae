"""One sync round: check the anchors, push the outbox, pull site data, record the outcome.

The round never raises for anything the hub or the network does: it returns a
`RoundReport` and leaves its trace in ``sync_state`` (online or not, last success, last
error). A refusal of the log (fork, gap, cut) is kept there too, and recorded once in
the log as a ``sync.refused`` event, so the station shows it until the hub takes the log
again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from station.config.station import StationConfig
from station.domain.events import Event, EventKind
from station.ports import Clock
from station.store.eventlog import EventLog
from station.store.views.receiving import SqliteReceivingView
from station.sync.client import HubClient
from station.sync.errors import HubBusy, LogRefused, SyncError
from station.sync.outbox import Pushed, push_outbox
from station.sync.pull import pull_site_data
from station.sync.state import Refusal, read_state, record_attempt, record_refusal


class SyncSide(Protocol):
    """What a round needs of an open station (`station.bootstrap.Station` is one)."""

    @property
    def config(self) -> StationConfig: ...
    @property
    def log(self) -> EventLog: ...
    @property
    def view(self) -> SqliteReceivingView: ...
    @property
    def clock(self) -> Clock: ...


@dataclass(slots=True)
class RoundReport:
    """What a round did, or why it could not."""

    pushed: Pushed | None = None
    pulled: list[str] = field(default_factory=list)
    error: SyncError | None = None

    @property
    def ok(self) -> bool:
        """The round pushed everything it was given and pulled."""
        return self.error is None

    @property
    def retry_after_s(self) -> float | None:
        """How long the hub asked the station to wait, if it did."""
        return self.error.retry_after_s if isinstance(self.error, HubBusy) else None


def run_round(
    side: SyncSide,
    client: HubClient,
    *,
    pull: bool,
    stop: Callable[[], bool] = lambda: False,
) -> RoundReport:
    """Push the outbox and (when `pull`) pull site data; record how it went."""
    settings = side.config.sync
    assert settings is not None, "run_round needs a [sync] table"
    conn = side.log.connection
    report = RoundReport()
    try:
        report.pushed = push_outbox(
            side.log,
            side.view,
            side.config.epcis_settings(),
            client,
            batch_size=settings.batch_size,
            now=side.clock.now,
            stop=stop,
        )
        if pull and not report.pushed.more:
            report.pulled = pull_site_data(
                side.log, side.view, side.config, client, side.clock
            ).lines
    except LogRefused as refused:
        report.error = refused
        _refused(side, refused)
    except SyncError as exc:
        report.error = exc
    else:
        if read_state(conn).refusal is not None:
            record_refusal(conn, None)
    error = report.error
    record_attempt(
        conn,
        side.clock.now(),
        online=error.online if error is not None else True,
        error=str(error) if error is not None else None,
    )
    return report


def _refused(side: SyncSide, refused: LogRefused) -> None:
    """Keep the refusal; record it in the log the first time it is seen."""
    conn = side.log.connection
    known = read_state(conn).refusal
    if known is not None and known.reason == refused.reason:
        # The same refusal again (its detail may name a log end that moved): once is enough.
        return
    now: dt.datetime = side.clock.now()
    record_refusal(conn, Refusal(refused.reason, str(refused), now))
    payload: dict[str, object] = {"reason": refused.reason, "detail": str(refused)}
    seq = refused.members.get("st:seq")
    if isinstance(seq, int):
        payload["seq"] = seq
    side.log.append(
        [
            Event.new(
                EventKind.SYNC_REFUSED,
                station_id=side.config.station_id,
                operator_id=None,
                recorded_at=now,
                payload=payload,
            )
        ]
    )
