"""The ``[scanner]`` table: the keyboard-wedge scanner's framing and timing."""

from __future__ import annotations

import math
from dataclasses import dataclass

from station.config.codes import gs_substitute_problem
from station.config.reader import TableReader

SCANNER_KEYS = (
    "terminator",
    "gs",
    "aim_prefix",
    "inter_key_timeout_ms",
    "burst_gap_ms",
    "min_length",
)


@dataclass(frozen=True, slots=True)
class ScannerSettings:
    """Keyboard-wedge scanner profile (see `drivers.wedge.WedgeProfile`)."""

    terminator: str = "enter"
    gs: str = "control"
    aim_prefix: bool = False
    inter_key_timeout_ms: float = 150.0
    burst_gap_ms: float = 35.0
    min_length: int = 3


def read_scanner(reader: TableReader, value: object) -> ScannerSettings:
    """The ``[scanner]`` table, defaults for what it leaves out."""
    table = reader.table(value, "scanner", SCANNER_KEYS)
    base = ScannerSettings()
    terminator = reader.get(table, "scanner", "terminator", str, base.terminator)
    if terminator not in ("enter", "tab", "eot"):
        raise reader.fail(
            "scanner.terminator", f"expected one of enter, tab, eot, found {terminator!r}"
        )
    gs = reader.get(table, "scanner", "gs", str, base.gs)
    if gs.lower() not in ("control", "alt029"):
        if not 1 <= len(gs) <= 3 or not gs.isprintable():
            raise reader.fail(
                "scanner.gs",
                "expected 'control', 'alt029' or a 1-3 character substitute such as '~', "
                f"found {gs!r}",
            )
        problem = gs_substitute_problem(gs)
        if problem is not None:
            raise reader.fail("scanner.gs", f"{gs!r}: {problem}")
    settings = ScannerSettings(
        terminator=terminator,
        gs=gs if len(gs) <= 3 else gs.lower(),
        aim_prefix=reader.get(table, "scanner", "aim_prefix", bool, base.aim_prefix),
        inter_key_timeout_ms=reader.get(
            table, "scanner", "inter_key_timeout_ms", float, base.inter_key_timeout_ms
        ),
        burst_gap_ms=reader.get(table, "scanner", "burst_gap_ms", float, base.burst_gap_ms),
        min_length=reader.get(table, "scanner", "min_length", int, base.min_length),
    )
    for name in ("inter_key_timeout_ms", "burst_gap_ms", "min_length"):
        number = getattr(settings, name)
        if not math.isfinite(number):
            raise reader.fail(f"scanner.{name}", f"{number}: expected a finite number")
        if number <= 0:
            raise reader.fail(f"scanner.{name}", f"{number}: must be greater than zero")
        if number > _LIMITS[name]:
            raise reader.fail(f"scanner.{name}", f"{number}: expected at most {_LIMITS[name]}")
    return settings


_LIMITS = {"inter_key_timeout_ms": 10_000, "burst_gap_ms": 10_000, "min_length": 4096}
"""Upper bounds: a pause of 10 s is no scanner's; no scan is longer than 4,096 characters."""
