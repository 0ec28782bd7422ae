"""Templates read from config tables: values, defaults, and errors that name the key."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from labels.builtin_templates import BUILTIN_TEMPLATES
from labels.model import Arrangement, LabelSize
from labels.site_templates import template_from_dict, templates_from_config
from labels.templates import CommandSheetTemplate, FieldSpec, LabelTemplate, TemplateError
from station.domain.scanning.codes import Command

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
