"""Identifiers in EPCIS events: GS1 Digital Link URIs where a GS1 key exists, else URNs.

A pallet's SSCC is ``https://id.gs1.org/00/<sscc>``; a serialised item
``https://id.gs1.org/01/<gtin>/21/<serial>``; a lot is a class of goods, so it is
``https://id.gs1.org/01/<gtin>/10/<lot>`` in a quantity list. Anything without a GS1
key (a lot made here whose GTIN is unknown, a shipment, a document number) becomes
``urn:<namespace>:<kind>:<id>`` with the id percent-encoded, so every identifier is
a valid URI whatever the station's ids hold.

    >>> unit_object("376130321109103420", namespace="station").uri
    'https://id.gs1.org/00/376130321109103420'
    >>> unit_object("01:09506000134352/10:A/1", namespace="station")
    ObjectId(uri='https://id.gs1.org/01/09506000134352/10/A%2F1', instance=False)
    >>> unit_object("HCM24123-0001", namespace="station").uri
    'urn:station:lot:HCM24123-0001'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

from biip.checksums import gs1_standard_check_digit

DL_HOST: Final = "https://id.gs1.org"

# GS1 AI encodable character set 82: what AI (10) and (21) values may hold.
_CSET82: Final = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")
_DIGITS: Final = re.compile(r"[0-9]+")
_ITEM_KEY: Final = re.compile(r"01:([0-9]{14})/(10|21):(.+)", re.DOTALL)
_URN_NAMESPACE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,31}")


@dataclass(frozen=True, slots=True)
class ObjectId:
    """An object in an event: an instance (epcList) or a class of goods (quantityList)."""

    uri: str
    instance: bool


def valid_key(digits: str, length: int) -> bool:
    """True when `digits` is a GS1 key of `length` digits with a right check digit."""
    return (
        len(digits) == length
        and _DIGITS.fullmatch(digits) is not None
        and gs1_standard_check_digit(digits[:-1]) == int(digits[-1])
        and bool(digits.strip("0"))
    )


def valid_urn_namespace(name: str) -> bool:
    """True for a URN namespace identifier (RFC 8141: letters, digits, hyphens)."""
    return _URN_NAMESPACE.fullmatch(name) is not None


def dl_value(value: str) -> str:
    """An AI value percent-encoded for a Digital Link path segment."""
    return quote(value, safe="")


def urn(namespace: str, kind: str, value: str) -> str:
    """``urn:<namespace>:<kind>:<value>`` with `value` percent-encoded."""
    return f"urn:{namespace}:{kind}:{quote(value, safe='')}"


def ai_value_ok(value: str) -> bool:
    """True when `value` can be an AI (10) lot or (21) serial."""
    return _CSET82.fullmatch(value) is not None


def unit_object(unit_id: str, *, namespace: str, gtin: str | None = None) -> ObjectId:
    """The identifier of a unit or lot the station knows by `unit_id`.

    `gtin` is the product of a lot made here (its id is then the lot number).
    """
    if valid_key(unit_id, 18):
        return ObjectId(f"{DL_HOST}/00/{unit_id}", instance=True)
    match = _ITEM_KEY.fullmatch(unit_id)
    if match and valid_key(match[1], 14) and ai_value_ok(match[3]):
        instance = match[2] == "21"
        return ObjectId(f"{DL_HOST}/01/{match[1]}/{match[2]}/{dl_value(match[3])}", instance)
    if gtin is not None and valid_key(gtin, 14) and ai_value_ok(unit_id):
        return ObjectId(f"{DL_HOST}/01/{gtin}/10/{dl_value(unit_id)}", instance=False)
    return ObjectId(urn(namespace, "lot", unit_id), instance=False)


def line_class(line: dict[str, Any], *, namespace: str) -> ObjectId | None:
    """The identifier of a manifest content line: its serial, its lot, or None."""
    gtin = line.get("gtin")
    if not isinstance(gtin, str) or not valid_key(gtin, 14):
        return None
    serial, lot = line.get("serial"), line.get("lot")
    if isinstance(serial, str) and ai_value_ok(serial):
        return ObjectId(f"{DL_HOST}/01/{gtin}/21/{dl_value(serial)}", instance=True)
    if isinstance(lot, str) and ai_value_ok(lot):
        return ObjectId(f"{DL_HOST}/01/{gtin}/10/{dl_value(lot)}", instance=False)
    if isinstance(lot, str) and lot:
        return ObjectId(urn(namespace, "lot", f"{gtin}/{lot}"), instance=False)
    return ObjectId(f"{DL_HOST}/01/{gtin}", instance=False)


def location_uri(text: str) -> str | None:
    """A configured location: ``<GLN>`` or ``<GLN>/<extension>`` as an SGLN Digital Link.

    Any other text that already is a URI (``https:...``, ``urn:...``) is taken as it is;
    None when `text` is neither.
    """
    gln, slash, extension = text.partition("/")
    if valid_key(gln, 13):
        if not slash:
            return f"{DL_HOST}/414/{gln}"
        if ai_value_ok(extension):
            return f"{DL_HOST}/414/{gln}/254/{dl_value(extension)}"
        return None
    if re.fullmatch(r"(https?://[^\s/]+/\S*|urn:[A-Za-z0-9][A-Za-z0-9-]*:\S+)", text):
        return text
    return None


def party_uri(party: object, *, namespace: str) -> str | None:
    """A seller or buyer (``{"name", "id"}``): its GLN as a party Digital Link, else a URN."""
    if not isinstance(party, dict):
        return None
    party_id, name = party.get("id"), party.get("name")
    if isinstance(party_id, str) and valid_key(party_id, 13):
        return f"{DL_HOST}/417/{party_id}"
    if isinstance(party_id, str) and party_id.strip():
        return urn(namespace, "party", party_id.strip())
    if isinstance(name, str) and name.strip():
        return urn(namespace, "party", name.strip())
    return None
