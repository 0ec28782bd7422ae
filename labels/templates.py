"""Label templates: which lines a kind of label shows, in which order, how large, on what size.

A template is data, so a site can add or reshape its own in the station config
(one TOML table each) without code. Three are built in:

- ``lot-100x50``: a new lot (100 x 50 mm): product, lot id, quantity and unit,
  date and place of production, number of parent lots.
- ``pallet-100x150``: a pallet (100 x 150 mm): the SSCC as GS1 writes it for
  people, ``(00) 376130321109103420``, contents, quantity, lots, production.
- ``command-sheet``: the station's command codes (``#CLOSE``, ``#DAMAGED``,
  ``#SEAL-DAMAGED``, ``#UNDO``, ``#LOGOUT``), each a QR code and caption, with the
  site's command prefix (100 x 150 mm; ``command-sheet-a4`` for office printers).

`template_from_dict` reads one table; every error is a `TemplateError` (a
`ConfigError`) naming the dotted key, the value and what was expected:

    >>> try:
    ...     template_from_dict({"name": "x", "width_mm": 0}, key="labels.templates[0]")
    ... except TemplateError as exc:
    ...     print(exc)
    labels.templates[0].width_mm: expected a number of millimetres in (0, 2000], found 0
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from labels.model import (
    Arrangement,
    Label,
    LabelField,
    LabelSize,
    LabelStyle,
    Sheet,
    SheetCell,
)
from station.domain.scanning.codes import Command
from station.errors import ConfigError

__all__ = [
    "BUILTIN_TEMPLATES",
    "COMMAND_NOTES",
    "CommandSheetTemplate",
    "FieldSpec",
    "LabelTemplate",
    "Template",
    "TemplateError",
    "check_template",
    "get_template",
    "template_from_dict",
    "templates_from_config",
]


class TemplateError(ConfigError):
    """A template table is invalid, or a label was filled with the wrong fields."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One line of a label template."""

    name: str
    """Key of the value, e.g. ``lot``."""
    caption: str = ""
    """Written before the value (``Lot: L-42``); empty for values that speak for themselves."""
    font_mm: float = 3.5
    required: bool = True
    """A required field must be given a value; an optional one is left out when empty."""


@dataclass(frozen=True, slots=True)
class LabelTemplate:
    """A template for labels with one QR code and lines of text."""

    name: str
    size: LabelSize
    fields: tuple[FieldSpec, ...]
    title: str = ""
    style: LabelStyle = field(default_factory=LabelStyle)

    @property
    def field_names(self) -> tuple[str, ...]:
        """The names of the template's fields, in order."""
        return tuple(spec.name for spec in self.fields)

    def label(
        self, qr_payload: str, values: Mapping[str, str], *, title: str | None = None
    ) -> Label:
        """The label with `values` (by field name) in the template's order and captions."""
        names = self.field_names
        for name in values:
            if name not in names:
                raise TemplateError(
                    f"template {self.name!r} has no field {name!r}{_did_you_mean(name, names)} "
                    f"(fields: {', '.join(names)})"
                )
        lines: list[LabelField] = []
        for spec in self.fields:
            value = values.get(spec.name, "").strip()
            if not value:
                if spec.required:
                    raise TemplateError(
                        f"template {self.name!r}: field {spec.name!r} is required but has no value"
                    )
                continue
            text = f"{spec.caption}: {value}" if spec.caption else value
            lines.append(LabelField(spec.name, text, spec.font_mm))
        return Label(
            size=self.size,
            qr_payload=qr_payload,
            fields=tuple(lines),
            title=self.title if title is None else title,
            style=self.style,
        )


COMMAND_NOTES: dict[Command, str] = {
    Command.CLOSE: "Close the receipt",
    Command.DAMAGED: "Last unit: damaged",
    Command.SEAL_DAMAGED: "Last seal: damaged",
    Command.UNDO: "Undo the last action",
    Command.LOGOUT: "Log out",
}
"""What each command does, printed under its code."""


@dataclass(frozen=True, slots=True)
class CommandSheetTemplate:
    """A template for the sheet of station command codes."""

    name: str
    size: LabelSize
    commands: tuple[Command, ...] = tuple(Command)
    title: str = "STATION COMMANDS"
    columns: int = 2
    caption_font_mm: float = 4.0
    note_font_mm: float = 3.0
    notes: bool = True
    style: LabelStyle = field(default_factory=LabelStyle)

    def sheet(self, prefix: str = "#") -> Sheet:
        """The sheet with one code per command, each ``<prefix><COMMAND>``."""
        if any(char.isspace() for char in prefix):
            raise TemplateError(f"command prefix {prefix!r} must not contain spaces")
        cells = tuple(
            SheetCell(
                qr_payload=f"{prefix}{command.value}",
                caption=f"{prefix}{command.value}",
                note=COMMAND_NOTES[command] if self.notes else "",
            )
            for command in self.commands
        )
        return Sheet(
            size=self.size,
            title=self.title,
            cells=cells,
            columns=self.columns,
            caption_font_mm=self.caption_font_mm,
            note_font_mm=self.note_font_mm,
            style=self.style,
        )


Template = LabelTemplate | CommandSheetTemplate

_LOT_100X50 = LabelTemplate(
    name="lot-100x50",
    size=LabelSize(100, 50),
    title="NEW LOT",
    fields=(
        FieldSpec("product", "Product", 3.5),
        FieldSpec("lot", "Lot", 4.0),
        FieldSpec("quantity", "Qty", 3.5),
        FieldSpec("produced", "Produced", 3.0),
        FieldSpec("parents", "Parent lots", 3.0),
    ),
    style=LabelStyle(title_font_mm=4.5, margin_mm=2.0, arrangement=Arrangement.SIDE),
)

_PALLET_100X150 = LabelTemplate(
    name="pallet-100x150",
    size=LabelSize(100, 150),
    title="PALLET",
    fields=(
        FieldSpec("sscc", "", 5.5),
        FieldSpec("contents", "Contents", 4.0, required=False),
        FieldSpec("quantity", "Qty", 4.0, required=False),
        FieldSpec("lots", "Lots", 4.0, required=False),
        FieldSpec("produced", "Produced", 3.5, required=False),
    ),
    style=LabelStyle(title_font_mm=6.0, margin_mm=3.0, qr_mm=70, arrangement=Arrangement.STACKED),
)

_COMMAND_SHEET = CommandSheetTemplate(
    name="command-sheet",
    size=LabelSize(100, 150),
    style=LabelStyle(title_font_mm=5.0, margin_mm=3.0),
)

_COMMAND_SHEET_A4 = CommandSheetTemplate(
    name="command-sheet-a4",
    size=LabelSize(210, 297, dpi=300),
    caption_font_mm=6.0,
    note_font_mm=4.5,
    style=LabelStyle(title_font_mm=8.0, margin_mm=12.0, qr_mm=60),
)

BUILTIN_TEMPLATES: dict[str, Template] = {
    template.name: template
    for template in (_LOT_100X50, _PALLET_100X150, _COMMAND_SHEET, _COMMAND_SHEET_A4)
}
"""The templates every station has; a config table of the same name replaces one."""


def get_template(name: str, templates: Mapping[str, Template] = BUILTIN_TEMPLATES) -> Template:
    """The template called `name`; `TemplateError` naming the known ones otherwise."""
    try:
        return templates[name]
    except KeyError:
        known = sorted(templates)
        raise TemplateError(
            f"unknown label template {name!r}{_did_you_mean(name, known)} "
            f"(known: {', '.join(known)})"
        ) from None


SAMPLE_PAYLOAD = "https://id.example.com/01/09521234543213/10/ABCDEFGHIJKLMNOPQRST?11=261123"
"""A long lot Digital Link (20-character lot, production date) for checking a template."""


def check_template(template: Template, key: str = "", payload: str = SAMPLE_PAYLOAD) -> None:
    """Lay out a sample label (or the sheet) of `template`; `TemplateError` if it cannot fit.

    Catches a label too small for its QR code or its lines when the config is
    loaded rather than at the first print. (Imports the layout, and with it
    Pillow and segno, only when called.)
    """
    from labels.layout import LayoutError, layout_document  # noqa: PLC0415

    content: Label | Sheet
    if isinstance(template, CommandSheetTemplate):
        content = template.sheet("#")
    else:
        values = {spec.name: spec.name for spec in template.fields}
        content = template.label(payload, values)
    try:
        layout_document(content)
    except LayoutError as exc:
        where = key or f"template {template.name!r}"
        raise TemplateError(f"{where}: the label cannot be laid out: {exc}") from None


def templates_from_config(
    tables: Iterable[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    key: str = "labels.templates",
) -> dict[str, Template]:
    """The built-in templates, replaced or extended by the config's template tables,
    each checked with `check_template`.

    `tables` is an array of tables (``[[labels.templates]]``, each with ``name``) or
    a table of tables (``[labels.templates.lot-100x50]``, named by their key).
    """
    result = dict(BUILTIN_TEMPLATES)
    seen: set[str] = set()
    items: list[tuple[str, Any, str | None]]
    if isinstance(tables, Mapping):
        items = [(f"{key}.{name}", table, str(name)) for name, table in tables.items()]
    elif isinstance(tables, list | tuple):
        items = [(f"{key}[{index}]", table, None) for index, table in enumerate(tables)]
    else:
        raise TemplateError(f"{key}: expected an array of tables, found {_kind(tables)}")
    for where, table, name in items:
        template = template_from_dict(table, key=where, name=name)
        check_template(template, where)
        if template.name in seen:
            raise TemplateError(f"{where}.name: template {template.name!r} is defined twice")
        seen.add(template.name)
        result[template.name] = template
    return result


_LABEL_KEYS = (
    "name",
    "kind",
    "width_mm",
    "height_mm",
    "dpi",
    "title",
    "title_font_mm",
    "margin_mm",
    "qr_mm",
    "arrangement",
    "error",
    "fields",
)
_SHEET_KEYS = (
    "name",
    "kind",
    "width_mm",
    "height_mm",
    "dpi",
    "title",
    "title_font_mm",
    "margin_mm",
    "qr_mm",
    "error",
    "commands",
    "columns",
    "caption_font_mm",
    "note_font_mm",
    "notes",
)
_MAX_MM = 2000.0
_FIELD_KEYS = ("name", "caption", "font_mm", "required")
_KINDS = ("label", "command-sheet")
_ERROR_LEVELS = ("L", "M", "Q", "H")
_DEFAULT_CAPTIONS = {
    "product": "Product",
    "lot": "Lot",
    "quantity": "Qty",
    "produced": "Produced",
    "parents": "Parent lots",
    "sscc": "",
    "contents": "Contents",
    "lots": "Lots",
}


def template_from_dict(
    data: Mapping[str, Any], *, key: str = "", name: str | None = None
) -> Template:
    """A template from one config table; `key` is the table's dotted key for messages.

    `name` is the table's key when templates are a table of tables; a ``name``
    entry, if also present, must agree with it.
    """
    reader = _Reader(key)
    if not isinstance(data, Mapping):
        raise reader.fail("", f"expected a table, found {_kind(data)}")
    kind = reader.choice(data, "kind", _KINDS, "label")
    reader.keys(data, _SHEET_KEYS if kind == "command-sheet" else _LABEL_KEYS)
    if name is None:
        template_name = reader.text(data, "name")
    else:
        template_name = name
        if "name" in data and data["name"] != name:
            raise reader.fail("name", f"{data['name']!r} differs from the table's key {name!r}")
    size = reader.size(data)
    defaults = LabelStyle()
    style = LabelStyle(
        title_font_mm=reader.mm(data, "title_font_mm", defaults.title_font_mm),
        margin_mm=reader.mm(data, "margin_mm", defaults.margin_mm, allow_zero=True),
        qr_mm=reader.optional_mm(data, "qr_mm"),
        arrangement=Arrangement(
            reader.choice(data, "arrangement", tuple(a.value for a in Arrangement), "auto")
        ),
        error=reader.choice(data, "error", _ERROR_LEVELS, "M", upper=True),
    )
    if 2 * size.dots(style.margin_mm) >= min(size.width_dots, size.height_dots):
        raise reader.fail("margin_mm", f"{style.margin_mm:g} mm leaves no room on the label")
    if kind == "command-sheet":
        return CommandSheetTemplate(
            name=template_name,
            size=size,
            commands=reader.commands(data),
            title=reader.string(data, "title", "STATION COMMANDS"),
            columns=reader.count(data, "columns", 2),
            caption_font_mm=reader.mm(data, "caption_font_mm", 4.0),
            note_font_mm=reader.mm(data, "note_font_mm", 3.0),
            notes=reader.flag(data, "notes", True),
            style=style,
        )
    return LabelTemplate(
        name=template_name,
        size=size,
        fields=reader.fields(data),
        title=reader.string(data, "title", ""),
        style=style,
    )


class _Reader:
    """Reads one template table, naming the dotted key in every error."""

    def __init__(self, key: str) -> None:
        self.key = key

    def where(self, name: str) -> str:
        if not name:
            return self.key or "template"
        return f"{self.key}.{name}" if self.key else name

    def fail(self, name: str, message: str) -> TemplateError:
        return TemplateError(f"{self.where(name)}: {message}")

    def keys(self, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        for name in data:
            if name not in allowed:
                raise self.fail(
                    str(name),
                    f"unknown key{_did_you_mean(str(name), allowed)} (valid: {', '.join(allowed)})",
                )

    def text(self, data: Mapping[str, Any], name: str) -> str:
        if name not in data:
            raise self.fail(name, "required key is missing")
        value = data[name]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, f"expected a non-empty string, found {_kind(value)} {value!r}")
        return value.strip()

    def string(self, data: Mapping[str, Any], name: str, default: str) -> str:
        value = data.get(name, default)
        if not isinstance(value, str):
            raise self.fail(name, f"expected a string, found {_kind(value)} {value!r}")
        return value

    def flag(self, data: Mapping[str, Any], name: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"expected true or false, found {_kind(value)} {value!r}")
        return value

    def count(self, data: Mapping[str, Any], name: str, default: int) -> int:
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise self.fail(name, f"expected a whole number from 1 to 10, found {value!r}")
        return value

    def mm(
        self, data: Mapping[str, Any], name: str, default: float, *, allow_zero: bool = False
    ) -> float:
        value = self.optional_mm(data, name, allow_zero=allow_zero)
        return default if value is None else value

    def optional_mm(
        self, data: Mapping[str, Any], name: str, *, allow_zero: bool = False
    ) -> float | None:
        if name not in data:
            return None
        value = data[name]
        number = not isinstance(value, bool) and isinstance(value, int | float)
        if (
            not number
            or math.isnan(value)
            or value > _MAX_MM
            or value < 0
            or (value == 0 and not allow_zero)
        ):
            bound = "[0" if allow_zero else "(0"
            raise self.fail(
                name, f"expected a number of millimetres in {bound}, {_MAX_MM:g}], found {value!r}"
            )
        return float(value)

    def size(self, data: Mapping[str, Any]) -> LabelSize:
        width = self.optional_mm(data, "width_mm")
        if width is None:
            raise self.fail("width_mm", "required key is missing")
        height = self.optional_mm(data, "height_mm")
        if height is None:
            raise self.fail("height_mm", "required key is missing")
        dpi = data.get("dpi", 203)
        if isinstance(dpi, bool) or not isinstance(dpi, int) or not 72 <= dpi <= 1200:
            raise self.fail("dpi", f"expected a whole number from 72 to 1200, found {dpi!r}")
        return LabelSize(width, height, dpi)

    def choice(
        self,
        data: Mapping[str, Any],
        name: str,
        options: tuple[str, ...],
        default: str,
        *,
        upper: bool = False,
    ) -> str:
        value = data.get(name, default)
        text = value.upper() if upper and isinstance(value, str) else value
        if text not in options:
            raise self.fail(
                name,
                f"expected one of {', '.join(options)}, found {value!r}"
                f"{_did_you_mean(str(value), options)}",
            )
        return str(text)

    def commands(self, data: Mapping[str, Any]) -> tuple[Command, ...]:
        values = data.get("commands", [command.value for command in Command])
        if not isinstance(values, list) or not values:
            raise self.fail(
                "commands", f"expected a non-empty array of command names, found {values!r}"
            )
        known = tuple(command.value for command in Command)
        commands: list[Command] = []
        for index, value in enumerate(values):
            text = value.upper() if isinstance(value, str) else value
            if text not in known:
                raise self.fail(
                    f"commands[{index}]",
                    f"unknown command {value!r}{_did_you_mean(str(text), known)} "
                    f"(known: {', '.join(known)})",
                )
            command = Command(text)
            if command in commands:
                raise self.fail(f"commands[{index}]", f"command {value!r} is listed twice")
            commands.append(command)
        return tuple(commands)

    def fields(self, data: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
        if "fields" not in data:
            raise self.fail("fields", "required key is missing")
        values = data["fields"]
        if not isinstance(values, list) or not values:
            raise self.fail("fields", f"expected a non-empty array of fields, found {values!r}")
        specs: list[FieldSpec] = []
        for index, value in enumerate(values):
            where = f"fields[{index}]"
            if isinstance(value, str):
                spec = FieldSpec(
                    value, _DEFAULT_CAPTIONS.get(value, value.replace("_", " ").capitalize())
                )
            elif isinstance(value, Mapping):
                inner = _Reader(self.where(where))
                inner.keys(value, _FIELD_KEYS)
                field_name = inner.text(value, "name")
                spec = FieldSpec(
                    name=field_name,
                    caption=inner.string(
                        value,
                        "caption",
                        _DEFAULT_CAPTIONS.get(
                            field_name, field_name.replace("_", " ").capitalize()
                        ),
                    ),
                    font_mm=inner.mm(value, "font_mm", 3.5),
                    required=inner.flag(value, "required", True),
                )
            else:
                raise self.fail(where, f"expected a field name or a table, found {_kind(value)}")
            if not spec.name.strip():
                raise self.fail(where, "the field name must not be empty")
            if any(existing.name == spec.name for existing in specs):
                raise self.fail(where, f"field {spec.name!r} is listed twice")
            specs.append(spec)
        return tuple(specs)


def _did_you_mean(name: str, options: Iterable[str]) -> str:
    near = difflib.get_close_matches(name, list(options), n=1)
    return f"; did you mean {near[0]!r}?" if near else ""


def _kind(value: object) -> str:
    names = {
        dict: "table",
        list: "array",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "float",
    }
    return names.get(type(value), type(value).__name__)
