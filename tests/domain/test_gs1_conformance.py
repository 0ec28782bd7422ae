"""The classifier against the GS1 syntax engine's own test vectors (../shared/corpus).

Each vector says whether the engine accepts an input and, if so, which AIs it
yields. The station must agree, except for the vectors listed in
`KNOWN_DISAGREEMENTS`, each with the reason the station legitimately differs.
That list is checked both ways: a listed vector that starts agreeing fails
the run, so the list never goes stale.

Vectors are named ``<file>:L<line>`` after the engine source line they were
transcribed from (``<file>:#<index>`` when the line is shared).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Code, Gs1Code

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
FILES = {
    "ai-parse-raw": CORPUS / "gs1" / "ai-parse-raw.json",
    "ai-parse-bracketed": CORPUS / "gs1" / "ai-parse-bracketed.json",
    "ai-associations": CORPUS / "gs1" / "ai-associations.json",
    "dl-uri-to-element-string": CORPUS / "digitallink" / "dl-uri-to-element-string.json",
}

_REQUISITES = (
    "requisite AIs hold over all barcodes of a label (GS1 syntax dictionary): one element "
    "string gets a REQUISITE_AI_MISSING warning, not a refusal, since a logistic label carries "
    "(00), (02)+(37), (10) in separate symbols; over one label's barcodes it is an error"
)
_ZERO_SUPPRESSED = (
    "the station accepts GTIN-8/12/13 in a Digital Link (01) and pads them to GTIN-14, "
    "as biip and the engine's permitZeroSuppressedGTINinDLuris mode do"
)
_ALPHAS = "convenience alphas (/gtin/, /ser/, /sscc/) are deprecated; the station rejects them"
_UNKNOWN_AIS = "the station rejects AIs it does not know (engine option permitUnknownAIs)"

KNOWN_DISAGREEMENTS: dict[str, str] = {
    # (99)AA(99)AB...: 64 different values for one AI; the engine's parse-level
    # test skips the repeat rule, the station applies it to every scan.
    "ai-parse-bracketed:#29": "the station rejects an AI repeated with different values",
    # (89)ABC(89)ABC(89)ABC: (89) is only a filler under permitUnknownAIs.
    "ai-associations:L2059": _UNKNOWN_AIS,
    "ai-associations:L2095": _REQUISITES,  # (02) alone
    "ai-associations:L2096": _REQUISITES,  # (02)(37) without (00)
    "ai-associations:L2097": _REQUISITES,
    "ai-associations:L2098": _REQUISITES,
    "ai-associations:L2099": _REQUISITES,
    "ai-associations:L2104": _REQUISITES,  # (21) without (01)
    "ai-associations:L2109": _REQUISITES,  # (250) without (21)
    "ai-associations:L2113": _REQUISITES,  # (3925) without a measure
    "dl-uri-to-element-string:L1437": _ALPHAS,
    "dl-uri-to-element-string:L1438": _ALPHAS,
    "dl-uri-to-element-string:L1439": _ALPHAS,
    "dl-uri-to-element-string:L1454": _ZERO_SUPPRESSED,
    "dl-uri-to-element-string:L1464": _ZERO_SUPPRESSED,
    "dl-uri-to-element-string:L1474": _ZERO_SUPPRESSED,
    "dl-uri-to-element-string:L1489": _ZERO_SUPPRESSED,
    "dl-uri-to-element-string:L1499": _ZERO_SUPPRESSED,
    # ?89=ABC123 accepted only with permitUnknownAIs and a validation turned off.
    "dl-uri-to-element-string:L1767": _UNKNOWN_AIS,
}


@dataclass(frozen=True)
class Vector:
    id: str
    file: str
    input: str
    expect_valid: bool
    expected_ais: tuple[tuple[str, str], ...]
    note: str


def _vectors() -> list[Vector]:
    vectors: list[Vector] = []
    for stem, path in FILES.items():
        if not path.is_file():
            continue
        raw: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["vectors"]
        lines = Counter(_line(entry) for entry in raw)
        for index, entry in enumerate(raw):
            line = _line(entry)
            ais = entry.get("expected_ais", entry.get("input_ais", []))
            vectors.append(
                Vector(
                    id=f"{stem}:{line}" if line and lines[line] == 1 else f"{stem}:#{index}",
                    file=stem,
                    input=entry["input"],
                    expect_valid=entry["expect_valid"],
                    expected_ais=tuple((ai, value) for ai, value in ais),
                    note=entry.get("note", ""),
                )
            )
    return vectors


def _line(entry: dict[str, Any]) -> str:
    source: str = entry.get("source", "")
    _, _, line = source.partition("#")
    return line.split(" ", 1)[0]


def _classify(vector: Vector) -> Code:
    # In the raw vectors a leading "^" is FNC1 in first position, which a
    # scanner reports as the ]C1 symbology identifier; later "^" are GS.
    if vector.file == "ai-parse-raw" and vector.input.startswith("^"):
        return classify(vector.input[1:].replace("^", "\x1d"), symbology="]C1")
    return classify(vector.input)


def _agrees(vector: Vector, code: Code) -> bool:
    if not isinstance(code, Gs1Code):
        return not vector.expect_valid
    return vector.expect_valid and code.ais == vector.expected_ais


_MISSING = [str(path) for path in FILES.values() if not path.is_file()]
pytestmark = pytest.mark.skipif(
    bool(_MISSING), reason=f"GS1 conformance corpus not found: {', '.join(_MISSING)}"
)
VECTORS = _vectors()


@pytest.mark.parametrize("vector", VECTORS, ids=[vector.id for vector in VECTORS])
def test_vector(vector: Vector) -> None:
    code = _classify(vector)
    agrees = _agrees(vector, code)
    reason = KNOWN_DISAGREEMENTS.get(vector.id)
    if reason is not None:
        assert not agrees, f"{vector.id} now agrees; remove it from KNOWN_DISAGREEMENTS"
        return
    detail = code.ais if isinstance(code, Gs1Code) else code
    assert agrees, f"{vector.input!r} ({vector.note}): expected {vector.expect_valid}, got {detail}"


def test_corpus_is_complete_and_every_disagreement_is_a_vector() -> None:
    ids = {vector.id for vector in VECTORS}
    assert len(ids) == len(VECTORS) == 307
    assert set(KNOWN_DISAGREEMENTS) <= ids
