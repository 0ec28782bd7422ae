"""Layout: codes and text stay on the label, off each other's space, and the QR stays readable."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labels.builtin_templates import BUILTIN_TEMPLATES
from labels.content import command_sheet
from labels.font import ELLIPSIS, fit_lines, text_width
from labels.layout import MIN_MODULE_DOTS, Layout, LayoutError, layout_document, layout_label
from labels.matrix import ErrorLevel, QrPayloadError, qr_matrix
from labels.model import Arrangement, Label, LabelField, LabelSize, LabelStyle, Sheet, SheetCell
from labels.templates import LabelTemplate

URI = "https://id.example.com/01/09521234543213/10/L-2026-0042?11=261123"


def assert_sound(layout: Layout) -> None:
    """Everything on the label; no text inside a code's quiet zone; modules big enough."""
    boxes = []
    for code in layout.codes:
        quiet = code.matrix.quiet_zone * code.module
        box = (
            code.x - quiet,
            code.y - quiet,
            code.x + code.side + quiet,
            code.y + code.side + quiet,
        )
        assert box[0] >= 0 and box[1] >= 0, box
        assert box[2] <= layout.width and box[3] <= layout.height, box
        assert code.module >= MIN_MODULE_DOTS
        boxes.append(box)
    for text in layout.texts:
        assert text.x >= 0 and text.y >= 0
        assert text.x + text.width <= layout.width, text
        assert text.y + text.size <= layout.height, text
        assert text.width == text_width(text.text, text.size)
        for left, top, right, bottom in boxes:
            apart = (
                text.x + text.width <= left
                or text.x >= right
                or text.y + text.size <= top
                or text.y >= bottom
            )
            assert apart, (text, (left, top, right, bottom))


def _template(name: str) -> LabelTemplate:
    template = BUILTIN_TEMPLATES[name]
    assert isinstance(template, LabelTemplate)
    return template


@pytest.mark.parametrize("name", sorted(BUILTIN_TEMPLATES))
def test_builtin_templates_lay_out_soundly(name: str) -> None:
    template = BUILTIN_TEMPLATES[name]
    if isinstance(template, LabelTemplate):
        values = {spec.name: f"{spec.name} value" for spec in template.fields}
        content: Label | Sheet = template.label(URI, values)
    else:
        content = template.sheet("#")
    assert_sound(layout_document(content))


def test_side_arrangement_puts_text_right_of_the_code() -> None:
    layout = layout_label(_template("lot-100x50").label(URI, _lot_values()))
    code = layout.codes[0]
    assert all(text.x >= code.x + code.side for text in layout.texts)


def test_stacked_arrangement_puts_the_code_below_the_text() -> None:
    template = _template("pallet-100x150")
    layout = layout_label(template.label(URI, {"sscc": "(00) 376130321109103420"}))
    code = layout.codes[0]
    assert all(text.y + text.size <= code.y for text in layout.texts)
    assert code.x + code.side // 2 == pytest.approx(layout.width / 2, abs=code.module)


def _lot_values(**overrides: str) -> dict[str, str]:
    values = {
        "product": "Solar module",
        "lot": "L-1",
        "quantity": "1 pcs",
        "produced": "2026-11-23",
        "parents": "2",
    }
    values.update(overrides)
    return values


def test_a_long_line_wraps_to_two() -> None:
    produced = "2026-11-23, Example Solar Works, Lot 7, Ho Chi Minh City, VN"
    layout = layout_label(_template("lot-100x50").label(URI, _lot_values(produced=produced)))
    lines = [text.text for text in layout.texts]
    joined = next(i for i, line in enumerate(lines) if line.startswith("Produced"))
    assert f"{lines[joined]} {lines[joined + 1]}" == f"Produced: {produced}"
    assert_sound(layout)


def test_a_very_long_line_is_cut_with_an_ellipsis() -> None:
    product = "Solar module " * 20
    layout = layout_label(_template("lot-100x50").label(URI, _lot_values(product=product)))
    product_lines = [t.text for t in layout.texts if not t.text.startswith(("Lot", "Qty", "NEW"))]
    assert product_lines[1].endswith(ELLIPSIS)
    assert_sound(layout)


def test_fit_lines_keeps_short_text_whole() -> None:
    assert fit_lines("Lot: 1", 32, 500) == (["Lot: 1"], 32)


def test_fit_lines_cuts_a_word_longer_than_the_line() -> None:
    lines, size = fit_lines("X" * 200, 32, 300, max_lines=2)
    assert len(lines) == 2 and lines[1].endswith(ELLIPSIS)
    assert all(text_width(line, size) <= 300 for line in lines)


def test_label_too_small_for_its_code() -> None:
    label = Label(LabelSize(10, 10), URI, (), "")
    with pytest.raises(LayoutError) as caught:
        layout_label(label)
    assert str(caught.value) == (
        "the QR code for a 65-character payload has 45 modules (version 5, quiet zone "
        "included) and needs at least 90 dots, but only 23 dots are left for it: use a "
        "larger label, a shorter payload or fewer lines"
    )


def test_too_many_lines_for_the_label() -> None:
    fields = tuple(LabelField(f"f{i}", f"line {i}", 4.0) for i in range(20))
    label = Label(LabelSize(100, 50), URI, fields, "TITLE")
    with pytest.raises(LayoutError, match=r"21 lines of text need \d+ dots of height but only"):
        layout_label(label)


def test_qr_size_limit_from_the_style() -> None:
    label = Label(LabelSize(100, 50), URI, (), "", LabelStyle(qr_mm=20))
    code = layout_label(label).codes[0]
    assert code.matrix.size_with_quiet_zone * code.module <= LabelSize(100, 50).dots(20)


def test_sheet_in_one_column() -> None:
    cells = tuple(SheetCell(f"#C{i}", f"#C{i}") for i in range(3))
    layout = layout_document(Sheet(LabelSize(60, 200), "", cells, columns=1))
    assert [code.payload for code in layout.codes] == ["#C0", "#C1", "#C2"]
    assert len({code.x for code in layout.codes}) == 1
    assert_sound(layout)


def test_command_sheet_layout() -> None:
    layout = layout_document(command_sheet("#"))
    assert [code.payload for code in layout.codes] == [
        "#CLOSE",
        "#DAMAGED",
        "#SEAL-DAMAGED",
        "#UNDO",
        "#LOGOUT",
    ]
    assert_sound(layout)


def test_qr_matrix_levels_and_errors() -> None:
    assert qr_matrix("#UNDO").error == "M"
    assert qr_matrix("#UNDO", "h").error == "H"
    assert qr_matrix(URI, ErrorLevel.L).version == "4"
    assert qr_matrix(URI).version == "5"
    with pytest.raises(QrPayloadError, match="QR payload is empty"):
        qr_matrix("")
    with pytest.raises(QrPayloadError, match="QR payload of 5000 characters is too long"):
        qr_matrix("x" * 5000)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=5),
    title=st.text(max_size=40),
    arrangement=st.sampled_from(list(Arrangement)),
    size=st.sampled_from([LabelSize(100, 50), LabelSize(100, 150), LabelSize(102, 76, 300)]),
)
def test_any_text_stays_on_the_label(
    texts: list[str], title: str, arrangement: Arrangement, size: LabelSize
) -> None:
    fields = tuple(LabelField(f"f{i}", text, 3.0) for i, text in enumerate(texts))
    label = Label(size, URI, fields, title, LabelStyle(arrangement=arrangement))
    assert_sound(layout_label(label))
