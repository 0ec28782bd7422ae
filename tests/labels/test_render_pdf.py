"""The PDF renderer embeds the label's bitmap as it is, and the same label gives the same bytes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from labels.content import command_sheet
from labels.layout import layout_document
from labels.model import Label, LabelField, LabelSize
from labels.render_pdf import pdf_from_image, render_pdf
from labels.render_png import rasterize


@dataclass(frozen=True)
class Page:
    size: tuple[float, float]
    title: str
    images: list[tuple[Image.Image, tuple[float, float, float, float]]]
    """Each embedded image with its bounds on the page (left, bottom, right, top) in points."""


def _read(data: bytes) -> Page:
    pdf = pdfium.PdfDocument(data)
    try:
        (page,) = pdf
        objects = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))
        images = [(obj.get_bitmap(render=False).to_pil(), obj.get_bounds()) for obj in objects]
        return Page(page.get_size(), pdf.get_metadata_dict()["Title"], images)
    finally:
        pdf.close()


def test_the_page_holds_the_bitmap_unchanged_over_the_whole_page() -> None:
    # 1181 x 1772 dots are not quite 100 x 150 mm: the bitmap is stretched, not centred.
    label = Label(LabelSize(100, 150, dpi=300), "#UNDO", (LabelField("x", "Undo"),), "T")
    layout = layout_document(label)
    bitmap = rasterize(layout)
    page = _read(render_pdf(layout, bitmap))
    ((embedded, bounds),) = page.images
    assert embedded.size == bitmap.size
    np.testing.assert_array_equal(np.asarray(embedded.convert("L")), np.asarray(bitmap))
    assert bounds == pytest.approx((0, 0, *page.size), abs=1e-3)


def test_the_same_label_gives_the_same_bytes() -> None:
    layout = layout_document(command_sheet("#"))
    assert render_pdf(layout) == render_pdf(layout)


def test_an_rgb_image_is_embedded_in_grey() -> None:
    image = Image.new("RGB", (40, 20), (255, 255, 255))
    image.putpixel((3, 4), (0, 0, 0))
    page = _read(pdf_from_image(image, 144.5, 72, title="Ä ()"))
    assert page.size == pytest.approx((144.5, 72))
    assert page.title == "Ä ()"
    ((embedded, _),) = page.images
    grey = np.asarray(embedded.convert("L"))
    assert grey.shape == (20, 40)
    assert grey[4, 3] == 0 and grey[0, 0] == 255
