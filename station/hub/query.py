"""Queries: ``GET /events`` with the binding's parameters, pages by keyset, and one event by id.

Parameters take the binding's pipe-delimited lists (``EQ_bizStep=receiving|shipping``);
a list is OR, different parameters AND. ``EQ_stationId`` (a hub extension) selects the
events a station pushed. Pages follow (record time, row id) from the last event shown;
``nextPageToken`` carries that position and a digest of the filters, so it cannot be
reused with other filters. Captures are serialised and get strictly increasing record
times, so an event committed while a client pages through always lands after its cursor.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from station.hub import problems
from station.hub.auth import Principal
from station.hub.config import HubConfig
from station.hub.events import bare_cbv, format_time_us, parse_time_us
from station.hub.storage import EventQuery, HubStore, StoredEvent

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

LIST_PARAMS = {
    "eventType": "event_types",
    "EQ_bizStep": "biz_steps",
    "EQ_disposition": "dispositions",
    "EQ_readPoint": "read_points",
    "EQ_bizLocation": "biz_locations",
    "EQ_stationId": "station_ids",
    "MATCH_epc": "epcs",
    "MATCH_anyEPC": "any_epcs",
    "MATCH_epcClass": "epc_classes",
    "MATCH_anyEPCClass": "any_epc_classes",
    "EQ_eventID": "event_ids",
}
TIME_PARAMS = {
    "GE_eventTime": "ge_event_time",
    "LT_eventTime": "lt_event_time",
    "GE_recordTime": "ge_record_time",
    "LT_recordTime": "lt_record_time",
}
PAGE_PARAMS = ("perPage", "nextPageToken")


def _values(name: str, raw: Sequence[str]) -> tuple[str, ...]:
    values: list[str] = []
    for text in raw:
        for item in text.split("|"):
            if not item or len(item) > 2000:
                raise problems.query_parameter(f"{name}: expected a |-separated list of values")
            values.append(bare_cbv(name.removeprefix("EQ_"), item))
    return tuple(dict.fromkeys(values))


def _time(name: str, raw: Sequence[str]) -> int:
    if len(raw) != 1:
        raise problems.query_parameter(f"{name}: give it once")
    try:
        return parse_time_us(raw[0])
    except ValueError:
        raise problems.query_parameter(
            f"{name}: expected a date-time with an offset, found {raw[0]!r}"
        ) from None


def _digest(params: list[tuple[str, str]]) -> str:
    kept = sorted((k, v) for k, v in params if k not in PAGE_PARAMS)
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:16]


def _per_page(config: HubConfig, raw: Sequence[str]) -> int:
    if not raw:
        return config.per_page
    text = raw[-1]
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= config.max_per_page:
        raise problems.query_parameter(
            f"perPage: expected a whole number from 1 to {config.max_per_page}"
        )
    return int(text)


def _decode_token(text: str, digest: str) -> tuple[int, int]:
    try:
        record_time, row, bound = json.loads(base64.urlsafe_b64decode(text.encode() + b"=="))
        if bound != digest or not isinstance(record_time, int) or not isinstance(row, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise problems.query_parameter(
            "nextPageToken: not a token this hub gave for these query parameters"
        ) from None
    return record_time, row


def _encode_token(event: StoredEvent, digest: str) -> str:
    raw = json.dumps([event.record_time_us, event.id, digest]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse(
    config: HubConfig, principal: Principal, params: list[tuple[str, str]]
) -> tuple[EventQuery, str]:
    """The checked query of a request's parameters and its filter digest."""
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    fields: dict[str, Any] = {}
    for name, raw in grouped.items():
        if name in LIST_PARAMS:
            fields[LIST_PARAMS[name]] = _values(name, raw)
        elif name in TIME_PARAMS:
            fields[TIME_PARAMS[name]] = _time(name, raw)
        elif name not in PAGE_PARAMS:
            raise problems.query_parameter(f"{name}: not a query parameter this hub knows")
    digest = _digest(params)
    query = EventQuery(
        sites=principal.sites, limit=_per_page(config, grouped.get("perPage", [])), **fields
    )
    token = grouped.get("nextPageToken")
    if token:
        query = replace(query, after=_decode_token(token[-1], digest))
    return query, digest


def page(
    store: HubStore, query: EventQuery, digest: str, params: list[tuple[str, str]]
) -> tuple[list[StoredEvent], str | None]:
    """One page of events and the link to the next page (None on the last)."""
    found = store.query_events(replace(query, limit=query.limit + 1))
    if len(found) <= query.limit:
        return found, None
    shown = found[: query.limit]
    kept = [(k, v) for k, v in params if k != "nextPageToken"]
    kept.append(("nextPageToken", _encode_token(shown[-1], digest)))
    return shown, f"/events?{urlencode(kept)}"


def document(events: Sequence[StoredEvent], now: dt.datetime) -> dict[str, Any]:
    """The EPCISQueryDocument holding `events`, each with the record time the hub gave it."""
    listed = [
        {**event.body, "recordTime": format_time_us(event.record_time_us)} for event in events
    ]
    return {
        "@context": [CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": listed},
            }
        },
    }
