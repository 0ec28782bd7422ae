"""Capture: a document (``POST /capture``) or one event (``POST /events``) into the store.

Runs in a worker thread, inside the request: parse, check the limits, validate the
document and then each event against the EPCIS 2.0 schema, check who may send what
(a station token sends only its own stationLog; only a stationLog capture may name a
station), then store. Per-event problems go into the capture job: with ``rollback``
(the default) one bad event stores nothing, with ``proceed`` the good ones are stored.
A capture carrying a stationLog is always all-or-nothing, since the station's chain
head must never cover an event the hub did not keep.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from station.hub import problems
from station.hub.auth import Principal
from station.hub.chain import LogError, StationLog, parse_station_log
from station.hub.config import HubConfig
from station.hub.events import (
    EventRecord,
    StationKeys,
    extra_context,
    new_event_id,
    record,
    unstorable,
)
from station.hub.schema import document_errors, event_errors
from station.hub.storage import CaptureJob, HubStore, IngestBatch, IngestResult

BEHAVIOURS = ("rollback", "proceed")


def parse_json(body: bytes) -> Any:
    """The request body as JSON, or a 400 saying where it broke."""
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise problems.validation(f"the body is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise problems.validation(
            f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def capture_site(config: HubConfig, principal: Principal, site: str | None) -> str:
    """The site a capture goes to: the token's own, or the one an all-sites admin names."""
    if not principal.may_capture:
        raise problems.forbidden(f"a {principal.kind} token may not capture events")
    if principal.site is not None:
        if site is not None and site != principal.site:
            raise problems.forbidden("this token may not capture for another site")
        return principal.site
    if site is None:
        raise problems.query_parameter(
            "an all-sites admin token names the site: add ?site=SITE to the capture URL"
        )
    if site not in config.sites:
        raise problems.query_parameter(f"site {site!r} is not one of the hub's sites")
    return site


def station_keys(context: Any, namespace: str) -> StationKeys | None:
    """The member names of the station fields, from the prefix the context gives `namespace`."""
    entries = context if isinstance(context, list) else [context]
    for entry in entries:
        if isinstance(entry, dict):
            for prefix, iri in entry.items():
                if iri == namespace:
                    return StationKeys(
                        f"{prefix}:stationId", f"{prefix}:seq", f"{prefix}:stationLog"
                    )
    return None


def _event_list(document: dict[str, Any]) -> tuple[list[Any], str]:
    body = document.get("epcisBody", {})
    if document.get("type") == "EPCISQueryDocument":
        results = body.get("queryResults", {}).get("resultsBody", {})
        return list(results.get("eventList", [])), "$.epcisBody.queryResults.resultsBody.eventList"
    return list(body.get("eventList", [])), "$.epcisBody.eventList"


def _station_log(
    document: dict[str, Any], keys: StationKeys | None, principal: Principal
) -> StationLog | None:
    header = document.get("epcisHeader")
    raw = header.get(keys.station_log) if keys and isinstance(header, dict) else None
    if raw is None:
        if principal.kind == "station":
            raise problems.validation(
                "a station token's capture carries its st:stationLog in the epcisHeader"
            )
        return None
    assert keys is not None
    try:
        log = parse_station_log(raw, f"$.epcisHeader.{keys.station_log}")
    except LogError as exc:
        raise problems.validation(str(exc)) from None
    if principal.kind != "station" or log.station_id != principal.station_id:
        raise problems.forbidden("a stationLog is pushed only with that station's own token")
    return log


def _station_errors(
    event: dict[str, Any],
    where: str,
    keys: StationKeys | None,
    log: StationLog | None,
    seqs: frozenset[int] = frozenset(),
) -> list[str]:
    if keys is None:
        return []
    station_id, seq = event.get(keys.station_id), event.get(keys.seq)
    if log is None:
        if station_id is not None:
            return [
                f"{where}.{keys.station_id}: only the station's own stationLog capture "
                "may name a station"
            ]
        return []
    if station_id != log.station_id:
        return [f"{where}.{keys.station_id}: expected {log.station_id!r}"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq not in seqs:
        return [f"{where}.{keys.seq}: expected the seq of one of the stationLog entries"]
    return []


def _records(
    events: list[Any],
    *,
    path: str,
    context: list[Any],
    keys: StationKeys | None,
    log: StationLog | None,
    job: CaptureJob,
) -> list[EventRecord]:
    records: list[EventRecord] = []
    seen: dict[tuple[str, str], str] = {}
    seqs = frozenset(entry.seq for entry in log.entries) if log else frozenset()
    for i, event in enumerate(events):
        where = f"{path}[{i}]"
        errors = event_errors(event, where)
        if not errors:
            errors = _station_errors(event, where, keys, log, seqs)
        if errors:
            job.errors.extend(problems.entry("ValidationException", e) for e in errors)
            continue
        complete = event if "eventID" in event else {**event, "eventID": new_event_id()}
        try:
            rec = record(complete, context, keys)
        except ValueError as exc:
            job.errors.append(problems.entry("ValidationException", f"{where}.eventTime: {exc}"))
            continue
        if rec.suspect and (found := unstorable(event, where)):
            job.errors.append(problems.entry("ValidationException", found))
            continue
        key = (rec.event_id, rec.kind)
        if key in seen:
            if seen[key] != rec.content_hash:
                job.errors.append(
                    problems.entry(
                        "ValidationException",
                        f"{where}.eventID: {rec.event_id} appears twice in the document "
                        "with different content",
                    )
                )
            continue
        seen[key] = rec.content_hash
        records.append(rec)
    return records


def capture_document(
    store: HubStore,
    config: HubConfig,
    principal: Principal,
    *,
    body: bytes,
    behaviour: str,
    site: str | None,
    now_us: int,
) -> IngestResult:
    """Capture one EPCIS document; the job says what was stored and what was refused."""
    if behaviour not in BEHAVIOURS:
        raise problems.validation(
            f"GS1-Capture-Error-Behaviour: expected rollback or proceed, found {behaviour!r}"
        )
    target = capture_site(config, principal, site)
    document = parse_json(body)
    errors = document_errors(document)
    if errors:
        raise problems.validation("; ".join(errors))
    events, path = _event_list(document)
    found = unstorable({k: v for k, v in document.items() if k != "epcisBody"}, "$")
    if found:
        raise problems.validation(found)
    if len(events) > config.max_events:
        raise problems.too_large(
            f"the document holds {len(events)} events; the limit is {config.max_events}"
        )
    keys = station_keys(document.get("@context"), config.namespace)
    log = _station_log(document, keys, principal)
    job = CaptureJob(
        capture_id=uuid.uuid4().hex,
        site=target,
        token_id=principal.token_id,
        behaviour="rollback" if log is not None else behaviour,
        created_us=now_us,
        finished_us=now_us,
        event_count=len(events),
    )
    records = _records(
        events,
        path=path,
        context=extra_context(document.get("@context")),
        keys=keys,
        log=log,
        job=job,
    )
    if job.errors and job.behaviour == "rollback":
        job.success = False
        store.record_job(job)
        return IngestResult(job, None, 0)
    return store.ingest(IngestBatch(job, tuple(records), log))


def capture_event(
    store: HubStore,
    config: HubConfig,
    principal: Principal,
    *,
    body: bytes,
    site: str | None,
    now_us: int,
) -> tuple[str, IngestResult]:
    """Capture one event (``POST /events``); its eventID and the result."""
    if principal.kind == "station":
        raise problems.forbidden("a station pushes its events with its stationLog to /capture")
    target = capture_site(config, principal, site)
    event = parse_json(body)
    if not isinstance(event, dict):
        raise problems.validation("$: an EPCIS event is a JSON object")
    if "@context" not in event:
        raise problems.validation("$: '@context' is a required property of a single event")
    errors = event_errors(event, "$")
    keys = station_keys(event.get("@context"), config.namespace)
    errors = errors or _station_errors(event, "$", keys, None)
    errors = errors or ([found] if (found := unstorable(event, "$")) else [])
    if errors:
        raise problems.validation("; ".join(errors))
    if "eventID" not in event:
        event = {**event, "eventID": new_event_id()}
    try:
        rec = record(event, [], keys)
    except ValueError as exc:
        raise problems.validation(f"$.eventTime: {exc}") from None
    job = CaptureJob(
        capture_id=uuid.uuid4().hex,
        site=target,
        token_id=principal.token_id,
        behaviour="rollback",
        created_us=now_us,
        finished_us=now_us,
        event_count=1,
    )
    return rec.event_id, store.ingest(IngestBatch(job, (rec,), None))
