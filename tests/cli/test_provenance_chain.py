"""Provenance across a station boundary (issue 10, item 10): station A ships, station B
imports A's outbound manifest and receives it; B's report, trace and B's own outbound
manifest still name the vendor upstream of A, not only A.

Two data dirs, two configurations, the real `station` commands in process."""

from __future__ import annotations

import json
from pathlib import Path

from station.domain.manifest.json_format import parse_manifest_json
from tests.cli.test_release_cli import config_b, new_lots, run, scan, site_a  # noqa: F401
from tests.workflows.release_support import (
    BOL,
    GTIN,
    P1,
    SEAL,
    label,
    lot_unit,
    order_manifest,
    pallet_label,
)

SAO_MAI = "Sao Mai Solar Manufacturing JSC"
A_SITE = "Example Solar Works"


def test_the_upstream_vendor_chain_survives_two_stations(
    site_a: tuple[Path, str, str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    data_a, l1, _, pallet = site_a
    scan(
        data_a,
        "release",
        "B-1002",
        ["SHP-2001", label(l1), pallet_label(pallet), SEAL, BOL, "#CLOSE"],
    )
    outbound_a = data_a / "outbound" / "SHP-2001.json"
    farm = config_b(tmp_path)
    data_b = tmp_path / "b"
    assert run(["import", str(outbound_a)], data_b, config=farm)[0] == 0
    received = scan(
        data_b, "receive", "B-1001", [BOL, SEAL, label(l1), pallet_label(pallet), "#CLOSE"], farm
    )
    assert [r["verdict"] for r in received][-1] == "accept"
    unit_b = f"01:{GTIN}/10:{l1}"

    # B's report: A is the vendor B received from; Sao Mai made what A made it from.
    code, out, err = run(["report", unit_b, "--format", "json"], data_b, config=farm)
    assert code == 0, err
    provenance = json.loads(out)["provenance"]
    assert provenance["vendors"] == [A_SITE]
    assert provenance["upstream_vendors"] == [SAO_MAI]
    (upstream,) = provenance["upstream"]
    assert (upstream["lot_id"], upstream["lot"], upstream["vendor"]) == (P1, "SM550-2609A", SAO_MAI)
    assert upstream["received_as"] == unit_b and upstream["shipment_id"] == "SHP-1001"
    assert upstream["place_of_manufacture"]["country"] == "VN"
    code, out, _ = run(["report", unit_b, "--format", "html"], data_b, config=farm)
    assert SAO_MAI in out and "SM550-2609A" in out

    # B's trace, as text and JSON.
    code, out, _ = run(["trace", unit_b], data_b, config=farm)
    assert f"made by {A_SITE}" in out
    assert f"upstream: {P1} (lot SM550-2609A) made by {SAO_MAI}" in out
    code, out, _ = run(["trace", unit_b, "--json"], data_b, config=farm)
    tree = json.loads(out)["tree"]
    assert [u["vendor"] for u in tree["origin"]["provenance"]] == [SAO_MAI]

    # B makes a lot of its own from A's, and ships it: B's outbound carries the chain.
    (made_b,) = new_lots(data_b, "repack", "--parent", f"{unit_b}:15", "--output", "15")[:1]
    code, out, _ = run(["report", made_b, "--format", "json"], data_b, config=farm)
    assert json.loads(out)["provenance"]["upstream_vendors"] == [SAO_MAI]
    order = tmp_path / "order-b.json"
    order.write_text(json.dumps(order_manifest("SHP-3001", [lot_unit(made_b, 15)])), "utf-8")
    assert run(["import", str(order)], data_b, config=farm)[0] == 0
    shipped = scan(
        data_b,
        "release",
        "B-1002",
        ["SHP-3001", label(made_b), "SL0060001", "BOL-990001", "#CLOSE"],
        farm,
    )
    assert shipped[-1]["verdict"] == "accept", shipped[-1]
    text = (data_b / "outbound" / "SHP-3001.json").read_text(encoding="utf-8")
    (manifest,) = parse_manifest_json(text, "SHP-3001.json").manifests
    (line,) = manifest.units[0].contents
    assert line.vendor == "Delta Solar Farms"
    chain = [(p.lot_id, p.vendor, p.via) for p in line.provenance]
    assert chain == [(unit_b, A_SITE, None), (P1, SAO_MAI, unit_b)]
