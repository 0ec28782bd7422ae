"""Layout: where each QR code and line of text goes on a label, in printer dots.

This is the stage between the model and the renderers. It encodes each payload
once (`labels.matrix`), picks a whole number of dots per QR module (so every
module is the same size on every output), keeps the quiet zone free, and fits
each line of text to its space with the measuring font (`labels.font`). The
renderers then only draw what a `Layout` says: a ZPL printer, a PNG preview, a
PDF and an SVG of the same label agree module for module.

    >>> from labels.model import Label, LabelField, LabelSize
    >>> label = Label(LabelSize(100, 50), "#CLOSE", (LabelField("lot", "Lot: L1"),), "LOT")
    >>> layout = layout_label(label)
    >>> layout.width, layout.height, layout.codes[0].module
    (800, 400, 12)
    >>> [text.text for text in layout.texts]
    ['LOT', 'Lot: L1']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from labels.font import fit_lines, fit_text, text_width
from labels.matrix import QrMatrix, qr_matrix
from labels.model import Arrangement, Label, LabelSize, LabelStyle, Sheet

__all__ = [
    "MIN_MODULE_DOTS",
    "Layout",
    "LayoutError",
    "PlacedCode",
    "PlacedText",
    "layout_document",
    "layout_label",
    "layout_sheet",
]

MIN_MODULE_DOTS = 2
"""Fewest printer dots per QR module; one-dot modules do not survive a worn print head."""

LINE_PITCH = 1.3
"""Line spacing as a multiple of the font size."""

_SIDE_QR_SHARE = 0.48
"""Share of the usable width a side-arranged QR code may take."""


_MIN_TEXT_SCALE = 0.5
"""Text squeezed below half its nominal size is an error, not a label."""


class LayoutError(ValueError):
    """The content does not fit the label: the message says what, and by how much."""


@dataclass(frozen=True, slots=True)
class PlacedCode:
    """A QR code placed on the label."""

    x: int
    """Left edge of the first module, in dots (the quiet zone lies outside)."""
    y: int
    """Top edge of the first module, in dots."""
    module: int
    """Dots per module, the same across and down."""
    matrix: QrMatrix
    payload: str

    @property
    def side(self) -> int:
        """Side of the symbol in dots, without the quiet zone."""
        return self.matrix.size * self.module


@dataclass(frozen=True, slots=True)
class PlacedText:
    """One line of text placed on the label."""

    x: int
    """Left edge, in dots."""
    y: int
    """Top of the line (the font's ascender), in dots."""
    size: int
    """Font size (em height) in dots."""
    text: str
    width: int
    """Width of the text as measured with the layout font, in dots."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything a renderer draws, in dots of the label's printer."""

    size: LabelSize
    codes: tuple[PlacedCode, ...]
    texts: tuple[PlacedText, ...]
    title: str
    """Document title (PDF metadata, print job title)."""

    @property
    def width(self) -> int:
        """Label width in dots."""
        return self.size.width_dots

    @property
    def height(self) -> int:
        """Label height in dots."""
        return self.size.height_dots


def layout_document(content: Label | Sheet) -> Layout:
    """The layout of a label or a sheet."""
    if isinstance(content, Sheet):
        return layout_sheet(content)
    return layout_label(content)


def layout_label(label: Label) -> Layout:
    """Place the QR code and the lines of `label`; `LayoutError` if they cannot fit."""
    size, style = label.size, label.style
    matrix = qr_matrix(label.qr_payload, style.error)
    width, height = size.width_dots, size.height_dots
    margin = size.dots(style.margin_mm)
    lines = [(label.title, size.dots(style.title_font_mm))] if label.title else []
    lines += [(field.text, size.dots(field.font_mm)) for field in label.fields]
    arrangement = style.arrangement
    if arrangement is Arrangement.AUTO:
        arrangement = Arrangement.STACKED if height > width else Arrangement.SIDE

    if arrangement is Arrangement.SIDE:
        box = min(height - 2 * margin, int((width - 2 * margin) * _SIDE_QR_SHARE))
        box = _limit(box, size, style)
        module = _module(matrix, box, label.qr_payload)
        outer = module * matrix.size_with_quiet_zone
        quiet = module * matrix.quiet_zone
        code = PlacedCode(
            margin + quiet, (height - outer) // 2 + quiet, module, matrix, label.qr_payload
        )
        left = margin + outer + margin // 2
        texts = _column(lines, left, margin, width - margin - left, height - 2 * margin)
        return Layout(size, (code,), texts, label.title)

    column = width - 2 * margin
    nominal = _height(_stack(lines, margin, 0, column, 1.0))
    room = height - 2 * margin
    box = min(column, room - nominal)
    box = _limit(box, size, style)
    minimum = matrix.size_with_quiet_zone * MIN_MODULE_DOTS
    if box < minimum and room - minimum >= 0:
        box = minimum  # shrink the text rather than make the code unreadable
    module = _module(matrix, box, label.qr_payload)
    outer = module * matrix.size_with_quiet_zone
    texts = _column(lines, margin, margin, column, room - outer)
    used = margin + _height(texts)
    top = used + (height - margin - used - outer) // 2
    quiet = module * matrix.quiet_zone
    code = PlacedCode((width - outer) // 2 + quiet, top + quiet, module, matrix, label.qr_payload)
    return Layout(size, (code,), texts, label.title)


def layout_sheet(sheet: Sheet) -> Layout:
    """Place the title and a grid of captioned codes; `LayoutError` if they cannot fit."""
    size, style = sheet.size, sheet.style
    width, height = size.width_dots, size.height_dots
    margin = size.dots(style.margin_mm)
    title_font = size.dots(style.title_font_mm)
    texts: list[PlacedText] = []
    top = margin
    if sheet.title:
        text, font = fit_text(sheet.title, title_font, width - 2 * margin)
        texts.append(_centred(text, font, width // 2, top))
        top += math.ceil(title_font * LINE_PITCH)
    rows = math.ceil(len(sheet.cells) / sheet.columns)
    cell_width = (width - 2 * margin) // sheet.columns
    cell_height = (height - margin - top) // rows
    caption_font = size.dots(sheet.caption_font_mm)
    note_font = size.dots(sheet.note_font_mm)
    codes: list[PlacedCode] = []
    for index, cell in enumerate(sheet.cells):
        row, col = divmod(index, sheet.columns)
        x0, y0 = margin + col * cell_width, top + row * cell_height
        text_height = math.ceil(caption_font * LINE_PITCH)
        if cell.note:
            text_height += math.ceil(note_font * LINE_PITCH)
        matrix = qr_matrix(cell.qr_payload, style.error)
        box = _limit(min(cell_width, cell_height - text_height), size, style)
        module = _module(matrix, box, cell.qr_payload)
        outer = module * matrix.size_with_quiet_zone
        quiet = module * matrix.quiet_zone
        y = y0 + (cell_height - outer - text_height) // 2
        codes.append(
            PlacedCode(
                x0 + (cell_width - outer) // 2 + quiet, y + quiet, module, matrix, cell.qr_payload
            )
        )
        centre = x0 + cell_width // 2
        y += outer
        text, font = fit_text(cell.caption, caption_font, cell_width - margin)
        texts.append(_centred(text, font, centre, y))
        if cell.note:
            y += math.ceil(caption_font * LINE_PITCH)
            text, font = fit_text(cell.note, note_font, cell_width - margin)
            texts.append(_centred(text, font, centre, y))
    return Layout(size, tuple(codes), tuple(texts), sheet.title)


def _limit(box: int, size: LabelSize, style: LabelStyle) -> int:
    if style.qr_mm is not None:
        return min(box, size.dots(style.qr_mm))
    return box


def _module(matrix: QrMatrix, box: int, payload: str) -> int:
    modules = matrix.size_with_quiet_zone
    module = box // modules if box > 0 else 0
    if module < MIN_MODULE_DOTS:
        needed = modules * MIN_MODULE_DOTS
        raise LayoutError(
            f"the QR code for a {len(payload)}-character payload has {modules} modules "
            f"(version {matrix.version}, quiet zone included) and needs at least {needed} dots, "
            f"but only {max(box, 0)} dots are left for it: use a larger label, a shorter "
            "payload or fewer lines"
        )
    return module


def _column(
    lines: Sequence[tuple[str, int]], left: int, top: int, width: int, height: int
) -> tuple[PlacedText, ...]:
    """Lines stacked from `top`; a long one wraps to two; all shrink alike when too tall."""
    if not lines:
        return ()
    scale = 1.0
    for _ in range(8):
        placed = _stack(lines, left, top, width, scale)
        used = _height(placed)
        if used <= max(height, 0):
            return placed
        scale *= min(max(height, 0) / used, 0.95)
        if scale < _MIN_TEXT_SCALE:
            break
    needed = _height(_stack(lines, left, top, width, 1.0))
    raise LayoutError(
        f"{len(lines)} lines of text need {needed} dots of height but only "
        f"{max(height, 0)} are left beside the QR code: use a larger label, "
        "smaller fonts or fewer fields"
    )


def _stack(
    lines: Sequence[tuple[str, int]], left: int, top: int, width: int, scale: float
) -> tuple[PlacedText, ...]:
    placed: list[PlacedText] = []
    y = top
    for text, nominal_font in lines:
        font = max(int(nominal_font * scale), 1)
        wrapped, fitted_font = fit_lines(text, font, width, max_lines=2)
        for line in wrapped:
            placed.append(PlacedText(left, y, fitted_font, line, text_width(line, fitted_font)))
            # A shrunk single line keeps the nominal spacing; wrapped lines sit closer.
            y += math.ceil((font if len(wrapped) == 1 else fitted_font) * LINE_PITCH)
    return tuple(placed)


def _height(texts: Sequence[PlacedText]) -> int:
    """Dots from the top of the first line to below the last."""
    if not texts:
        return 0
    return texts[-1].y + math.ceil(texts[-1].size * LINE_PITCH) - texts[0].y


def _centred(text: str, font: int, centre: int, top: int) -> PlacedText:
    measured = text_width(text, font)
    return PlacedText(centre - measured // 2, top, font, text, measured)
