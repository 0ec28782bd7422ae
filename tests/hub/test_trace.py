"""Trace across stations on the hub: a pallet received at DOCK-1, split at DOCK-2 and one
of its lots shipped from DOCK-3, each station a real station (its own data dir, the real
workflows), each pushing its log with `build_capture_document` under its own token; the
hub traces it end to end, back and forward, as JSON and as the auditor's HTML page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from labels.digital_link import lot_uri, sscc_uri
from station.bootstrap import Station, open_station
from station.config import StationConfig
from station.domain.lots.transform_plan import TransformKind
from station.sync.epcis import build_capture_document
from tests.conftest import DEMO_DIR, FrozenClock
from tests.hub.support import Hub, document, object_event
from tests.workflows.release_support import (
    P1,
    P2,
    P3,
    import_order,
    label,
    lot_unit,
    pallet_label,
    receive,
    release,
    sscc_unit,
    transform,
)

GTIN = "00614141550012"
SSCC_URI = f"https://id.gs1.org/00/{P1}"


def open_dock(root: Path, config: StationConfig, clock: FrozenClock, n: int) -> Station:
    mine = dataclasses.replace(config, station_id=f"DOCK-{n}", epcis=None)
    return open_station(mine, root / f"dock-{n}" / "data", clock)


def ship(station: Station, order: str, unit: str, seal: str, bol: str) -> Path:
    """Release `unit` on `order`; the outbound manifest file the release wrote."""
    done = release(station, "B-1002", order, unit, seal, bol, "#CLOSE")
    assert done[-1].outcome.headline.startswith("RELEASED"), [r.outcome.headline for r in done]
    (written,) = (station.data_dir / "outbound").iterdir()
    return written


def push(hub: Hub, station: Station) -> None:
    events = list(station.log.events())
    document = build_capture_document(
        events, station.config.epcis_settings(), resolve=station.log.event_by_id
    )
    token = f"dock-{station.config.station_id.removeprefix('DOCK-')}"
    with hub.client(token) as client:
        answer = client.post(
            "/capture",
            content=json.dumps(document),
            headers={"Content-Type": "application/ld+json"},
        )
        assert answer.status_code == 202 and answer.json()["success"], answer.text


@pytest.fixture(scope="module")
def flow(
    hub: Hub, tmp_path_factory: pytest.TempPathFactory, config_module: StationConfig
) -> Iterator[dict[str, str]]:
    """Three stations' logs on the hub; the identifiers of the pallet and the lots."""
    root = tmp_path_factory.mktemp("docks")
    clock = FrozenClock()
    # DOCK-1 receives pallet P1 of SHP-1001 and sends it on to DOCK-2.
    a = open_dock(root, config_module, clock, 1)
    a.import_files([DEMO_DIR / "clean.json"])
    receive(a, "B-1001", "BOL-778001", "SL0041871", f"00{P1}", f"00{P2}", f"00{P3}", "#CLOSE")
    receive(a, "#LOGOUT")
    import_order(a, "SHP-2101", [sscc_unit(P1, 31)])
    to_b = ship(a, "SHP-2101", pallet_label(P1), "SL0050001", "BOL-880001")
    # DOCK-2 receives it from DOCK-1's outbound manifest and splits it into two lots.
    clock.advance(3600)
    b = open_dock(root, config_module, clock, 2)
    assert b.import_files([to_b]).imported == ("SHP-2101",)
    receive(b, "B-1001", "SHP-2101", "SL0050001", pallet_label(P1), "#CLOSE", "#LOGOUT")
    l1, l2 = transform(b, TransformKind.SPLIT, ((P1, 31),), (15, 16))
    import_order(b, "SHP-2102", [lot_unit(l1, 15)])
    to_c = ship(b, "SHP-2102", label(l1), "SL0050002", "BOL-880002")
    # DOCK-3 receives lot L1 and ships it to the customer.
    clock.advance(3600)
    c = open_dock(root, config_module, clock, 3)
    assert c.import_files([to_c]).imported == ("SHP-2102",)
    receive(c, "B-1001", "SHP-2102", "SL0050002", label(l1), "#CLOSE", "#LOGOUT")
    import_order(c, "SHP-2103", [lot_unit(l1, 15)])
    ship(c, "SHP-2103", label(l1), "SL0050003", "BOL-880003")
    try:
        for station in (a, b, c):
            push(hub, station)
        yield {
            "l1": l1,
            "l2": l2,
            "l1_uri": f"https://id.gs1.org/01/{GTIN}/10/{quote(l1, safe='')}",
            "l2_uri": f"https://id.gs1.org/01/{GTIN}/10/{quote(l2, safe='')}",
        }
    finally:
        for station in (a, b, c):
            station.close()


@pytest.fixture(scope="module")
def config_module() -> StationConfig:
    from station.config import load_config
    from tests.conftest import EXAMPLE_CONFIG

    return load_config(EXAMPLE_CONFIG)


def steps(trace: dict[str, Any]) -> set[tuple[str | None, str | None]]:
    return {(e["stationId"], e["bizStep"]) for e in trace["events"]}


def test_a_lot_shipped_from_the_third_station_traces_back_to_the_first(
    hub: Hub, flow: dict[str, str]
) -> None:
    with hub.client("auditor-a") as auditor:
        answer = auditor.get("/trace", params={"epc": flow["l1_uri"], "direction": "back"})
        assert answer.status_code == 200, answer.text
        trace = answer.json()
    assert trace["stations"] == ["DOCK-1", "DOCK-2", "DOCK-3"]
    assert {"from": flow["l1_uri"], "to": SSCC_URI, "relation": "made from"} in [
        {k: v for k, v in edge.items() if k != "eventID"} for edge in trace["edges"]
    ]
    found = steps(trace)
    assert ("DOCK-1", "receiving") in found  # where the pallet came in
    assert ("DOCK-2", "receiving") in found
    assert ("DOCK-3", "shipping") in found  # the lot itself, leaving the site
    # Back from the lot never strays to its sibling lot.
    assert flow["l2_uri"] not in {n["id"] for n in trace["nodes"]}


def test_the_pallet_traces_forward_to_both_lots_and_the_shipment(
    hub: Hub, flow: dict[str, str]
) -> None:
    with hub.client("dock-2") as station:
        trace = station.get("/trace", params={"sscc": P1, "direction": "forward"}).json()
    ids = {n["id"] for n in trace["nodes"]}
    assert {SSCC_URI, flow["l1_uri"], flow["l2_uri"]} <= ids
    assert ("DOCK-3", "shipping") in steps(trace)
    by_lot_id = hub.client("dock-1").get(
        "/trace", params={"gtin": GTIN, "lot": flow["l1"], "direction": "forward"}
    )
    assert by_lot_id.status_code == 200 and by_lot_id.json()["epc"] == flow["l1_uri"]


def test_the_provenance_page_is_html_with_every_value_escaped(
    hub: Hub, flow: dict[str, str]
) -> None:
    with hub.client("auditor-a") as auditor:
        page = auditor.get(
            "/trace", params={"epc": flow["l1_uri"]}, headers={"Accept": "text/html"}
        )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<h1>Provenance: " in text and "DOCK-1, DOCK-2, DOCK-3" in text
    assert "made from" in text and "BOL-880003" in text
    assert "<script" not in text


def test_unknown_identifiers_and_other_sites_get_nothing(hub: Hub, flow: dict[str, str]) -> None:
    with hub.client("auditor-b") as other:
        assert other.get("/trace", params={"epc": flow["l1_uri"]}).status_code == 404
    with hub.client("auditor-a") as auditor:
        assert auditor.get("/trace", params={"sscc": "106141410000000019"}).status_code == 404
        bad = auditor.get("/trace", params={"sscc": "123"})
        assert bad.status_code == 400
        assert auditor.get("/trace", params={"epc": "x", "direction": "up"}).status_code == 400
        assert auditor.get("/trace").status_code == 400


# --- the GS1 Digital Link resolver ------------------------------------------------------


def test_the_label_s_qr_uri_resolves_to_the_lot_s_linkset(hub: Hub, flow: dict[str, str]) -> None:
    printed = lot_uri(hub.url, GTIN, flow["l1"], dt.date(2026, 11, 23))
    assert "?11=261123" in printed
    with hub.client("auditor-a") as auditor:
        answer = auditor.get(printed, headers={"Accept": "application/linkset+json"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/linkset+json")
        (links,) = answer.json()["linkset"]
        assert links["anchor"] == flow["l1_uri"]
        assert 'rel="https://gs1.org/voc/traceability"' in answer.headers["Link"]
        traceability = links["https://gs1.org/voc/traceability"]
        assert {link["type"] for link in traceability} == {"text/html", "application/json"}
        assert links["https://gs1.org/voc/epcis"][0]["href"].startswith(f"{hub.url}/events?")
        json_link = next(
            link["href"] for link in traceability if link["type"] == "application/json"
        )
        followed = auditor.get(json_link)
        assert followed.status_code == 200 and followed.json()["stations"] == [
            "DOCK-1",
            "DOCK-2",
            "DOCK-3",
        ]
        plain = auditor.get(printed, headers={"Accept": "application/json"})
        assert plain.headers["content-type"].startswith("application/json")
        assert plain.json() == answer.json()


def test_a_browser_with_an_auditor_token_gets_the_provenance_page(
    hub: Hub, flow: dict[str, str]
) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    with hub.client("auditor-a") as auditor:
        page = auditor.get(sscc_uri(hub.url, P1), headers=browser)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"Provenance: https://id.gs1.org/00/{P1}" in page.text
    assert "traceability" in page.text and "DOCK-1" in page.text


def test_unknown_identifiers_are_404_problems_and_tokens_are_needed(
    hub: Hub, flow: dict[str, str]
) -> None:
    with hub.client("auditor-a") as auditor:
        for path in ("/00/106141410000000019", "/00/123", "/01/12345/10/A", f"/01/{GTIN}/99/X",
                     f"/01/{GTIN}/21/S/10/L"):  # fmt: skip
            answer = auditor.get(path)
            assert answer.status_code == 404, path
            assert answer.json()["type"] == "epcisException:NoSuchResourceException"
        refused = auditor.get(f"/00/{P1}", headers={"Accept": "image/png"})
        assert refused.status_code == 406
    with hub.client("auditor-b") as other:
        assert other.get(f"/00/{P1}").status_code == 404
    with httpx.Client(base_url=hub.url) as anonymous:
        assert anonymous.get(f"/00/{P1}").status_code == 401
        assert anonymous.get("/trace", params={"sscc": P1}).status_code == 401


def test_what_a_uri_may_hold_of_markup_is_escaped_on_the_page(hub: Hub) -> None:
    """The schema keeps '<' and control characters out of URIs; a quote, an ampersand and
    parentheses are valid URI characters, and are escaped on the page."""
    epc = "urn:x:lot:a'onmouseover=alert(1)&b=1"
    event = object_event(epc, bizTransactionList=[{"type": "po", "bizTransaction": epc}])
    with hub.client("admin-a") as erp:
        assert erp.post("/capture", json=document([event])).json()["success"]
        hostile = object_event("urn:x:lot:<b>", eventTime="2026-11-23T08:00:00\x1bZ")
        refused = erp.post("/capture", json=document([hostile])).json()
        assert not refused["success"] and "\x1b" not in json.dumps(refused, ensure_ascii=False)
    with hub.client("auditor-a") as auditor:
        page = auditor.get("/trace", params={"epc": epc, "format": "html"}).text
    assert "a&#x27;onmouseover=alert(1)&amp;b=1" in page
    assert "a'onmouseover" not in page
