"""Identifiers as the event hash writes them: constrained canonical GS1 Digital Link URIs.

The EPCIS event hash (CBV 2.0, section 8.9) writes every identifier that carries a
GS1 key the same way, however the event spelled it: EPC URIs (``urn:epc:id:...``),
EPC class and pattern URIs become Digital Link URIs on ``https://id.gs1.org``; a
Digital Link on another host, with short names (``/gtin/``), a query string, a CPV
or both a lot and a serial is cut down to the canonical host, numeric AIs, no query
and the finest key only. A value that is none of these is left as it is (None).

    >>> canonical_dl("urn:epc:id:sscc:4012345.0000000333")
    'https://id.gs1.org/00/040123450000003338'
    >>> canonical_dl("urn:epc:id:sgln:4012345.00011.987")
    'https://id.gs1.org/414/4012345000115/254/987'
    >>> canonical_dl("https://example.com/gtin/9506000134352/lot/A1/ser/7?17=251231")
    'https://id.gs1.org/01/09506000134352/21/7'
    >>> canonical_dl("urn:station:lot:A1") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from biip.checksums import gs1_standard_check_digit

_HOST: Final = "https://id.gs1.org"
_X: Final = "[\"'\\-.0-9;-?A-Z_a-z]"  # what the hash keeps unencoded in an AI value
_CPI: Final = "[#\\-/0-9A-Z]"
_VALID: Final = re.compile(
    "/(?:"
    + "|".join(
        (
            r"00/\d{18}",
            rf"01/\d{{14}}(?:/21/{_X}{{0,20}}|/10/{_X}{{0,20}}|/235/{_X}{{0,28}})?",
            rf"253/\d{{13}}{_X}{{0,17}}",
            r"255/\d{13}\d{0,12}",
            rf"401/{_X}{{0,30}}",
            r"402/\d{17}",
            rf"414/\d{{13}}(?:/254/{_X}{{0,20}})?",
            r"417/\d{13}",
            rf"8003/\d{{14}}{_X}{{0,16}}",
            rf"8004/{_X}{{0,30}}",
            rf"8006/\d{{18}}(?:/21/{_X}{{0,20}}|/10/{_X}{{0,20}})?",
            rf"8010/{_CPI}{{0,30}}(?:/8011/\d{{0,12}})?",
            r"8017/\d{18}",
            r"8018/\d{18}",
        )
    )
    + ")"
)
_KEYS: Final = [
    "00",
    "01",
    "253",
    "255",
    "401",
    "402",
    "414",
    "417",
    "8003",
    "8004",
    "8006",
    "8010",
    "8017",
    "8018",
]
_SHORT_NAMES: Final = {
    "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417",
    "gsrnp": "8017", "gsrn": "8018", "gcn": "255", "sscc": "00", "gdti": "253",
    "ginc": "401", "gsin": "402", "grai": "8003", "giai": "8004", "cpv": "22",
    "lot": "10", "ser": "21",
}  # fmt: skip
_DL_START: Final = re.compile(
    r"https?://[^/?#]*(?:/[^?#]*)?/(?:"
    + "|".join(k for k in (*_KEYS, *_SHORT_NAMES) if k not in ("22", "10", "21"))
    + r")/\d{4}"
)
_ESCAPE: Final = str.maketrans({c: f"%{ord(c):02X}" for c in "!()*+,:"})


def _check(digits: str) -> str:
    return digits + str(gs1_standard_check_digit(digits))


def _gtin(prefix: str, item: str) -> str:
    return _check(item[:1] + prefix + item[1:])


def _parts(body: str, count: int) -> list[str] | None:
    parts = body.split(".", count - 1)
    return parts if len(parts) == count else None


def _numeric(prefix: str, ref: str, total: int) -> bool:
    return (
        6 <= len(prefix) <= 12
        and prefix.isdigit()
        and ref.isdigit()
        and len(prefix) + len(ref) == total
    )


def _sgtin(body: str) -> str | None:
    p = _parts(body, 3)
    if p is None or not _numeric(p[0], p[1], 13):
        return None
    return f"/01/{_gtin(p[0], p[1])}/21/{p[2].translate(_ESCAPE)}"


def _lgtin(body: str) -> str | None:
    p = _parts(body, 3)
    if p is None or not _numeric(p[0], p[1], 13):
        return None
    return f"/01/{_gtin(p[0], p[1])}/10/{p[2].translate(_ESCAPE)}"


def _sscc(body: str) -> str | None:
    p = _parts(body, 2)
    if p is None or not _numeric(p[0], p[1], 17):
        return None
    return f"/00/{_check(p[1][:1] + p[0] + p[1][1:])}"


def _sgln(body: str) -> str | None:
    p = _parts(body, 3)
    if p is None or not (_numeric(p[0], p[1], 12) or (len(p[0]) == 12 and p[1] == "")):
        return None
    gln = _check(p[0] + p[1])
    return f"/414/{gln}" if p[2] == "0" else f"/414/{gln}/254/{p[2].translate(_ESCAPE)}"


def _keyed(ai: str, total: int, pad: str = "") -> Callable[[str], str | None]:
    """Company prefix + reference + check digit, then an optional serial (GRAI, GDTI, SGCN)."""

    def convert(body: str) -> str | None:
        p = _parts(body, 3)
        if p is None or not (_numeric(p[0], p[1], total) or (len(p[0]) == total and not p[1])):
            return None
        serial = "" if p[2] == "*" else p[2].translate(_ESCAPE)
        return f"/{ai}/{_check(pad + p[0] + p[1])}{serial}"

    return convert


def _plain(ai: str, total: int | None, check: bool) -> Callable[[str], str | None]:
    """Company prefix + reference, with a check digit (GSRN, GSIN, PGLN) or not (GIAI)."""

    def convert(body: str) -> str | None:
        p = _parts(body, 2)
        if p is None or not 6 <= len(p[0]) <= 12 or not p[0].isdigit():
            return None
        if total is not None and not _numeric(p[0], p[1], total):
            return None
        key = p[0] + p[1]
        return f"/{ai}/{_check(key) if check else key.translate(_ESCAPE)}"

    return convert


def _cpi(body: str) -> str | None:
    prefix, _, rest = body.partition(".")
    ref, _, serial = rest.rpartition(".")
    if not (6 <= len(prefix) <= 12 and prefix.isdigit() and ref):
        return None
    path = f"/8010/{(prefix + ref).translate(_ESCAPE)}"
    return path if serial == "*" else f"{path}/8011/{serial}"


def _itip(body: str) -> str | None:
    p = _parts(body, 5)
    if p is None or not _numeric(p[0], p[1], 13):
        return None
    path = f"/8006/{_gtin(p[0], p[1])}{p[2]}{p[3]}"
    return path if p[4] == "*" else f"{path}/21/{p[4].translate(_ESCAPE)}"


def _upui(body: str) -> str | None:
    p = _parts(body, 3)
    if p is None or not _numeric(p[0], p[1], 13):
        return None
    gtin = _gtin(p[0], p[1])
    return f"/01/{gtin}" if p[2] == "*" else f"/01/{gtin}/235/{p[2].translate(_ESCAPE)}"


def _pattern_gtin(body: str) -> str | None:
    p = _parts(body, 3)
    if p is None or p[2] != "*" or not _numeric(p[0], p[1], 13):
        return None
    return f"/01/{_gtin(p[0], p[1])}"


_EPC: Final[dict[str, Callable[[str], str | None]]] = {
    "urn:epc:id:sgtin:": _sgtin,
    "urn:epc:id:sscc:": _sscc,
    "urn:epc:id:sgln:": _sgln,
    "urn:epc:id:grai:": _keyed("8003", 12, pad="0"),
    "urn:epc:id:giai:": _plain("8004", None, check=False),
    "urn:epc:id:gsrn:": _plain("8018", 17, check=True),
    "urn:epc:id:gsrnp:": _plain("8017", 17, check=True),
    "urn:epc:id:gdti:": _keyed("253", 12),
    "urn:epc:id:cpi:": _cpi,
    "urn:epc:id:sgcn:": _keyed("255", 12),
    "urn:epc:id:ginc:": _plain("401", None, check=False),
    "urn:epc:id:gsin:": _plain("402", 16, check=True),
    "urn:epc:id:itip:": _itip,
    "urn:epc:id:upui:": _upui,
    "urn:epc:id:pgln:": _plain("417", 12, check=True),
    "urn:epc:class:lgtin:": _lgtin,
    "urn:epc:idpat:sgtin:": _pattern_gtin,
    "urn:epc:idpat:grai:": _keyed("8003", 12, pad="0"),
    "urn:epc:idpat:gdti:": _keyed("253", 12),
    "urn:epc:idpat:sgcn:": _keyed("255", 12),
    "urn:epc:idpat:cpi:": _cpi,
    "urn:epc:idpat:itip:": _itip,
    "urn:epc:idpat:upui:": _upui,
}


def canonical_dl(value: str) -> str | None:
    """The constrained canonical Digital Link of an EPC URI or Digital Link; else None."""
    for scheme, convert in _EPC.items():
        if value.startswith(scheme):
            path = convert(value[len(scheme) :])
            return _valid(path)
    if _DL_START.match(value) is None:
        return None
    return _valid(_constrain(value.split("?", 1)[0].split("#", 1)[0]))


def _constrain(uri: str) -> str | None:
    segments = [_SHORT_NAMES.get(s, s) for s in uri.split("/")[3:]]
    # The GS1 part starts at the first primary key whose value starts with digits.
    start = next(
        (
            i
            for i in range(len(segments) - 1)
            if segments[i] in _KEYS and segments[i + 1][:4].isdigit()
        ),
        None,
    )
    if start is None:
        return None
    pairs = list(zip(segments[start::2], segments[start + 1 :: 2], strict=False))
    key, value = pairs[0]
    if key == "01" and value.isdigit() and len(value) in (8, 12, 13):
        value = value.zfill(14)
    qualifiers = {ai: v for ai, v in pairs[1:] if ai != "22"}
    if "21" in qualifiers:
        qualifiers.pop("10", None)
    return f"/{key}/{value}" + "".join(f"/{ai}/{v}" for ai, v in qualifiers.items())


def _valid(path: str | None) -> str | None:
    if path is None or _VALID.fullmatch(path) is None:
        return None
    return _HOST + path
