"""Pulling site data from the hub: manifests, the roster and the risk rules.

Each resource is asked for conditionally (``If-None-Match`` with the last ETag, and
manifests from the last change cursor); a 304 changes nothing. Whatever did change is
recorded in the log as a ``sync.pulled`` event naming what changed (new manifests are
imported the way a file import does, as ``manifest.imported`` events), in the same
transaction that keeps the new ETag and cursor: so the log says what the station knew
when it decided, and a crash never leaves the cursor ahead of the events. A hub that
serves no site data (404) is skipped.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from station.config.station import StationConfig
from station.domain.events import Event, EventKind
from station.domain.manifest.json_format import parse_manifest_json
from station.ports import Clock
from station.store.eventlog import EventLog
from station.store.views.receiving import SqliteReceivingView
from station.sync.client import HubClient, SiteAnswer
from station.sync.errors import HubRejected
from station.sync.site_data import (
    MANIFESTS,
    PATHS,
    RISK,
    ROSTER,
    digest,
    operator_record,
    parse_risk,
    parse_roster,
    risk_record,
    roster_changes,
)
from station.sync.state import Pulled, read_pulled, record_pulled

MAX_PAGES = 100


@dataclass(slots=True)
class PullReport:
    """What one pull changed, one line per change; `served` False when the hub has none."""

    lines: list[str] = field(default_factory=list)
    served: bool = True


@dataclass(frozen=True, slots=True)
class _Station:
    log: EventLog
    view: SqliteReceivingView
    config: StationConfig
    clock: Clock


def pull_site_data(
    log: EventLog,
    view: SqliteReceivingView,
    config: StationConfig,
    client: HubClient,
    clock: Clock,
) -> PullReport:
    """Pull every resource once (manifests page by page); record what changed."""
    report = PullReport()
    here = _Station(log, view, config, clock)
    try:
        for resource in (ROSTER, RISK):
            _pull_document(here, client, resource, report)
        for _ in range(MAX_PAGES):
            if not _pull_manifests(here, client, report):
                break
    except HubRejected as exc:
        if exc.status != 404:
            raise
        report.served = False
        report.lines.append("the hub serves no site data (404)")
    return report


def _event(config: StationConfig, clock: Clock, payload: dict[str, Any]) -> Event:
    return Event.new(
        EventKind.SYNC_PULLED,
        station_id=config.station_id,
        operator_id=None,
        recorded_at=clock.now(),
        payload=payload,
    )


def _record(log: EventLog, events: Sequence[Event], pulled: Pulled) -> None:
    def build(conn: sqlite3.Connection) -> Sequence[Event]:
        record_pulled(conn, pulled)
        return events

    log.append_built(build)


def _cursor(body: Any) -> str | None:
    cursor = body.get("cursor") if isinstance(body, dict) else None
    return str(cursor) if isinstance(cursor, str | int) and not isinstance(cursor, bool) else None


def _pull_document(here: _Station, client: HubClient, resource: str, report: PullReport) -> None:
    log, config, clock = here.log, here.config, here.clock
    before = read_pulled(log.connection, resource)
    answer: SiteAnswer = client.site_data(
        PATHS[resource], etag=before.etag if before else None, cursor=None
    )
    if not answer.changed:
        return
    body = answer.body
    content: dict[str, Any]
    if resource == ROSTER:
        operators = parse_roster(body)
        previous = (
            parse_roster(json.loads(before.body)) if before and before.body else config.operators
        )
        content = {
            "operators": [operator_record(o) for o in operators],
            "changes": roster_changes(previous, operators),
        }
        kept = {"operators": body.get("operators", [])}
    else:
        policy = parse_risk(body)
        content = risk_record(policy)
        kept = {k: body[k] for k in ("rules", "restricted_vendors") if k in body}
    new_digest = digest(kept)
    pulled = Pulled(resource, answer.etag, _cursor(body), new_digest, json.dumps(kept), clock.now())
    if before is not None and before.digest == new_digest:
        _record(log, [], pulled)  # a new ETag for the same content: nothing to tell
        return
    payload = {
        "resource": resource,
        "cursor": pulled.cursor,
        "etag": answer.etag,
        "digest": new_digest,
    }
    _record(log, [_event(config, clock, {**payload, **content})], pulled)
    report.lines.append(f"{resource}: updated from the hub")


def _pull_manifests(here: _Station, client: HubClient, report: PullReport) -> bool:
    """One page of changed manifests; True when the hub says there are more."""
    log, view, config, clock = here.log, here.view, here.config, here.clock
    from station.workflows.importing import plan_import  # noqa: PLC0415 - only when pulling

    before = read_pulled(log.connection, MANIFESTS)
    answer = client.site_data(
        PATHS[MANIFESTS],
        etag=before.etag if before else None,
        cursor=before.cursor if before else None,
    )
    if not answer.changed:
        return False
    body = answer.body
    items = body.get("manifests") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise HubRejected("the hub's manifests are refused: $.manifests: expected an array", 200)
    cursor = _cursor(body)
    parsed = parse_manifest_json(json.dumps(items), "hub /site/manifests")
    pulled = Pulled(MANIFESTS, answer.etag, cursor, None, None, clock.now())
    if parsed.problems:
        # Refused whole, like a file: the cursor stays, so the corrected page comes again.
        problems = [
            f"{p.where.replace('$', '$.manifests', 1)}: {p.message}" for p in parsed.problems
        ]
        raise HubRejected("the hub's manifests are refused: " + "; ".join(problems[:5]), 200)
    plan = plan_import(
        [("hub", parsed.manifests)],
        view=view,
        station_id=config.station_id,
        operator_id=None,
        clock=clock,
    )
    payload = {
        "resource": MANIFESTS,
        "cursor": cursor,
        "etag": answer.etag,
        "imported": list(plan.imported),
        "unchanged": list(plan.unchanged),
        "refused": list(plan.refused),
    }
    # An import is all or nothing: a page with a refused manifest imports none of it.
    imports = [] if plan.refused else list(plan.events)
    if plan.refused:
        payload["imported"] = []
    events = [*imports, _event(config, clock, payload)] if plan.imported or plan.refused else []
    _record(log, events, pulled)
    if plan.imported:
        report.lines.append(f"manifests: imported {', '.join(plan.imported)}")
    if plan.refused:
        report.lines.extend(f"manifests: {line}" for line in plan.refused)
    more = bool(body.get("more")) if isinstance(body, dict) else False
    return more and bool(items) and cursor != (before.cursor if before else None)
