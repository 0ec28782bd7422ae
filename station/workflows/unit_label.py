"""Which unit a GS1 label or an order line names: one reading for the docks and the gate.

An SSCC names a pallet or case. A GTIN with a lot and no serial names a lot made at
this site when there is one (the station printed that lot id on its labels);
otherwise a GTIN with a lot or a serial names a loose item by its `item_key`. A GTIN
alone names a product, not a unit. Receiving reads labels the same way but knows no
lots made here, so it passes no `lots`. An outbound order names its units the
same way (`unit_ordered`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from station.domain.manifest.model import Unit, item_key
from station.domain.scanning.codes import Gs1Code
from station.store.views.lots import LotRecord


class KnownLots(Protocol):
    """The lot query that tells a lot made here from anything else."""

    def lot(self, lot_id: str) -> LotRecord | None: ...


def unit_named(code: Gs1Code, lots: KnownLots | None = None) -> str | None:
    """The unit `code` names (None: it names a product, not a unit)."""
    if code.sscc:
        return code.sscc
    if not code.gtin:
        return None
    if lots is not None and code.lot is not None and code.serial is None:
        record = lots.lot(code.lot)
        if record is not None and record.kind == "produced":
            return code.lot
    return item_key(code.gtin, lot=code.lot, serial=code.serial)


def unit_ordered(unit: Unit, lots: KnownLots) -> str:
    """The lot an order's unit names: its SSCC, a lot made here, or a received item."""
    if unit.sscc is not None:
        return unit.sscc
    line = unit.contents[0] if unit.contents else None
    if line is not None and line.lot is not None and line.serial is None:
        record = lots.lot(line.lot)
        if (
            record is not None
            and record.kind == "produced"
            and (line.gtin is None or line.gtin == record.gtin)
        ):
            return line.lot
    return unit.unit_id or "?"


__all__: Sequence[str] = ("KnownLots", "unit_named", "unit_ordered")
