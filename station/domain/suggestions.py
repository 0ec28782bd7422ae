"""The "did you mean" hint every error about an unknown name ends with.

One home for it, so config keys, manifest columns, label templates, device URL
parameters and symbologies all suggest the same way.

>>> nearest("lot-100x40", ["lot-100x50", "pallet-100x150"])
'lot-100x50'
>>> did_you_mean("lot-100x40", ["lot-100x50", "pallet-100x150"])
"; did you mean 'lot-100x50'?"
>>> did_you_mean("zzz", ["lot-100x50"])
''
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean", "nearest"]

# difflib is quadratic: a name this long is no typo of a known one.
_LONGEST_TYPO = 40


def nearest(name: str, options: Iterable[str], *, ignore_case: bool = False) -> str | None:
    """The option `name` is most likely a typo of, or None."""
    if len(name) > _LONGEST_TYPO:
        return None
    wanted = name.lower() if ignore_case else name
    matches = difflib.get_close_matches(wanted, list(options), n=1)
    return matches[0] if matches else None


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """``; did you mean 'x'?`` naming the option nearest to `name`, or nothing."""
    near = nearest(name, options)
    return f"; did you mean {near!r}?" if near else ""
