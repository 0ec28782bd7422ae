"""Every example in a domain module's docstrings runs as written, so the docs cannot drift.

The modules are found by walking `station.domain`, so a new module's examples are run
the day it is added.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import station.domain

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(station.domain.__path__, "station.domain.")
)


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module)
    assert result.failed == 0
    if ">>>" in inspect.getsource(module):
        assert result.attempted > 0


def test_the_walk_finds_the_domain() -> None:
    assert {"station.domain.lots.transform_rules", "station.domain.gs1.dates"} <= set(MODULES)
