"""Label templates: which lines a kind of label shows, in which order, how large, on what size.

A template is data, so a site can add or reshape its own in the station config
(`labels.site_templates` reads those tables); the ones every station has are in
`labels.builtin_templates`. A `LabelTemplate` fills a `Label` from named values,
a `CommandSheetTemplate` makes the sheet of station command codes:

    >>> from labels.model import LabelSize
    >>> template = LabelTemplate("t", LabelSize(50, 30), (FieldSpec("lot", "Lot"),))
    >>> [line.text for line in template.label("#X", {"lot": "L-42"}).fields]
    ['Lot: L-42']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from labels.model import Label, LabelField, LabelSize, LabelStyle, Sheet, SheetCell
from station.domain.printable import printable
from station.domain.scanning.codes import Command
from station.domain.suggestions import did_you_mean
from station.errors import ConfigError

__all__ = [
    "COMMAND_NOTES",
    "CommandSheetTemplate",
    "FieldSpec",
    "LabelTemplate",
    "Template",
    "TemplateError",
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
                    f"template {self.name!r} has no field {name!r}{did_you_mean(name, names)} "
                    f"(fields: {', '.join(names)})"
                )
        lines: list[LabelField] = []
        for spec in self.fields:
            # Free text (a product, a vendor) is stored as given; a label shows it
            # spelled out, so no control or bidi character reaches a renderer.
            value = printable(values.get(spec.name, "").strip(), None, for_="label")
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
            title=printable(self.title if title is None else title, None, for_="label"),
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
