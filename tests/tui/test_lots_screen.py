"""The lots screen through Pilot: scan parents, record a split, see the genealogy."""

from __future__ import annotations

from textual.widgets import Input, Static, Tree

from station.bootstrap import Station
from station.domain.scanning.scan import Scan
from station.tui.screens.lots import LotsScreen
from tests.tui.test_app import make_app, scan

P1 = "006141412610010016"
RISKY = "073500532610040026"


async def test_split_from_scanned_parent_and_refuse_held_lot(station: Station) -> None:
    for text in (
        "B-1001",
        "BOL-778001",
        "SL0041871",
        f"00{P1}",
        # The whole shipment arrives: closing with pallets missing would hold it all.
        "006141412610010023",
        "006141412610010030",
        "#CLOSE",
        "BOL-778004",
        "SL0042001",
        f"00{RISKY}",
    ):
        station.recorder.handle(Scan(text))
    app = make_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LotsScreen)
        await scan(pilot, f"]C100{P1}")
        parents = screen.query_one("#parents", Input)
        assert parents.value == f"{P1}:31"
        screen.query_one("#outputs", Input).value = "15, 16"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(screen.query_one("#lots-message", Static).render())
        assert message.startswith("Split: HCM26327-0001, HCM26327-0002")
        tree = screen.query_one("#genealogy", Tree)
        labels = [str(node.label) for node in tree.root.children]
        assert any(P1 in label for label in labels)
        # a held lot is refused with the reason
        screen.query_one("#parents", Input).value = f"{RISKY}:10"
        screen.query_one("#outputs", Input).value = "5, 5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(screen.query_one("#lots-message", Static).render())
        assert message.startswith("Refused:") and "quarantined" in message


async def test_label_preview_then_print(station: Station) -> None:
    import dataclasses

    from station.tui.screens.label_preview import LabelPreviewScreen, qr_text

    for text in ("B-1001", "BOL-778001", "SL0041871", f"00{P1}"):
        station.recorder.handle(Scan(text))
    operator = station.config.operator_by_badge("B-1001")
    assert operator is not None
    from decimal import Decimal

    from station.domain.lots.transform_plan import TransformKind
    from station.workflows.lots import TransformRequest

    result = station.lot_desk.transform(
        TransformRequest(TransformKind.REPACK, ((P1, Decimal(31)),), (Decimal(31),)), operator
    )
    (new_lot,) = result.new_ids
    config = dataclasses.replace(station.config, printers=("dir:///tmp/station-test-labels",))
    station.config = config
    station.printing.config = config
    app = make_app(station)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LotsScreen)
        table = screen.query_one("#lot-table")
        table.move_cursor(row=table.get_row_index(new_lot))  # type: ignore[attr-defined]
        await pilot.press("ctrl+p")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, LabelPreviewScreen)
        assert preview.label.qr_payload.endswith(f"/10/{new_lot}?11=261123")
        drawn = qr_text(
            __import__("labels.matrix", fromlist=["qr_matrix"]).qr_matrix(preview.label.qr_payload)
        )
        assert set(drawn) <= {"█", "▀", "▄", " ", "\n"}
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert [j.lot_id for j in station.printing.jobs()] == [new_lot]


async def test_trace_forward_toggle(station: Station) -> None:
    for text in ("B-1001", "BOL-778001", "SL0041871", f"00{P1}"):
        station.recorder.handle(Scan(text))
    from decimal import Decimal

    from station.domain.lots.transform_plan import TransformKind
    from station.workflows.lots import TransformRequest

    operator = station.config.operator_by_badge("B-1001")
    assert operator is not None
    made = station.lot_desk.transform(
        TransformRequest(TransformKind.SPLIT, ((P1, Decimal(10)),), (Decimal(5), Decimal(5))),
        operator,
    )
    app = make_app(station)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LotsScreen)
        screen.show_genealogy(P1)
        await pilot.press("f3")
        await pilot.pause()
        tree = screen.query_one("#genealogy", Tree)
        assert "made into" in str(tree.root.label)
        labels = " ".join(str(n.label) for n in tree.root.children)
        assert all(lot in labels for lot in made.new_ids)


async def test_ctrl_p_with_nobody_logged_in_prints_nothing(station: Station) -> None:
    import dataclasses

    from station.tui.screens.label_preview import LabelPreviewScreen

    for text in ("B-1001", "BOL-778001", "SL0041871", f"00{P1}", "#LOGOUT"):
        station.recorder.handle(Scan(text))
    assert station.workflow.operator is None
    config = dataclasses.replace(station.config, printers=("dir:///tmp/station-test-labels",))
    station.config = config
    station.printing.config = config
    app = make_app(station)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LotsScreen)
        table = screen.query_one("#lot-table")
        table.move_cursor(row=table.get_row_index(P1))  # type: ignore[attr-defined]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, LabelPreviewScreen)  # previewing needs nobody
        await pilot.press("enter")
        await pilot.pause()
        message = str(screen.query_one("#lots-message", Static).render())
        assert "needs a logged-in operator" in message
        assert station.printing.jobs() == []
        kinds = [s.event.kind.value for s in station.log.events()]
        assert kinds[-1] == "print.refused"
