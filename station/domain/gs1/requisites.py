"""GS1 requisite AIs: what must accompany an AI on the same item, and where that is checked.

The GS1 Barcode Syntax Dictionary gives some AIs a ``req=`` attribute: (21) a serial
number needs (01), (03) or (8006) beside it, (02) needs (37), (11) a production date
needs a trade item key, and so on. The dictionary evaluates them "over the combined data
received from all GS1 carriers marking a physical item", so where they are checked
depends on what one read is:

- a GS1 Digital Link URI is one complete carrier by design: a missing requisite makes
  it invalid (the GS1 syntax engine rejects it, and the station emits none);
- one element string (GS1-128, DataMatrix, ...) may be one of several barcodes on a
  label: GS1's logistic label guideline splits a label's AIs over up to three
  GS1-128 symbols (e.g. (02)(37), then (10)(15), then (00) alone at the bottom), so a
  missing requisite there is a warning (REQUISITE_AI_MISSING) naming what the label's
  other barcodes must carry, not a refusal;
- the barcodes of one label read together (every symbol found in one image by
  ``station decode``) are checked as one item: a requisite missing from all of them is
  an error, as are exclusive AIs and disagreeing repeats across them (`label_findings`).

The table below transcribes the dictionary's ``req=`` attributes (release 2026-01-27);
a test checks it against the dictionary when ``../shared/corpus`` is present. Each line
is ``AIs = rule; rule``: every rule must hold, a rule holds when one of its
comma-separated alternatives is present, and an alternative ``01+21`` needs both. ``n``
stands for any digit. (8030)'s requisite is the digital-signature rule checked in
`station.domain.gs1.associations`, so it is not repeated here.

    >>> [m for _, m in missing_requisites(["21", "10"])]
    ['AI (21) needs (01), (03) or (8006)', 'AI (10) needs (01), (02), (03), (8006) or (8026)']
    >>> missing_requisites(["00", "02", "37", "10"])
    []
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from station.domain.findings import Finding, FindingCode, Severity
from station.domain.gs1.associations import association_findings
from station.domain.scanning.code_errors import error_finding

__all__ = [
    "REQUISITES",
    "label_findings",
    "missing_requisites",
    "requisite_warnings",
]

_TABLE = """
02 8026 = 37
10 11 13 15 16 = 01,02,03,8006,8026
12 391n 415 = 8020
17 = 01,02,03,255,8006,8026
20 240 241 242 422 7001 = 01,02,8006,8026
21 = 01,03,8006
22 235 243 337n 710 711 712 713 714 715 716 717 8001 8014 8200 = 01
250 = 01,8006; 21
251 7021 7240 8012 = 01,8006
254 = 414
30 310n 311n 312n 313n 314n 315n 316n 320n 321n 322n 323n 324n 325n 326n 327n 328n 329n = 01,02
350n 351n 352n 356n 357n 360n 361n 364n 365n 366n 423 424 425 426 = 01,02
7002 7003 7005 7006 7007 7008 7009 7010 7011 8005 8008 = 01,02
7030 7031 7032 7033 7034 7035 7036 7037 7038 7039 = 01,02
330n 331n 332n 333n 334n 335n 336n 340n 341n 342n 343n 344n 345n 346n 347n 348n 349n = 00,01
353n 354n 355n 362n 363n 367n 368n 369n 8009 = 00,01
37 = 00; 02,8026
390n = 255,8020
392n = 01; 30,31nn,32nn,35nn,36nn
393n 395n = 30,31nn,32nn,35nn,36nn
394n 8111 = 255
403 4300 4301 4302 4304 4305 4306 4307 4308 4309 4310 4311 4312 4314 4315 4316 = 00
4317 4318 4319 4320 4321 4322 4323 4324 4325 4326 4330 4331 4332 4333 7041 = 00
427 = 01,02; 422
4303 = 4302
4313 = 4312
7004 = 01+10
7020 = 01,8006; 416
7022 = 7021
7230 7231 7232 7233 7234 7235 7236 7237 7238 7239 = 01,8004
7241 7242 7253 7254 7255 7256 8019 = 8017,8018
7250 7251 7252 7257 7259 = 8018
7258 = 8018+7259
8007 8020 = 415
8011 = 8010
8040 = 01+21
8041 8042 8043 = 01+21+8040
"""

Rule = tuple[tuple[str, ...], ...]
"""Alternatives, one of which must be present; each alternative is AIs all needed."""


def _parse(table: str) -> tuple[tuple[str, tuple[Rule, ...]], ...]:
    rows: list[tuple[str, tuple[Rule, ...]]] = []
    for line in table.strip().splitlines():
        ais, _, rules = line.partition(" = ")
        parsed = tuple(
            tuple(tuple(alt.split("+")) for alt in rule.strip().split(","))
            for rule in rules.split(";")
        )
        rows.extend((ai, parsed) for ai in ais.split())
    return tuple(rows)


REQUISITES = _parse(_TABLE)
"""(AI or pattern, rules) for every AI the dictionary gives a ``req=``."""


def _matches(pattern: str, ai: str) -> bool:
    return len(pattern) == len(ai) and all(p in ("n", a) for p, a in zip(pattern, ai, strict=True))


def _holds(rule: Rule, present: Collection[str]) -> bool:
    return any(
        all(any(_matches(part, ai) for ai in present) for part in alternative)
        for alternative in rule
    )


def _named(rule: Rule) -> str:
    names = ["+".join(f"({part})" for part in alternative) for alternative in rule]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def missing_requisites(ais: Sequence[str]) -> list[tuple[str, str]]:
    """(AI, message) for each requisite rule that `ais` (AI codes, in order) break."""
    present = list(dict.fromkeys(ais))
    missing: list[tuple[str, str]] = []
    for ai in present:
        for pattern, rules in REQUISITES:
            if not _matches(pattern, ai):
                continue
            missing.extend(
                (ai, f"AI ({ai}) needs {_named(rule)}")
                for rule in rules
                if not _holds(rule, present)
            )
    return missing


def requisite_warnings(ais: Sequence[tuple[str, str]]) -> tuple[Finding, ...]:
    """Warnings for one element string: what the label's other barcodes must carry."""
    return tuple(
        Finding(
            FindingCode.REQUISITE_AI_MISSING,
            Severity.WARNING,
            f"{message} on the same label: this barcode alone does not carry it, "
            "so check that another barcode on the label does.",
        )
        for _, message in missing_requisites([ai for ai, _ in ais])
    )


def label_findings(symbols: Sequence[Sequence[tuple[str, str]]]) -> list[Finding]:
    """Errors for the barcodes of one label taken together, as one item carries them.

    An AI repeated across barcodes with another value, mutually exclusive AIs in
    different barcodes, and requisites none of the barcodes carries.
    """
    combined = [pair for symbol in symbols for pair in symbol]
    findings = association_findings(combined)
    findings.extend(
        error_finding(
            FindingCode.INVALID_CODE, f"{message}, and none of the label's barcodes carries it."
        )
        for _, message in missing_requisites([ai for ai, _ in combined])
    )
    return findings
