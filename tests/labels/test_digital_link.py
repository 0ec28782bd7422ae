"""GS1 Digital Link generation: the syntax engine's vectors, escaping, and the classifier round trip.

The conformance part reads ../shared/corpus/digitallink and skips when it is absent.
Each vector of ``dl-element-string-to-uri.json`` says what ``gs1_generateDLuri``
makes of some AIs; `digital_link_uri` must agree, except for the vectors in
`KNOWN_DISAGREEMENTS`, checked both ways so the list never goes stale.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labels.digital_link import (
    DigitalLinkError,
    digital_link_uri,
    escape_path,
    escape_query,
    gs1_date,
    lot_uri,
    resolver_stem,
    sscc_uri,
)
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code, Gs1Form

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "digitallink"
GENERATE = CORPUS / "dl-element-string-to-uri.json"
ESCAPING = CORPUS / "dl-uri-escaping.json"

KNOWN_DISAGREEMENTS = {
    # (89) is an unknown AI; the engine writes it only with permitUnknownAIs and a
    # validation switched off. The station rejects unknown AIs.
    "L2206": "the station rejects unknown AIs (engine option permitUnknownAIs)",
}


def _line(entry: dict[str, Any]) -> str:
    return str(entry.get("source", "")).partition("#")[2].split(" ", 1)[0]


def _vectors(path: Path, kind: str | None = None) -> list[Any]:
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))["vectors"]
    return [
        pytest.param(entry, id=f"{_line(entry)}:{entry['input'][:40]}")
        for entry in entries
        if kind is None or entry.get("kind") == kind
    ]


needs_corpus = pytest.mark.skipif(
    not (GENERATE.is_file() and ESCAPING.is_file()),
    reason=f"GS1 Digital Link corpus not found under {CORPUS}",
)


@needs_corpus
@pytest.mark.parametrize("vector", _vectors(GENERATE))
def test_generation_vector(vector: dict[str, Any]) -> None:
    ais = [(ai, value) for ai, value in vector["input_ais"]]
    try:
        uri: str | None = digital_link_uri(ais, vector["stem"])
    except DigitalLinkError:
        uri = None
    agrees = uri == vector["expected_uri"] if vector["expect_valid"] else uri is None
    reason = KNOWN_DISAGREEMENTS.get(_line(vector))
    if reason is not None:
        assert not agrees, f"{_line(vector)} now agrees; remove it from KNOWN_DISAGREEMENTS"
        return
    assert agrees, f"{vector['input']}: got {uri!r}, engine says {vector['expected_uri']!r}"


@needs_corpus
def test_disagreements_are_only_verification() -> None:
    """Without the read-back the generator itself writes what the engine writes."""
    entries = json.loads(GENERATE.read_text(encoding="utf-8"))["vectors"]
    for entry in entries:
        if _line(entry) in KNOWN_DISAGREEMENTS and entry["expect_valid"]:
            ais = [(ai, value) for ai, value in entry["input_ais"]]
            assert digital_link_uri(ais, entry["stem"], verify=False) == entry["expected_uri"]


@needs_corpus
@pytest.mark.parametrize("vector", _vectors(ESCAPING, "URIescape"))
def test_escaping_vector(vector: dict[str, Any]) -> None:
    assert escape_path(vector["input"]) == vector["expected_path_component"]
    assert escape_query(vector["input"]) == vector["expected_query_component"]


def test_lot_uri() -> None:
    uri = lot_uri("id.example.com", "09521234543213", "L-2026-0042", dt.date(2026, 11, 23))
    assert uri == "https://id.example.com/01/09521234543213/10/L-2026-0042?11=261123"


def test_lot_uri_pads_short_gtins_and_escapes_the_lot() -> None:
    uri = lot_uri("https://example.com/dl/", "9521234543213", "A/B+2%", None)
    assert uri == "https://example.com/dl/01/09521234543213/10/A%2FB%2B2%25"
    code = classify(uri)
    assert isinstance(code, Gs1Code)
    assert code.ais == (("01", "09521234543213"), ("10", "A/B+2%"))


def test_sscc_uri() -> None:
    uri = sscc_uri("id.example.com:8443", "376130321109103420")
    assert uri == "https://id.example.com:8443/00/376130321109103420"


def test_a_pallet_link_with_a_production_date_is_refused() -> None:
    """(11) needs a trade item key beside it; an SSCC is none (issue 10, item 9)."""
    ais = [("00", "376130321109103420"), ("11", "260102")]
    with pytest.raises(DigitalLinkError, match=r"AI \(11\) needs \(01\), \(02\), \(03\)"):
        digital_link_uri(ais, "https://id.example.com")


def test_gs1_date() -> None:
    assert gs1_date(dt.date(2031, 12, 9)) == "311209"


def test_default_stem_is_gs1s_resolver() -> None:
    assert digital_link_uri([("01", "09521234543213")]) == "https://id.gs1.org/01/09521234543213"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: lot_uri("id.example.com", "09521234543214", "L1"),
            "Invalid GTIN check digit",
        ),
        (lambda: sscc_uri("id.example.com", "37613032110910342"), "is not a valid GS1"),
        (lambda: lot_uri("id.example.com", "09521234543213", "x" * 21), "is not a valid GS1"),
        (lambda: lot_uri("id.example.com", "09521234543213", "é"), "is not a valid GS1"),
        (lambda: lot_uri("id.example.com", "09521234543213", ""), "AI (10) has an empty value"),
        (
            lambda: digital_link_uri([("99", "X")], "https://a"),
            "no GS1 Digital Link primary key among (99)",
        ),
        (
            lambda: digital_link_uri([("01", "09521234543213"), ("10", "A"), ("10", "B")]),
            "AI (10) is given twice: 'A' and 'B'",
        ),
    ],
)
def test_invalid_input_is_refused(call: Any, message: str) -> None:
    with pytest.raises(DigitalLinkError) as caught:
        call()
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("resolver", "message"),
    [
        ("", "resolver is empty: expected a host name such as 'id.example.com'"),
        ("ftp://example.com", "resolver 'ftp://example.com': expected an https:// or http:// URL"),
        ("https://", "resolver 'https://': no host name"),
        ("exa_mple.com", "resolver 'exa_mple.com': the host name holds '_', not allowed in a host"),
        ("example.com/a b", "resolver 'example.com/a b': ' ' not allowed in a URI"),
        ("example.com/?x=1", "resolver 'example.com/?x=1': a stem has no query or fragment"),
    ],
)
def test_bad_resolvers(resolver: str, message: str) -> None:
    with pytest.raises(DigitalLinkError) as caught:
        resolver_stem(resolver)
    assert str(caught.value).startswith(message)


# Lot numbers use GS1 character set 82 (AI 10: X..20).
_CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def _with_check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


@settings(max_examples=200, deadline=None)
@given(
    gtin_body=st.text("0123456789", min_size=13, max_size=13).filter(lambda s: s.strip("0")),
    lot=st.text(_CSET82, min_size=1, max_size=20),
    produced=st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31)),
    host=st.sampled_from(["id.example.com", "example.com:8443", "https://res.example.org/dl"]),
)
def test_classify_reads_back_gtin_lot_and_date(
    gtin_body: str, lot: str, produced: dt.date, host: str
) -> None:
    gtin = _with_check_digit(gtin_body)
    code = classify(lot_uri(host, gtin, lot, produced))
    assert isinstance(code, Gs1Code)
    assert code.form is Gs1Form.DIGITAL_LINK
    assert code.ais == (("01", gtin), ("10", lot), ("11", gs1_date(produced)))
    assert code.production_date == produced


@settings(max_examples=100, deadline=None)
@given(body=st.text("0123456789", min_size=17, max_size=17).filter(lambda s: s.strip("0")))
def test_classify_reads_back_sscc(body: str) -> None:
    sscc = _with_check_digit(body)
    code = classify(sscc_uri("id.example.com", sscc))
    assert isinstance(code, Gs1Code)
    assert code.sscc == sscc and code.ais == (("00", sscc),)
