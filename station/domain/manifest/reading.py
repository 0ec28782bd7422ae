"""Read a manifest file in whichever form it comes: CSV by its name, JSON otherwise.

Both parsers are pure (text in, values out) and never raise: bad input comes
back as `ManifestProblem` values whose ``where`` is a JSON path such as
``$.units[3].contents[0].gtin`` or, for CSV, ``line 7, column "gtin"``.

    >>> parsed = parse_manifest(
    ...     '{"manifest_version": 1, "shipment_id": "SHP-1", "direction": "inbound",'
    ...     ' "units": [{"sscc": "106141410000000019", "packaging": "pallet"}]}',
    ...     "example.json",
    ... )
    >>> parsed.problems
    ()
    >>> parsed.manifests[0].unit_ids()
    ('106141410000000019',)
    >>> parse_manifest('{"manifest_version": 2}', "old.json").problems[0].message
    'Unsupported manifest_version 2: expected one of the supported versions (1), found 2.'
"""

from __future__ import annotations

from station.domain.manifest.csv_format import parse_manifest_csv
from station.domain.manifest.json_format import parse_manifest_json
from station.domain.manifest.model import ParsedManifests


def parse_manifest(text: str, source: str) -> ParsedManifests:
    """Parse as CSV when `source` ends in ``.csv``, else as JSON. Never raises."""
    if source.lower().endswith(".csv"):
        return parse_manifest_csv(text, source)
    return parse_manifest_json(text, source)
