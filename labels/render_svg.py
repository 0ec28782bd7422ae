"""SVG renderer: the label as a vector drawing of its exact size.

The document is ``width_mm`` x ``height_mm`` millimetres with a viewBox in printer
dots, so coordinates are the layout's own. Each QR code is one ``<path>`` of
module runs (crisp at any zoom, with ``shape-rendering="crispEdges"``); each line
of text is a ``<text>`` element with ``textLength`` set to the width the layout
measured, so a browser substituting another sans-serif font still keeps the line
inside its space.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from labels.layout import Layout, PlacedCode

__all__ = ["render_svg"]

FONT_FAMILY = "Aileron, 'Helvetica Neue', Helvetica, Arial, sans-serif"
_ASCENT = 1.0
"""Baseline below the top of a line, as a share of the font size (the layout font's ascent)."""


def render_svg(layout: Layout) -> str:
    """SVG text of the label."""
    size = layout.size
    view_w = _number(size.width_mm * size.dots_per_mm)
    view_h = _number(size.height_mm * size.dots_per_mm)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{_number(size.width_mm)}mm" height="{_number(size.height_mm)}mm" '
        f'viewBox="0 0 {view_w} {view_h}">\n',
    ]
    if layout.title:
        parts.append(f"<title>{escape(layout.title)}</title>\n")
    parts.append(f'<rect width="{view_w}" height="{view_h}" fill="#fff"/>\n')
    for code in layout.codes:
        parts.append(f'<path fill="#000" shape-rendering="crispEdges" d="{_code_path(code)}"/>\n')
    for text in layout.texts:
        baseline = text.y + round(text.size * _ASCENT)
        parts.append(
            f'<text x="{text.x}" y="{baseline}" font-family={quoteattr(FONT_FAMILY)} '
            f'font-size="{text.size}" textLength="{text.width}" '
            f'lengthAdjust="spacingAndGlyphs" xml:space="preserve" fill="#000">'
            f"{escape(_xml_safe(text.text))}</text>\n"
        )
    parts.append("</svg>\n")
    return "".join(parts)


def _code_path(code: PlacedCode) -> str:
    """One subpath per horizontal run of dark modules: ``M x y h w v m h -w z``."""
    m = code.module
    commands: list[str] = []
    for row_index, row in enumerate(code.matrix.rows):
        y = code.y + row_index * m
        column = 0
        count = len(row)
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            run = (column - start) * m
            commands.append(f"M{code.x + start * m} {y}h{run}v{m}h-{run}z")
    return "".join(commands)


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _xml_safe(text: str) -> str:
    # XML 1.0 forbids most control characters even as references.
    return "".join(char if char >= " " or char in "\t" else "\ufffd" for char in text)
