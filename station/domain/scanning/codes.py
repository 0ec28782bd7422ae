"""What a scan turned out to be: the closed set of code kinds the classifier returns.

The classifier (`station.domain.scanning.classify`) turns any text into exactly one of these
values. Workflows dispatch on the type; none of them ever sees an exception from
bad input, because bad input is itself a kind (`InvalidCode`, `UnknownCode`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from station.domain.findings import Finding


class Gs1Form(StrEnum):
    """How a GS1 code was written."""

    ELEMENT_STRING = "element-string"
    BRACKETED = "bracketed"
    DIGITAL_LINK = "digital-link"
    BARE_GTIN = "bare-gtin"
    BARE_SSCC = "bare-sscc"


class DocumentKind(StrEnum):
    """Shipment documents a clerk can scan to pick a shipment."""

    SHIPMENT = "shipment"
    BILL_OF_LADING = "bill_of_lading"
    ADVANCE_SHIP_NOTICE = "asn"
    PURCHASE_ORDER = "purchase_order"


class Command(StrEnum):
    """Station command codes, scanned as ``<prefix><NAME>`` (default prefix ``#``)."""

    CLOSE = "CLOSE"
    DAMAGED = "DAMAGED"
    SEAL_DAMAGED = "SEAL-DAMAGED"
    UNDO = "UNDO"
    LOGOUT = "LOGOUT"


@dataclass(frozen=True, slots=True)
class Gs1Code:
    """A GS1 element string, Digital Link URI, or bare GTIN / SSCC with valid check digits."""

    text: str
    form: Gs1Form
    ais: tuple[tuple[str, str], ...]
    """Application identifiers and their values, in the order they appeared."""
    symbology: str | None = None
    """AIM symbology identifier (``]C1``, ``]d2``, ``]Q3``, ``]e0``) when known."""
    dates: tuple[tuple[str, dt.date], ...] = ()
    """Parsed GS1 dates (AIs 11, 13, 15, 17, ...) by AI."""
    findings: tuple[Finding, ...] = ()
    """Warnings that do not make the code invalid: requisite AIs this barcode lacks, which
    another barcode on the same label must carry (REQUISITE_AI_MISSING)."""

    def get(self, ai: str) -> str | None:
        """Value of the first occurrence of `ai`, or None."""
        return next((value for key, value in self.ais if key == ai), None)

    def date(self, ai: str) -> dt.date | None:
        """Parsed date for `ai`, or None."""
        return next((value for key, value in self.dates if key == ai), None)

    @property
    def sscc(self) -> str | None:
        """The 18-digit SSCC (AI 00), if present."""
        return self.get("00")

    @property
    def gtin(self) -> str | None:
        """The 14-digit GTIN (AI 01), if present."""
        return self.get("01")

    @property
    def lot(self) -> str | None:
        """Batch or lot number (AI 10), if present."""
        return self.get("10")

    @property
    def serial(self) -> str | None:
        """Serial number (AI 21), if present."""
        return self.get("21")

    @property
    def production_date(self) -> dt.date | None:
        """Production date (AI 11), if present."""
        return self.date("11")


@dataclass(frozen=True, slots=True)
class SealCode:
    """A transport seal number."""

    text: str
    number: str


@dataclass(frozen=True, slots=True)
class BadgeCode:
    """An operator badge."""

    text: str
    badge: str


@dataclass(frozen=True, slots=True)
class DocumentCode:
    """A shipment document number: shipment id, BOL, ASN or PO."""

    text: str
    kind: DocumentKind
    number: str


@dataclass(frozen=True, slots=True)
class CommandCode:
    """A station command scanned from the command sheet."""

    text: str
    command: Command


@dataclass(frozen=True, slots=True)
class UnknownCode:
    """Readable text that matches no known kind of code."""

    text: str
    findings: tuple[Finding, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class InvalidCode:
    """Text that looks like a known kind but is broken (bad check digit, bad AI, ...)."""

    text: str
    findings: tuple[Finding, ...]


Code = Gs1Code | SealCode | BadgeCode | DocumentCode | CommandCode | UnknownCode | InvalidCode
