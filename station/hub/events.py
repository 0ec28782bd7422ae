"""One captured EPCIS event as the hub stores it: its body, identity and query keys.

The body is the event as sent (without any ``recordTime``: the hub sets that) plus the
document's own ``@context`` entries, so its prefixed extension fields still resolve when
it is read back alone. The content hash is SHA-256 of the body's canonical JSON: the
same eventID with the same hash is the same event sent again; with another hash it is
a conflict. CBV values are kept as sent but indexed by their bare name, so
``EQ_bizStep=receiving`` finds ``urn:epcglobal:cbv:bizstep:receiving`` too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

STANDARD_CONTEXTS = frozenset(
    {
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        "https://gs1.github.io/EPCIS/epcis-context.jsonld",
    }
)
"""Context URLs the hub's own query documents already carry."""

_CBV_PREFIXES = {
    "bizStep": ("https://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:"),
    "disposition": ("https://ref.gs1.org/cbv/Disp-", "urn:epcglobal:cbv:disp:"),
}

# Which EPC list each MATCH_ parameter looks in: MATCH_epc the event's own EPCs and
# children, MATCH_anyEPC every EPC the event names (EPCIS 2.0 section 8.2.7.1).
EPC_FIELDS = {
    "epcList": "epc",
    "childEPCs": "child",
    "inputEPCList": "input",
    "outputEPCList": "output",
}
CLASS_FIELDS = {
    "quantityList": "epcClass",
    "childQuantityList": "childClass",
    "inputQuantityList": "inputClass",
    "outputQuantityList": "outputClass",
}
"""Quantity lists name classes of goods (lots): indexed too, for the trace and resolver."""
EPC_ROLES_MATCH = ("epc", "child")
EPC_ROLES_ANY = ("epc", "child", "input", "output", "parent")
CLASS_ROLES_MATCH = ("epcClass", "childClass")
CLASS_ROLES_ANY = ("epcClass", "childClass", "inputClass", "outputClass")

EVENT = "event"
ERROR_DECLARATION = "errorDeclaration"


@dataclass(frozen=True)
class StationKeys:
    """The member names of the station's extension fields in one document."""

    station_id: str
    seq: str
    station_log: str


@dataclass(frozen=True)
class EventRecord:
    """A validated event ready to store."""

    event_id: str
    kind: str
    event_type: str
    event_time_us: int
    biz_step: str | None
    disposition: str | None
    read_point: str | None
    biz_location: str | None
    station_id: str | None
    station_seq: int | None
    content_hash: str
    body: str
    epcs: tuple[tuple[str, str], ...]
    suspect: bool = False
    """The body may hold text no backend stores: `unstorable` says where (and whether)."""


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_time_us(text: str) -> int:
    """An ISO 8601 date-time with an offset as microseconds since the epoch.

    Raises ValueError for text without an offset or that is not a date-time.
    """
    moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone offset")
    delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def format_time_us(micros: int) -> str:
    """Microseconds since the epoch as an RFC 3339 UTC time."""
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def bare_cbv(field: str, value: str) -> str:
    """A CBV value by its bare name whatever form it was sent in."""
    for prefix in _CBV_PREFIXES.get(field, ()):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def extra_context(context: Any) -> list[Any]:
    """The entries of a document's ``@context`` beyond the standard EPCIS context."""
    entries = context if isinstance(context, list) else [context]
    return [
        entry
        for entry in entries
        if entry is not None and not (isinstance(entry, str) and entry in STANDARD_CONTEXTS)
    ]


def _unstorable_text(text: str) -> str | None:
    if "\x00" in text:
        return "holds U+0000, which the hub cannot store"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "holds an unpaired surrogate (not Unicode text)"
    return None


def unstorable(value: Any, path: str) -> str | None:
    """Where `value` holds text no backend can store (U+0000, unpaired surrogates), or None."""
    text = json.dumps(value, ensure_ascii=False)
    if "\\u0000" not in text and (text.isascii() or _unstorable_text(text) is None):
        return None  # the common case, at C speed; the walk below finds where
    return _where_unstorable(value, path)


def _where_unstorable(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        problem = _unstorable_text(value)
        return f"{path}: {problem}" if problem else None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _where_unstorable(item, f"{path}[{i}]")
            if found:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _unstorable_text(key)
            if problem:
                return f"{path}: a member name {problem}"
            found = _where_unstorable(item, f"{path}.{key}")
            if found:
                return found
    return None


def new_event_id() -> str:
    """An eventID for an event sent without one (the binding asks the server to add one)."""
    return f"urn:uuid:{uuid.uuid4()}"


def _location(event: dict[str, Any], field: str) -> str | None:
    value = event.get(field)
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _epcs(event: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for field, role in EPC_FIELDS.items():
        values = event.get(field)
        if isinstance(values, list):
            found.extend((role, item) for item in values if isinstance(item, str))
    parent = event.get("parentID")
    if isinstance(parent, str):
        found.append(("parent", parent))
    for field, role in CLASS_FIELDS.items():
        values = event.get(field)
        if isinstance(values, list):
            found.extend(
                (role, item["epcClass"])
                for item in values
                if isinstance(item, dict) and isinstance(item.get("epcClass"), str)
            )
    return tuple(dict.fromkeys(found))


def record(event: dict[str, Any], context: list[Any], keys: StationKeys | None) -> EventRecord:
    """The stored form of one schema-valid event (its eventID filled in by the caller)."""
    body = {k: v for k, v in event.items() if k != "recordTime"}
    if context and "@context" not in body:
        body["@context"] = context
    text = canonical(body)
    # The walk of `unstorable` costs more than the rest of a capture; canonical JSON
    # shows U+0000 as an escape and keeps a lone surrogate, which UTF-8 refuses.
    suspect = "\\u0000" in text
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        encoded, suspect = text.encode("utf-8", "surrogatepass"), True
    station_id = event.get(keys.station_id) if keys else None
    seq = event.get(keys.seq) if keys else None
    biz_step = event.get("bizStep")
    disposition = event.get("disposition")
    return EventRecord(
        event_id=str(event["eventID"]),
        kind=ERROR_DECLARATION if "errorDeclaration" in event else EVENT,
        event_type=str(event.get("type")),
        event_time_us=parse_time_us(str(event["eventTime"])),
        biz_step=bare_cbv("bizStep", biz_step) if isinstance(biz_step, str) else None,
        disposition=(
            bare_cbv("disposition", disposition) if isinstance(disposition, str) else None
        ),
        read_point=_location(event, "readPoint"),
        biz_location=_location(event, "bizLocation"),
        station_id=station_id if isinstance(station_id, str) else None,
        station_seq=seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
        content_hash=hashlib.sha256(encoded).hexdigest(),
        body=text,
        epcs=_epcs(event),
        suspect=suspect,
    )
