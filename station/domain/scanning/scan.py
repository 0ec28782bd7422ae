"""One raw read from a scanner or camera, before interpretation.

Drivers produce `Scan` values; the classifier interprets them. Keeping the raw
text untouched here matters: it is evidence, and it is what the event log stores.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scan:
    """A raw scan as delivered by a device."""

    text: str
    """The decoded text exactly as received (GS as ``\\x1d`` once the driver normalised it)."""

    device: str = "manual"
    """Identifier of the source device, e.g. ``wedge`` or ``serial:///dev/ttyACM0``."""

    symbology: str | None = None
    """AIM symbology identifier such as ``]C1`` when the device reported it separately."""

    monotonic_ns: int = 0
    """Monotonic clock reading when the scan completed, for latency and debouncing."""
