"""Every label template's QR payload is a Digital Link GS1's rules accept (issue 10, item 9).

Two independent checks: the station's own rules (the classifier: Digital Link path and
query rules, exclusive and requisite AIs, which need nothing outside the project), and,
when ``../shared/corpus`` is present, a validator written here from the shared vectors
alone: the valid path sequences of ``dl-valid-path-sequences.json`` and the ``req``/``ex``
association rules and Digital Link attribute flags of ``gs1/ai-table.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlsplit

import pytest

from labels.content import lot_label, pallet_label
from labels.templates import LabelTemplate, TemplateError
from station.bootstrap import Station
from station.config import StationConfig
from station.domain.lots.transform_plan import TransformKind
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code, Gs1Form
from station.domain.scanning.scan import Scan
from station.services.print_queue import build_label
from station.workflows.lots import TransformRequest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
PATHS = CORPUS / "digitallink" / "dl-valid-path-sequences.json"
AI_TABLE = CORPUS / "gs1" / "ai-table.json"
needs_corpus = pytest.mark.skipif(
    not (PATHS.is_file() and AI_TABLE.is_file()), reason=f"shared corpus not found at {CORPUS}"
)
SSCC = "376130321109103420"


def template_payloads(config: StationConfig) -> list[tuple[str, str]]:
    """(template name and kind, payload) for every label template, for what it can label.

    A template labels lots, pallets or both: whichever its required fields allow.
    """
    payloads = []
    for name, template in sorted(config.labels.templates.items()):
        if not isinstance(template, LabelTemplate):
            continue  # command sheets carry command codes, not GS1 data
        makers = {
            "lot": lambda t=template: lot_label(
                resolver=config.labels.resolver_host,
                gtin="09521234543213",
                lot="HCM26327-0001",
                product="Module 550 W",
                quantity=Decimal(31),
                uom="EA",
                produced_on=dt.date(2026, 11, 23),
                place=config.site,
                parent_lots=1,
                template=t,
            ),
            "pallet": lambda t=template: pallet_label(
                resolver=config.labels.resolver_host,
                sscc=SSCC,
                produced_on=dt.date(2026, 11, 23),
                contents="Module 550 W",
                quantity="62 EA",
                lots="2 parent lot(s)",
                place=config.site,
                template=t,
            ),
        }
        made = []
        for kind, make in makers.items():
            try:
                made.append((f"{name} ({kind})", make().qr_payload))
            except TemplateError:
                continue  # a field this kind of label lacks is required by the template
        assert made, f"template {name} labels neither a lot nor a pallet"
        payloads += made
    return payloads


def station_payloads(station: Station) -> list[tuple[str, str]]:
    """The payloads the print queue makes for a lot and a pallet made at the station."""
    operator = station.config.operator_by_badge("B-1001")
    assert operator is not None
    for text in (
        "B-1001",
        "BOL-778001",
        "SL0041871",
        "00006141412610010016",
        "00006141412610010023",
    ):
        station.recorder.handle(Scan(text))
    made = []
    for kind, parents, outputs in (
        (TransformKind.REPACK, (("006141412610010016", Decimal(31)),), (Decimal(31),)),
        (TransformKind.PALLETISE, (("006141412610010023", Decimal(31)),), ()),
    ):
        result = station.lot_desk.transform(TransformRequest(kind, parents, outputs), operator)
        assert result.ok, result.message
        made.extend(result.new_ids)
    return [
        (lot_id, build_label(station.config, station.lots, station.lots.lot(lot_id)).qr_payload)  # type: ignore[arg-type]
        for lot_id in made
    ]


def test_every_template_payload_passes_the_stations_digital_link_rules(
    config: StationConfig, station: Station
) -> None:
    payloads = template_payloads(config) + station_payloads(station)
    assert any("pallet" in name for name, _ in payloads)
    for name, payload in payloads:
        code = classify(payload)
        assert isinstance(code, Gs1Code), (name, payload, getattr(code, "findings", None))
        assert code.form is Gs1Form.DIGITAL_LINK and code.findings == (), (name, payload)
    pallets = [p for name, p in payloads if "pallet" in name or "/00/" in p]
    assert pallets and all("?" not in p for p in pallets)  # the date is in the text


# -- a validator from the shared vectors alone ------------------------------------------


def _matches(pattern: str, ai: str) -> bool:
    return len(pattern) == len(ai) and all(p in ("n", a) for p, a in zip(pattern, ai, strict=True))


def vector_problems(uri: str, table: dict[str, Any], paths: list[list[str]]) -> list[str]:
    """What the shared vectors' rules say is wrong with Digital Link `uri` (empty: nothing)."""
    parts = urlsplit(uri)
    segments = parts.path.strip("/").split("/")
    path: list[tuple[str, str]] = []
    # The primary key and its qualifiers are the trailing AI/value pairs of the path.
    while len(segments) >= 2 and segments[-2] in table:
        path.insert(0, (segments[-2], unquote_plus(segments[-1])))
        segments = segments[:-2]
    problems = []
    if [ai for ai, _ in path] not in paths:
        problems.append(f"path AIs {[ai for ai, _ in path]} are not a valid sequence")
    query = [
        (key, unquote_plus(value))
        for key, _, value in (p.partition("=") for p in parts.query.split("&") if p)
        if key.isdigit()
    ]
    for ai, _ in query:
        if ai not in table or not table[ai]["dl_data_attribute"]:
            problems.append(f"({ai}) is not a Digital Link data attribute")
    present = [ai for ai, _ in path + query]
    for ai in present:
        for rule in table[ai]["req"] if ai in table else []:
            if not any(
                all(any(_matches(part, p) for p in present) for part in alt.split("+"))
                for alt in rule
            ):
                problems.append(f"({ai}) needs one of {rule}")
        for rule in table[ai]["ex"] if ai in table else []:
            for pattern in rule:
                if any(_matches(pattern, other) and other != ai for other in present):
                    problems.append(f"({ai}) excludes {pattern}")
    return problems


@needs_corpus
def test_every_template_payload_passes_the_shared_vectors_rules(
    config: StationConfig, station: Station
) -> None:
    table = {entry["ai"]: entry for entry in json.loads(AI_TABLE.read_text("utf-8"))["ais"]}
    paths = json.loads(PATHS.read_text("utf-8"))["valid_sequences"]
    for name, payload in template_payloads(config) + station_payloads(station):
        assert vector_problems(payload, table, paths) == [], (name, payload)
    # The validator bites: the pallet link the station used to print breaks the rules.
    old = f"https://id.example.com/00/{SSCC}?11=261123"
    assert vector_problems(old, table, paths) == [
        "(11) needs one of ['01', '02', '03', '8006', '8026']"
    ]
