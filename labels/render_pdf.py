"""PDF renderer: one page of exactly the label's size, holding the label's bitmap.

The page is the label size in millimetres converted to points with no rounding
to whole pixels, so CUPS and a PDF viewer see a 100 x 50 mm page for a 100 x 50
mm label. The page holds the same bitmap as the PNG, drawn over the whole page,
so what was previewed is what prints, QR modules included. img2pdf writes the
file: it embeds a PNG's pixels as they are (no re-encoding, no resampling) and
sizes the page in points as asked, where Pillow's PDF plugin sizes it from whole
pixels. The output carries no dates, so the same label gives the same bytes.
"""

from __future__ import annotations

from PIL import Image

from labels.layout import Layout
from labels.model import MM_PER_INCH
from labels.render_png import encode_png, rasterize

__all__ = ["pdf_from_image", "render_pdf"]

POINTS_PER_INCH = 72

_PRODUCER = "station labels"


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
    # img2pdf pulls in pikepdf; the CLI's --help and the headless commands
    # must not pay for it until a PDF is asked for.
    import img2pdf  # type: ignore[import-untyped]  # noqa: PLC0415

    grey = image if image.mode == "L" else image.convert("L")
    # img2pdf copies the PNG's compressed pixels into the PDF as they are.
    png = encode_png(grey)
    layout_fun = img2pdf.get_layout_fun((width_pt, height_pt), fit=img2pdf.FitMode.exact)
    pdf = img2pdf.convert(
        png,
        layout_fun=layout_fun,
        title=title,
        producer=_PRODUCER,
        nodate=True,
        # img2pdf's own writer rather than pikepdf's: the same bytes for the same
        # label whichever pikepdf is installed.
        engine=img2pdf.Engine.internal,
    )
    assert isinstance(pdf, bytes)
    return pdf
