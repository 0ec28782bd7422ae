"""Receiving checks: pure functions from expected moving data and a scan to findings.

Each check answers one question a receiving-control procedure asks (is the seal
the one on the documents, is this pallet on the manifest, does its label agree,
is its moving data complete, is its origin high-risk) and returns findings with
expected and found values. None of them performs I/O or raises on bad data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from enum import StrEnum

from station.domain.checks.label_match import label_findings
from station.domain.findings import Finding, FindingCode, Severity, listed, nonconformity
from station.domain.manifest.model import ContentLine, Unit
from station.domain.printable import printable
from station.domain.risk import RiskPolicy
from station.domain.scanning.codes import Gs1Code


class MovingDataField(StrEnum):
    """Moving-data fields a station can require on every received item."""

    UNIQUE_ID = "unique_id"
    VENDOR = "vendor"
    PLACE_OF_MANUFACTURE = "place_of_manufacture"
    COUNTRY = "place_of_manufacture.country"
    REGION = "place_of_manufacture.region"
    FACILITY = "place_of_manufacture.facility"
    CITY = "place_of_manufacture.city"
    DATE_OF_MANUFACTURE = "date_of_manufacture"
    GTIN = "gtin"
    LOT = "lot"
    QUANTITY = "quantity"


DEFAULT_REQUIRED_FIELDS: tuple[MovingDataField, ...] = (
    MovingDataField.UNIQUE_ID,
    MovingDataField.VENDOR,
    MovingDataField.PLACE_OF_MANUFACTURE,
    MovingDataField.COUNTRY,
    MovingDataField.DATE_OF_MANUFACTURE,
)


def check_seal(seal: str, expected: Collection[str]) -> Finding | None:
    """SEAL_MISMATCH when `seal` is not among the seals on the documents."""
    if seal in expected:
        return None
    on_documents = ", ".join(sorted(expected)) or "none"
    message = (
        f"Seal {printable(seal)!r} is not on the documents (expected: {on_documents}); "
        "the shipment is on hold"
    )
    return nonconformity(FindingCode.SEAL_MISMATCH, message, on_documents, printable(seal))


def seal_damaged(seal: str) -> Finding:
    """SEAL_DAMAGED for a seal the clerk reported broken or tampered with."""
    message = f"Seal {printable(seal)!r} reported damaged; the shipment is on hold"
    return nonconformity(FindingCode.SEAL_DAMAGED, message, None, printable(seal))


def check_seals_at_close(
    shipment_id: str, expected: Iterable[str], verified: Collection[str]
) -> Finding | None:
    """SEAL_MISSING when a seal on the documents was never scanned at the dock."""
    missing = ", ".join(sorted(s for s in expected if s not in verified))
    if not missing:
        return None
    message = f"Shipment {shipment_id}: seal {missing} was not scanned; the shipment is on hold"
    return nonconformity(FindingCode.SEAL_MISSING, message, missing, "not scanned")


def check_units_at_close(shipment_id: str, missing_units: Collection[str]) -> Finding | None:
    """MISSING_UNITS naming expected units that never arrived."""
    if not missing_units:
        return None
    shown = sorted(missing_units)
    message = f"Shipment {shipment_id}: {len(shown)} expected unit(s) not received: {listed(shown)}"
    return nonconformity(FindingCode.MISSING_UNITS, message, str(len(shown)), "not received")


def unexpected_unit(unit_id: str, shipments: Collection[str]) -> Finding:
    """UNEXPECTED_UNIT for a unit that no open shipment expects."""
    where = ", ".join(sorted(shipments)) or "the active shipment"
    unit = printable(unit_id)
    message = f"Unit {unit} is not on the manifest of {where}; put it on hold"
    return nonconformity(FindingCode.UNEXPECTED_UNIT, message, f"a unit of {where}", unit)


def wrong_shipment(unit_id: str, belongs_to: str, active: Collection[str]) -> Finding:
    """WRONG_SHIPMENT for a unit that belongs to another open shipment."""
    shipments = ", ".join(sorted(active))
    message = (
        f"Unit {printable(unit_id)} belongs to shipment {belongs_to}, not to {shipments}; "
        "if it came on this trailer, scan that shipment's document first"
    )
    return nonconformity(FindingCode.WRONG_SHIPMENT, message, shipments, belongs_to)


def duplicate_scan(unit_id: str, when: str | None) -> Finding:
    """DUPLICATE_SCAN: the unit was received already and is not counted again."""
    at = f" at {when}" if when else ""
    return Finding(
        FindingCode.DUPLICATE_SCAN,
        Severity.INFO,
        f"Unit {printable(unit_id)} was already received{at}; not counted again",
        found=printable(unit_id),
    )


def packaging_damaged(unit_id: str) -> Finding:
    """PACKAGING_DAMAGED for a unit the clerk reported damaged."""
    message = f"Unit {printable(unit_id)} reported with damaged packaging; put it on hold"
    return nonconformity(FindingCode.PACKAGING_DAMAGED, message, None, "damaged")


def check_label(code: Gs1Code, unit: Unit) -> list[Finding]:
    """LABEL_MISMATCH for each label AI that disagrees with the manifest.

    A label of another product says so alone; otherwise its lot, serial and production
    date are compared with the lines of its own GTIN.
    """
    lines: tuple[ContentLine, ...] = unit.contents
    if code.gtin is not None:
        known = {line.gtin for line in lines if line.gtin}
        wrong_product = _label_findings((("GTIN (01)", code.gtin, known),))
        if wrong_product:
            return wrong_product
        lines = tuple(line for line in lines if line.gtin in (None, code.gtin)) or lines
    produced = code.production_date
    return _label_findings(
        (
            ("lot (10)", code.lot, {line.lot for line in lines if line.lot}),
            ("serial (21)", code.serial, {line.serial for line in lines if line.serial}),
            (
                "production date (11)",
                None if produced is None else produced.isoformat(),
                {made.isoformat() for line in lines if (made := line.date_of_manufacture)},
            ),
        )
    )


def _label_findings(comparisons: Iterable[tuple[str, str | None, set[str]]]) -> list[Finding]:
    return label_findings(comparisons, says="manifest", severity=Severity.NONCONFORMITY)


def missing_fields(unit: Unit, required: Iterable[MovingDataField]) -> list[str]:
    """Names of required moving-data fields absent from `unit` (per content line)."""
    missing: list[str] = []
    required = tuple(required)
    if MovingDataField.UNIQUE_ID in required and not unit.unit_id:
        missing.append("unique id (SSCC, or GTIN with lot or serial)")
    if not unit.contents:
        missing.extend(f.value for f in required if f is not MovingDataField.UNIQUE_ID)
        return missing
    for field in required:
        if field is MovingDataField.UNIQUE_ID:
            continue
        if any(_field_value(line, field) in (None, "") for line in unit.contents):
            missing.append(field.value)
    return missing


def check_moving_data(unit: Unit, required: Iterable[MovingDataField]) -> Finding | None:
    """MISSING_MOVING_DATA naming every required field the manifest lacks."""
    missing = ", ".join(missing_fields(unit, required))
    if not missing:
        return None
    message = f"Unit {printable(unit.unit_id or '?')} lacks moving data: {missing}"
    return nonconformity(FindingCode.MISSING_MOVING_DATA, message, missing, "missing")


def check_origin(unit: Unit, policy: RiskPolicy) -> list[Finding]:
    """HIGH_RISK_ORIGIN for a place of manufacture or vendor matched by the risk policy."""
    findings: list[Finding] = []
    for line in unit.contents:
        place = line.place_of_manufacture
        for rule in policy.rules:
            if rule.matches(place):
                where = ", ".join(
                    p
                    for p in (
                        place.city if place else None,
                        place.region if place else None,
                        place.country if place else None,
                    )
                    if p
                )
                message = (
                    f"Lot {printable(line.lot or line.serial or '?')} was made in {where} "
                    f"({rule.describe()}: {rule.reason}); hold for due diligence"
                )
                outside = f"origin outside {rule.describe()}"
                findings.append(
                    nonconformity(FindingCode.HIGH_RISK_ORIGIN, message, outside, where)
                )
        for vendor in policy.restricted_vendors:
            if vendor.matches(line.vendor):
                name = printable(line.vendor or "")
                message = f"Vendor {name!r} is restricted ({vendor.reason}); hold for due diligence"
                allowed = "a vendor not on the restricted list"
                findings.append(nonconformity(FindingCode.HIGH_RISK_ORIGIN, message, allowed, name))
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    result = []
    for finding in findings:
        if finding.message not in seen:
            seen.add(finding.message)
            result.append(finding)
    return result


def _field_value(line: ContentLine, field: MovingDataField) -> object:
    place = line.place_of_manufacture
    match field:
        case MovingDataField.VENDOR:
            return line.vendor
        case MovingDataField.PLACE_OF_MANUFACTURE:
            return place
        case MovingDataField.COUNTRY:
            return place.country if place else None
        case MovingDataField.REGION:
            return place.region if place else None
        case MovingDataField.FACILITY:
            return place.facility if place else None
        case MovingDataField.CITY:
            return place.city if place else None
        case MovingDataField.DATE_OF_MANUFACTURE:
            return line.date_of_manufacture
        case MovingDataField.GTIN:
            return line.gtin
        case MovingDataField.LOT:
            return line.lot
        case MovingDataField.QUANTITY:
            return line.quantity
    return None
