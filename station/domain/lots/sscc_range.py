"""SSCC serial ranges: one block of serial references per station, and the SSCCs it makes.

An SSCC is the extension digit, the GS1 company prefix, a serial reference and a check
digit. Each station is configured with its own block of serial references, so two
stations never allocate the same SSCC; `find_overlaps` proves that across stations,
and `RangeStatus` warns before a block runs out. The counter lives in the store (see
`station.domain.lots.allocation` for how it must be kept).

    >>> shelf = SsccRange("7613032", extension_digit=3, first_serial=0, last_serial=999)
    >>> shelf.sscc(5)
    '376130320000000050'
    >>> shelf.allocate(998).sscc, shelf.allocate(999).status.exhausted, shelf.allocate(1000)
    ('376130320000009985', True, None)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from station.domain.gs1.mod10 import gs1_check_digit as gs1_standard_check_digit
from station.domain.lots.allocation import AllocationError, is_counter
from station.domain.printable import quoted

__all__ = [
    "DEFAULT_WARN_BELOW",
    "DEFAULT_WARN_FRACTION",
    "Allocation",
    "RangeOverlap",
    "RangeStatus",
    "SsccRange",
    "find_overlaps",
    "ranges_overlap",
]

DEFAULT_WARN_FRACTION: Final = Decimal("0.1")
"""Warn when fewer than this share of a range's serials are left."""

DEFAULT_WARN_BELOW: Final = 1000
"""Warn when fewer than this many serials are left, however large the range."""

_SSCC_PAYLOAD_DIGITS: Final = 17
_COMPANY_PREFIX = re.compile(r"[0-9]{7,10}")


@dataclass(frozen=True, slots=True)
class RangeStatus:
    """How much of an SSCC range is left, in numbers and in words for the screen."""

    remaining: int
    """Serials not yet allocated."""

    warn: bool
    """True when fewer than `SsccRange.warn_threshold` are left (or none)."""

    exhausted: bool
    """True when no serial is left: the station cannot label another unit."""

    message: str
    """One sentence for the operator, e.g. ``... is running low: 57 of 1000 serials left ...``."""


@dataclass(frozen=True, slots=True)
class Allocation:
    """One SSCC handed out by `SsccRange.allocate`."""

    serial: int
    """The serial reference used."""

    sscc: str
    """The 18-digit SSCC, check digit included."""

    next_serial: int
    """What the store must save as the range's counter, in the same transaction."""

    status: RangeStatus
    """The range after this allocation, so the screen can warn before it runs out."""


@dataclass(frozen=True, slots=True)
class SsccRange:
    """A block of SSCC serial references one station may use.

    An SSCC is the extension digit, the GS1 company prefix, a serial reference of
    ``16 - len(company_prefix)`` digits and a check digit: 18 digits. Each station gets
    its own block (`first_serial` to `last_serial`, both included), so two stations
    never allocate the same SSCC; `find_overlaps` checks that across stations.
    Construction raises `AllocationError` when the block cannot work.
    """

    company_prefix: str
    """GS1 company prefix, 7 to 10 digits."""

    extension_digit: int
    """0 to 9: lets one company prefix hold ten separate serial spaces."""

    first_serial: int
    """First serial reference of the block."""

    last_serial: int
    """Last serial reference of the block (included)."""

    warn_fraction: Decimal = DEFAULT_WARN_FRACTION
    """Warn when fewer than this share of `capacity` is left (0 to 1)."""

    warn_below: int = DEFAULT_WARN_BELOW
    """Warn when fewer than this many serials are left."""

    def __post_init__(self) -> None:
        prefix = self.company_prefix
        if not (isinstance(prefix, str) and _COMPANY_PREFIX.fullmatch(prefix)):
            msg = (
                f"Invalid GS1 company prefix {_show(prefix)}: expected 7 to 10 digits, "
                f"found {_found(prefix)}."
            )
            raise AllocationError(msg)
        if not prefix.strip("0"):
            msg = (
                f"Invalid GS1 company prefix {quoted(prefix)}: all zeros is no company's "
                "prefix (GS1 reserves it for restricted circulation)."
            )
            raise AllocationError(msg)
        if not is_counter(self.extension_digit) or not 0 <= self.extension_digit <= 9:
            msg = f"Invalid extension digit {self.extension_digit!r}: expected 0 to 9."
            raise AllocationError(msg)
        top = 10**self.serial_digits - 1
        for name in ("first_serial", "last_serial"):
            value = getattr(self, name)
            if not is_counter(value) or not 0 <= value <= top:
                msg = (
                    f"Invalid {name} {value!r} for company prefix {quoted(prefix)}: the serial "
                    f"reference has {self.serial_digits} digits, so serials run from 0 to {top}."
                )
                raise AllocationError(msg)
        if self.first_serial > self.last_serial:
            msg = (
                f"Invalid SSCC serial range {self.first_serial} to {self.last_serial}: "
                "first_serial must not be greater than last_serial."
            )
            raise AllocationError(msg)
        fraction = self.warn_fraction
        if not (isinstance(fraction, Decimal) and fraction.is_finite() and 0 <= fraction <= 1):
            msg = f"Invalid warn_fraction {fraction!r}: expected a Decimal from 0 to 1."
            raise AllocationError(msg)
        if not is_counter(self.warn_below) or self.warn_below < 0:
            msg = f"Invalid warn_below {self.warn_below!r}: expected a whole number, 0 or more."
            raise AllocationError(msg)

    @property
    def serial_digits(self) -> int:
        """Digits of the serial reference: ``16 - len(company_prefix)``."""
        return _SSCC_PAYLOAD_DIGITS - 1 - len(self.company_prefix)

    @property
    def capacity(self) -> int:
        """How many SSCCs the block holds."""
        return self.last_serial - self.first_serial + 1

    @property
    def warn_threshold(self) -> int:
        """`status` warns when fewer than this many serials are left.

        The larger of `warn_below` and `warn_fraction` of `capacity` (rounded up), so a
        small test range warns from its start, which is what a small range deserves.
        """
        return max(self.warn_below, math.ceil(self.capacity * self.warn_fraction))

    def __str__(self) -> str:
        # Grouped as biip writes an SSCC for people: extension, prefix, serial reference.
        width = self.serial_digits
        return (
            f"SSCC range {self.extension_digit} {self.company_prefix} "
            f"{self.first_serial:0{width}d}-{self.last_serial:0{width}d}"
        )

    def contains(self, serial: int) -> bool:
        """Whether `serial` is one of this block's serial references."""
        return self.first_serial <= serial <= self.last_serial

    def sscc(self, serial: int) -> str:
        """The 18-digit SSCC of `serial`, check digit computed; `AllocationError` if outside."""
        if not is_counter(serial) or not self.contains(serial):
            msg = (
                f"Serial {serial!r} is outside {self}: expected {self.first_serial} "
                f"to {self.last_serial}."
            )
            raise AllocationError(msg)
        return _with_check_digit(self._payload(serial))

    def serial_of(self, sscc: str) -> int | None:
        """The serial reference of `sscc` if this block allocated it, else None.

        For the store to rebuild a lost counter from the SSCCs in its log:
        ``max(serial_of(s) for s in used) + 1``.
        """
        if len(sscc) != 18 or not (sscc.isascii() and sscc.isdigit()):
            return None
        if _with_check_digit(sscc[:-1]) != sscc:
            return None
        head = f"{self.extension_digit}{self.company_prefix}"
        if not sscc.startswith(head):
            return None
        serial = int(sscc[len(head) : -1])
        return serial if self.contains(serial) else None

    def remaining(self, next_serial: int) -> int:
        """Serials left when `next_serial` is the next to use (``last_serial + 1`` when none)."""
        self._check_counter(next_serial)
        return self.last_serial + 1 - next_serial

    def status(self, next_serial: int) -> RangeStatus:
        """`RangeStatus` for the counter `next_serial`, with the sentence to show."""
        left = self.remaining(next_serial)
        exhausted = left == 0
        threshold = self.warn_threshold
        warn = exhausted or left < threshold
        if exhausted:
            message = (
                f"{self} is exhausted: 0 of {self.capacity} serials left. "
                "No SSCC can be allocated until a new range is configured."
            )
        elif warn:
            message = (
                f"{self} is running low: {left} of {self.capacity} serials left "
                f"(warning below {threshold}). Ask for a new range."
            )
        else:
            message = f"{self}: {left} of {self.capacity} serials left."
        return RangeStatus(remaining=left, warn=warn, exhausted=exhausted, message=message)

    def allocate(self, next_serial: int) -> Allocation | None:
        """The SSCC for counter `next_serial`, or None when the block is exhausted.

        Pure: the store saves `Allocation.next_serial` in the transaction that appends
        the event using `Allocation.sscc` (see the module docstring). When None,
        ``status(next_serial).message`` says why.
        """
        self._check_counter(next_serial)
        if next_serial > self.last_serial:
            return None
        return Allocation(
            serial=next_serial,
            sscc=self.sscc(next_serial),
            next_serial=next_serial + 1,
            status=self.status(next_serial + 1),
        )

    def payload_bounds(self) -> tuple[int, int]:
        """First and last 17-digit SSCC payload (no check digit) as numbers.

        A block is one contiguous interval of payloads, whatever its prefix length, so
        two blocks can collide exactly when their intervals meet; see `ranges_overlap`.
        """
        return int(self._payload(self.first_serial)), int(self._payload(self.last_serial))

    def _payload(self, serial: int) -> str:
        return f"{self.extension_digit}{self.company_prefix}{serial:0{self.serial_digits}d}"

    def _check_counter(self, next_serial: int) -> None:
        if not is_counter(next_serial) or not (
            self.first_serial <= next_serial <= self.last_serial + 1
        ):
            msg = (
                f"Counter {next_serial!r} is outside {self}: expected {self.first_serial} "
                f"to {self.last_serial + 1} (one past the last serial when all are used)."
            )
            raise AllocationError(msg)


def ranges_overlap(a: SsccRange, b: SsccRange) -> bool:
    """Whether two blocks could ever allocate the same SSCC.

    Compares the SSCC digits, not the configured numbers, so it also catches a prefix
    that extends another (``7613032`` and ``76130321``: serial ``1...`` of the first is
    the second's), not only equal prefixes and extension digits with serials in common.
    """
    a_first, a_last = a.payload_bounds()
    b_first, b_last = b.payload_bounds()
    return a_first <= b_last and b_first <= a_last


@dataclass(frozen=True, slots=True)
class RangeOverlap:
    """Two stations' SSCC blocks that share SSCCs: a configuration that must be refused."""

    first: str
    """Name of one block's owner (a station id)."""

    second: str
    """Name of the other's."""

    shared_first: str
    """First SSCC both would allocate."""

    shared_last: str
    """Last SSCC both would allocate."""

    count: int
    """How many SSCCs both would allocate."""

    message: str
    """The sentence for the configuration error."""


def find_overlaps(ranges: Mapping[str, SsccRange]) -> tuple[RangeOverlap, ...]:
    """Every pair of blocks, by owner name, that could allocate the same SSCC; () when none.

    Each `RangeOverlap` names its pair in alphabetical order.

    >>> a = SsccRange("7613032", 0, 0, 999)
    >>> b = SsccRange("7613032", 0, 500, 1999)
    >>> overlap, = find_overlaps({"dock-1": a, "dock-2": b})
    >>> overlap.count, overlap.shared_first, overlap.shared_last
    (500, '076130320000005009', '076130320000009991')
    """
    named = sorted(ranges.items(), key=lambda item: item[1].payload_bounds())
    found: list[RangeOverlap] = []
    for index, (name_a, a) in enumerate(named):
        a_first, a_last = a.payload_bounds()
        for name_b, b in named[index + 1 :]:
            b_first, b_last = b.payload_bounds()
            if b_first > a_last:
                break  # sorted by start: no later block starts inside `a`
            low, high = max(a_first, b_first), min(a_last, b_last)
            first, last = _with_check_digit(f"{low:017d}"), _with_check_digit(f"{high:017d}")
            count = high - low + 1
            one, other = sorted((name_a, name_b))
            message = f"SSCC ranges of {one!r} and {other!r} overlap: both would allocate " + (
                f"SSCC {first}." if count == 1 else f"the {count} SSCCs from {first} to {last}."
            )
            found.append(RangeOverlap(one, other, first, last, count, message))
    return tuple(found)


def _show(value: object) -> str:
    return quoted(value) if isinstance(value, str) else repr(value)


def _found(value: object) -> str:
    if not isinstance(value, str):
        return f"type {type(value).__name__}"
    if not value:
        return "nothing"
    if value.isascii() and value.isdigit():
        return f"{len(value)} digits"
    return "other characters"


def _with_check_digit(payload: str) -> str:
    return f"{payload}{gs1_standard_check_digit(payload)}"
