"""The ``[epcis]`` table: read into the mapping's settings, refused with the dotted key."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.config import load_config
from station.errors import ConfigError

BASE = '[station]\nid = "DOCK-7"\nsite = "Example Solar Works, Hanoi, VN"\n'


def _load(tmp_path: Path, table: str) -> object:
    path = tmp_path / "station.toml"
    path.write_text(BASE + table, encoding="utf-8")
    return load_config(path)


def test_the_table_sets_places_namespaces_and_offset(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        '[epcis]\nread_point = "8930000000019/DOCK-7"\nbiz_location = "8930000000019"\n'
        'urn_namespace = "acme"\ntime_zone_offset = "+07:00"\n'
        'namespace = "https://acme.example/epcis#"\n',
    )
    settings = config.epcis_settings()  # type: ignore[attr-defined]
    assert settings.station_id == "DOCK-7"
    assert settings.read_point_uri == "https://id.gs1.org/414/8930000000019/254/DOCK-7"
    assert settings.biz_location_uri == "https://id.gs1.org/414/8930000000019"
    assert (settings.urn_namespace, settings.time_zone_offset) == ("acme", "+07:00")


def test_defaults_without_the_table(tmp_path: Path) -> None:
    settings = _load(tmp_path, "").epcis_settings()  # type: ignore[attr-defined]
    assert settings.read_point_uri == "urn:station:station:DOCK-7"
    assert settings.biz_location_uri == "urn:station:site:SITE"


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('[epcis]\nread_point = "8930000000018"\n', "epcis.read_point"),
        ('[epcis]\ntime_zone_offset = "UTC"\n', "epcis.time_zone_offset"),
        ('[epcis]\nurn_namespace = "not ok"\n', "epcis.urn_namespace"),
        ('[epcis]\nread_pont = "x"\n', "epcis.read_pont"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, table: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        _load(tmp_path, table)
