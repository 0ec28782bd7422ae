"""Writing text byte by byte as a marker and two hex digits, the escape URIs and ZPL share.

A GS1 Digital Link percent-encodes what is not an unreserved URI character
(``%2F``); a ZPL ``^FH`` field writes what could end the field or start a command
as ``_5E``. Both keep a set of plain characters as they are and write every other
character as its UTF-8 bytes, each as the marker and two upper-case hex digits:

    >>> hex_escape("L7/1 Ä", frozenset("L71"), "%")
    'L7%2F1%20%C3%84'
    >>> hex_escape("a b", frozenset("ab"), "%", space="+")
    'a+b'
"""

from __future__ import annotations

__all__ = ["hex_escape"]


def hex_escape(text: str, plain: frozenset[str], marker: str, *, space: str | None = None) -> str:
    """`text` with each character outside `plain` as `marker` + hex per UTF-8 byte.

    A space that is not plain becomes `space` when one is given (``+`` in a URI query).
    """
    if all(char in plain for char in text):
        return text
    out: list[str] = []
    for char in text:
        if char in plain:
            out.append(char)
        elif char == " " and space is not None:
            out.append(space)
        else:
            out.extend(f"{marker}{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)
