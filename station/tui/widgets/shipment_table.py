"""Tables of the station's screens: expected shipments, and a receipt's units."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from station.domain.printable import printable
from station.ports import ShipmentRecord, ShipmentStatus, UnitRecord, UnitStatus

_UNIT_STYLE = {
    UnitStatus.EXPECTED: "dim",
    UnitStatus.ACCEPTED: "green",
    UnitStatus.QUARANTINED: "bold yellow",
    UnitStatus.MISSING: "red",
}


class ShipmentTable(DataTable[Text]):
    """Shipments that can be received; Enter picks one."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Shipment", "BOL", "PO", "Seller", "Units", "Status")

    def show(self, shipments: list[ShipmentRecord]) -> None:
        """Replace the rows with `shipments` (inbound, not yet received, first)."""
        self.clear()
        order = {
            ShipmentStatus.RECEIVING: 0,
            ShipmentStatus.EXPECTED: 1,
            ShipmentStatus.RECEIVED: 2,
        }
        for record in sorted(shipments, key=lambda s: (order[s.status], s.shipment_id)):
            manifest = record.manifest
            status = record.status.value + (" HOLD" if record.held else "")
            self.add_row(
                Text(printable(record.shipment_id, 24)),
                Text(printable(manifest.bill_of_lading or "-", 14)),
                Text(printable(", ".join(manifest.purchase_orders) or "-", 12)),
                Text(printable(manifest.seller.name if manifest.seller else "-", 18)),
                Text(str(len(manifest.units))),
                Text(status, style="bold yellow" if record.held else ""),
                key=record.shipment_id,
            )


class UnitTable(DataTable[Text]):
    """Expected vs received units of the open receipt."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Unit", "Shipment", "Status", "Note")

    def show(self, units: list[UnitRecord], notes: dict[str, str]) -> None:
        """Replace the rows: units still expected first, then received ones."""
        self.clear()
        order = {
            UnitStatus.EXPECTED: 0,
            UnitStatus.QUARANTINED: 1,
            UnitStatus.ACCEPTED: 2,
            UnitStatus.MISSING: 3,
        }
        for unit in sorted(units, key=lambda u: (order[u.status], u.unit_id)):
            note = notes.get(unit.unit_id, "" if unit.expected else "not on manifest")
            self.add_row(
                Text(printable(unit.unit_id, 34)),
                Text(printable(unit.shipment_id, 24)),
                Text(unit.status.value, style=_UNIT_STYLE[unit.status]),
                Text(printable(note, 40)),
                key=unit.unit_id,
            )
