"""The outbound manifest file: ``<outbound dir>/<shipment>.json``, written once.

A completed release's RELEASE_COMPLETED event carries the outbound manifest; once
the event is committed, `write_shipped` writes it as the file the buyer's station
imports, and `export_shipped` writes it again from the log when asked. The name is
the shipment id under the station's one file-name rule (`file_stem`), so two orders
never share a file (``SHP/1`` and ``SHP_1`` give ``SHP%2F1.json`` and
``SHP_1.json``). A file already there is never replaced with other content: the
writer refuses (`FileConflictError`) and the release and the export say so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from station.domain.checks.release import ReleaseRecord, ReleaseStatus
from station.domain.events import EventKind
from station.domain.file_names import file_stem
from station.domain.findings import Verdict
from station.domain.manifest.json_format import parse_manifest_json
from station.domain.printable import json_text, printable
from station.errors import FileConflictError, StationError
from station.ports import FileWriter
from station.workflows.outcome import Outcome


class ShippingRecords(Protocol):
    """Where the shipping records of an order are read (`SqliteReleaseView`)."""

    def releases_of(self, shipment_id: str) -> list[ReleaseRecord]: ...

    def completed_payload(self, release: ReleaseRecord) -> dict[str, Any] | None: ...


def outbound_path(directory: Path, shipment_id: str) -> Path:
    """Where the outbound manifest of `shipment_id` is written."""
    return directory / f"{file_stem(shipment_id)}.json"


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The outbound manifest file's content: indented UTF-8 JSON and a final newline."""
    return (json_text(manifest, indent=2) + "\n").encode("utf-8")


def write_shipped(outcome: Outcome, outbound_dir: Path, files: FileWriter) -> Outcome | None:
    """Once `outcome.events` are committed: write the outbound manifest of what shipped.

    Returns a changed outcome only when the outbound manifest could not be written
    (the release is complete all the same; ``station release export`` writes it again).
    """
    for event in outcome.events:
        if event.kind is not EventKind.RELEASE_COMPLETED:
            continue
        shipment_id = event.payload["shipment_id"]
        path = outbound_path(outbound_dir, shipment_id)
        try:
            files.write(path, manifest_bytes(event.payload["manifest"]))
        except (OSError, StationError) as exc:
            elsewhere = " --out FILE" if isinstance(exc, FileConflictError) else ""
            message = (
                f"{outcome.headline}; but the outbound manifest could not be written to "
                f"{path} ({printable(str(exc))}): run `station release export "
                f"{shipment_id}{elsewhere}`"
            )
            return replace(outcome, verdict=Verdict.ERROR, headline=message)
    return None


def export_shipped(
    records: ShippingRecords,
    outbound_dir: Path,
    files: FileWriter,
    shipment_id: str,
    out: Path | None = None,
) -> Path:
    """Write the outbound manifest of a shipped order again (default: where release put it).

    Raises `StationError` when the order has no completed release or the file cannot
    be written, `FileConflictError` when another file is in the way.
    """
    for release in records.releases_of(shipment_id):
        payload = records.completed_payload(release)
        if release.status is ReleaseStatus.COMPLETED and payload is not None:
            path = out or outbound_path(outbound_dir, shipment_id)
            # The log keeps keys sorted; parse back for the canonical order written first.
            parsed = parse_manifest_json(json.dumps(payload["manifest"]), "shipping record")
            if not parsed.manifests:
                raise StationError(f"the shipping record of {shipment_id} is unreadable")
            try:
                return files.write(path, manifest_bytes(parsed.manifests[0].as_dict()))
            except OSError as exc:
                raise StationError(f"cannot write {path}: {exc}") from exc
    raise StationError(
        f"order {printable(shipment_id)!r} has no completed release: nothing was shipped"
    )


__all__: Sequence[str] = ("export_shipped", "manifest_bytes", "outbound_path", "write_shipped")
