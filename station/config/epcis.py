"""The ``[epcis]`` table: how this station's events are written as EPCIS 2.0.

All keys are optional: ``namespace`` (IRI of the ``st:`` extension fields),
``urn_namespace`` (for ids with no GS1 key), ``read_point`` and ``biz_location`` (a
GLN, ``<GLN>/<extension>`` or a URI; default URNs naming the station and the site)
and ``time_zone_offset`` (``+HH:MM``, written as each event's eventTimeZoneOffset).
"""

from __future__ import annotations

from station.config.reader import TableReader
from station.sync.epcis.settings import (
    DEFAULT_NAMESPACE,
    DEFAULT_URN_NAMESPACE,
    EpcisSettings,
    EpcisSettingsError,
)

EPCIS_KEYS = ("namespace", "urn_namespace", "read_point", "biz_location", "time_zone_offset")


def read_epcis(reader: TableReader, value: object, *, station_id: str, site: str) -> EpcisSettings:
    """The ``[epcis]`` table as the settings of the EPCIS mapping."""
    table = reader.table(value, "epcis", EPCIS_KEYS)
    optional = {
        name: reader.get(table, "epcis", name, str)
        for name in ("read_point", "biz_location")
        if name in table
    }
    try:
        return EpcisSettings(
            station_id=station_id,
            site=site,
            namespace=reader.get(table, "epcis", "namespace", str, DEFAULT_NAMESPACE),
            urn_namespace=reader.get(table, "epcis", "urn_namespace", str, DEFAULT_URN_NAMESPACE),
            time_zone_offset=reader.get(table, "epcis", "time_zone_offset", str, "+00:00"),
            **optional,
        )
    except EpcisSettingsError as exc:
        field, _, message = str(exc).partition(": ")
        raise reader.fail(f"epcis.{field}", message) from None
