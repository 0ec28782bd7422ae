"""Waiting in tests for what a device thread does, without a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable

WAIT_S = 3.0
"""How long a test waits for a device thread before it fails."""


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.005)
