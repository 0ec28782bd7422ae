"""The checks biip leaves out, run over parsed GS1 elements, and the `Code` that results.

Whatever form GS1 data arrived in (element string, bracketed, Digital Link),
once it is a list of elements it is judged the same way: the check digit of
every GS1 key, the ITIP piece number, biip's own GTIN/SSCC/GLN errors, the
date rules per AI, the associations between the AIs of the symbol, and the
requisite AIs (`station.domain.gs1.requisites`): an error in a Digital Link URI, a
warning carried by the `Gs1Code` for one element string, which may be one of a
label's several barcodes. All findings are collected, so one scan reports everything
wrong with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from station.domain.findings import Finding, FindingCode
from station.domain.gs1.associations import association_findings
from station.domain.gs1.check_digits import ai_check_digit_finding
from station.domain.gs1.dates import DATE_FORMATS, parse_dates
from station.domain.gs1.element_string import Element, at_position
from station.domain.gs1.requisites import missing_requisites, requisite_warnings
from station.domain.printable import printable, quoted
from station.domain.scanning.code_errors import error_finding
from station.domain.scanning.codes import Code, Gs1Code, Gs1Form, InvalidCode

__all__ = ["gs1_code"]


def gs1_code(elements: Sequence[Element], evidence: str, sym: str | None, form: Gs1Form) -> Code:
    """A `Gs1Code` of `elements` when every check passes, else an `InvalidCode` with all findings.

    `evidence` is the scan's text, `sym` its AIM symbology identifier if known.
    """
    findings: list[Finding] = []
    dates: list[tuple[str, dt.date]] = []
    for element in elements:
        finding = _element_finding(element)
        if finding is not None:
            findings.append(finding)
            continue
        if element.ai.ai in DATE_FORMATS:
            try:
                dates.append((element.ai.ai, parse_dates(element.ai.ai, element.value)))
            except ValueError as exc:
                message = (
                    f"Invalid date for AI ({element.ai.ai}){at_position(element.position)}: "
                    f"{quoted(element.value, 40)} {exc}."
                )
                findings.append(error_finding(FindingCode.INVALID_CODE, message))
    ais = tuple((element.ai.ai, element.value) for element in elements)
    findings.extend(association_findings(ais))
    if form is Gs1Form.DIGITAL_LINK:
        findings.extend(
            error_finding(FindingCode.INVALID_CODE, f"{message} in the same Digital Link URI.")
            for _, message in missing_requisites([ai for ai, _ in ais])
        )
    if findings:
        return InvalidCode(text=evidence, findings=tuple(findings))
    return Gs1Code(
        text=evidence,
        form=form,
        ais=ais,
        symbology=sym,
        dates=tuple(dates),
        findings=requisite_warnings(ais),
    )


def _element_finding(element: Element) -> Finding | None:
    finding = ai_check_digit_finding(element.ai.ai, element.value)
    if finding is not None:
        return finding
    if element.ai.ai in ("8006", "8026"):
        piece, total = int(element.value[14:16]), int(element.value[16:18])
        if not 0 < piece <= total:
            message = (
                f"Invalid ITIP piece for AI ({element.ai.ai}){at_position(element.position)}: "
                f"piece {piece} of {total}."
            )
            return error_finding(FindingCode.INVALID_CODE, message)
    parsed = element.parsed
    for error in (parsed.gtin_error, parsed.sscc_error, parsed.gln_error):
        if error is not None:
            return error_finding(FindingCode.INVALID_CODE, printable(error, 300))
    return None
