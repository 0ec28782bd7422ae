"""The certificate register as a CSV file: one certificate per line, refused whole when bad.

Columns: ``code,holder,scope,valid_from,valid_to,status`` (scope: product groups
separated by ``;``, or ``*``; status: active, suspended or withdrawn, default active).
Once a hub serves the site, the register comes down from it in the same form.

>>> head = "code,holder,scope,valid_from,valid_to,status\\n"
>>> row = "SFI-1,V-1,*,2026-01-01,2026-12-31,active\\n"
>>> register, problems = parse_register_csv(head + row, "c")
>>> len(register), problems
(1, [])
>>> _, problems = parse_register_csv("code,holder\\nX,Y\\n", "certs.csv")
>>> problems[0]
'certs.csv: line 1: missing columns: scope, valid_from, valid_to'
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from station.domain.claims.certificates import Certificate, CertificateRegister, CertificateStatus
from station.domain.printable import printable

__all__ = ["REGISTER_COLUMNS", "parse_register_csv"]

REGISTER_COLUMNS = ("code", "holder", "scope", "valid_from", "valid_to", "status")
_REQUIRED = REGISTER_COLUMNS[:5]


def parse_register_csv(text: str, source: str) -> tuple[CertificateRegister, list[str]]:
    """The register in `text`, or an empty register and every problem (line and column)."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        return CertificateRegister(()), [f"{source}: line 1: missing columns: {', '.join(missing)}"]
    certificates: list[Certificate] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        where = f"{source}: line {number}"
        cert = _certificate(row, where, problems)
        if cert is None:
            continue
        if cert.code in seen:
            problems.append(f"{where}: code: certificate {printable(cert.code)!r} is listed twice")
        seen.add(cert.code)
        certificates.append(cert)
    if problems:
        return CertificateRegister(()), problems
    return CertificateRegister(certificates), []


def _certificate(row: dict[str, str | None], where: str, out: list[str]) -> Certificate | None:
    values = {k: (row.get(k) or "").strip() for k in REGISTER_COLUMNS}
    bad = len(out)
    for column in ("code", "holder", "scope"):
        if not values[column]:
            out.append(f"{where}: {column}: must not be empty")
        elif printable(values[column]) != values[column]:
            out.append(f"{where}: {column}: holds control or invisible characters")
    dates = {c: _date(values[c], f"{where}: {c}", out) for c in ("valid_from", "valid_to")}
    status_text = values["status"] or CertificateStatus.ACTIVE.value
    try:
        status = CertificateStatus(status_text.lower())
    except ValueError:
        out.append(
            f"{where}: status: expected active, suspended or withdrawn, found "
            f"{printable(status_text, 20)!r}"
        )
        status = CertificateStatus.ACTIVE
    start, end = dates["valid_from"], dates["valid_to"]
    if start and end and end < start:
        out.append(f"{where}: valid_to: {end} is before valid_from {start}")
    if len(out) > bad or start is None or end is None:
        return None
    scope = tuple(s.strip() for s in values["scope"].split(";") if s.strip())
    return Certificate(values["code"], values["holder"], scope, start, end, status)


def _date(text: str, where: str, out: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        out.append(f"{where}: expected a date YYYY-MM-DD, found {printable(text, 20)!r}")
        return None
