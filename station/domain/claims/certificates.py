"""The certificate register and the check of a supplier's claim against it.

A claim counts as certified content only when its certificate is known, held by the
supplier making the claim, valid on the delivery date, active and in scope for the
product. Anything else is `CLAIM_NOT_VERIFIED`, and the material counts as other raw
material.

>>> reg = CertificateRegister([Certificate("SFI-00042", "V-100", ("lumber",),
...     dt.date(2026, 1, 1), dt.date(2026, 12, 31))])
>>> reg.verify("SFI-00042", supplier="V-100", product_group="lumber", on=dt.date(2026, 6, 1))
>>> reg.verify("SFI-00042", supplier="V-100", product_group="lumber", on=dt.date(2027, 1, 2))
'certificate SFI-00042 expired on 2026-12-31'
>>> reg.verify("SFI-00042", supplier="V-999", product_group="lumber", on=dt.date(2026, 6, 1))
"certificate SFI-00042 is held by 'V-100', not by the supplier 'V-999'"
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from station.domain.printable import printable

__all__ = ["Certificate", "CertificateRegister", "CertificateStatus"]


class CertificateStatus(StrEnum):
    """A certificate's standing with its certification body."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Certificate:
    """One entry of the register: who holds which certificate, for what, when."""

    code: str
    holder: str
    """The holder's party id, as manifests name the vendor."""
    scope: tuple[str, ...]
    """Product groups the certificate covers ("*" for all)."""
    valid_from: dt.date
    valid_to: dt.date
    status: CertificateStatus = CertificateStatus.ACTIVE

    def covers(self, product_group: str) -> bool:
        """Whether `product_group` is in the certificate's scope."""
        return "*" in self.scope or product_group in self.scope


class CertificateRegister:
    """Certificates by code."""

    def __init__(self, certificates: Iterable[Certificate]) -> None:
        self._by_code = {c.code: c for c in certificates}

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Certificate | None:
        """The certificate with `code`, if the register knows it."""
        return self._by_code.get(code)

    def verify(self, code: str, *, supplier: str, product_group: str, on: dt.date) -> str | None:
        """None when the claim holds; else why it cannot be verified."""
        shown = printable(code, 40)
        cert = self._by_code.get(code)
        if cert is None:
            return f"certificate {shown} is not in the certificate register"
        if cert.holder != supplier:
            return (
                f"certificate {shown} is held by {printable(cert.holder, 40)!r}, "
                f"not by the supplier {printable(supplier, 40)!r}"
            )
        if cert.status is not CertificateStatus.ACTIVE:
            return f"certificate {shown} is {cert.status.value}"
        if on < cert.valid_from:
            return f"certificate {shown} is valid only from {cert.valid_from.isoformat()}"
        if on > cert.valid_to:
            return f"certificate {shown} expired on {cert.valid_to.isoformat()}"
        if not cert.covers(product_group):
            return (
                f"certificate {shown} does not cover the product group "
                f"{printable(product_group, 40)!r} (scope: {', '.join(cert.scope)})"
            )
        return None
