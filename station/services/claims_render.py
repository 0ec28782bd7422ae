"""The claims report and the mass balance as text, CSV and HTML (JSON is their `as_dict`).

The HTML mass balance is for an auditor to look at: per product group, a bar chart
of what came in against what went out per period (inline SVG, no script), then
the table with every figure, unexplained differences over tolerance marked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from station.domain.claims.report import BalanceRow, ClaimsRow
from station.domain.printable import csv_cell, html_text, printable

__all__ = [
    "balance_csv",
    "balance_html",
    "balance_text",
    "claims_csv",
    "claims_html",
    "claims_text",
]


def _q(value: Decimal | None) -> str:
    return "-" if value is None else f"{value.quantize(Decimal('0.01')):f}"


def claims_text(rows: Sequence[ClaimsRow]) -> str:
    """One line per group and period."""
    if not rows:
        return "no claims: no product group has receipts or sales in the log"
    lines = []
    for r in rows:
        if r.credit is not None:
            c = r.credit
            figures = (
                f"credits +{_q(c.credit)} account {_q(c.account)} cap {_q(c.maximum)} "
                f"drawn {_q(c.used)} balance {_q(c.account - c.used)}"
                + (f" UNCOVERED {_q(r.uncovered)}" if r.uncovered else "")
            )
        else:
            figures = f"Vc {_q(r.certified)} Vo {_q(r.other)}" + (
                f" Pc {_q(r.percent)}%: {r.claim}" if r.percent is not None else ""
            )
        count, first, last = r.span
        events = f"{count} lines, events #{first}..#{last}" if count else "no events"
        head = f"{printable(r.group, 20):<20} {r.period:<17} {r.method:<20}"
        lines.append(f"{head} {figures}  [{events}]")
    return "\n".join(lines)


def claims_csv(rows: Sequence[ClaimsRow]) -> str:
    """A header line and one row per group and period."""
    out = io.StringIO()
    data = [r.as_dict() for r in rows]
    header = list(ClaimsRow.__slots__) if not data else list(data[0])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in data:
        writer.writerow(_csv_cell(row[k]) for k in header)
    return out.getvalue()


def _csv_cell(value: object) -> str:
    if isinstance(value, list):
        return csv_cell(" ".join(map(str, value)))
    return csv_cell(value)


def claims_html(rows: Sequence[ClaimsRow]) -> str:
    """A page with one table of every group's periods."""
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{_h(v)}</td>"
            for v in (
                r.group,
                r.period,
                r.method,
                _q(r.certified),
                _q(r.other),
                _q(r.percent),
                r.claim or "",
                _q(r.credit.credit) if r.credit else "-",
                _q(r.credit.maximum) if r.credit else "-",
                _q(r.credit.used) if r.credit else "-",
                _q(r.credit.account - r.credit.used) if r.credit else "-",
                _q(r.uncovered) if r.uncovered else "",
                " ".join(map(str, r.sources)) or f"#{r.span[1]}..#{r.span[2]} ({r.span[0]})",
            )
        )
        + "</tr>"
        for r in rows
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "group",
            "period",
            "method",
            "Vc",
            "Vo",
            "Pc %",
            "claim",
            "credits in",
            "cap",
            "drawn",
            "balance",
            "uncovered",
            "events",
        )
    )
    return _page("Claims report", f"<table><tr>{head}</tr>{body}</table>")


def balance_text(rows: Sequence[BalanceRow]) -> str:
    """One line per group and period."""
    if not rows:
        return "no mass balance: no product group has receipts or sales in the log"
    lines = []
    for r in rows:
        b = r.balance
        received = ", ".join(f"{k} {_q(v)}" for k, v in sorted(b.received.items())) or "nothing"
        flag = "  FLAGGED: over tolerance" if b.flagged else ""
        lines.append(
            f"{printable(r.group, 20):<20} {r.period:<17} opening {_q(b.opening)} in ({received}) "
            f"out {_q(b.shipped_input)} losses {_q(b.losses)} closing {_q(b.closing)} "
            f"unexplained {_q(b.unexplained)} {printable(r.unit, 8)}{flag}"
        )
    return "\n".join(lines)


def balance_csv(rows: Sequence[BalanceRow]) -> str:
    """A header line and one row per group and period (received as one column per category)."""
    categories = sorted({k for r in rows for k in r.balance.received})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "group",
            "unit",
            "period",
            "opening",
            *(f"in_{c}" for c in categories),
            "shipped",
            "losses",
            "closing",
            "unexplained",
            "flagged",
        ]
    )
    for r in rows:
        b = r.balance
        writer.writerow(
            [
                _csv_cell(r.group),
                _csv_cell(r.unit),
                r.period,
                _q(b.opening),
                *(_q(b.received.get(c, Decimal(0))) for c in categories),
                _q(b.shipped_input),
                _q(b.losses),
                _q(b.closing),
                _q(b.unexplained),
                "yes" if b.flagged else "no",
            ]
        )
    return out.getvalue()


def balance_html(rows: Sequence[BalanceRow]) -> str:
    """Per group a chart of in against out per period, then the figures."""
    sections = []
    for group in dict.fromkeys(r.group for r in rows):
        mine = [r for r in rows if r.group == group]
        table = "".join(
            f"<tr{' class=flag' if r.balance.flagged else ''}><td>{_h(r.period)}</td>"
            f"<td>{_q(r.balance.opening)}</td><td>{_q(r.balance.received_total)}</td>"
            f"<td>{_q(r.balance.shipped_input)}</td><td>{_q(r.balance.closing)}</td>"
            f"<td>{_q(r.balance.unexplained)}{' (over tolerance)' if r.balance.flagged else ''}"
            "</td></tr>"
            for r in mine
        )
        sections.append(
            f"<h2>{_h(group)} ({_h(mine[0].unit)})</h2>{_chart(mine)}"
            "<table><tr><th>period</th><th>opening</th><th>in</th><th>out</th>"
            f"<th>closing</th><th>unexplained</th></tr>{table}</table>"
        )
    return _page(
        "Mass balance", "".join(sections) or "<p>No product group has receipts or sales.</p>"
    )


def _chart(rows: Sequence[BalanceRow]) -> str:
    """Bars of in (green) and out (blue) per period, on one scale."""
    top = max(
        [r.balance.received_total for r in rows]
        + [r.balance.shipped_input for r in rows]
        + [Decimal(1)]
    )
    width, height, bar = 60 * len(rows) + 40, 180, 20
    parts = []
    for i, r in enumerate(rows):
        x = 30 + 60 * i
        for dx, value, colour in (
            (0, r.balance.received_total, "#3a7d44"),
            (bar, r.balance.shipped_input, "#2b5c8a"),
        ):
            h = int(140 * value / top)
            parts.append(
                f'<rect x="{x + dx}" y="{150 - h}" width="{bar}" height="{h}" fill="{colour}">'
                f"<title>{_h(r.period)}: {_q(value)}</title></rect>"
            )
        parts.append(f'<text x="{x}" y="168" font-size="10">{_h(r.period[:7])}</text>')
    legend = (
        '<text x="30" y="12" font-size="11" fill="#3a7d44">in</text>'
        '<text x="60" y="12" font-size="11" fill="#2b5c8a">out</text>'
    )
    return (
        f'<svg role="img" aria-label="in against out per period" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">{legend}{"".join(parts)}</svg>'
    )


def _h(value: object) -> str:
    return html_text(value)


def _page(title: str, body: str) -> str:
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:2px 6px;text-align:right}"
        "tr.flag td{background:#fdd}"
    )
    return (
        f"<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>{title}</title>"
        f"<style>{style}</style></head><body><h1>{title}</h1>{body}</body></html>\n"
    )
