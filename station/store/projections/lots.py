"""Lots and genealogy: received units and lots made here, and the links between them.

A received unit becomes a lot node (its content lines become parent nodes of their
own when a pallet carries several lots, so each keeps its vendor, place and date of
manufacture). A transformation adds its outputs and links each to every input with
the quantity taken. Lot status follows the unit's receiving status and holds, so
held material is never available: a hold on a whole shipment quarantines every lot
received in it until the hold is lifted. Only a completed release marks a lot
shipped (`station.store.projections.release`); nothing here changes a shipped lot.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from station.domain.events import EventKind, StoredEvent
from station.domain.lots.lot_state import LotStatus
from station.ports import UnitStatus

_STATUS_OF_UNIT = {
    UnitStatus.ACCEPTED.value: LotStatus.AVAILABLE.value,
    UnitStatus.QUARANTINED.value: LotStatus.QUARANTINED.value,
    UnitStatus.REJECTED.value: LotStatus.REJECTED.value,
}


def line_node(unit_id: str, index: int) -> str:
    """Node id of the `index`-th (1-based) content line of a multi-lot unit."""
    return f"{unit_id}~{index}"


class LotProjector:
    """Keeps the lots, links and counters tables in step with the event log."""

    def apply(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        """Update lot projections for one event (inside the append transaction)."""
        event = stored.event
        match event.kind:
            case EventKind.UNIT_RECEIVED:
                self._received(conn, stored)
            case EventKind.UNIT_MARKED_DAMAGED:
                _set_status(conn, event.payload["unit_id"], LotStatus.QUARANTINED.value)
            case EventKind.SHIPMENT_HELD:
                conn.execute(
                    "UPDATE lots SET status = ? WHERE status = ? AND kind = 'received'"
                    " AND shipment_id = ?",
                    (
                        LotStatus.QUARANTINED.value,
                        LotStatus.AVAILABLE.value,
                        event.payload["shipment_id"],
                    ),
                )
            case EventKind.ACTION_UNDONE if event.payload["undone_kind"] == "unit.received":
                _delete_received(conn, event.payload["subject"])
            case EventKind.HOLD_RELEASED | EventKind.HOLD_REJECTED:
                self._decided(conn, stored)
            case EventKind.LOT_TRANSFORMED:
                self._transformed(conn, stored)
            case _:
                pass

    def _received(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        payload = stored.event.payload
        unit_id = payload["unit_id"]
        lines: list[dict[str, Any]] = list(payload.get("contents", []))
        row = conn.execute(
            "SELECT bill_of_lading FROM shipments WHERE shipment_id = ?", (payload["shipment_id"],)
        ).fetchone()
        bol = row[0] if row else None
        status = _STATUS_OF_UNIT.get(payload["status"], LotStatus.QUARANTINED.value)
        uom = lines[0].get("uom") or "EA" if lines else "EA"
        total = sum(
            (
                Decimal(str(line["quantity"]))
                for line in lines
                if line.get("quantity") is not None and (line.get("uom") or "EA") == uom
            ),
            Decimal(0),
        )
        gtins = {line.get("gtin") for line in lines}
        products = {line.get("product") for line in lines}
        common = _Common(stored, payload["shipment_id"], bol)
        origins = [_origin(line, payload["shipment_id"], bol) for line in lines]
        for claim in payload.get("claims", ()):
            # What receiving verified each line counts as travels with its lot.
            if 1 <= int(claim.get("line", 0)) <= len(origins):
                origins[int(claim["line"]) - 1]["claim"] = claim
        if len(lines) <= 1:
            common.insert(
                conn,
                unit_id,
                "received",
                lines[0] if lines else {},
                quantity=total,
                uom=uom,
                status=status,
                origin=origins[0] if origins else None,
                sscc=unit_id if unit_id.isdigit() else None,
            )
            return
        common.insert(
            conn,
            unit_id,
            "received",
            {
                "gtin": gtins.pop() if len(gtins) == 1 else None,
                "product": products.pop() if len(products) == 1 else None,
            },
            quantity=total,
            uom=uom,
            status=status,
            origin=None,
            sscc=unit_id if unit_id.isdigit() else None,
        )
        for index, (line, origin) in enumerate(zip(lines, origins, strict=True), start=1):
            node = line_node(unit_id, index)
            quantity = (
                Decimal(str(line["quantity"])) if line.get("quantity") is not None else Decimal(0)
            )
            common.insert(
                conn,
                node,
                "received-line",
                line,
                quantity=quantity,
                uom=line.get("uom") or "EA",
                status=LotStatus.CONSUMED.value,
                origin=origin,
            )
            conn.execute(
                "INSERT OR REPLACE INTO lot_links (child, parent, quantity, event_id)"
                " VALUES (?, ?, ?, ?)",
                (unit_id, node, str(quantity), stored.event.id),
            )

    def _decided(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        payload = stored.event.payload
        released = stored.event.kind is EventKind.HOLD_RELEASED
        status = LotStatus.AVAILABLE.value if released else LotStatus.REJECTED.value
        ids = list(payload.get("cascade", []))
        if payload["entity_kind"] == "unit":
            ids.append(payload["entity_id"])
        elif not released:
            ids.extend(
                r[0]
                for r in conn.execute(
                    "SELECT unit_id FROM units WHERE shipment_id = ?", (payload["entity_id"],)
                )
            )
        else:
            # A lifted shipment hold frees its accepted units (those without holds of their own).
            ids.extend(
                r[0]
                for r in conn.execute(
                    "SELECT unit_id FROM units WHERE shipment_id = ? AND status = 'accepted'",
                    (payload["entity_id"],),
                )
            )
        for unit_id in ids:
            if released and _still_held(conn, unit_id):
                continue
            _set_status(conn, unit_id, status)

    def _transformed(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        event = stored.event
        payload = event.payload
        for taken in payload["inputs"]:
            row = conn.execute(
                "SELECT consumed, quantity FROM lots WHERE lot_id = ?", (taken["lot_id"],)
            ).fetchone()
            consumed = Decimal(row[0]) + Decimal(taken["quantity"])
            status = LotStatus.CONSUMED.value if consumed >= Decimal(row[1]) else None
            conn.execute(
                "UPDATE lots SET consumed = ?, status = coalesce(?, status) WHERE lot_id = ?",
                (str(consumed), status, taken["lot_id"]),
            )
        common = _Common(stored, None, None)
        for output in payload["outputs"]:
            common.insert(
                conn,
                output["lot_id"],
                "produced",
                {"gtin": payload.get("gtin"), "product": payload.get("product")},
                quantity=Decimal(output["quantity"]),
                uom=payload["uom"],
                status=LotStatus.AVAILABLE.value,
                # A made lot's claim is its inputs' lowest (station.workflows.lot_claims):
                # only received lots have an origin, which is what makes them received.
                origin=None,
                sscc=output.get("sscc"),
                site=payload.get("site"),
            )
            for taken in payload["inputs"]:
                conn.execute(
                    "INSERT INTO lot_links (child, parent, quantity, event_id) VALUES (?, ?, ?, ?)",
                    (output["lot_id"], taken["lot_id"], taken["quantity"], event.id),
                )
        for name, value in payload.get("counters", {}).items():
            conn.execute(
                "INSERT INTO counters (name, next) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET next = max(next, excluded.next)",
                (name, int(value)),
            )


class _Common:
    """Columns every lot row of one event shares."""

    def __init__(self, stored: StoredEvent, shipment_id: str | None, bol: str | None) -> None:
        self.stored = stored
        self.shipment_id = shipment_id
        self.bol = bol

    def insert(
        self,
        conn: sqlite3.Connection,
        lot_id: str,
        kind: str,
        line: Mapping[str, Any],
        *,
        quantity: Decimal,
        uom: str,
        status: str,
        origin: Mapping[str, Any] | None,
        sscc: str | None = None,
        site: str | None = None,
    ) -> None:
        event = self.stored.event
        conn.execute(
            "INSERT OR REPLACE INTO lots (lot_id, kind, gtin, product, quantity, consumed, uom,"
            " status, sscc, shipment_id, origin, made_at, made_by, site, station_id, event_id)"
            " VALUES (?, ?, ?, ?, ?, '0', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                lot_id,
                kind,
                line.get("gtin"),
                line.get("product"),
                str(quantity),
                uom,
                status,
                sscc,
                self.shipment_id,
                json.dumps(origin) if origin else None,
                event.recorded_at.isoformat(),
                event.operator_id,
                site,
                event.station_id,
                event.id,
            ),
        )


def _origin(line: Mapping[str, Any], shipment_id: str, bol: str | None) -> dict[str, Any]:
    return {
        "vendor": line.get("vendor"),
        "place_of_manufacture": line.get("place_of_manufacture"),
        "date_of_manufacture": line.get("date_of_manufacture"),
        "lot": line.get("lot"),
        "serial": line.get("serial"),
        "gtin": line.get("gtin"),
        "eudr": (line.get("origin") or {}).get("eudr"),
        "shipment_id": shipment_id,
        "bill_of_lading": bol,
        # The chain upstream of the shipping site, as its outbound manifest gave it.
        "provenance": list(line.get("provenance") or []),
    }


def _set_status(conn: sqlite3.Connection, lot_id: str, status: str) -> None:
    conn.execute(
        "UPDATE lots SET status = ? WHERE lot_id = ? AND status NOT IN (?, ?)",
        (status, lot_id, LotStatus.CONSUMED.value, LotStatus.SHIPPED.value),
    )


def _still_held(conn: sqlite3.Connection, lot_id: str) -> bool:
    """Whether a hold remains on the lot's unit or on the shipment it came in."""
    row = conn.execute(
        "SELECT 1 FROM lots l JOIN holds h ON (h.entity_kind = 'unit' AND h.entity_id = l.lot_id)"
        " OR (h.entity_kind = 'shipment' AND h.entity_id = l.shipment_id) WHERE l.lot_id = ?",
        (lot_id,),
    ).fetchone()
    return row is not None


def _delete_received(conn: sqlite3.Connection, unit_id: str) -> None:
    children = [
        r[0] for r in conn.execute("SELECT parent FROM lot_links WHERE child = ?", (unit_id,))
    ]
    conn.execute("DELETE FROM lot_links WHERE child = ?", (unit_id,))
    conn.execute("DELETE FROM lots WHERE lot_id = ?", (unit_id,))
    for node in children:
        conn.execute("DELETE FROM lots WHERE lot_id = ? AND kind = 'received-line'", (node,))
