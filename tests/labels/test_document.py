"""RenderedLabel: the PrintDocument printers take, rendering each format once, lazily."""

from __future__ import annotations

import threading

import pypdfium2 as pdfium
import pytest

from labels.content import command_sheet
from labels.document import RenderedLabel
from labels.layout import LayoutError
from labels.model import Label, LabelField, LabelSize
from station.ports import PrintDocument

URI = "https://id.example.com/00/376130321109103420"


def _label(size: LabelSize | None = None) -> Label:
    return Label(
        size or LabelSize(100, 50), URI, (LabelField("sscc", "(00) 376130321109103420"),), "PALLET"
    )


def test_is_a_print_document() -> None:
    document: PrintDocument = RenderedLabel(_label(), job_id="job-1", name="pallet-1")
    assert (document.job_id, document.name) == ("job-1", "pallet-1")
    assert document.zpl().startswith(b"^XA")
    assert document.png().startswith(b"\x89PNG\r\n\x1a\n")
    assert document.pdf().startswith(b"%PDF-")
    pdf = pdfium.PdfDocument(document.pdf())
    try:
        assert len(pdf) == 1
    finally:
        pdf.close()


def test_name_defaults_to_the_job_id() -> None:
    assert RenderedLabel(_label(), job_id="job-7").name == "job-7"


def test_empty_job_id_is_refused() -> None:
    with pytest.raises(ValueError, match="job_id must not be empty"):
        RenderedLabel(_label(), job_id="")


def test_nothing_is_rendered_until_asked() -> None:
    document = RenderedLabel(_label(LabelSize(5, 5)), job_id="tiny")
    with pytest.raises(LayoutError):
        document.zpl()


def test_each_format_is_rendered_once() -> None:
    document = RenderedLabel(_label(), job_id="job-1")
    assert document.png() is document.png()
    assert document.pdf() is document.pdf()
    assert document.zpl() is document.zpl()
    assert document.svg() is document.svg()
    assert document.layout() is document.layout()


def test_concurrent_renders_agree() -> None:
    document = RenderedLabel(command_sheet("#"), job_id="sheet")
    results: list[bytes] = []
    barrier = threading.Barrier(4)

    def render() -> None:
        barrier.wait()
        results.append(document.pdf())

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(results) == 4
    assert all(result is results[0] for result in results)


def test_title_is_the_content_title() -> None:
    assert RenderedLabel(command_sheet("#"), job_id="s").title == "STATION COMMANDS"
