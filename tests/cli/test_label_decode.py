"""`station decode` on a logistic label whose AIs are split over several GS1-128 barcodes:
the barcodes of one image are checked together as one item (issue 10, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from tests.cli.test_headless import run
from tests.drivers.synthetic_labels import render_symbol


def write_label(path: Path, *contents: str) -> None:
    """A white label with one GS1-128 symbol per content, stacked as on a logistic label."""
    symbols = [
        cv2.resize(s, (s.shape[1] * 3, 90), interpolation=cv2.INTER_NEAREST)
        for s in (render_symbol("Code128", c, gs1=True) for c in contents)
    ]
    width = max(s.shape[1] for s in symbols) + 60
    rows = [np.full((40, width), 255, np.uint8)]
    for symbol in symbols:
        row = np.full((symbol.shape[0], width), 255, np.uint8)
        row[:, 30 : 30 + symbol.shape[1]] = symbol
        rows += [row, np.full((60, width), 255, np.uint8)]
    cv2.imwrite(str(path), np.vstack(rows))


def test_a_label_split_over_three_barcodes_reads_as_one_item(tmp_path: Path) -> None:
    path = tmp_path / "logistic.png"
    write_label(path, "(02)09521234543213(37)24", "(10)LOT-42(15)270101", "(00)106141412345678908")
    code, out, _ = run(["decode", str(path), "--json"], tmp_path / "data")
    assert code == 0
    (result,) = json.loads(out)
    assert len(result["codes"]) == 3
    # Alone, (02)+(37) lacks the (00) its (37) needs; the label as a whole has it.
    assert any(f["code"] == "REQUISITE_AI_MISSING" for c in result["codes"] for f in c["findings"])
    assert result["label_findings"] == []
    code, out, _ = run(["decode", str(path)], tmp_path / "data")
    assert "as one label: OK" in out


def test_a_serial_no_barcode_of_the_label_keys_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "serial.png"
    write_label(path, "(21)SN-0001", "(00)106141412345678908")
    _, out, _ = run(["decode", str(path), "--json"], tmp_path / "data")
    (result,) = json.loads(out)
    assert len(result["codes"]) == 2
    (finding,) = result["label_findings"]
    assert finding["message"].startswith("AI (21) needs (01), (03) or (8006), and none of")
    _, out, _ = run(["decode", str(path)], tmp_path / "data")
    assert "as one label: INVALID" in out
