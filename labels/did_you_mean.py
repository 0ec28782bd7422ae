"""The "did you mean" hint that ends a template error: the known name nearest to a typo.

>>> did_you_mean("lot-100x40", ["lot-100x50", "pallet-100x150"])
"; did you mean 'lot-100x50'?"
>>> did_you_mean("zzz", ["lot-100x50"])
''
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean"]


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """``; did you mean 'x'?`` naming the option nearest to `name`, or nothing."""
    near = difflib.get_close_matches(name, list(options), n=1)
    return f"; did you mean {near[0]!r}?" if near else ""
