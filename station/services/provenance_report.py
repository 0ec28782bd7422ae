"""Provenance reports for auditors and customs requests (`station report`).

One self-contained document per lot or unit: its genealogy back to the received
inputs, the chain upstream of each input's vendor (as another station's outbound
manifest gave it: the lots that vendor made it from, and theirs), the documents each
input arrived with (bill of lading, purchase orders,
seller, seals), the receiving checks done and their findings, every hold and how it
was resolved, the transformations that made it, and each operator involved with the
state of their training at the time they acted. HTML (inline CSS, every value
escaped) or JSON with the same content.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from station.config import StationConfig
from station.domain.events import Event
from station.domain.operators import Operator
from station.domain.printable import html_text, json_text
from station.ports import Clock
from station.services.provenance_claims import claims_html, claims_section
from station.services.trace import TraceNode, trace
from station.store.eventlog import EventLog
from station.store.subjects import events_about
from station.store.views.lots import SqliteLotView
from station.store.views.receiving import SqliteReceivingView


class ReportSources(Protocol):
    """What a report reads: the log, the lot and receiving views, the roster and the clock."""

    @property
    def config(self) -> StationConfig: ...
    @property
    def log(self) -> EventLog: ...
    @property
    def lots(self) -> SqliteLotView: ...
    @property
    def view(self) -> SqliteReceivingView: ...
    @property
    def clock(self) -> Clock: ...


def build_report(station: ReportSources, lot_id: str) -> dict[str, Any] | None:
    """The report's content, or None when nothing is known by `lot_id`."""
    root = trace(station.lots, station.view, lot_id)
    if root is None:
        return None
    nodes: list[TraceNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if not node.repeated:
            nodes.append(node)
            stack.extend(node.children)
    ids = {n.lot_id for n in nodes}
    operators: dict[str, dict[str, Any]] = {}
    transformations = []
    receiving = []
    shipments = {n.receipt["shipment_id"] for n in nodes if n.receipt}
    for stored in events_about(station.log, ids | shipments):
        event = stored.event
        payload = event.payload
        kind = event.kind.value
        involved = False
        if kind == "lot.transformed" and any(o["lot_id"] in ids for o in payload["outputs"]):
            transformations.append(
                _entry(
                    event,
                    kind=payload["kind"],
                    inputs=payload["inputs"],
                    outputs=payload["outputs"],
                    loss=payload["loss"],
                )
            )
            involved = True
        elif kind in ("unit.received", "unit.marked_damaged") and payload["unit_id"] in ids:
            receiving.append(_receiving_entry(event, payload["unit_id"], ("status",)))
            involved = True
        elif kind.startswith("hold.") and payload["entity_id"] in ids | {
            n.receipt["shipment_id"] for n in nodes if n.receipt
        }:
            decision = ("text", "evidence", "disposition")
            receiving.append(_receiving_entry(event, payload["entity_id"], decision))
            involved = True
        if involved and event.operator_id:
            operators.setdefault(event.operator_id, {"actions": []})["actions"].append(
                event.recorded_at.date()
            )
    roster = {op.id: op for op in station.config.operators}
    people = [
        _operator(op_id, roster.get(op_id), info["actions"], station.config.required_training)
        for op_id, info in sorted(operators.items())
    ]
    documents = {}
    for node in nodes:
        if node.receipt:
            documents[node.receipt["shipment_id"]] = {
                k: node.receipt[k] for k in ("bill_of_lading", "purchase_orders", "seller", "seals")
            }
    summary = station.lots.genealogy().provenance_summary(lot_id)
    return {
        "report": "provenance",
        "lot_id": lot_id,
        "generated_at": station.clock.now().isoformat(),
        "station": station.config.station_id,
        "site": station.config.site,
        "provenance": {
            "determined": not summary.problems,
            "vendors": list(summary.vendors),
            "countries": list(summary.countries),
            "regions": list(summary.regions),
            "first_manufactured": _iso(summary.first_manufactured),
            "last_manufactured": _iso(summary.last_manufactured),
            "problems": [{"code": p.code.value, "message": p.message} for p in summary.problems],
            "upstream_vendors": list(summary.upstream_vendors),
            "upstream": [
                {**entry.as_dict(), "received_as": received} for received, entry in summary.upstream
            ],
        },
        "claims": claims_section(station.lots, lot_id, station.config.claims),
        "genealogy": root.as_dict(),
        "documents": documents,
        "receiving_and_holds": receiving,
        "transformations": transformations,
        "operators": people,
    }


def _entry(source: Event, /, **fields: Any) -> dict[str, Any]:
    """One event of the report: when, what (`fields`), who and where."""
    return {
        "event_id": source.id,
        "at": source.recorded_at.isoformat(),
        **fields,
        "operator": source.operator_id,
        "station": source.station_id,
    }


def _receiving_entry(source: Event, unit_id: str, extra: tuple[str, ...]) -> dict[str, Any]:
    """A receiving check or a hold decision on `unit_id`, with the payload's `extra` keys."""
    payload = source.payload
    return _entry(
        source,
        event=source.kind.value,
        unit_id=unit_id,
        shipment_id=payload.get("shipment_id"),
        **{key: payload.get(key) for key in extra},
        findings=payload.get("findings", []),
    )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _operator(
    op_id: str, operator: Operator | None, dates: list[dt.date], course: str
) -> dict[str, Any]:
    if operator is None:
        return {"id": op_id, "name": None, "note": "not on the current roster"}
    record = operator.training_for(course)
    return {
        "id": op_id,
        "name": operator.name,
        "roles": sorted(r.value for r in operator.roles),
        "training": {
            "course": course,
            "completed": _iso(record.completed) if record else None,
            "expires": _iso(record.expires) if record else None,
            "valid_at_every_action": bool(record) and all(d <= record.expires for d in dates)
            if record
            else False,
        },
        "acted_on": sorted({d.isoformat() for d in dates}),
    }


def render_json(report: dict[str, Any]) -> str:
    """The report as indented JSON."""
    return json_text(report, ascii_only=True, indent=2, default=str)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #bbb;
padding: .2em .5em; text-align: left; vertical-align: top; font-size: .9em; }
ul.tree { list-style: none; padding-left: 1.2em; } .hold { color: #a15c00; } .bad { color: #b00; }
"""


def render_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page; every value through `html_text`."""
    e = html_text
    p = report["provenance"]
    out = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Provenance of {e(report['lot_id'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>Provenance report: {e(report['lot_id'])}</h1>",
        f"<p>Station {e(report['station'])}, {e(report['site'])}. Generated "
        f"{e(report['generated_at'])}.</p>",
        "<h2>Summary</h2><table>",
        f"<tr><th>Provenance determined</th><td>{'yes' if p['determined'] else 'NO'}</td></tr>",
        f"<tr><th>Vendors</th><td>{e(', '.join(p['vendors']))}</td></tr>",
        f"<tr><th>Upstream vendors</th><td>{e(', '.join(p['upstream_vendors']))}</td></tr>",
        f"<tr><th>Countries</th><td>{e(', '.join(p['countries']))}</td></tr>",
        f"<tr><th>Regions</th><td>{e(', '.join(p['regions']))}</td></tr>",
        f"<tr><th>Manufactured</th><td>{e(str(p['first_manufactured']))} to "
        f"{e(str(p['last_manufactured']))}</td></tr></table>",
    ]
    for problem in p["problems"]:
        out.append(f"<p class='bad'>{e(problem['code'])}: {e(problem['message'])}</p>")
    out.append("<h2>Genealogy</h2>")
    out.append(_tree(report["genealogy"]))
    if p["upstream"]:
        out.append(_upstream(p["upstream"]))
    if report.get("claims"):
        out.append(claims_html(report["claims"]))
    out.append(
        "<h2>Documents</h2><table><tr><th>Shipment</th><th>Bill of lading</th>"
        "<th>Purchase orders</th><th>Seller</th><th>Seals</th></tr>"
    )
    for shipment, doc in report["documents"].items():
        seals = ", ".join(f"{s['seal']} ({s['status']})" for s in doc["seals"])
        out.append(
            f"<tr><td>{e(shipment)}</td><td>{e(str(doc['bill_of_lading']))}</td>"
            f"<td>{e(', '.join(doc['purchase_orders']))}</td><td>{e(str(doc['seller']))}</td>"
            f"<td>{e(seals)}</td></tr>"
        )
    out.append(
        "</table><h2>Receiving checks, holds and resolutions</h2><table>"
        "<tr><th>When</th><th>What</th><th>Unit</th><th>By</th><th>Findings / decision</th></tr>"
    )
    for row in report["receiving_and_holds"]:
        detail = "; ".join(f"{f['code']}: {f['message']}" for f in row.get("findings", []))
        if row.get("text"):
            detail = f"{row['text']} (evidence: {row.get('evidence') or '-'}) - {detail}"
        status = str(row.get("status") or "")
        out.append(
            f"<tr><td>{e(row['at'][:19])}</td><td>{e(row['event'])} {e(status)}"
            f"</td><td>{e(row['unit_id'])}</td><td>{e(str(row['operator']))}</td>"
            f"<td>{e(detail or 'no findings')}</td></tr>"
        )
    out.append(
        "</table><h2>Transformations</h2><table><tr><th>When</th><th>Kind</th>"
        "<th>Inputs</th><th>Outputs</th><th>Loss</th><th>By</th></tr>"
    )
    for t in report["transformations"]:
        ins = ", ".join(f"{i['lot_id']} ({i['quantity']})" for i in t["inputs"])
        outs = ", ".join(f"{o['lot_id']} ({o['quantity']})" for o in t["outputs"])
        out.append(
            f"<tr><td>{e(t['at'][:19])}</td><td>{e(t['kind'])}</td><td>{e(ins)}</td>"
            f"<td>{e(outs)}</td><td>{e(t['loss'])}</td><td>{e(str(t['operator']))}</td></tr>"
        )
    out.append(
        "</table><h2>Operators</h2><table><tr><th>Id</th><th>Name</th><th>Roles</th>"
        "<th>Training</th><th>Valid at every action</th></tr>"
    )
    for op in report["operators"]:
        training = op.get("training") or {}
        out.append(
            f"<tr><td>{e(op['id'])}</td><td>{e(str(op.get('name')))}</td>"
            f"<td>{e(', '.join(op.get('roles', [])))}</td>"
            f"<td>{e(str(training.get('course')))} until {e(str(training.get('expires')))}</td>"
            f"<td>{'yes' if training.get('valid_at_every_action') else 'NO'}</td></tr>"
        )
    out.append("</table></body></html>")
    return "\n".join(out)


def _upstream(entries: list[dict[str, Any]]) -> str:
    """The lots upstream of the vendors, one row each, as the vendors' manifests gave them."""
    e = html_text
    rows = [
        "<h2>Upstream of the vendors</h2><table><tr><th>Received here as</th><th>Lot</th>"
        "<th>Vendor's lot</th><th>Vendor</th><th>Made in</th><th>Made on</th>"
        "<th>Shipment</th><th>Reached the vendor inside</th></tr>"
    ]
    for entry in entries:
        place = entry.get("place_of_manufacture") or {}
        where = ", ".join(str(place[k]) for k in ("city", "region", "country") if place.get(k))
        cells = (
            entry["received_as"],
            entry["lot_id"],
            entry.get("lot"),
            entry.get("vendor"),
            where,
            entry.get("date_of_manufacture"),
            entry.get("shipment_id"),
            entry.get("via") or "-",
        )
        rows.append("<tr>" + "".join(f"<td>{e(str(c or ''))}</td>" for c in cells) + "</tr>")
    rows.append("</table>")
    return "".join(rows)


def _tree(node: dict[str, Any]) -> str:
    e = html_text
    label = (
        f"{e(node['lot_id'])} [{e(node['kind'])}, {e(node['status'])}] {e(node['quantity'])} "
        f"{e(node['uom'])}"
    )
    if node.get("origin"):
        origin = node["origin"]
        place = origin.get("place_of_manufacture") or {}
        where = ", ".join(str(place[k]) for k in ("city", "region", "country") if place.get(k))
        label += (
            f" - made by {e(str(origin.get('vendor')))} in {e(where)} on "
            f"{e(str(origin.get('date_of_manufacture')))}"
        )
    css = " class='hold'" if node["status"] in ("quarantined", "rejected") else ""
    children = "".join(_tree(child) for child in node.get("links", []))
    inner = f"<ul class='tree'>{children}</ul>" if children else ""
    return f"<ul class='tree'><li{css}>{label}{inner}</li></ul>"
