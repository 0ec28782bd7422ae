"""A label ready to print: the `PrintDocument` every printer back end takes.

`RenderedLabel` holds a `Label` or `Sheet` and renders it on demand, once per
format: a ZPL printer asks for ``zpl()``, CUPS for ``pdf()``, a directory printer
for ``png()`` and ``pdf()``. The layout (and the QR encoding in it) is computed
once and shared, and the PNG and PDF share one bitmap, so all formats show the
same modules. Rendering is thread-safe: a print queue's worker and a preview on
screen may ask at the same time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from labels.layout import Layout, layout_document
from labels.model import Label, Sheet
from labels.render_pdf import render_pdf
from labels.render_png import rasterize, render_png
from labels.render_svg import render_svg
from labels.render_zpl import render_zpl

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["RenderedLabel"]


class RenderedLabel:
    """A label or sheet with its print job id; renders lazily and caches each format."""

    job_id: str
    name: str
    """File-name stem for printers that write files (defaults to the job id)."""

    def __init__(self, content: Label | Sheet, *, job_id: str, name: str | None = None) -> None:
        if not job_id:
            raise ValueError("job_id must not be empty")
        self.content = content
        self.job_id = job_id
        self.name = name or job_id
        self._lock = threading.Lock()
        self._layout: Layout | None = None
        self._image: Image.Image | None = None
        self._cache: dict[str, bytes] = {}

    def __repr__(self) -> str:
        return f"RenderedLabel(job_id={self.job_id!r}, name={self.name!r})"

    @property
    def title(self) -> str:
        """The label's title, used as the print job title."""
        return self.content.title

    def layout(self) -> Layout:
        """The label's layout (computed on first use); raises `LayoutError` if it cannot fit."""
        with self._lock:
            return self._layout_locked()

    def zpl(self) -> bytes:
        """ZPL II bytes for a Zebra printer."""
        return self._render("zpl")

    def png(self) -> bytes:
        """PNG bytes, one pixel per printer dot."""
        return self._render("png")

    def pdf(self) -> bytes:
        """PDF bytes, one page of the label's exact size."""
        return self._render("pdf")

    def svg(self) -> bytes:
        """SVG bytes (UTF-8) of the label's exact size."""
        return self._render("svg")

    def _render(self, kind: str) -> bytes:
        with self._lock:
            cached = self._cache.get(kind)
            if cached is not None:
                return cached
            layout = self._layout_locked()
            if kind == "zpl":
                data = render_zpl(layout)
            elif kind == "svg":
                data = render_svg(layout).encode("utf-8")
            else:
                if self._image is None:
                    self._image = rasterize(layout)
                renderer = render_png if kind == "png" else render_pdf
                data = renderer(layout, self._image)
            self._cache[kind] = data
            return data

    def _layout_locked(self) -> Layout:
        if self._layout is None:
            self._layout = layout_document(self.content)
        return self._layout
