"""The claims sub-commands of `station`: ``claims`` and ``mass-balance``.

Both read the event log through the claims ledger and print per product group and
claim period, as text, JSON, CSV or HTML; ``--period`` narrows to the claim periods
that overlap a month (``2026-11``) or a range of months (``2026-09..2026-11``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from station.cli.common import EXIT_OK, print_json, refuse, station_from_args

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FORMATS = ("text", "json", "csv", "html")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``claims`` and ``mass-balance`` to the `station` command's sub-parsers."""
    for name, what in (
        ("claims", "claims per product group and period: percentage or credit account"),
        ("mass-balance", "what came in against what went out, per product group and period"),
    ):
        parser = sub.add_parser(name, parents=[common], help=what)
        parser.add_argument("--period", help="a month (2026-11) or months (2026-09..2026-11)")
        parser.add_argument("--group", help="only this product group")
        parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
        parser.add_argument("--out", type=Path, help="write to this file instead of stdout")
        parser.add_argument(
            "--events", action="store_true", help="list every event behind each figure"
        )
    export = sub.add_parser(
        "export", parents=[common], help="a verifiable archive of a period's events and reports"
    )
    export.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    export.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    export.add_argument("--out", type=Path, required=True, help="the archive to write (.zip)")


def cmd_export(args: argparse.Namespace) -> int:
    import json  # noqa: PLC0415

    from station.domain.claims.ledger import build_ledger  # noqa: PLC0415
    from station.domain.claims.report import balance_rows, claims_rows  # noqa: PLC0415
    from station.services.archive import write_archive  # noqa: PLC0415
    from station.services.claims_render import balance_html, claims_html  # noqa: PLC0415

    try:
        start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    except ValueError:
        return refuse(f"--from {args.start!r} --to {args.end!r}: expected dates YYYY-MM-DD")
    if end < start:
        return refuse(f"--to {end} is before --from {start}")
    with station_from_args(args, writes=False) as station:
        settings = station.config.claims
        reports: dict[str, str] = {}
        if settings.product_groups:
            ledger = build_ledger(station.claims.aggregates(with_events=True), settings)
            months = (start.isoformat()[:7], end.isoformat()[:7])
            claims = [
                r
                for r in claims_rows(ledger, dict(settings.product_groups))
                if _overlaps(r.period, months)
            ]
            balance = [
                r
                for r in balance_rows(
                    ledger, dict(settings.product_groups), settings.mass_balance_tolerance
                )
                if _overlaps(r.period, months)
            ]
            reports = {
                "claims.json": json.dumps([r.as_dict() for r in claims], indent=2) + "\n",
                "claims.html": claims_html(claims),
                "mass-balance.json": json.dumps([r.as_dict() for r in balance], indent=2) + "\n",
                "mass-balance.html": balance_html(balance),
            }
        count = write_archive(
            args.out,
            station.log.events(),
            station_id=station.config.station_id,
            start=start,
            end=end,
            reports=reports,
            chain=station.log.chain.mode,
        )
    print(f"{count} events from {start} to {end} written to {args.out}")
    print(f"check it anywhere with: station verify-log --archive {args.out}")
    return EXIT_OK


def cmd_claims(args: argparse.Namespace) -> int:
    from station.domain.claims.report import claims_rows  # noqa: PLC0415
    from station.services.claims_render import claims_csv, claims_html, claims_text  # noqa: PLC0415

    return _report(
        args,
        lambda ledger, groups, _tolerance: claims_rows(ledger, groups),
        {"text": claims_text, "csv": claims_csv, "html": claims_html},
    )


def cmd_mass_balance(args: argparse.Namespace) -> int:
    from station.domain.claims.report import balance_rows  # noqa: PLC0415
    from station.services.claims_render import balance_csv, balance_html, balance_text  # noqa: PLC0415

    return _report(
        args, balance_rows, {"text": balance_text, "csv": balance_csv, "html": balance_html}
    )


def _report(
    args: argparse.Namespace,
    rows_of: Callable[..., Sequence[Any]],
    renderers: dict[str, Callable[[Sequence[Any]], str]],
) -> int:
    from station.domain.claims.ledger import build_ledger  # noqa: PLC0415

    months = _months(args.period) if args.period else None
    if args.period and months is None:
        return refuse(
            f"--period {args.period!r}: expected a month such as 2026-11 or months such as "
            "2026-09..2026-11"
        )
    with station_from_args(args, writes=False) as station:
        settings = station.config.claims
        groups = dict(settings.product_groups)
        if not groups:
            return refuse(
                "no product groups are configured: add [[claims.product_groups]] to the "
                "config (see README, 'Claims and mass balance')"
            )
        if args.group:
            if args.group not in groups:
                return refuse(
                    f"no product group is named {args.group!r} (configured: {', '.join(groups)})"
                )
            groups = {args.group: groups[args.group]}
        ledger = build_ledger(station.claims.aggregates(with_events=args.events), settings)
        rows = [
            r
            for r in rows_of(ledger, groups, settings.mass_balance_tolerance)
            if months is None or _overlaps(r.period, months)
        ]
    if args.format == "json":
        text = None
        data = [r.as_dict() for r in rows]
    else:
        text = renderers[args.format](rows)
        data = None
    if args.out is not None:
        import json  # noqa: PLC0415

        args.out.write_text(
            text if text is not None else json.dumps(data, indent=2) + "\n", encoding="utf-8"
        )
        print(f"written to {args.out}")
    elif data is not None:
        print_json(data, indent=2)
    elif text is not None:
        print(text, end="" if text.endswith("\n") else "\n")
    return EXIT_OK


def _months(text: str) -> tuple[str, str] | None:
    first, _, last = text.partition("..")
    last = last or first
    if not (_MONTH.match(first) and _MONTH.match(last)) or last < first:
        return None
    return first, last


def _overlaps(period: str, months: tuple[str, str]) -> bool:
    first, _, last = period.partition("..")
    return first <= months[1] and (last or first) >= months[0]


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "claims": cmd_claims,
    "mass-balance": cmd_mass_balance,
    "export": cmd_export,
}
