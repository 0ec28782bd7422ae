"""Templates filling labels: required, unknown and optional fields."""

from __future__ import annotations

import pytest

from labels.builtin_templates import get_template
from labels.model import LabelSize
from labels.templates import FieldSpec, LabelTemplate, TemplateError
from station.errors import ConfigError


def test_required_field_must_have_a_value() -> None:
    template = get_template("lot-100x50")
    assert isinstance(template, LabelTemplate)
    with pytest.raises(TemplateError) as caught:
        template.label("#X", {"product": "P", "lot": " "})
    assert str(caught.value) == "template 'lot-100x50': field 'lot' is required but has no value"


def test_unknown_field_is_named() -> None:
    template = get_template("lot-100x50")
    assert isinstance(template, LabelTemplate)
    with pytest.raises(TemplateError) as caught:
        template.label("#X", {"prodcut": "P"})
    assert str(caught.value) == (
        "template 'lot-100x50' has no field 'prodcut'; did you mean 'product'? "
        "(fields: product, lot, quantity, produced, parents)"
    )


def test_optional_fields_are_left_out_when_empty() -> None:
    template = LabelTemplate(
        "t", LabelSize(50, 30), (FieldSpec("a", "A"), FieldSpec("b", "B", required=False))
    )
    assert [f.text for f in template.label("#X", {"a": "1"}).fields] == ["A: 1"]


def test_template_error_is_a_config_error() -> None:
    assert issubclass(TemplateError, ConfigError)
