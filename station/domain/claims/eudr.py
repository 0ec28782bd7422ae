"""EUDR due-diligence data carried with a delivery, and what is missing or malformed in it.

For a product the site marks as EUDR-relevant, a delivery names the country of
production, the geolocation of the plots (GeoJSON points or polygons, WGS 84
longitude/latitude), the species (scientific and common name), the production date
or period, and the reference numbers of upstream due-diligence statements. A plot of
more than four hectares must be described by a polygon, not a point (EUDR art. 2(28)).

>>> problems = eudr_problems({"country": "SE", "species": {"scientific": "Picea abies"}})
>>> problems[0]
'geolocation is missing'
>>> point = {"type": "Point", "coordinates": [18.06, 59.33]}
>>> geojson_problems(point)
[]
>>> geojson_problems({"type": "Point", "coordinates": [18.06, 99.0]})
['geolocation: latitude 99.0 is out of range (-90 to 90)']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from station.domain.printable import printable

__all__ = ["POINT_AREA_LIMIT_HA", "eudr_problems", "geojson_problems"]

POINT_AREA_LIMIT_HA: Final = Decimal(4)
"""Plots larger than this (hectares) need a polygon."""

_GEOMETRIES = ("Point", "MultiPoint", "Polygon", "MultiPolygon")


def eudr_problems(data: Mapping[str, Any] | None) -> list[str]:
    """What is missing or malformed in a delivery's EUDR data (empty when complete)."""
    if not data:
        return ["no EUDR data (country, geolocation, species, production date, DDS references)"]
    problems: list[str] = []
    country = data.get("country")
    if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
        problems.append("country of production is missing (ISO 3166 alpha-2)")
    geo = data.get("geolocation")
    if geo is None:
        problems.append("geolocation is missing")
    else:
        problems.extend(geojson_problems(geo))
    species = data.get("species")
    if not isinstance(species, Mapping) or not species.get("scientific"):
        problems.append("species is missing its scientific name")
    elif not species.get("common"):
        problems.append("species is missing its common name")
    problems.extend(_production_problems(data.get("production")))
    refs = data.get("dds_references")
    if refs is not None and not (
        isinstance(refs, Sequence) and all(isinstance(r, str) and r.strip() for r in refs)
    ):
        problems.append("dds_references must be a list of reference numbers")
    return problems


def _production_problems(value: object) -> list[str]:
    if value is None:
        return ["production date or period is missing"]
    if isinstance(value, str):
        return [] if _date(value) else [f"production date {printable(value, 30)!r} is not a date"]
    if isinstance(value, Mapping):
        start, end = _date(value.get("from")), _date(value.get("to"))
        if start is None or end is None:
            return ["production period needs 'from' and 'to' dates"]
        if end < start:
            return ["production period ends before it begins"]
        return []
    return ["production must be a date or a period {from, to}"]


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def geojson_problems(geo: object) -> list[str]:
    """Why `geo` is not a usable GeoJSON plot description (empty when it is)."""
    if not isinstance(geo, Mapping):
        return ["geolocation must be a GeoJSON object"]
    kind = geo.get("type")
    if kind == "FeatureCollection":
        features = geo.get("features")
        if not isinstance(features, list) or not features:
            return ["geolocation: a FeatureCollection needs at least one feature"]
        return [p for f in features for p in geojson_problems(f)]
    if kind == "Feature":
        return _feature_problems(geo)
    if kind in _GEOMETRIES:
        return _geometry_problems(geo, area_ha=None)
    return [f"geolocation: unknown GeoJSON type {printable(str(kind), 30)!r}"]


def _feature_problems(feature: Mapping[str, Any]) -> list[str]:
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping):
        return ["geolocation: a Feature needs a geometry"]
    properties = feature.get("properties") or {}
    area = properties.get("area_ha") if isinstance(properties, Mapping) else None
    try:
        area_ha = None if area is None else Decimal(str(area))
    except ArithmeticError:
        return [f"geolocation: area_ha {printable(str(area), 20)!r} is not a number"]
    return _geometry_problems(geometry, area_ha=area_ha)


def _geometry_problems(geometry: Mapping[str, Any], area_ha: Decimal | None) -> list[str]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind not in _GEOMETRIES:
        return [f"geolocation: unsupported geometry {printable(str(kind), 30)!r}"]
    if kind in ("Point", "MultiPoint") and area_ha is not None and area_ha > POINT_AREA_LIMIT_HA:
        return [
            f"geolocation: a plot of {area_ha} ha is over {POINT_AREA_LIMIT_HA} ha and needs "
            "a polygon, not a point"
        ]
    if kind == "Point":
        return _position_problems(coords)
    if kind == "MultiPoint":
        return _many(coords, _position_problems)
    if kind == "Polygon":
        return _polygon_problems(coords)
    return _many(coords, _polygon_problems)


def _many(values: object, check: Any) -> list[str]:
    if not isinstance(values, list) or not values:
        return ["geolocation: coordinates must be a non-empty list"]
    return [p for value in values for p in check(value)]


def _polygon_problems(rings: object) -> list[str]:
    if not isinstance(rings, list) or not rings:
        return ["geolocation: a polygon needs at least one ring"]
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            return ["geolocation: a polygon ring needs at least four positions"]
        problems = [p for position in ring for p in _position_problems(position)]
        if problems:
            return problems
        if list(ring[0])[:2] != list(ring[-1])[:2]:
            return ["geolocation: a polygon ring must end where it starts"]
    return []


def _position_problems(position: object) -> list[str]:
    if not (
        isinstance(position, list)
        and len(position) in (2, 3)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
    ):
        return ["geolocation: a position is [longitude, latitude] in degrees"]
    lon, lat = position[0], position[1]
    problems = []
    if not -180 <= lon <= 180:
        problems.append(f"geolocation: longitude {lon} is out of range (-180 to 180)")
    if not -90 <= lat <= 90:
        problems.append(f"geolocation: latitude {lat} is out of range (-90 to 90)")
    return problems
