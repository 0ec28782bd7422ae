"""The label model: sizes in printer dots and their limits."""

from __future__ import annotations

from typing import Any

import pytest

from labels.model import LabelSize


@pytest.mark.parametrize(
    ("size", "dots"),
    [
        (LabelSize(100, 50), (800, 400)),
        (LabelSize(100, 150), (800, 1200)),
        (LabelSize(100, 150, dpi=300), (1181, 1772)),
        (LabelSize(210, 297, dpi=300), (2480, 3508)),
        (LabelSize(102, 76, dpi=600), (2409, 1795)),
        (LabelSize(210, 297, dpi=150), (1240, 1754)),
    ],
)
def test_label_size_in_dots(size: LabelSize, dots: tuple[int, int]) -> None:
    assert (size.width_dots, size.height_dots) == dots


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width_mm": 0, "height_mm": 50}, "width_mm must be a number of millimetres in (0, 2000]"),
        ({"width_mm": 100, "height_mm": -1}, "height_mm must be a number of millimetres"),
        ({"width_mm": 100, "height_mm": float("nan")}, "height_mm must be a number"),
        (
            {"width_mm": 100, "height_mm": 50, "dpi": 20},
            "dpi must be between 72 and 1200, found 20",
        ),
        ({"width_mm": 100, "height_mm": 50, "dpi": 203.0}, "dpi must be a whole number"),
    ],
)
def test_label_size_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("]", r"\]")):
        LabelSize(**kwargs)
