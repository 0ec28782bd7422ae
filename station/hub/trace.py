"""Trace across stations: back (where from) and forward (where to) from one identifier.

The walk runs over the stored EPCIS events of the site, hop by hop, one query per hop
(`HubStore.events_naming`, from the EPC index). What links one identifier to the next:

- a TransformationEvent: its outputs were made from its inputs (back: output -> inputs;
  forward: input -> outputs), instances and classes (lots in quantity lists) alike;
- an AggregationEvent (ADD or OBSERVE): the parent holds the children. Back, a parent
  leads to what it held and a child to the unit it arrived in; forward, a child leads to
  the unit it was packed into and a parent to its contents. A unit reached as "arrived
  in" (back) or "packed into" (forward) is not expanded to its other children: those
  are siblings, neither ancestors nor descendants;
- every other event (receiving, inspecting, holding, shipping) is shown on the
  identifiers it names but links nothing.

The result names every station whose events it used. It stops at `MAX_NODES`
identifiers and says so (``truncated``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from station.hub.storage import NamedEvent

MAX_NODES = 500
MAX_HOPS = 64
BACK, FORWARD = "back", "forward"
ARRIVED_IN, PACKED_INTO = "arrived in", "packed into"


@dataclass
class Trace:
    """The identifiers reached, the links between them and the events on the way."""

    start: str
    direction: str
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, str]] = field(default_factory=list)
    events: dict[str, NamedEvent] = field(default_factory=dict)
    truncated: bool = False

    def as_json(self) -> dict[str, Any]:
        """The trace as the ``GET /trace`` JSON answer."""
        events = sorted(self.events.values(), key=lambda e: (e.event_time_us, e.row))
        return {
            "epc": self.start,
            "direction": self.direction,
            "found": bool(self.events),
            "truncated": self.truncated,
            "stations": sorted({e.station_id for e in events if e.station_id}),
            "nodes": list(self.nodes.values()),
            "edges": self.edges,
            "events": [_summary(e) for e in events],
        }


def _classes(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [
        q["epcClass"] for q in items if isinstance(q, dict) and isinstance(q.get("epcClass"), str)
    ]


def _strings(items: Any) -> list[str]:
    return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []


def _links(
    body: dict[str, Any], epc: str, role: str, direction: str, via: str | None
) -> list[tuple[str, str]]:
    """(identifier, relation) pairs `body` links `epc` (named as `role`) to."""
    kind = body.get("type")
    if kind == "TransformationEvent":
        inputs = _strings(body.get("inputEPCList")) + _classes(body.get("inputQuantityList"))
        outputs = _strings(body.get("outputEPCList")) + _classes(body.get("outputQuantityList"))
        if direction == BACK and role in ("output", "outputClass"):
            return [(i, "made from") for i in inputs]
        if direction == FORWARD and role in ("input", "inputClass"):
            return [(o, "made into") for o in outputs]
        return []
    if kind != "AggregationEvent" or body.get("action") not in ("ADD", "OBSERVE"):
        return []
    parent = body.get("parentID")
    children = _strings(body.get("childEPCs")) + _classes(body.get("childQuantityList"))
    if role == "parent":
        blocked = ARRIVED_IN if direction == BACK else PACKED_INTO
        name = "held" if direction == BACK else "contents"
        return [] if via == blocked else [(c, name) for c in children]
    if role in ("child", "childClass") and isinstance(parent, str):
        return [(parent, ARRIVED_IN if direction == BACK else PACKED_INTO)]
    return []


def walk(
    fetch: Callable[[Sequence[str], int], Sequence[NamedEvent]],
    start: str,
    direction: str,
    max_nodes: int = MAX_NODES,
    hop_rows: int = 2000,
) -> Trace:
    """The trace of `start`; `fetch(epcs, limit)` gives up to `limit` stored events naming
    any of `epcs`. A hop that fills `hop_rows` may miss events: the trace says truncated."""
    trace = Trace(start, direction)
    trace.nodes[start] = {"id": start, "depth": 0, "via": None, "events": []}
    frontier = [start]
    seen_edges: set[tuple[str, str, str]] = set()
    for depth in range(1, MAX_HOPS + 1):
        if not frontier:
            break
        following: list[str] = []
        found = fetch(frontier, hop_rows)
        trace.truncated = trace.truncated or len(found) >= hop_rows
        for named in found:
            node = trace.nodes.get(named.epc)
            if node is None:
                continue
            trace.events.setdefault(named.event_id, named)
            if named.event_id not in node["events"]:
                node["events"].append(named.event_id)
            if named.is_error_declaration:
                continue
            for target, relation in _links(
                named.body, named.epc, named.role, direction, node["via"]
            ):
                key = (named.epc, target, named.event_id)
                if key in seen_edges:
                    continue
                seen_edges.add(key)
                trace.edges.append(
                    {
                        "from": named.epc,
                        "to": target,
                        "relation": relation,
                        "eventID": named.event_id,
                    }
                )
                if target not in trace.nodes:
                    if len(trace.nodes) >= max_nodes:
                        trace.truncated = True
                        continue
                    trace.nodes[target] = {
                        "id": target,
                        "depth": depth,
                        "via": relation,
                        "events": [],
                    }
                    following.append(target)
        frontier = following
    else:
        trace.truncated = trace.truncated or bool(frontier)
    return trace


def _place(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return (
        str(value["id"]) if isinstance(value, dict) and isinstance(value.get("id"), str) else None
    )


def _summary(named: NamedEvent) -> dict[str, Any]:
    body = named.body
    names = (
        _strings(body.get("epcList")) + _classes(body.get("quantityList"))
        + ([body["parentID"]] if isinstance(body.get("parentID"), str) else [])
        + _strings(body.get("childEPCs")) + _classes(body.get("childQuantityList"))
        + _strings(body.get("inputEPCList")) + _classes(body.get("inputQuantityList"))
        + _strings(body.get("outputEPCList")) + _classes(body.get("outputQuantityList"))
    )  # fmt: skip
    documents = [
        {"type": t.get("type"), "bizTransaction": t.get("bizTransaction")}
        for t in body.get("bizTransactionList") or []
        if isinstance(t, dict)
    ]
    return {
        "eventID": named.event_id,
        "type": body.get("type"),
        "eventTime": body.get("eventTime"),
        "action": body.get("action"),
        "bizStep": body.get("bizStep"),
        "disposition": body.get("disposition"),
        "stationId": named.station_id,
        "readPoint": _place(body, "readPoint"),
        "bizLocation": _place(body, "bizLocation"),
        "identifiers": list(dict.fromkeys(names)),
        "documents": documents,
        "errorDeclaration": named.is_error_declaration,
        "event": body,
    }
