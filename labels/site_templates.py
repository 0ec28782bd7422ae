"""Label templates read from the station config: one TOML table each, checked at load.

A site adds a template, or replaces a built-in one of the same name, with a table
under ``[labels.templates]``. `template_from_dict` reads one table; every error is
a `TemplateError` (a `ConfigError`) naming the dotted key, the value and what was
expected:

    >>> try:
    ...     template_from_dict({"name": "x", "width_mm": 0}, key="labels.templates[0]")
    ... except TemplateError as exc:
    ...     print(exc)
    labels.templates[0].width_mm: expected a number of millimetres in (0, 2000], found 0

`templates_from_config` also lays out a sample label of each (`check_template`), so
a label too small for its QR code is refused when the config is read, not at the
first print.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from labels.builtin_templates import BUILTIN_TEMPLATES
from labels.model import (
    MAX_DPI,
    MAX_MM,
    MIN_DPI,
    Arrangement,
    Label,
    LabelSize,
    LabelStyle,
    Sheet,
)
from labels.templates import (
    CommandSheetTemplate,
    FieldSpec,
    LabelTemplate,
    Template,
    TemplateError,
)
from station.domain.scanning.codes import Command
from station.domain.suggestions import did_you_mean
from station.domain.value_kinds import toml_kind

__all__ = [
    "SAMPLE_PAYLOAD",
    "check_template",
    "template_from_dict",
    "templates_from_config",
]

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
        raise TemplateError(f"{key}: expected an array of tables, found {toml_kind(tables)}")
    for where, table, name in items:
        template = template_from_dict(table, key=where, name=name)
        check_template(template, where)
        if template.name in seen:
            raise TemplateError(f"{where}.name: template {template.name!r} is defined twice")
        seen.add(template.name)
        result[template.name] = template
    return result


_COMMON_KEYS = (
    "name",
    "kind",
    "width_mm",
    "height_mm",
    "dpi",
    "title",
    "title_font_mm",
    "margin_mm",
    "qr_mm",
)
_LABEL_KEYS = (*_COMMON_KEYS, "arrangement", "error", "fields")
_SHEET_KEYS = (
    *_COMMON_KEYS,
    "error",
    "commands",
    "columns",
    "caption_font_mm",
    "note_font_mm",
    "notes",
)
_FIELD_KEYS = ("name", "caption", "font_mm", "required")
_KINDS = ("label", "command-sheet")
_ERROR_LEVELS = ("L", "M", "Q", "H")
_BUILTIN_CAPTIONS = {
    spec.name: spec.caption
    for template in BUILTIN_TEMPLATES.values()
    if isinstance(template, LabelTemplate)
    for spec in template.fields
}
"""A field listed by name only takes the caption it has in the built-in templates."""


def _default_caption(name: str) -> str:
    return _BUILTIN_CAPTIONS.get(name, name.replace("_", " ").capitalize())


def template_from_dict(
    data: Mapping[str, Any], *, key: str = "", name: str | None = None
) -> Template:
    """A template from one config table; `key` is the table's dotted key for messages.

    `name` is the table's key when templates are a table of tables; a ``name``
    entry, if also present, must agree with it.
    """
    reader = _Reader(key)
    if not isinstance(data, Mapping):
        raise reader.fail("", f"expected a table, found {toml_kind(data)}")
    kind = reader.choice(data, "kind", _KINDS, "label")
    reader.keys(data, _SHEET_KEYS if kind == "command-sheet" else _LABEL_KEYS)
    if name is None:
        template_name = reader.text(data, "name")
    else:
        template_name = name
        if "name" in data and data["name"] != name:
            raise reader.fail("name", f"{data['name']!r} differs from the table's key {name!r}")
    size = reader.size(data)
    # Keys left out take the defaults of the model's own dataclasses.
    defaults = LabelStyle()
    style = LabelStyle(
        title_font_mm=reader.mm(data, "title_font_mm", defaults.title_font_mm),
        margin_mm=reader.mm(data, "margin_mm", defaults.margin_mm, allow_zero=True),
        qr_mm=reader.optional_mm(data, "qr_mm"),
        arrangement=Arrangement(
            reader.choice(
                data, "arrangement", tuple(a.value for a in Arrangement), defaults.arrangement.value
            )
        ),
        error=reader.choice(data, "error", _ERROR_LEVELS, defaults.error, upper=True),
    )
    if 2 * size.dots(style.margin_mm) >= min(size.width_dots, size.height_dots):
        raise reader.fail("margin_mm", f"{style.margin_mm:g} mm leaves no room on the label")
    if kind == "command-sheet":
        sheet = CommandSheetTemplate(template_name, size)
        return CommandSheetTemplate(
            name=template_name,
            size=size,
            commands=reader.commands(data),
            title=reader.string(data, "title", sheet.title),
            columns=reader.count(data, "columns", sheet.columns),
            caption_font_mm=reader.mm(data, "caption_font_mm", sheet.caption_font_mm),
            note_font_mm=reader.mm(data, "note_font_mm", sheet.note_font_mm),
            notes=reader.flag(data, "notes", sheet.notes),
            style=style,
        )
    label = LabelTemplate(template_name, size, fields=())
    return LabelTemplate(
        name=template_name,
        size=size,
        fields=reader.fields(data),
        title=reader.string(data, "title", label.title),
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
                    f"unknown key{did_you_mean(str(name), allowed)} (valid: {', '.join(allowed)})",
                )

    def text(self, data: Mapping[str, Any], name: str) -> str:
        if name not in data:
            raise self.fail(name, "required key is missing")
        value = data[name]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                name, f"expected a non-empty string, found {toml_kind(value)} {value!r}"
            )
        return value.strip()

    def string(self, data: Mapping[str, Any], name: str, default: str) -> str:
        value = data.get(name, default)
        if not isinstance(value, str):
            raise self.fail(name, f"expected a string, found {toml_kind(value)} {value!r}")
        return value

    def flag(self, data: Mapping[str, Any], name: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"expected true or false, found {toml_kind(value)} {value!r}")
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
            or value > MAX_MM
            or value < 0
            or (value == 0 and not allow_zero)
        ):
            bound = "[0" if allow_zero else "(0"
            raise self.fail(
                name, f"expected a number of millimetres in {bound}, {MAX_MM:g}], found {value!r}"
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
        if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
            raise self.fail(
                "dpi", f"expected a whole number from {MIN_DPI} to {MAX_DPI}, found {dpi!r}"
            )
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
                f"{did_you_mean(str(value), options)}",
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
                    f"unknown command {value!r}{did_you_mean(str(text), known)} "
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
                spec = FieldSpec(value, _default_caption(value))
            elif isinstance(value, Mapping):
                inner = _Reader(self.where(where))
                inner.keys(value, _FIELD_KEYS)
                named = FieldSpec(inner.text(value, "name"))
                spec = FieldSpec(
                    name=named.name,
                    caption=inner.string(value, "caption", _default_caption(named.name)),
                    font_mm=inner.mm(value, "font_mm", named.font_mm),
                    required=inner.flag(value, "required", named.required),
                )
            else:
                raise self.fail(
                    where, f"expected a field name or a table, found {toml_kind(value)}"
                )
            if not spec.name.strip():
                raise self.fail(where, "the field name must not be empty")
            if any(existing.name == spec.name for existing in specs):
                raise self.fail(where, f"field {spec.name!r} is listed twice")
            specs.append(spec)
        return tuple(specs)
