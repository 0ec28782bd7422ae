"""Every template through every renderer, read back by a real decoder.

PNG, PDF (rasterised with pdfium) and SVG (rasterised with cairosvg) are decoded
with zxing-cpp, clean and after blur, noise and rotation, and the text must be
exactly the payload that went in, which the classifier must map back to the same
GTIN and lot, SSCC, or command. The ZPL is checked structurally and its ``^GFA``
graphic decoded (with the small ZPL graphic decoder below) into an image that
must match the PNG preview dot for dot and read back the same way.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

import cairosvg
import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from labels.builtin_templates import BUILTIN_TEMPLATES
from labels.content import command_sheet, lot_label, pallet_label
from labels.document import RenderedLabel
from labels.layout import layout_document
from labels.model import Label, LabelField, LabelSize, Sheet
from labels.render_png import render_png
from labels.render_svg import render_svg
from labels.render_zpl import render_zpl
from labels.templates import CommandSheetTemplate
from station.domain.scanning.classify import ClassifierRules, classify
from station.domain.scanning.codes import CommandCode, Gs1Code

GTIN = "09521234543213"
LOT = "L-2026/0042"
SSCC = "376130321109103420"
PRODUCED = dt.date(2026, 11, 23)
PREFIX = "!"


@dataclass(frozen=True)
class Case:
    template: str
    content: Label | Sheet

    @property
    def payloads(self) -> list[str]:
        if isinstance(self.content, Sheet):
            return [cell.qr_payload for cell in self.content.cells]
        return [self.content.qr_payload]


def _cases() -> dict[str, Case]:
    a4 = BUILTIN_TEMPLATES["command-sheet-a4"]
    assert isinstance(a4, CommandSheetTemplate)
    return {
        "lot-100x50": Case(
            "lot-100x50",
            lot_label(
                resolver="id.example.com",
                gtin=GTIN,
                lot=LOT,
                product='Module "A" ^~_ Ä',
                quantity=1200,
                uom="pcs",
                produced_on=PRODUCED,
                place="Example Solar Works, Ho Chi Minh City, VN",
                parent_lots=3,
            ),
        ),
        "pallet-100x150": Case(
            "pallet-100x150",
            pallet_label(
                resolver="https://resolver.example.com/dl",
                sscc=SSCC,
                produced_on=PRODUCED,
                contents="24 x Solar module 420 W",
                quantity="24 pcs",
                lots="L-2026/0042, L-2026/0043",
                place="Dock 1",
            ),
        ),
        "command-sheet": Case("command-sheet", command_sheet(PREFIX)),
        "command-sheet-a4": Case("command-sheet-a4", command_sheet(PREFIX, a4)),
    }


CASES = _cases()


def test_every_builtin_template_is_covered() -> None:
    assert set(CASES) == set(BUILTIN_TEMPLATES)


# --- decoding -----------------------------------------------------------------------


def decode(image: np.ndarray) -> list[str]:
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return sorted(result.text for result in results)


def grey(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


def png_image(data: bytes) -> np.ndarray:
    return grey(Image.open(io.BytesIO(data)))


def pdf_image(data: bytes, dpi: float) -> np.ndarray:
    document = pdfium.PdfDocument(data)
    try:
        return grey(document[0].render(scale=dpi / 72).to_pil())
    finally:
        document.close()


def svg_image(data: bytes, dpi: float) -> np.ndarray:
    png = cairosvg.svg2png(bytestring=data, dpi=dpi, background_color="white")
    return png_image(png)


def assert_classifies_back(text: str, case: Case) -> None:
    if isinstance(case.content, Sheet):
        code = classify(text, ClassifierRules(command_prefix=PREFIX))
        assert isinstance(code, CommandCode), code
        assert PREFIX + code.command.value == text
        return
    code = classify(text)
    assert isinstance(code, Gs1Code), code
    if case.template.startswith("lot"):
        assert (code.gtin, code.lot, code.production_date) == (GTIN, LOT, PRODUCED)
    else:
        # A pallet's link carries no date: AI (11) needs a trade item key beside it.
        assert (code.sscc, code.production_date) == (SSCC, None)


# --- rendered once per module ----------------------------------------------------------


@pytest.fixture(scope="module")
def documents() -> dict[str, RenderedLabel]:
    return {name: RenderedLabel(case.content, job_id=name) for name, case in CASES.items()}


def _raster(document: RenderedLabel, kind: str) -> np.ndarray:
    dpi = document.content.size.dots_per_mm * 25.4
    if kind == "png":
        return png_image(document.png())
    if kind == "pdf":
        return pdf_image(document.pdf(), dpi)
    return svg_image(document.svg(), dpi)


@pytest.mark.parametrize("kind", ["png", "pdf", "svg"])
@pytest.mark.parametrize("name", list(CASES))
def test_round_trip(documents: dict[str, RenderedLabel], name: str, kind: str) -> None:
    case = CASES[name]
    texts = decode(_raster(documents[name], kind))
    assert texts == sorted(case.payloads)
    for text in texts:
        assert_classifies_back(text, case)


def _blur(image: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigmaX=1.6)


def _noise(image: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(7)
    noisy = image.astype(np.int16) + rng.normal(0, 40, image.shape).astype(np.int16)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _rotate(angle: float) -> Callable[[np.ndarray], np.ndarray]:
    def rotate(image: np.ndarray) -> np.ndarray:
        height, width = image.shape
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
        new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
        matrix[0, 2] += new_w / 2 - width / 2
        matrix[1, 2] += new_h / 2 - height / 2
        return cv2.warpAffine(image, matrix, (new_w, new_h), borderValue=255)

    return rotate


def _phone(image: np.ndarray) -> np.ndarray:
    """Tilted, at 60 % resolution, blurred and noisy: a handheld camera at arm's length."""
    small = cv2.resize(_rotate(-23)(image), None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
    rng = np.random.default_rng(11)
    blurred = cv2.GaussianBlur(small, (0, 0), sigmaX=0.8).astype(np.int16)
    return np.clip(blurred + rng.normal(0, 20, small.shape), 0, 255).astype(np.uint8)


DISTORTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "blur": _blur,
    "noise": _noise,
    "rotate-7": _rotate(7),
    "rotate-90": lambda image: np.ascontiguousarray(np.rot90(image)),
    "rotate-183": _rotate(183),
    "phone": _phone,
}


@pytest.mark.parametrize("distortion", list(DISTORTIONS))
@pytest.mark.parametrize("kind", ["png", "pdf", "svg"])
@pytest.mark.parametrize("name", ["lot-100x50", "pallet-100x150", "command-sheet"])
def test_round_trip_survives_distortion(
    documents: dict[str, RenderedLabel], name: str, kind: str, distortion: str
) -> None:
    case = CASES[name]
    image = DISTORTIONS[distortion](_raster(documents[name], kind))
    assert decode(image) == sorted(case.payloads)


# --- ZPL -------------------------------------------------------------------------------


def gfa_rows(data: str, row_bytes: int) -> list[bytes]:
    """Rows of a ``^GFA`` ASCII-hex graphic, with ZPL's compression characters expanded.

    ``:`` repeats the previous row, ``,`` fills the row with 0, ``!`` with 1, and
    G-Y (1-19) and g-z (20-400) repeat the hex digit that follows.
    """
    width = row_bytes * 2
    rows: list[str] = []
    current = ""
    count = 0
    for char in data.strip():
        if char == ":":
            assert not current, "':' inside a row"
            rows.append(rows[-1])
            continue
        if char in ",!":
            rows.append(current.ljust(width, "0" if char == "," else "F"))
            current = ""
            continue
        if "G" <= char <= "Y":
            count += ord(char) - ord("G") + 1
            continue
        if "g" <= char <= "z":
            count += (ord(char) - ord("g") + 1) * 20
            continue
        assert char in "0123456789ABCDEF", f"unexpected {char!r} in ^GFA data"
        current += char * (count or 1)
        count = 0
        if len(current) >= width:
            assert len(current) == width, "row overflow"
            rows.append(current)
            current = ""
    assert not current, "unfinished row"
    return [bytes.fromhex(row) for row in rows]


_GRAPHIC = re.compile(r"\^FO(\d+),(\d+)\^GFA,(\d+),(\d+),(\d+),([^\^]*)\^FS")


def zpl_graphics(zpl: bytes) -> np.ndarray:
    """The label's ``^GFA`` graphics drawn on a white canvas of ``^PW`` x ``^LL`` dots."""
    text = zpl.decode("ascii")
    width = int(re.search(r"\^PW(\d+)", text)[1])  # type: ignore[index]
    height = int(re.search(r"\^LL(\d+)", text)[1])  # type: ignore[index]
    canvas = np.full((height, width), 255, dtype=np.uint8)
    for match in _GRAPHIC.finditer(text):
        x, y, total, count, row_bytes = (int(match[i]) for i in range(1, 6))
        rows = gfa_rows(match[6], row_bytes)
        assert total == count == row_bytes * len(rows)
        bits = np.unpackbits(np.frombuffer(b"".join(rows), dtype=np.uint8))
        bits = bits.reshape(len(rows), row_bytes * 8)
        region = canvas[y : y + len(rows), x : x + row_bytes * 8]
        assert region.shape == bits.shape, "graphic runs off the label"
        region[...] = np.where(bits == 1, 0, 255)
    return canvas


def test_gfa_decoder_expands_compression() -> None:
    assert gfa_rows("F0:,!H0", 1) == [b"\xf0", b"\xf0", b"\x00", b"\xff", b"\x00"]


@pytest.mark.parametrize("name", list(CASES))
def test_zpl_structure(documents: dict[str, RenderedLabel], name: str) -> None:
    document = documents[name]
    zpl = document.zpl()
    size = document.content.size
    text = zpl.decode("ascii")
    assert text.startswith("^XA\n")
    assert text.rstrip("\n").endswith("^XZ")
    assert text.count("^XA") == text.count("^XZ") == 1
    assert f"\n^LL{size.height_dots}\n" in text
    assert f"\n^PW{size.width_dots}\n" in text
    assert abs(size.height_dots - size.height_mm * size.dpi / 25.4) <= size.height_dots * 0.002
    assert "^CI28" in text
    assert "^BQ" not in text  # the QR code goes as a graphic, as previewed


def test_zpl_field_data_is_escaped(documents: dict[str, RenderedLabel]) -> None:
    text = documents["lot-100x50"].zpl().decode("ascii")
    data = re.findall(r"\^FD(.*?)\^FS", text)
    product = next(field for field in data if field.startswith("Product"))
    assert product == 'Product: Module "A" _5E_7E_5F _C3_84'
    for field in data:
        assert "^" not in field and "~" not in field
    assert text.count("^FH^FD") == len(data)


def test_zpl_hostile_text_cannot_inject_commands() -> None:
    label = Label(LabelSize(100, 50), "#UNDO", (LabelField("x", "^XZ^XA^PQ99~JR\x1d\n"),), "T")
    text = render_zpl(layout_document(label)).decode("ascii")
    assert text.count("^XZ") == 1 and "~JR" not in text and "^PQ" not in text
    assert "_5EXZ_5EXA_5EPQ99_7EJR_1D_0A" in text


@pytest.mark.parametrize("name", list(CASES))
def test_zpl_graphic_reads_back_and_matches_the_preview(
    documents: dict[str, RenderedLabel], name: str
) -> None:
    case = CASES[name]
    document = documents[name]
    printed = zpl_graphics(document.zpl())
    assert decode(printed) == sorted(case.payloads)
    preview = png_image(document.png())
    for code in document.layout().codes:
        box = np.s_[code.y : code.y + code.side, code.x : code.x + code.side]
        np.testing.assert_array_equal(printed[box], preview[box])
    for text in decode(printed):
        assert_classifies_back(text, case)


# --- other formats: sizes and well-formedness --------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_png_is_one_pixel_per_dot(documents: dict[str, RenderedLabel], name: str) -> None:
    document = documents[name]
    image = Image.open(io.BytesIO(document.png()))
    size = document.content.size
    assert image.size == (size.width_dots, size.height_dots)
    assert image.info["dpi"] == pytest.approx((size.dots_per_mm * 25.4,) * 2, abs=0.01)


@pytest.mark.parametrize("name", list(CASES))
def test_pdf_page_is_the_label_size(documents: dict[str, RenderedLabel], name: str) -> None:
    document = documents[name]
    pdf = pdfium.PdfDocument(document.pdf())
    try:
        assert len(pdf) == 1
        width_pt, height_pt = pdf[0].get_size()
        assert pdf.get_metadata_dict()["Title"] == document.content.title
    finally:
        pdf.close()
    size = document.content.size
    assert width_pt * 25.4 / 72 == pytest.approx(size.width_mm, abs=1e-3)
    assert height_pt * 25.4 / 72 == pytest.approx(size.height_mm, abs=1e-3)


@pytest.mark.parametrize("name", list(CASES))
def test_svg_is_the_label_size(documents: dict[str, RenderedLabel], name: str) -> None:
    document = documents[name]
    root = ET.fromstring(document.svg())
    size = document.content.size
    assert root.get("width") == f"{size.width_mm:g}mm"
    assert root.get("height") == f"{size.height_mm:g}mm"
    texts = ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == [text.text for text in document.layout().texts]


def test_svg_escapes_text() -> None:
    label = Label(LabelSize(100, 50), "#UNDO", (LabelField("x", "<b>&\"'\x1d"),), "</svg>")
    svg = render_svg(layout_document(label))
    root = ET.fromstring(svg)
    texts = ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["</svg>", "<b>&\"'\ufffd"]


def test_png_renderer_reuses_a_bitmap() -> None:
    layout = layout_document(CASES["lot-100x50"].content)
    assert render_png(layout) == render_png(layout)
