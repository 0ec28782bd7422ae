"""Label model, built-in templates, templates read from config tables, and label content."""

from __future__ import annotations

import datetime as dt
import doctest
import tomllib
from decimal import Decimal
from typing import Any

import pytest

import labels.content
import labels.digital_link
import labels.font
import labels.layout
import labels.matrix
import labels.model
import labels.render_zpl
import labels.templates
from labels.content import command_sheet, format_quantity, lot_label, pallet_label, sscc_hri
from labels.model import Arrangement, LabelSize
from labels.templates import (
    BUILTIN_TEMPLATES,
    CommandSheetTemplate,
    FieldSpec,
    LabelTemplate,
    TemplateError,
    check_template,
    get_template,
    template_from_dict,
    templates_from_config,
)
from station.domain.scanning.codes import Command
from station.errors import ConfigError


@pytest.mark.parametrize(
    "module",
    [
        labels.content,
        labels.digital_link,
        labels.font,
        labels.layout,
        labels.matrix,
        labels.model,
        labels.render_zpl,
        labels.templates,
    ],
)
def test_module_doctests(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# --- model -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "dots"),
    [
        (LabelSize(100, 50), (800, 400)),
        (LabelSize(100, 150), (800, 1200)),
        (LabelSize(100, 150, dpi=300), (1181, 1772)),
        (LabelSize(210, 297, dpi=300), (2480, 3508)),
        (LabelSize(102, 76, dpi=600), (2409, 1795)),
        (LabelSize(210, 297, dpi=150), (1240, 1754)),
    ],
)
def test_label_size_in_dots(size: LabelSize, dots: tuple[int, int]) -> None:
    assert (size.width_dots, size.height_dots) == dots


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width_mm": 0, "height_mm": 50}, "width_mm must be a number of millimetres in (0, 2000]"),
        ({"width_mm": 100, "height_mm": -1}, "height_mm must be a number of millimetres"),
        ({"width_mm": 100, "height_mm": float("nan")}, "height_mm must be a number"),
        (
            {"width_mm": 100, "height_mm": 50, "dpi": 20},
            "dpi must be between 72 and 1200, found 20",
        ),
        ({"width_mm": 100, "height_mm": 50, "dpi": 203.0}, "dpi must be a whole number"),
    ],
)
def test_label_size_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("]", r"\]")):
        LabelSize(**kwargs)


# --- built-in templates ---------------------------------------------------------


def test_builtin_template_names() -> None:
    assert set(BUILTIN_TEMPLATES) == {
        "lot-100x50",
        "pallet-100x150",
        "command-sheet",
        "command-sheet-a4",
    }


def test_lot_template_fields() -> None:
    template = get_template("lot-100x50")
    assert isinstance(template, LabelTemplate)
    assert template.size == LabelSize(100, 50, 203)
    assert template.field_names == ("product", "lot", "quantity", "produced", "parents")


def test_pallet_template_fields() -> None:
    template = get_template("pallet-100x150")
    assert isinstance(template, LabelTemplate)
    assert template.size == LabelSize(100, 150, 203)
    assert template.field_names == ("sscc", "contents", "quantity", "lots", "produced")


def test_unknown_template_suggests_the_nearest() -> None:
    with pytest.raises(TemplateError) as caught:
        get_template("lot-100x40")
    assert str(caught.value) == (
        "unknown label template 'lot-100x40'; did you mean 'lot-100x50'? "
        "(known: command-sheet, command-sheet-a4, lot-100x50, pallet-100x150)"
    )


# --- label content ---------------------------------------------------------------


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


def test_required_field_must_have_a_value() -> None:
    template = get_template("lot-100x50")
    assert isinstance(template, LabelTemplate)
    with pytest.raises(TemplateError) as caught:
        template.label("#X", {"product": "P", "lot": " "})
    assert str(caught.value) == "template 'lot-100x50': field 'lot' is required but has no value"


def test_unknown_field_is_named() -> None:
    template = get_template("lot-100x50")
    assert isinstance(template, LabelTemplate)
    with pytest.raises(TemplateError) as caught:
        template.label("#X", {"prodcut": "P"})
    assert str(caught.value) == (
        "template 'lot-100x50' has no field 'prodcut'; did you mean 'product'? "
        "(fields: product, lot, quantity, produced, parents)"
    )


def test_optional_fields_are_left_out_when_empty() -> None:
    template = LabelTemplate(
        "t", LabelSize(50, 30), (FieldSpec("a", "A"), FieldSpec("b", "B", required=False))
    )
    assert [f.text for f in template.label("#X", {"a": "1"}).fields] == ["A: 1"]


def test_template_error_is_a_config_error() -> None:
    assert issubclass(TemplateError, ConfigError)


# --- templates from config tables -------------------------------------------------

CONFIG = """
[[labels.templates]]
name = "lot-62x29"
width_mm = 62
height_mm = 29
dpi = 300
title = "LOT"
qr_mm = 25
arrangement = "side"
error = "q"
fields = ["lot", {name = "product", caption = "Item", font_mm = 2.5}, {name = "note", required = false}]

[[labels.templates]]
name = "commands-small"
kind = "command-sheet"
width_mm = 100
height_mm = 100
commands = ["close", "UNDO"]
columns = 2
notes = false
"""


def test_templates_from_toml_array() -> None:
    tables = tomllib.loads(CONFIG)["labels"]["templates"]
    templates = templates_from_config(tables)
    assert set(BUILTIN_TEMPLATES) < set(templates)
    lot = templates["lot-62x29"]
    assert isinstance(lot, LabelTemplate)
    assert lot.size == LabelSize(62, 29, 300)
    assert lot.fields == (
        FieldSpec("lot", "Lot", 3.5),
        FieldSpec("product", "Item", 2.5),
        FieldSpec("note", "Note", 3.5, required=False),
    )
    assert lot.style.qr_mm == 25.0
    assert lot.style.error == "Q"
    assert lot.style.arrangement is Arrangement.SIDE
    sheet = templates["commands-small"]
    assert isinstance(sheet, CommandSheetTemplate)
    assert sheet.commands == (Command.CLOSE, Command.UNDO)
    assert sheet.sheet("#").cells[1].note == ""


def test_templates_from_toml_tables_by_name() -> None:
    tables = tomllib.loads(
        """
        [labels.templates.lot-100x50]
        width_mm = 100
        height_mm = 60
        fields = ["lot"]
        """
    )["labels"]["templates"]
    templates = templates_from_config(tables)
    replaced = templates["lot-100x50"]
    assert replaced.size == LabelSize(100, 60)
    assert isinstance(replaced, LabelTemplate)
    assert replaced.field_names == ("lot",)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"width_mm": 100, "height_mm": 50, "fields": ["lot"]}, "T.name: required key is missing"),
        (
            {"name": "x", "height_mm": 50, "fields": ["lot"]},
            "T.width_mm: required key is missing",
        ),
        (
            {"name": "x", "width_mm": "100", "height_mm": 50, "fields": ["lot"]},
            "T.width_mm: expected a number of millimetres in (0, 2000], found '100'",
        ),
        (
            {"name": "x", "width_mm": 100, "height_mm": 50, "dpi": 203.5, "fields": ["lot"]},
            "T.dpi: expected a whole number from 72 to 1200, found 203.5",
        ),
        (
            {"name": "x", "width_mm": 100, "height_mm": 50, "fields": ["lot"], "widht_mm": 1},
            "T.widht_mm: unknown key; did you mean 'width_mm'? (valid: name, kind, width_mm, "
            "height_mm, dpi, title, title_font_mm, margin_mm, qr_mm, arrangement, error, fields)",
        ),
        ({"name": "x", "width_mm": 100, "height_mm": 50}, "T.fields: required key is missing"),
        (
            {"name": "x", "width_mm": 100, "height_mm": 50, "fields": []},
            "T.fields: expected a non-empty array of fields, found []",
        ),
        (
            {"name": "x", "width_mm": 100, "height_mm": 50, "fields": ["lot", "lot"]},
            "T.fields[1]: field 'lot' is listed twice",
        ),
        (
            {"name": "x", "width_mm": 100, "height_mm": 50, "fields": [3]},
            "T.fields[0]: expected a field name or a table, found integer",
        ),
        (
            {"name": "x", "width_mm": 100, "height_mm": 50, "fields": [{"name": "a", "size": 3}]},
            "T.fields[0].size: unknown key (valid: name, caption, font_mm, required)",
        ),
        (
            {
                "name": "x",
                "width_mm": 100,
                "height_mm": 50,
                "fields": [{"name": "a", "font_mm": 0}],
            },
            "T.fields[0].font_mm: expected a number of millimetres in (0, 2000], found 0",
        ),
        (
            {"name": "x", "width_mm": 100, "height_mm": 50, "fields": ["a"], "error": "X"},
            "T.error: expected one of L, M, Q, H, found 'X'",
        ),
        (
            {"name": "x", "width_mm": 100, "height_mm": 50, "fields": ["a"], "arrangement": "sid"},
            "T.arrangement: expected one of auto, side, stacked, found 'sid'; did you mean 'side'?",
        ),
        (
            {"name": "x", "width_mm": 10, "height_mm": 10, "fields": ["a"], "margin_mm": 5},
            "T.margin_mm: 5 mm leaves no room on the label",
        ),
        (
            {"name": "x", "kind": "sheet", "width_mm": 10, "height_mm": 10},
            "T.kind: expected one of label, command-sheet, found 'sheet'",
        ),
        (
            {
                "name": "x",
                "kind": "command-sheet",
                "width_mm": 100,
                "height_mm": 100,
                "commands": ["CLOSE", "UNDOO"],
            },
            "T.commands[1]: unknown command 'UNDOO'; did you mean 'UNDO'? "
            "(known: CLOSE, DAMAGED, SEAL-DAMAGED, UNDO, LOGOUT)",
        ),
        (
            {"name": "x", "kind": "command-sheet", "width_mm": 100, "height_mm": 100, "columns": 0},
            "T.columns: expected a whole number from 1 to 10, found 0",
        ),
        (
            {
                "name": "x",
                "kind": "command-sheet",
                "width_mm": 100,
                "height_mm": 100,
                "fields": ["a"],
            },
            "T.fields: unknown key",
        ),
    ],
)
def test_bad_template_tables_name_the_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        template_from_dict(table, key="T")
    assert str(caught.value).startswith(message)


def test_table_name_must_match_its_key() -> None:
    with pytest.raises(TemplateError) as caught:
        templates_from_config({"a": {"name": "b", "width_mm": 1, "height_mm": 1, "fields": ["x"]}})
    assert str(caught.value) == "labels.templates.a.name: 'b' differs from the table's key 'a'"


def test_duplicate_template_names() -> None:
    table = {"name": "x", "width_mm": 100, "height_mm": 50, "fields": ["a"]}
    with pytest.raises(TemplateError) as caught:
        templates_from_config([table, table])
    assert str(caught.value) == "labels.templates[1].name: template 'x' is defined twice"


@pytest.mark.parametrize("name", sorted(BUILTIN_TEMPLATES))
def test_builtin_templates_pass_the_check(name: str) -> None:
    check_template(BUILTIN_TEMPLATES[name])


def test_a_template_too_small_for_its_code_is_refused_at_load() -> None:
    table = {"name": "tiny", "width_mm": 15, "height_mm": 15, "fields": ["lot"]}
    with pytest.raises(TemplateError) as caught:
        templates_from_config([table])
    assert str(caught.value).startswith(
        "labels.templates[0]: the label cannot be laid out: the QR code for a 74-character "
        "payload has 45 modules"
    )


def test_templates_must_be_tables() -> None:
    with pytest.raises(
        TemplateError, match=r"labels.templates\[0\]: expected a table, found string"
    ):
        templates_from_config(["lot"])  # type: ignore[list-item]
