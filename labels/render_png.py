"""PNG renderer: the label as a greyscale bitmap, one pixel per printer dot.

The image is exactly `LabelSize.width_dots` x `height_dots` pixels, with the
physical resolution recorded in the PNG, so a preview at 100 % is the label's
real size. QR modules are whole pixels, drawn without smoothing; text is drawn
with the layout font (`labels.font`), anti-aliased. `rasterize` gives the Pillow
image and `encode_png` its PNG form for the PDF renderer, which embeds the same
bitmap.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

from labels.font import font
from labels.layout import Layout
from labels.model import MM_PER_INCH

__all__ = ["encode_png", "rasterize", "render_png"]

_PNG_COMPRESS_LEVEL = 3
"""Labels are mostly white; level 3 is within a few per cent of 9 at a fraction of the time."""


def rasterize(layout: Layout) -> Image.Image:
    """The label as a Pillow image, mode ``L`` (0 black, 255 white)."""
    canvas = np.full((layout.height, layout.width), 255, dtype=np.uint8)
    for code in layout.codes:
        modules = np.array(code.matrix.rows, dtype=bool)
        dots = np.repeat(np.repeat(modules, code.module, axis=0), code.module, axis=1)
        bottom, right = code.y + dots.shape[0], code.x + dots.shape[1]
        if code.x < 0 or code.y < 0 or bottom > layout.height or right > layout.width:
            raise ValueError(f"QR code at ({code.x}, {code.y}) runs off the label")
        canvas[code.y : bottom, code.x : right] = np.where(dots, 0, 255)
    image = Image.fromarray(canvas, mode="L")
    if layout.texts:
        draw = ImageDraw.Draw(image)
        for text in layout.texts:
            draw.text((text.x, text.y), text.text, fill=0, font=font(text.size), anchor="la")
    return image


def render_png(layout: Layout, image: Image.Image | None = None) -> bytes:
    """PNG bytes of the label; pass `image` from `rasterize` to reuse a bitmap."""
    bitmap = rasterize(layout) if image is None else image
    return encode_png(bitmap, layout.size.dots_per_mm * MM_PER_INCH)


def encode_png(image: Image.Image, dpi: float | None = None) -> bytes:
    """`image` as PNG bytes, with `dpi` recorded as its physical resolution if given."""
    buffer = io.BytesIO()
    options = {} if dpi is None else {"dpi": (dpi, dpi)}
    image.save(buffer, format="PNG", compress_level=_PNG_COMPRESS_LEVEL, **options)
    return buffer.getvalue()
