"""Importing expected moving data: manifests become MANIFEST_IMPORTED events.

A manifest is refused whole when it clashes with what the station already holds
(the same shipment id with other content, or a unit id already expected in another
shipment); importing the identical manifest again changes nothing.

An outbound order lists units that are already here (received or made here), so
its units are not expected at receiving: they are neither checked for clashes with
expected units nor added to them. The release dock reads them from the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from station.domain.events import Event, EventKind
from station.domain.manifest.model import Direction, Manifest
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
    manifests: Sequence[Manifest],
    *,
    source: str,
    view: ReceivingView,
    station_id: str,
    operator_id: str | None,
    clock: Clock,
) -> ImportResult:
    """Events that import `manifests`, or the reasons they are refused."""
    events: list[Event] = []
    imported: list[str] = []
    unchanged: list[str] = []
    refused: list[str] = []
    claimed: dict[str, str] = {}
    for manifest in manifests:
        existing = view.shipment(manifest.shipment_id)
        if existing is not None:
            if existing.manifest.as_dict() == manifest.as_dict():
                unchanged.append(manifest.shipment_id)
            else:
                refused.append(
                    f"{source}: shipment {manifest.shipment_id} was already imported with other "
                    "content; give the corrected manifest a new shipment id"
                )
            continue
        clash = None
        outbound = manifest.direction is Direction.OUTBOUND
        unit_ids = () if outbound else manifest.unit_ids()
        for unit_id in unit_ids:
            owner = claimed.get(unit_id)
            record = view.unit(unit_id)
            if record is not None:
                owner = record.shipment_id
            if owner is not None:
                clash = f"unit {unit_id} is already expected in shipment {owner}"
                break
        if clash:
            refused.append(f"{source}: shipment {manifest.shipment_id} refused: {clash}")
            continue
        claimed.update(dict.fromkeys(unit_ids, manifest.shipment_id))
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
        imported.append(manifest.shipment_id)
    return ImportResult(tuple(events), tuple(imported), tuple(unchanged), tuple(refused))
