"""Receiving checks: pure functions from expected moving data and a scan to findings.

Each check answers one question a receiving-control procedure asks (is the seal
the one on the documents, is this pallet on the manifest, does its label agree,
is its moving data complete, is its origin high-risk) and returns findings with
expected and found values. None of them performs I/O or raises on bad data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from enum import StrEnum

from station.domain.findings import Finding, FindingCode, Severity
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
    listed = ", ".join(sorted(expected)) or "none"
    return Finding(
        FindingCode.SEAL_MISMATCH,
        Severity.NONCONFORMITY,
        f"Seal {printable(seal)!r} is not on the documents (expected: {listed}); "
        "the shipment is on hold",
        expected=listed,
        found=printable(seal),
    )


def seal_damaged(seal: str) -> Finding:
    """SEAL_DAMAGED for a seal the clerk reported broken or tampered with."""
    return Finding(
        FindingCode.SEAL_DAMAGED,
        Severity.NONCONFORMITY,
        f"Seal {printable(seal)!r} reported damaged; the shipment is on hold",
        found=printable(seal),
    )


def check_seals_at_close(
    shipment_id: str, expected: Iterable[str], verified: Collection[str]
) -> Finding | None:
    """SEAL_MISSING when a seal on the documents was never scanned at the dock."""
    missing = sorted(s for s in expected if s not in verified)
    if not missing:
        return None
    return Finding(
        FindingCode.SEAL_MISSING,
        Severity.NONCONFORMITY,
        f"Shipment {shipment_id}: seal {', '.join(missing)} was not scanned; "
        "the shipment is on hold",
        expected=", ".join(missing),
        found="not scanned",
    )


def check_units_at_close(shipment_id: str, missing_units: Collection[str]) -> Finding | None:
    """MISSING_UNITS naming expected units that never arrived."""
    if not missing_units:
        return None
    shown = sorted(missing_units)
    listed = ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")
    return Finding(
        FindingCode.MISSING_UNITS,
        Severity.NONCONFORMITY,
        f"Shipment {shipment_id}: {len(shown)} expected unit(s) not received: {listed}",
        expected=str(len(shown)),
        found="not received",
    )


def unexpected_unit(unit_id: str, shipments: Collection[str]) -> Finding:
    """UNEXPECTED_UNIT for a unit that no open shipment expects."""
    where = ", ".join(sorted(shipments)) or "the active shipment"
    return Finding(
        FindingCode.UNEXPECTED_UNIT,
        Severity.NONCONFORMITY,
        f"Unit {printable(unit_id)} is not on the manifest of {where}; put it on hold",
        expected=f"a unit of {where}",
        found=printable(unit_id),
    )


def wrong_shipment(unit_id: str, belongs_to: str, active: Collection[str]) -> Finding:
    """WRONG_SHIPMENT for a unit that belongs to another open shipment."""
    return Finding(
        FindingCode.WRONG_SHIPMENT,
        Severity.NONCONFORMITY,
        f"Unit {printable(unit_id)} belongs to shipment {belongs_to}, not to "
        f"{', '.join(sorted(active))}; if it came on this trailer, scan that shipment's "
        "document first",
        expected=", ".join(sorted(active)),
        found=belongs_to,
    )


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
    return Finding(
        FindingCode.PACKAGING_DAMAGED,
        Severity.NONCONFORMITY,
        f"Unit {printable(unit_id)} reported with damaged packaging; put it on hold",
        found="damaged",
    )


def check_label(code: Gs1Code, unit: Unit) -> list[Finding]:
    """LABEL_MISMATCH for each label AI that disagrees with the manifest."""
    if not unit.contents:
        return []
    findings: list[Finding] = []
    gtin = code.gtin
    lines: tuple[ContentLine, ...] = unit.contents
    if gtin is not None:
        known = {line.gtin for line in lines if line.gtin}
        if known and gtin not in known:
            findings.append(_label_mismatch("GTIN (01)", ", ".join(sorted(known)), gtin))
            return findings
        lines = tuple(line for line in lines if line.gtin in (None, gtin)) or lines
    comparisons = (
        ("lot (10)", code.lot, {line.lot for line in lines if line.lot}),
        ("serial (21)", code.serial, {line.serial for line in lines if line.serial}),
    )
    for label, found, expected in comparisons:
        if found is not None and expected and found not in expected:
            findings.append(_label_mismatch(label, ", ".join(sorted(expected)), found))
    produced = code.production_date
    expected_dates = {line.date_of_manufacture for line in lines if line.date_of_manufacture}
    if produced is not None and expected_dates and produced not in expected_dates:
        findings.append(
            _label_mismatch(
                "production date (11)",
                ", ".join(sorted(d.isoformat() for d in expected_dates)),
                produced.isoformat(),
            )
        )
    return findings


def _label_mismatch(what: str, expected: str, found: str) -> Finding:
    return Finding(
        FindingCode.LABEL_MISMATCH,
        Severity.NONCONFORMITY,
        f"Label {what} is {printable(found)!r} but the manifest says {printable(expected)!r}",
        expected=printable(expected),
        found=printable(found),
    )


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
    missing = missing_fields(unit, required)
    if not missing:
        return None
    return Finding(
        FindingCode.MISSING_MOVING_DATA,
        Severity.NONCONFORMITY,
        f"Unit {printable(unit.unit_id or '?')} lacks moving data: {', '.join(missing)}",
        expected=", ".join(missing),
        found="missing",
    )


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
                findings.append(
                    Finding(
                        FindingCode.HIGH_RISK_ORIGIN,
                        Severity.NONCONFORMITY,
                        f"Lot {printable(line.lot or line.serial or '?')} was made in {where} "
                        f"({rule.describe()}: {rule.reason}); hold for due diligence",
                        expected=f"origin outside {rule.describe()}",
                        found=where,
                    )
                )
        for vendor in policy.restricted_vendors:
            if vendor.matches(line.vendor):
                findings.append(
                    Finding(
                        FindingCode.HIGH_RISK_ORIGIN,
                        Severity.NONCONFORMITY,
                        f"Vendor {printable(line.vendor or '')!r} is restricted ({vendor.reason}); "
                        "hold for due diligence",
                        expected="a vendor not on the restricted list",
                        found=printable(line.vendor or ""),
                    )
                )
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
