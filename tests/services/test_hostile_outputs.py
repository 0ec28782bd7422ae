"""Property: free text with control, bidi or zero-width characters reaches no output raw.

Arbitrary strings, salted with the characters the issue reproduced, go into the
vendor, city, facility, product, seller, carrier and notes of a real manifest;
the manifest is imported into a real station on a SQLite file and its pallet is
received. Then every output that can carry those fields is produced and searched:
the terminal text (`station show`, `station trace`), JSON (show, trace, the
provenance report, the outbound manifest file), the HTML provenance report, CSV
cells, and the label (what the PNG and PDF rasters draw, the SVG and the ZPL with
its ``^FH`` escapes decoded, as the printer decodes them). The stored manifest
keeps the text exactly as given.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labels.document import RenderedLabel
from station.bootstrap import Station, open_station
from station.config import load_config
from station.domain.printable import csv_cell, json_text
from station.domain.scanning.scan import Scan
from station.services.print_queue import build_label
from station.services.provenance_report import build_report, render_html, render_json
from station.services.show import describe
from station.services.trace import render_text, trace
from station.workflows.outbound_file import manifest_bytes

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "station.example.toml"
NASTY = [
    "\x00", "\x07", "\x08", "\x1b", "\x1b[2J", "\x1b]0;x\x07", "\x7f", "\x85", "\x9b",
    "\u061c", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e",
    "\u2060", "\u2066", "\u2069", "\ufeff", "\u2028", "\r", "\t", "\n",
]  # fmt: skip
FREE_TEXT = st.lists(
    st.sampled_from(NASTY) | st.text(st.characters(codec="utf-8"), max_size=4), max_size=8
).map(lambda parts: "v" + "".join(parts) + "w")


class Clock:
    def __init__(self) -> None:
        self.now_at = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        self.now_at += dt.timedelta(seconds=1)
        return self.now_at


def raw_unsafe(text: str, structural: str = "\n") -> list[str]:
    """Characters an output must never hold raw: C0/C1, DEL, format (bidi, zero-width), separators."""
    return [
        c
        for c in text
        if c not in structural and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")
    ]


def zpl_decoded(zpl: bytes) -> str:
    """The text fields of a ZPL job as the printer reads them (``^FH`` hex escapes decoded)."""
    fields = re.findall(rb"\^FD(.*?)\^FS", zpl)
    return "\n".join(
        re.sub(rb"_([0-9A-F]{2})", lambda m: bytes([int(m.group(1), 16)]), f).decode("utf-8")
        for f in fields
    )


@pytest.fixture(scope="module")
def dock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    station = open_station(load_config(EXAMPLE), tmp_path_factory.mktemp("data"), Clock())
    station.recorder.handle(Scan("B-1001", device="test"))
    yield station
    station.close()


COUNTER = itertools.count(1)


def sscc(n: int) -> str:
    body = f"3{n:016d}"
    return body + str(gs1_standard_check_digit(body))


def manifest(n: int, text: dict[str, str]) -> dict[str, Any]:
    return {
        "manifest_version": 1,
        "shipment_id": f"SHP-{n:04d}",
        "direction": "inbound",
        "bill_of_lading": f"BOL-9{n:05d}",
        "seller": {"name": text["seller"]},
        "carrier": text["carrier"],
        "seals": [f"SL9{n:06d}"],
        "notes": text["notes"],
        "units": [
            {
                "sscc": sscc(n),
                "packaging": "pallet",
                "contents": [
                    {
                        "gtin": "09506000134352",
                        "lot": f"H{n}",
                        "quantity": 10,
                        "product": text["product"],
                        "vendor": text["vendor"],
                        "place_of_manufacture": {
                            "facility": text["facility"],
                            "city": text["city"],
                            "country": "VN",
                        },
                        "date_of_manufacture": "2026-10-01",
                    }
                ],
            }
        ],
    }


FIELDS = ("vendor", "city", "facility", "product", "seller", "carrier", "notes")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.fixed_dictionaries({name: FREE_TEXT for name in FIELDS}))
def test_no_output_holds_a_raw_control_bidi_or_zero_width_character(
    dock: Station, tmp_path_factory: pytest.TempPathFactory, texts: dict[str, str]
) -> None:
    n = next(COUNTER)
    doc = manifest(n, texts)
    path = tmp_path_factory.mktemp("m") / "m.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert dock.import_files([path]).imported == (doc["shipment_id"],)
    stored = dock.view.shipment(doc["shipment_id"])
    assert stored is not None and stored.manifest.notes == texts["notes"].strip()  # as given
    for text in (doc["bill_of_lading"], doc["seals"][0], f"]C100{sscc(n)}", "#CLOSE"):
        assert dock.recorder.handle(Scan(text, device="test")).durable

    unit = sscc(n)
    shown = describe(dock.view, doc["shipment_id"])
    node = trace(dock.lots, dock.view, unit)
    report = build_report(dock, unit)
    lot = dock.lots.lot(unit)
    assert shown is not None and node is not None and report is not None and lot is not None
    label = RenderedLabel(build_label(dock.config, dock.lots, lot), job_id="t")
    layout = label.layout()
    outputs = {
        "show text": shown.text,
        "show JSON": json_text(shown.data, ascii_only=True, indent=2, default=str),
        "trace text": render_text(node),
        "trace JSON": json_text(node.as_dict(), ascii_only=True, default=str),
        "report HTML": render_html(report),
        "report JSON": render_json(report),
        "outbound manifest": manifest_bytes(stored.manifest.as_dict()).decode("utf-8"),
        "label texts (PNG, PDF)": "\n".join([layout.title, *(t.text for t in layout.texts)]),
        "label SVG": label.svg().decode("utf-8"),
        "label ZPL": zpl_decoded(label.zpl()),
    }
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([csv_cell(texts[f]) for f in FIELDS])
    outputs["CSV"] = buffer.getvalue()
    for name, output in outputs.items():
        assert not raw_unsafe(output), f"{name}: raw {raw_unsafe(output)[:3]!r}"
    again = json.loads(outputs["outbound manifest"])
    assert again["notes"] == texts["notes"].strip()  # JSON keeps the data exactly
