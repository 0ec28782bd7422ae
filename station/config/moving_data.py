"""The ``[moving_data]`` table: which moving-data fields a shipment must carry."""

from __future__ import annotations

from station.config.reader import TableReader
from station.domain.checks.receiving import DEFAULT_REQUIRED_FIELDS, MovingDataField


def read_moving_data(reader: TableReader, value: object) -> tuple[MovingDataField, ...]:
    """The required fields, or the protocol's minimum when the table names none."""
    table = reader.table(value, "moving_data", ("required",))
    if "required" not in table:
        return DEFAULT_REQUIRED_FIELDS
    options = [f.value for f in MovingDataField]
    return tuple(
        reader.choice(name, f"moving_data.required[{i}]", MovingDataField, options)
        for i, name in enumerate(reader.strings(table, "moving_data", "required"))
    )
