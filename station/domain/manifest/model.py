"""Expected moving data: the shipment manifest model.

A manifest says what a shipment should contain before the truck arrives: its
documents (bill of lading, ASN, purchase orders), its transport seals, and each
logistic unit with the moving data of what is on it (GTIN, lot or serial,
vendor, place and date of manufacture). The receiving and release workflows
check scans against it, so a manifest the station cannot trust is refused whole:
the parsers return every structural problem they find and no manifest at all.
Missing *optional* moving data (vendor, place, date of manufacture) is not a
problem here; the receiving checks report it as findings, per unit.

This module holds the model (frozen values, `Manifest.as_dict` for the JSON
form); where things were made and by whom (`Place`, `Party`, `UpstreamLot`) are in
`parties` and re-exported here. Beside it: `rules` (the field rules both forms share, and the rules
themselves in words), `json_format` and `csv_format` (each form, documented in
its module) and `reading` (pick the parser by file name). The parsers import
this module; it imports none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from station.domain.claims.origin import ORIGIN_KEYS, Origin
from station.domain.manifest.parties import Party, Place, UpstreamLot

__all__ = [
    "CSV_COLUMNS",
    "CSV_LINE_COLUMNS",
    "CSV_SHIPMENT_COLUMNS",
    "CSV_UNIT_COLUMNS",
    "DEFAULT_UOM",
    "SUPPORTED_MANIFEST_VERSIONS",
    "ContentLine",
    "Direction",
    "Manifest",
    "ManifestProblem",
    "ParsedManifests",
    "Party",
    "Place",
    "Unit",
    "UpstreamLot",
    "item_key",
]

SUPPORTED_MANIFEST_VERSIONS: Final = (1,)
"""Values of ``manifest_version`` this code understands."""

DEFAULT_UOM: Final = "EA"
"""Unit of measure when a content line gives none: each (a piece)."""

# The CSV form's columns belong to the format, as `Manifest.as_dict` is the JSON form: the
# parser in `csv_format` reads them, and whoever writes a CSV manifest needs them without it.
CSV_SHIPMENT_COLUMNS: Final = (
    "shipment_id",
    "direction",
    "bill_of_lading",
    "asn",
    "purchase_orders",
    "seller",
    "seller_id",
    "buyer",
    "buyer_id",
    "carrier",
    "seals",
    "expected_arrival",
    "notes",
)
"""CSV columns of a shipment: the same on every row of it."""

CSV_UNIT_COLUMNS: Final = ("sscc", "packaging")
"""CSV columns of a unit: the same on every row of one SSCC."""

CSV_LINE_COLUMNS: Final = (
    "gtin",
    "lot",
    "serial",
    "quantity",
    "uom",
    "product",
    "vendor",
    "facility",
    "city",
    "country",
    "region",
    "date_of_manufacture",
    "serials_required",
    *ORIGIN_KEYS,
)
"""CSV columns of a content line: one line per row (``eudr`` holds one JSON object)."""

CSV_COLUMNS: Final = CSV_SHIPMENT_COLUMNS + CSV_UNIT_COLUMNS + CSV_LINE_COLUMNS
"""Every column a CSV manifest may have."""


class Direction(StrEnum):
    """Which way a shipment moves through the dock."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


def item_key(gtin: str, *, lot: str | None = None, serial: str | None = None) -> str | None:
    """The identifier of a loose item: ``01:<gtin>/21:<serial>`` or ``01:<gtin>/10:<lot>``.

    `gtin` must be the 14-digit form (AI 01 as scanned, or `ContentLine.gtin`). A
    serial identifies a single item, so it wins over the lot when both are given.
    None when there is neither, since a GTIN alone names a product, not an item.

    >>> item_key("09506000134352", lot="A1")
    '01:09506000134352/10:A1'
    >>> item_key("09506000134352", lot="A1", serial="S7")
    '01:09506000134352/21:S7'
    """
    if serial is not None:
        return f"01:{gtin}/21:{serial}"
    if lot is not None:
        return f"01:{gtin}/10:{lot}"
    return None


@dataclass(frozen=True, slots=True)
class ContentLine:
    """One item line on a unit: what it holds and the moving data that goes with it."""

    gtin: str | None = None
    """GTIN, always normalised to 14 digits."""

    lot: str | None = None
    """Batch or lot number (GS1 AI 10)."""

    serial: str | None = None
    """Serial number (GS1 AI 21) when the line is one serialised item."""

    quantity: Decimal | None = None
    """How many `uom` the line holds."""

    uom: str = DEFAULT_UOM
    """Unit of measure of `quantity` (UN/ECE Rec. 20 or in-house code), e.g. ``EA``, ``KGM``."""

    vendor: str | None = None
    """Who made or supplied the goods (moving data: vendor name)."""

    place_of_manufacture: Place | None = None
    """Where the goods were made (moving data)."""

    date_of_manufacture: dt.date | None = None
    """When the goods were made (moving data)."""

    product: str | None = None
    """Description of the product, for people."""

    serials_required: bool = False
    """Whether receiving must capture the serial of every item on this line."""

    origin: Origin | None = None
    """The category of origin the supplier declares: claim, certificate, EUDR data."""

    provenance: tuple[UpstreamLot, ...] = ()
    """The received lots upstream of this line, as a shipping station writes them.

    Only the JSON form carries it; the CSV form has no column for it, so a CSV
    manifest's lines have none.
    """

    @property
    def item_key(self) -> str | None:
        """`item_key` of this line's GTIN with its lot or serial; None without a GTIN."""
        if self.gtin is None:
            return None
        return item_key(self.gtin, lot=self.lot, serial=self.serial)

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        place = self.place_of_manufacture
        made = self.date_of_manufacture
        return {
            "gtin": self.gtin,
            "lot": self.lot,
            "serial": self.serial,
            "quantity": None if self.quantity is None else _quantity_json(self.quantity),
            "uom": self.uom,
            "product": self.product,
            "vendor": self.vendor,
            "place_of_manufacture": None if place is None else place.as_dict(),
            "date_of_manufacture": None if made is None else made.isoformat(),
            "serials_required": self.serials_required,
            "origin": None if self.origin is None else self.origin.as_dict(),
            "provenance": [entry.as_dict() for entry in self.provenance],
        }


@dataclass(frozen=True, slots=True)
class Unit:
    """One logistic unit expected in the shipment: a pallet, a carton, or a loose item."""

    sscc: str | None
    """18-digit SSCC of the unit's label, if it has one."""

    packaging: str
    """Packaging form, e.g. ``pallet``, ``carton``, ``crate``, ``drum``."""

    contents: tuple[ContentLine, ...] = ()
    """What the unit holds; empty when the manifest does not say."""

    @property
    def unit_id(self) -> str | None:
        """The identifier receiving looks the unit up by, from what is scanned.

        The SSCC when there is one; otherwise the `item_key` of its single content
        line (``01:<gtin>/10:<lot>`` or ``01:<gtin>/21:<serial>``). None only for a
        unit built by hand that the parsers would have refused.
        """
        if self.sscc is not None:
            return self.sscc
        if len(self.contents) == 1:
            return self.contents[0].item_key
        return None

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        return {
            "sscc": self.sscc,
            "packaging": self.packaging,
            "contents": [line.as_dict() for line in self.contents],
        }


@dataclass(frozen=True, slots=True)
class Manifest:
    """The expected moving data of one shipment."""

    manifest_version: int
    """Version of the manifest format; see `SUPPORTED_MANIFEST_VERSIONS`."""

    shipment_id: str
    """The shipment's identifier, unique among the station's manifests."""

    direction: Direction
    """Inbound (receiving) or outbound (release)."""

    bill_of_lading: str | None = None
    """Bill of lading number."""

    asn: str | None = None
    """Advance ship notice (despatch advice) number."""

    purchase_orders: tuple[str, ...] = ()
    """The buyer's purchase-order numbers this shipment fulfils."""

    seller: Party | None = None
    """Who sells (ships) the goods."""

    buyer: Party | None = None
    """Who buys (receives) the goods."""

    carrier: str | None = None
    """Transport company."""

    seals: tuple[str, ...] = ()
    """Transport seal numbers expected on the truck or container."""

    units: tuple[Unit, ...] = ()
    """Every logistic unit expected, in manifest order."""

    expected_arrival: dt.date | None = None
    """Day the shipment is expected at (or due to leave) the dock."""

    notes: str | None = None
    """Free text for the clerk."""

    def as_dict(self) -> dict[str, Any]:
        """The canonical JSON form: ``config/manifest.schema.json``, every key present.

        ``json.dumps`` accepts it as is, and `parse_manifest_json` reads it back to an
        equal manifest.
        """
        return {
            "manifest_version": self.manifest_version,
            "shipment_id": self.shipment_id,
            "direction": self.direction.value,
            "bill_of_lading": self.bill_of_lading,
            "asn": self.asn,
            "purchase_orders": list(self.purchase_orders),
            "seller": None if self.seller is None else self.seller.as_dict(),
            "buyer": None if self.buyer is None else self.buyer.as_dict(),
            "carrier": self.carrier,
            "seals": list(self.seals),
            "expected_arrival": (
                None if self.expected_arrival is None else self.expected_arrival.isoformat()
            ),
            "notes": self.notes,
            "units": [unit.as_dict() for unit in self.units],
        }

    def unit_ids(self) -> tuple[str, ...]:
        """`Unit.unit_id` of every unit, in manifest order."""
        return tuple(unit_id for unit in self.units if (unit_id := unit.unit_id) is not None)

    def find_unit(self, unit_id: str) -> Unit | None:
        """The unit whose `Unit.unit_id` is `unit_id`, or None."""
        for unit in self.units:
            if unit.unit_id == unit_id:
                return unit
        return None


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    """One reason a manifest file was refused."""

    where: str
    """JSON path (``$.units[3].contents[0].gtin``) or CSV cell (``line 7, column "gtin"``)."""

    message: str
    """What was wrong, in biip's form: the value, what was expected, what was found."""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedManifests:
    """The outcome of parsing one manifest file: manifests, or the problems, never both."""

    source: str
    """Where the text came from (a file name or URL), for messages."""

    manifests: tuple[Manifest, ...] = ()
    """Every manifest in the file; empty when there is any problem."""

    problems: tuple[ManifestProblem, ...] = ()
    """Every problem found; the file is refused whole when there is one."""

    @property
    def ok(self) -> bool:
        """True when the file was accepted."""
        return not self.problems


def _quantity_json(quantity: Decimal) -> int | float:
    """A quantity as a JSON number; the limits of `station.domain.quantities` keep a float exact."""
    if quantity == quantity.to_integral_value():
        return int(quantity)
    return float(quantity)
