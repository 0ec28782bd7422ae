"""Label content: domain values written as the lines people read and the QR payload."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from labels.content import command_sheet, format_quantity, lot_label, pallet_label, sscc_hri
from labels.templates import TemplateError


def _lot(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "resolver": "id.example.com",
        "gtin": "09521234543213",
        "lot": "L-2026-0042",
        "product": "Solar module 420 W",
        "quantity": Decimal("1200.0"),
        "uom": "pcs",
        "produced_on": dt.date(2026, 11, 23),
        "place": "Example Solar Works, VN",
        "parent_lots": 3,
    }
    values.update(overrides)
    return lot_label(**values)


def test_lot_label_lines_and_payload() -> None:
    label = _lot()
    assert label.title == "NEW LOT"
    assert label.qr_payload == "https://id.example.com/01/09521234543213/10/L-2026-0042?11=261123"
    assert [(f.name, f.text) for f in label.fields] == [
        ("product", "Product: Solar module 420 W"),
        ("lot", "Lot: L-2026-0042"),
        ("quantity", "Qty: 1200 pcs"),
        ("produced", "Produced: 2026-11-23, Example Solar Works, VN"),
        ("parents", "Parent lots: 3"),
    ]
    line = label.line("lot")
    assert line is not None
    assert line.font_mm == 4.0


def test_pallet_label_shows_the_sscc_in_gs1_form() -> None:
    label = pallet_label(resolver="id.example.com", sscc="376130321109103420", lots="L-1, L-2")
    assert label.qr_payload == "https://id.example.com/00/376130321109103420"
    assert [f.text for f in label.fields] == ["(00) 376130321109103420", "Lots: L-1, L-2"]


@pytest.mark.parametrize(
    ("quantity", "text"),
    [(1200, "1200 kg"), (Decimal("12.50"), "12.5 kg"), (0.25, "0.25 kg"), (" 7 ", "7 kg")],
)
def test_format_quantity(quantity: Any, text: str) -> None:
    assert format_quantity(quantity, "kg") == text


def test_sscc_hri() -> None:
    assert sscc_hri(" 376130321109103420") == "(00) 376130321109103420"


def test_command_sheet_uses_the_prefix() -> None:
    sheet = command_sheet("!")
    assert [cell.qr_payload for cell in sheet.cells] == [
        "!CLOSE",
        "!DAMAGED",
        "!SEAL-DAMAGED",
        "!UNDO",
        "!LOGOUT",
    ]
    assert sheet.cells[0].note == "Close the receipt"


def test_command_prefix_with_spaces_is_refused() -> None:
    with pytest.raises(TemplateError, match="command prefix 'a b' must not contain spaces"):
        command_sheet("a b")
