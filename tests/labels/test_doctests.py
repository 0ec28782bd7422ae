"""Every labels module whose docstring carries examples: they must run as written."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

import labels.builtin_templates
import labels.content
import labels.digital_link
import labels.font
import labels.hex_escape
import labels.layout
import labels.matrix
import labels.model
import labels.render_zpl
import labels.site_templates
import labels.templates


@pytest.mark.parametrize(
    "module",
    [
        labels.builtin_templates,
        labels.content,
        labels.digital_link,
        labels.font,
        labels.hex_escape,
        labels.layout,
        labels.matrix,
        labels.model,
        labels.render_zpl,
        labels.site_templates,
        labels.templates,
    ],
)
def test_module_doctests(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
