"""ZPL II renderer: the label as a job for a Zebra (or ZPL-compatible) printer.

Text is printed with the printer's scalable font 0 (``^A0N``) at the layout's
positions; field data go through ``^FH`` hex escapes, so a ``^`` or ``~`` in a
product name cannot end the field or start a command, and UTF-8 (``^CI28``)
carries any other character.

The QR code is sent as a graphic (``^GFA``), the bitmap of `labels.matrix` at the
layout's module size, not as the printer's own ``^BQ`` barcode. With ``^BQ`` the
printer picks the version, mask and module placement itself and only allows
magnifications 1-10, so the printed code could differ from the PNG/PDF preview
and from what the tests decode; with the graphic, what is previewed is what
prints, and the ZPL bytes can be checked module by module. The graphic uses ZPL's
ASCII compression for repeated rows (``:`` repeats the previous row), so a code
with 8-dot modules costs one row of hex per module row.
"""

from __future__ import annotations

from functools import lru_cache

from labels.hex_escape import hex_escape
from labels.layout import Layout, PlacedCode
from labels.matrix import QrMatrix

__all__ = ["escape_field_data", "graphic_field", "render_zpl"]

_HEX_INDICATOR = "_"
"""``^FH`` default: ``_`` followed by two hex digits is one byte."""

_PLAIN = frozenset(chr(code) for code in range(0x20, 0x7F)) - {"^", "~", _HEX_INDICATOR}


def render_zpl(layout: Layout) -> bytes:
    """ZPL bytes of the label: ``^XA`` ... ``^XZ``."""
    lines = [
        "^XA",
        "^CI28",
        f"^PW{layout.width}",
        f"^LL{layout.height}",
        "^LH0,0",
    ]
    lines.extend(f"^FO{code.x},{code.y}{graphic_field(code)}^FS" for code in layout.codes)
    lines.extend(
        f"^FO{text.x},{text.y}^A0N,{text.size},{text.size}^FH^FD{escape_field_data(text.text)}^FS"
        for text in layout.texts
    )
    lines.append("^XZ")
    return ("\n".join(lines) + "\n").encode("ascii")


def escape_field_data(text: str) -> str:
    """`text` for ``^FH^FD``: printable ASCII as is, anything else as ``_XX`` UTF-8 bytes.

    >>> escape_field_data("A^B~C_D Ä")
    'A_5EB_7EC_5FD _C3_84'
    """
    return hex_escape(text, _PLAIN, _HEX_INDICATOR)


def graphic_field(code: PlacedCode) -> str:
    """``^GFA,total,total,row_bytes,data`` for the QR symbol (quiet zone excluded)."""
    return _graphic(code.matrix, code.module)


@lru_cache(maxsize=256)
def _graphic(matrix: QrMatrix, module: int) -> str:
    side = matrix.size * module
    row_bytes = (side + 7) // 8
    total = row_bytes * side
    rows: list[str] = []
    for row in matrix.rows:
        bits = "".join(("1" if dark else "0") * module for dark in row)
        bits = bits.ljust(row_bytes * 8, "0")
        rows.append(f"{int(bits, 2):0{row_bytes * 2}X}")
        rows.extend(":" * (module - 1))
    return f"^GFA,{total},{total},{row_bytes},{''.join(rows)}"
