"""File names for things named by ids: one rule, under which no two ids share a name.

Shipment ids and lot ids come from other companies' systems and may hold any
character, ``/`` included, so a file name cannot simply be the id. `file_stem` keeps
``A-Z a-z 0-9 . _ -`` and writes every other byte of the id's UTF-8 form as ``%XX``:
``%`` itself too, and a leading ``.`` (no hidden files, no ``..``). An encoded name
reads back to exactly one id, so two ids never write the same file:

    >>> file_stem("SHP/1"), file_stem("SHP_1")
    ('SHP%2F1', 'SHP_1')
    >>> file_stem("lot 42%"), file_stem(".."), file_stem("Lô-7")
    ('lot%2042%25', '%2E.', 'L%C3%B4-7')

An id whose encoded form would be too long for a file name (or an empty one) keeps
the start of that form and ends in ``~`` and a SHA-256 digest of the id. ``~`` never
appears in an encoded name, so such a name cannot equal the name of a short id.

    >>> file_stem("")
    '~e3b0c44298fc1c149afbf4c8996fb924'
"""

from __future__ import annotations

import hashlib
import string

__all__ = ["MAX_STEM", "file_stem"]

MAX_STEM = 200
"""Longest stem, leaving room for a suffix and a temporary name within 255 bytes."""

_KEPT = frozenset((string.ascii_letters + string.digits + "._-").encode("ascii"))
_DIGEST = 32
"""Hex digits of the SHA-256 digest that ends a shortened name (128 bits)."""


def file_stem(name: str) -> str:
    """The file-name stem for `name`: different names always give different stems."""
    encoded = "".join(
        chr(byte) if byte in _KEPT and not (i == 0 and byte == ord(".")) else f"%{byte:02X}"
        for i, byte in enumerate(name.encode("utf-8", "surrogatepass"))
    )
    if encoded and len(encoded) <= MAX_STEM:
        return encoded
    start = encoded[: MAX_STEM - _DIGEST - 1]
    # Never cut an escape in two: the start stays a prefix of a readable name.
    cut = start.rfind("%", len(start) - 2)
    if cut != -1:
        start = start[:cut]
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST]
    return f"{start}~{digest}"
