"""PDF renderer: one page of exactly the label's size, holding the label's bitmap.

The page's MediaBox is the label size in millimetres converted to points with no
rounding to whole pixels, so CUPS and a PDF viewer see a 100 x 50 mm page for a
100 x 50 mm label. The page holds the same bitmap as the PNG (one image, drawn
over the whole page, not interpolated), so what was previewed is what prints,
QR modules included. The file is written here, in a few dozen lines, rather
than by Pillow's PDF plugin, which sizes the page from whole pixels.
"""

from __future__ import annotations

import zlib

from PIL import Image

from labels.layout import Layout
from labels.model import MM_PER_INCH
from labels.render_png import rasterize

__all__ = ["pdf_from_image", "render_pdf"]

POINTS_PER_INCH = 72


def render_pdf(layout: Layout, image: Image.Image | None = None) -> bytes:
    """PDF bytes of the label; pass `image` from `rasterize` to reuse a bitmap."""
    bitmap = rasterize(layout) if image is None else image
    width_pt = layout.size.width_mm / MM_PER_INCH * POINTS_PER_INCH
    height_pt = layout.size.height_mm / MM_PER_INCH * POINTS_PER_INCH
    return pdf_from_image(bitmap, width_pt, height_pt, title=layout.title)


def pdf_from_image(
    image: Image.Image, width_pt: float, height_pt: float, *, title: str = ""
) -> bytes:
    """A one-page PDF of `width_pt` x `height_pt` points with `image` stretched over the page."""
    grey = image if image.mode == "L" else image.convert("L")
    pixels = zlib.compress(grey.tobytes(), 6)
    w, h = _number(width_pt), _number(height_pt)
    content = f"q {w} 0 0 {h} 0 0 cm /Im0 Do Q".encode("ascii")
    title_entry = f"/Title {_text_string(title)} " if title else ""
    info = f"<< {title_entry}/Producer (station labels) >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] "
            "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
        ).encode("ascii"),
        _stream(
            f"/Type /XObject /Subtype /Image /Width {grey.width} /Height {grey.height} "
            "/ColorSpace /DeviceGray /BitsPerComponent 8 /Interpolate false "
            "/Filter /FlateDecode",
            pixels,
        ),
        _stream("", content),
        info.encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode("ascii")
    return bytes(out)


def _stream(entries: str, data: bytes) -> bytes:
    head = f"<< {entries} /Length {len(data)} >>\nstream\n".replace("<<  ", "<< ")
    return head.encode("ascii") + data + b"\nendstream"


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _text_string(text: str) -> str:
    # A UTF-16BE hex string needs no escaping and carries any title.
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
