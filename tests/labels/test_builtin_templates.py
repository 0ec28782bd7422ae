"""The built-in templates: their names, fields, and that each can be laid out."""

from __future__ import annotations

import pytest

from labels.builtin_templates import BUILTIN_TEMPLATES, get_template
from labels.model import LabelSize
from labels.site_templates import check_template
from labels.templates import LabelTemplate, TemplateError


def test_builtin_template_names() -> None:
    assert set(BUILTIN_TEMPLATES) == {
        "lot-100x50",
        "pallet-100x150",
        "command-sheet",
        "command-sheet-a4",
    }


def test_lot_template_fields() -> None:
    template = get_template("lot-100x50")
    assert isinstance(template, LabelTemplate)
    assert template.size == LabelSize(100, 50, 203)
    assert template.field_names == ("product", "lot", "quantity", "produced", "parents")


def test_pallet_template_fields() -> None:
    template = get_template("pallet-100x150")
    assert isinstance(template, LabelTemplate)
    assert template.size == LabelSize(100, 150, 203)
    assert template.field_names == ("sscc", "contents", "quantity", "lots", "produced")


def test_unknown_template_suggests_the_nearest() -> None:
    with pytest.raises(TemplateError) as caught:
        get_template("lot-100x40")
    assert str(caught.value) == (
        "unknown label template 'lot-100x40'; did you mean 'lot-100x50'? "
        "(known: command-sheet, command-sheet-a4, lot-100x50, pallet-100x150)"
    )


@pytest.mark.parametrize("name", sorted(BUILTIN_TEMPLATES))
def test_builtin_templates_pass_the_check(name: str) -> None:
    check_template(BUILTIN_TEMPLATES[name])
