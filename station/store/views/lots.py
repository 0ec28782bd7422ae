"""Read-only queries over lots and their genealogy, for transformations and traces."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from station.domain.lots.lot_state import LotState
from station.domain.lots.provenance import Genealogy, Origin
from station.domain.manifest.model import Place, UpstreamLot
from station.store.rows import Row, columns, many, one, record


@dataclass(frozen=True, slots=True)
class LotRecord:
    """A lot (received unit, one of its content lines, or a lot made here)."""

    lot_id: str
    kind: str
    """``received``, ``received-line`` or ``produced``."""
    gtin: str | None
    product: str | None
    quantity: Decimal
    consumed: Decimal
    uom: str
    status: str
    sscc: str | None
    shipment_id: str | None
    origin: dict[str, Any] | None
    made_at: str
    made_by: str | None
    site: str | None
    station_id: str
    event_id: str

    def state(self) -> LotState:
        """What a transformation plan needs to know of this lot."""
        return LotState(
            self.lot_id,
            self.gtin,
            self.product,
            self.quantity,
            self.uom,
            self.consumed,
            self.status,
        )


_FIELDS = (
    "lot_id",
    "kind",
    "gtin",
    "product",
    "quantity",
    "consumed",
    "uom",
    "status",
    "sscc",
    "shipment_id",
    "origin",
    "made_at",
    "made_by",
    "site",
    "station_id",
    "event_id",
)
_LOTS = f"SELECT {columns(_FIELDS)} FROM lots"


class SqliteLotView:
    """Lots, links and counters as the workflows and screens read them."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def lot(self, lot_id: str) -> LotRecord | None:
        """One lot by id."""
        return one(self._conn, f"{_LOTS} WHERE lot_id = ?", (lot_id,), _record)

    def lots(self, *, status: str | None = None, limit: int = 500) -> list[LotRecord]:
        """Lots, newest first, optionally of one status."""
        sql = f"{_LOTS} WHERE kind != 'received-line'"
        params: list[object] = []
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        sql += " ORDER BY made_at DESC, lot_id LIMIT ?"
        params.append(limit)
        return many(self._conn, sql, params, _record)

    def parents(self, lot_id: str) -> list[str]:
        """Direct parents of a lot."""
        rows = self._conn.execute(
            "SELECT parent FROM lot_links WHERE child = ? ORDER BY parent", (lot_id,)
        )
        return [r[0] for r in rows]

    def children(self, lot_id: str) -> list[str]:
        """Direct children of a lot."""
        rows = self._conn.execute(
            "SELECT child FROM lot_links WHERE parent = ? ORDER BY child", (lot_id,)
        )
        return [r[0] for r in rows]

    def links(self, lot_id: str) -> list[tuple[str, Decimal | None]]:
        """Parents with the quantity taken from each."""
        rows = self._conn.execute(
            "SELECT parent, quantity FROM lot_links WHERE child = ? ORDER BY parent", (lot_id,)
        )
        return [(r[0], Decimal(r[1]) if r[1] is not None else None) for r in rows]

    def origin(self, lot_id: str) -> Origin | None:
        """The moving data of a received lot (a genealogy leaf), else None."""
        return one(
            self._conn,
            "SELECT origin FROM lots WHERE lot_id = ? AND origin IS NOT NULL",
            (lot_id,),
            lambda row: origin_from_json(lot_id, json.loads(row[0])),
        )

    def lot_origin(self, lot_id: str) -> dict[str, Any] | None:
        """A received lot's origin as stored (moving data, claim, EUDR data)."""
        row = self._conn.execute("SELECT origin FROM lots WHERE lot_id = ?", (lot_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def claim_of(self, lot_id: str) -> dict[str, Any] | None:
        """The claim a lot carries (a received line's verified claim, or a made lot's)."""
        row = self._conn.execute("SELECT origin FROM lots WHERE lot_id = ?", (lot_id,)).fetchone()
        origin = json.loads(row[0]) if row and row[0] else {}
        claim = origin.get("claim")
        return dict(claim) if isinstance(claim, dict) else None

    def received_eudr(self, lot_id: str) -> list[dict[str, Any] | None]:
        """The EUDR data of every received input of a lot (None where an input had none)."""
        found: list[dict[str, Any] | None] = []
        for origin in self.genealogy().received_inputs(lot_id):
            row = self._conn.execute(
                "SELECT origin FROM lots WHERE lot_id = ?", (origin.lot_id,)
            ).fetchone()
            data = json.loads(row[0]) if row and row[0] else {}
            eudr = data.get("eudr")
            found.append(dict(eudr) if isinstance(eudr, dict) else None)
        return found

    def genealogy(self) -> Genealogy:
        """Genealogy over this store (lookups are made as the walk needs them)."""
        return Genealogy(self.parents, self.origin)

    def counter(self, name: str) -> int | None:
        """The next value of an identifier counter, if it was ever used."""
        row = self._conn.execute("SELECT next FROM counters WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else None


def origin_from_json(lot_id: str, data: dict[str, Any]) -> Origin:
    """An `Origin` from the JSON the lot projection stores."""
    place = data.get("place_of_manufacture")
    made = data.get("date_of_manufacture")
    return Origin(
        lot_id=lot_id,
        vendor=data.get("vendor"),
        place_of_manufacture=Place(
            facility=place.get("facility"),
            city=place.get("city"),
            country=place.get("country"),
            region=place.get("region"),
        )
        if place
        else None,
        date_of_manufacture=dt.date.fromisoformat(made) if made else None,
        shipment_id=data.get("shipment_id"),
        bill_of_lading=data.get("bill_of_lading"),
        upstream=tuple(UpstreamLot.from_dict(entry) for entry in data.get("provenance") or ()),
    )


def _record(row: Row) -> LotRecord:
    return record(LotRecord, _FIELDS, row, quantity=Decimal, consumed=Decimal, origin=_json_or_none)


def _json_or_none(text: str | None) -> dict[str, Any] | None:
    return json.loads(text) if text else None
