"""The GS1 mod-10 check digit, without loading biip.

``biip.checksums`` holds the same function, but importing any biip module imports
the whole package (its parser and prefix tables): that cost every command that
loads the configuration. Tests check this against biip.

    >>> gs1_check_digit("37613032110910342")
    0
    >>> gs1_check_digit("950110153000")
    3
"""

from __future__ import annotations


def gs1_check_digit(payload: str) -> int:
    """The check digit of the digits `payload`: weights 3, 1, 3, ... from the right."""
    total = 0
    for position, digit in enumerate(reversed(payload)):
        total += int(digit) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10
