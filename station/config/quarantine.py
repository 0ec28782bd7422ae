"""The ``[quarantine]`` table: how many wrong PINs lock a supervisor's badge, for how long."""

from __future__ import annotations

import datetime as dt

from station.config.reader import TableReader
from station.domain.lockout import LockoutPolicy

QUARANTINE_KEYS = ("pin_attempts", "pin_window_minutes", "pin_lockout_minutes")
_DEFAULT = LockoutPolicy()


def read_quarantine(reader: TableReader, value: object) -> LockoutPolicy:
    """The PIN lock-out policy; each key has the default of `LockoutPolicy`."""
    table = reader.table(value, "quarantine", QUARANTINE_KEYS)

    def count(name: str, default: int, lowest: int, highest: int) -> int:
        number = reader.get(table, "quarantine", name, int, default)
        if not lowest <= number <= highest:
            raise reader.fail(
                f"quarantine.{name}", f"expected {lowest} to {highest}, found {number}"
            )
        return number

    minutes = int(_DEFAULT.window.total_seconds() // 60)
    lockout = int(_DEFAULT.duration.total_seconds() // 60)
    return LockoutPolicy(
        attempts=count("pin_attempts", _DEFAULT.attempts, 1, 20),
        window=dt.timedelta(minutes=count("pin_window_minutes", minutes, 1, 1440)),
        duration=dt.timedelta(minutes=count("pin_lockout_minutes", lockout, 1, 1440)),
    )
