"""Importing expected moving data: manifests become MANIFEST_IMPORTED events.

A manifest is refused whole when it clashes with what the station already holds
or with another manifest of the same import (the same shipment id with other
content, or a unit id already expected in another shipment); importing the
identical manifest again changes nothing. One import command is all or nothing:
if any of its manifests is refused, none is imported.

An outbound order lists units that are already here (received or made here), so
its units are not expected at receiving: they are neither checked for clashes with
expected units nor added to them. The release dock reads them from the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from station.domain.events import Event, EventKind
from station.domain.manifest.model import Direction, Manifest
from station.domain.printable import printable
from station.ports import Clock, ReceivingView


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing a batch of manifests would do."""

    events: tuple[Event, ...]
    imported: tuple[str, ...]
    unchanged: tuple[str, ...]
    refused: tuple[str, ...]
    """One line per refused manifest, naming the shipment and the reason."""


def plan_import(
    batches: Sequence[tuple[str, Sequence[Manifest]]],
    *,
    view: ReceivingView,
    station_id: str,
    operator_id: str | None,
    clock: Clock,
) -> ImportResult:
    """Events that import every manifest of `batches` (source file, its manifests).

    One import command is planned as a whole, so that a manifest clashing with one
    earlier in the same command (another file, or the same file) is found here and
    not by a constraint of the database. The caller commits the events only when
    nothing is refused: an import is all or nothing.
    """
    events: list[Event] = []
    imported: list[str] = []
    unchanged: list[str] = []
    refused: list[str] = []
    claimed: dict[str, tuple[str, str]] = {}
    """Unit id -> (shipment, source) of the manifests planned so far."""
    planned: dict[str, tuple[Manifest, str]] = {}
    for source, manifests in batches:
        for manifest in manifests:
            sid = manifest.shipment_id
            where = f"{printable(source)}: shipment {printable(sid)}"
            earlier = planned.get(sid)
            existing = view.shipment(sid)
            known = earlier[0] if earlier else existing.manifest if existing else None
            if known is not None:
                if known.as_dict() != manifest.as_dict():
                    also = f" (in {printable(earlier[1])})" if earlier else ""
                    refused.append(
                        f"{where} was already imported{also} with other content; "
                        "give the corrected manifest a new shipment id"
                    )
                elif sid not in unchanged and earlier is None:
                    unchanged.append(sid)
                continue
            outbound = manifest.direction is Direction.OUTBOUND
            unit_ids = () if outbound else manifest.unit_ids()
            clash = _clash(unit_ids, view, claimed)
            if clash:
                refused.append(f"{where} refused: {clash}")
                continue
            claimed.update(dict.fromkeys(unit_ids, (sid, source)))
            planned[sid] = (manifest, source)
            events.append(
                Event.new(
                    EventKind.MANIFEST_IMPORTED,
                    station_id=station_id,
                    operator_id=operator_id,
                    recorded_at=clock.now(),
                    payload={
                        "source": source,
                        "manifest": manifest.as_dict(),
                        "unit_ids": list(unit_ids),
                    },
                )
            )
            imported.append(sid)
    return ImportResult(tuple(events), tuple(imported), tuple(unchanged), tuple(refused))


def _clash(
    unit_ids: Sequence[str], view: ReceivingView, claimed: dict[str, tuple[str, str]]
) -> str | None:
    """Why one of `unit_ids` cannot be expected in a new shipment; None when none clashes."""
    for unit_id in unit_ids:
        record = view.unit(unit_id)
        if record is not None:
            return f"unit {printable(unit_id)} is already expected in shipment {record.shipment_id}"
        earlier = claimed.get(unit_id)
        if earlier is not None:
            shipment, source = earlier
            return (
                f"unit {printable(unit_id)} is also in shipment {printable(shipment)} "
                f"of {printable(source)}, in this same import"
            )
    return None
