"""Quantities of goods: exact decimals, one rule for what a quantity may be, one way to write it.

Manifests, transformation plans and release orders all count goods in `Decimal`, never
floats, so that a balance is exact. They share the limits a manifest's JSON form can
carry (`QUANTITY_LIMIT`, `QUANTITY_DECIMALS`), the rule that checks a number against
them (`quantity_problem`), and the way a quantity is written for people
(`format_quantity`, `format_amount`), so the same number reads and fails the same way
everywhere.

    >>> quantity_problem(Decimal("0.0000001"))
    'expected at most 6 decimal places, found 7'
    >>> quantity_problem(Decimal(0), allow_zero=True) is None
    True
    >>> format_quantity(Decimal("12.500")), format_amount(Decimal("1E+3"), "EA")
    ('12.5', '1000 EA')
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Final

from station.domain.printable import printable

__all__ = [
    "EXACT",
    "QUANTITY_DECIMALS",
    "QUANTITY_LIMIT",
    "decimal_places",
    "exact_sum",
    "format_amount",
    "format_quantity",
    "quantity_problem",
    "shown_quantity",
]

QUANTITY_LIMIT: Final = Decimal(1_000_000_000)
"""Quantities must stay below this; with 6 decimals that is 15 significant digits,
which a JSON (binary float) number carries exactly."""

QUANTITY_DECIMALS: Final = 6
"""Most decimal places a quantity may have."""

# Enough digits that sums of quantities below QUANTITY_LIMIT never round; Inexact is
# trapped so that, if one ever did, the arithmetic fails loudly instead of balancing wrongly.
EXACT: Final = Context(prec=60, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])
"""The decimal context for adding and comparing quantities: exact, or an ArithmeticError."""


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The sum of `values` in the `EXACT` context."""
    with localcontext(EXACT):
        return sum(values, Decimal(0))


def decimal_places(number: Decimal) -> int:
    """Decimal places of a finite number, trailing zeros not counted (exactly, no rounding)."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    places = -exponent
    for digit in reversed(digits):
        if places <= 0 or digit != 0:
            break
        places -= 1
    return max(places, 0)


def quantity_problem(
    number: Decimal,
    *,
    allow_zero: bool = False,
    limit: Decimal = QUANTITY_LIMIT,
    max_decimals: int = QUANTITY_DECIMALS,
) -> str | None:
    """Why `number` cannot be a quantity (completing "is invalid: ..."), or None when it can.

    A quantity is finite, positive (or 0 when `allow_zero`), below `limit`, and has at
    most `max_decimals` decimal places.
    """
    if not number.is_finite():
        return "expected a number"
    if number < 0 or (number == 0 and not allow_zero):
        return "expected a number 0 or more" if allow_zero else "expected a positive number"
    if number >= limit:
        return f"expected a number below {format_quantity(limit)}"
    places = decimal_places(number)
    if places > max_decimals:
        return f"expected at most {max_decimals} decimal places, found {places}"
    return None


def format_quantity(number: Decimal) -> str:
    """A Decimal for people: no exponent, no trailing zeros (``100``, ``0.5``)."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def format_amount(number: Decimal, uom: str) -> str:
    """A quantity and its unit of measure for people (``12.5 KGM``); the unit made printable."""
    return f"{format_quantity(number)} {printable(uom, 20)}"


def shown_quantity(value: object) -> str:
    """Whatever was given as a quantity, as a message quotes it: printable, bounded."""
    if isinstance(value, Decimal):
        return printable(str(value), 40)
    return printable(repr(value), 40)
