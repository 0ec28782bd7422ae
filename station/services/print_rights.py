"""Who may print a label, and for which lots: the checks behind every print and reprint.

A label says "this material is here and available", so it is printed only for a lot
that is (not held, rejected, shipped or used up), and only at the request of an
operator on the roster who holds one of the roles ``[labels] print_roles`` names and
whose training is valid that day. The print queue asks both questions when a job is
queued and again just before it is sent; each answer is a reason to refuse, or None.
"""

from __future__ import annotations

import datetime as dt

from station.config import StationConfig
from station.domain.lots.lot_state import LotStatus
from station.domain.operators import Operator, qualification
from station.domain.printable import printable
from station.store.views.lots import SqliteLotView

__all__ = ["lot_refusal", "operator_refusal"]


def operator_refusal(
    config: StationConfig, operator: Operator | None, today: dt.date
) -> str | None:
    """Why `operator` may not print labels on `today`; None when they may."""
    if operator is None:
        return "a label needs a logged-in operator: scan your badge first"
    allowed = config.labels.print_roles
    held = sorted(allowed & operator.roles)
    if not held:
        roles = ", ".join(sorted(r.value for r in allowed))
        return f"{operator.name} may not print labels (print_roles: {roles})"
    check = qualification(operator, held[0], config.required_training, today)
    return None if check.ok else check.reason


def lot_refusal(lots: SqliteLotView, lot_id: str) -> str | None:
    """Why no label may be printed for `lot_id` now; None when one may."""
    lot = lots.lot(lot_id)
    if lot is None:
        return f"no lot is known by {printable(lot_id)!r}"
    if lot.status == LotStatus.AVAILABLE:
        return None
    if lot.status in (LotStatus.QUARANTINED, LotStatus.REJECTED):
        # A fresh label on held material would let it pass for available material.
        return f"lot {printable(lot_id)} is {lot.status}: no label until a supervisor releases it"
    return f"lot {printable(lot_id)} is {lot.status}: it is no longer here to label"
