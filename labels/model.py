"""The label model: what a label says, independent of how it is drawn or printed.

A `Label` is one QR payload, a title and a few lines of human-readable text on a
label of a given `LabelSize`; a `Sheet` is a page of several codes with captions
(the command sheet). Templates (`labels.templates`) fill these in; the layout
(`labels.layout`) turns them into positions in printer dots; renderers draw that.
Nothing here does I/O.

    >>> size = LabelSize(100, 50)
    >>> size.dots_per_mm, size.width_dots, size.height_dots
    (8.0, 800, 400)
    >>> LabelSize(100, 150, dpi=300).height_dots
    1772
    >>> LabelSize(100, 150, dpi=150).height_dots
    886
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "MAX_DPI",
    "MAX_MM",
    "MIN_DPI",
    "MM_PER_INCH",
    "Arrangement",
    "Label",
    "LabelField",
    "LabelSize",
    "LabelStyle",
    "Sheet",
    "SheetCell",
]

MM_PER_INCH = 25.4

_DOTS_PER_MM = {203: 8.0}
"""A "203 dpi" label printer head has 8 dots per mm (203.2 dpi); other resolutions are
taken as stated (300 dpi is 11.81 dots per mm, A4 at 300 dpi is 2480 x 3508)."""

MIN_DPI = 72
MAX_DPI = 1200
MAX_MM = 2000.0
"""The limits of a `LabelSize`: resolutions from 72 to 1200 dpi, sides up to 2 m."""


@dataclass(frozen=True, slots=True)
class LabelSize:
    """Physical size of a label (or sheet) and the printer resolution it is drawn for."""

    width_mm: float
    height_mm: float
    dpi: int = 203
    """Dots per inch: 203 (8 dots/mm) and 300 (12 dots/mm) are the common label printers."""

    def __post_init__(self) -> None:
        for name, value in (("width_mm", self.width_mm), ("height_mm", self.height_mm)):
            if not (isinstance(value, int | float) and 0 < value <= MAX_MM) or math.isnan(value):
                msg = f"{name} must be a number of millimetres in (0, {MAX_MM:g}], found {value!r}"
                raise ValueError(msg)
        if isinstance(self.dpi, bool) or not isinstance(self.dpi, int):
            raise ValueError(f"dpi must be a whole number, found {self.dpi!r}")
        if not MIN_DPI <= self.dpi <= MAX_DPI:
            raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}, found {self.dpi}")

    @property
    def dots_per_mm(self) -> float:
        """Printer dots per millimetre: 8 at 203 dpi (a "203 dpi" head is 8 dots/mm, so
        100 mm is 800 dots, not 799), else ``dpi / 25.4``."""
        return _DOTS_PER_MM.get(self.dpi, self.dpi / MM_PER_INCH)

    def dots(self, mm: float) -> int:
        """`mm` millimetres in printer dots, to the nearest dot."""
        return int(mm * self.dots_per_mm + 0.5)

    @property
    def width_dots(self) -> int:
        """Label width in dots (ZPL ``^PW``, PNG width in pixels)."""
        return self.dots(self.width_mm)

    @property
    def height_dots(self) -> int:
        """Label length in dots (ZPL ``^LL``, PNG height in pixels)."""
        return self.dots(self.height_mm)


@dataclass(frozen=True, slots=True)
class LabelField:
    """One line of human-readable text, e.g. name ``lot`` and text ``Lot: L-2026-0042``."""

    name: str
    text: str
    font_mm: float = 3.5
    """Nominal text height in millimetres; the layout may shrink a line that is too long."""


class Arrangement(StrEnum):
    """Where the QR code goes relative to the text."""

    AUTO = "auto"
    """SIDE for landscape labels, STACKED for tall ones."""
    SIDE = "side"
    """QR code on the left, text to its right."""
    STACKED = "stacked"
    """Text on top, the QR code below it, centred."""


@dataclass(frozen=True, slots=True)
class LabelStyle:
    """Layout choices a template makes for its labels."""

    title_font_mm: float = 5.0
    margin_mm: float = 2.0
    qr_mm: float | None = None
    """Side of the QR code including its quiet zone; None: as large as fits."""
    arrangement: Arrangement = Arrangement.AUTO
    error: str = "M"
    """QR error correction level (L, M, Q, H)."""


@dataclass(frozen=True, slots=True)
class Label:
    """A finished label: one QR code, a title and lines of text."""

    size: LabelSize
    qr_payload: str
    fields: tuple[LabelField, ...]
    title: str
    style: LabelStyle = field(default_factory=LabelStyle)

    def line(self, name: str) -> LabelField | None:
        """The field called `name`, or None."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True, slots=True)
class SheetCell:
    """One code on a sheet: the QR payload, a caption under it and an optional note."""

    qr_payload: str
    caption: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    """A page of several QR codes with captions in a grid, such as the command sheet."""

    size: LabelSize
    title: str
    cells: tuple[SheetCell, ...]
    columns: int = 2
    caption_font_mm: float = 4.0
    note_font_mm: float = 3.0
    style: LabelStyle = field(default_factory=LabelStyle)

    def __post_init__(self) -> None:
        if not self.cells:
            raise ValueError("a sheet needs at least one cell")
        if self.columns < 1:
            raise ValueError(f"columns must be at least 1, found {self.columns}")
