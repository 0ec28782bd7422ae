"""The lot sub-commands of `station`: ``lots new|list``, ``label``, ``print-queue``,
``trace`` and ``report``.

New lots come from repacking, splitting, merging or palletising; their labels are
rendered or queued for printing; ``trace`` and ``report`` follow a lot's provenance.
The label renderers and report builders load only inside the command functions.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    attributes,
    not_known,
    print_json,
    print_listing,
    refuse,
    station_from_args,
)
from station.domain.lots.transform_plan import TransformKind
from station.domain.printable import printable
from station.errors import StationError

if TYPE_CHECKING:
    from station.bootstrap import Station

_LOT_FIELDS = (
    "lot_id",
    "kind",
    "status",
    "quantity",
    "consumed",
    "uom",
    "gtin",
    "product",
    "made_at",
)
_JOB_FIELDS = (
    "job_id",
    "lot_id",
    "printer",
    "state",
    "attempts",
    "last_error",
    "reprint_of",
    "reason",
    "queued_at",
)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``lots``, ``label``, ``print-queue``, ``trace`` and ``report`` to the sub-parsers."""
    lots = sub.add_parser("lots", help="new lots and the lots the station holds")
    lots_sub = lots.add_subparsers(dest="lots_command", required=True, metavar="ACTION")
    new = lots_sub.add_parser(
        "new", parents=[common], help="repack, split, merge or palletise (JSON output with --json)"
    )
    new.add_argument("--kind", required=True, choices=[k.value for k in TransformKind])
    new.add_argument("--operator", required=True, metavar="BADGE", help="badge of the operator")
    new.add_argument(
        "--parent",
        action="append",
        required=True,
        metavar="ID[:QTY]",
        help="parent lot or SSCC and the quantity to take (default: all that remains)",
    )
    new.add_argument(
        "--output",
        action="append",
        default=[],
        metavar="QTY",
        help="quantity of each new lot (not for palletise)",
    )
    new.add_argument("--loss", default="0", metavar="QTY", help="declared loss (default 0)")
    new.add_argument("--json", action="store_true", help="print JSON")
    listing = lots_sub.add_parser("list", parents=[common], help="list lots")
    listing.add_argument("--status", help="only lots with this status, e.g. available")
    listing.add_argument("--json", action="store_true", help="print JSON")

    label = sub.add_parser("label", parents=[common], help="render or print the label of a lot")
    label.add_argument("id", help="lot id or SSCC")
    label.add_argument("--format", choices=["png", "pdf", "svg", "zpl"], default="png")
    label.add_argument("--out", type=Path, help="write the rendered label here")
    label.add_argument("--print", action="store_true", help="queue it on the default printer")
    label.add_argument("--operator", metavar="BADGE", help="who asks for the print")
    label.add_argument("--sheet", action="store_true", help="the command-code sheet instead")

    queue = sub.add_parser("print-queue", parents=[common], help="show, send or reprint label jobs")
    queue.add_argument("--process", action="store_true", help="send every job that is due")
    queue.add_argument("--reprint", metavar="JOB", help="confirm a reprint of this job")
    queue.add_argument("--reason", default="", help="why the reprint is needed")
    queue.add_argument("--operator", metavar="BADGE", help="who confirms the reprint")
    queue.add_argument("--json", action="store_true", help="print JSON")

    trace_p = sub.add_parser(
        "trace", parents=[common], help="trace a lot back to its inputs or forward"
    )
    trace_p.add_argument("id", help="lot id or SSCC")
    trace_p.add_argument("--direction", choices=["back", "forward"], default="back")
    trace_p.add_argument("--json", action="store_true", help="print JSON")

    report = sub.add_parser("report", parents=[common], help="provenance report for an auditor")
    report.add_argument("id", help="lot id or SSCC")
    report.add_argument("--format", choices=["html", "json"], default="html")
    report.add_argument("--out", type=Path, help="write the report here (default: stdout)")


def cmd_lots(args: argparse.Namespace) -> int:
    with station_from_args(args, writes=args.lots_command != "list") as station:
        if args.lots_command == "list":
            return _lots_list(station, args)
        return _lots_new(station, args)


def _lots_list(station: Station, args: argparse.Namespace) -> int:
    records = station.lots.lots(status=args.status)
    print_listing(
        records,
        args.json,
        lambda r: attributes(r, _LOT_FIELDS),
        _lot_line,
        empty="no lots" + (f" with status {args.status}" if args.status else ""),
    )
    return EXIT_OK


def _lot_line(r: Any) -> str:  # a LotRecord; the CLI reaches the store's types only indirectly
    left = r.quantity - r.consumed
    return (
        f"{printable(r.lot_id, 28):<28} {r.kind:<9} {r.status:<12} {left} {r.uom}"
        f"  {printable(r.product or '', 40)}"
    )


def _lots_new(station: Station, args: argparse.Namespace) -> int:
    from station.domain.operators import Role, qualification  # noqa: PLC0415
    from station.workflows.lots import TransformRequest  # noqa: PLC0415

    operator = station.config.operator_by_badge(args.operator)
    if operator is None:
        return refuse(f"badge {printable(args.operator)!r} is not on the roster")
    today = station.clock.now().date()
    checks = [
        qualification(operator, role, station.config.required_training, today)
        for role in (Role.RECEIVE, Role.RELEASE)
    ]
    if not any(c.ok for c in checks):
        return refuse(f"refused: {checks[0].reason}")
    try:
        parents = tuple(_parent(station, text) for text in args.parent)
        outputs = tuple(Decimal(q) for q in args.output)
        loss = Decimal(args.loss)
    except (InvalidOperation, ValueError) as exc:
        return refuse(str(exc))
    result = station.lot_desk.transform(
        TransformRequest(TransformKind(args.kind), parents, outputs, loss), operator
    )
    if args.json:
        print_json(
            {
                "ok": result.ok,
                "message": result.message,
                "new_ids": list(result.new_ids),
                "event_id": result.event_id,
                "problems": [
                    {"code": p.code.value, "message": p.message, "lot_id": p.lot_id}
                    for p in result.problems
                ],
            }
        )
    else:
        print(result.message if result.ok else f"refused: {result.message}")
    return EXIT_OK if result.ok else EXIT_INVALID


def _parent(station: Station, text: str) -> tuple[str, Decimal]:
    lot_id, sep, quantity = text.rpartition(":") if ":" in text else (text, "", "")
    if not sep:
        record = station.lots.lot(text)
        remaining = record.quantity - record.consumed if record else Decimal(0)
        return text, remaining
    try:
        return lot_id, Decimal(quantity)
    except InvalidOperation:
        raise ValueError(f"--parent {text!r}: {quantity!r} is not a quantity") from None


def cmd_label(args: argparse.Namespace) -> int:
    from labels.content import command_sheet  # noqa: PLC0415
    from labels.document import RenderedLabel  # noqa: PLC0415
    from station.services.print_queue import build_label  # noqa: PLC0415

    with station_from_args(args, writes=args.print and not args.sheet) as station:
        if args.sheet:
            content: Any = command_sheet(station.config.rules.command_prefix)
        else:
            lot = station.lots.lot(args.id)
            if lot is None:
                return not_known("lot", args.id)
            content = build_label(station.config, station.lots, lot)
        if args.print and not args.sheet:
            try:
                operator = station.printing.operator_by_badge(args.operator, args.id, "queue")
                job = station.printing.queue(args.id, operator)
            except StationError as exc:
                return refuse(f"refused: {exc}", EXIT_INVALID)
            print(f"queued print job {job} for {args.id}")
        document = RenderedLabel(content, job_id="preview", name=args.id)
        data = {"png": document.png, "pdf": document.pdf, "zpl": document.zpl}.get(args.format)
        rendered = data() if data else _svg(content)
        if args.out:
            args.out.write_bytes(rendered)
            print(f"wrote {args.out} ({len(rendered)} bytes)")
        elif not args.print:
            print(f"label payload: {content.qr_payload if hasattr(content, 'qr_payload') else ''}")
            print("use --out FILE to write it, --print to queue it")
    return EXIT_OK


def _svg(content: Any) -> bytes:
    from labels.layout import layout_document  # noqa: PLC0415
    from labels.render_svg import render_svg  # noqa: PLC0415

    return render_svg(layout_document(content)).encode("utf-8")


def cmd_print_queue(args: argparse.Namespace) -> int:
    with station_from_args(args, writes=bool(args.process or args.reprint)) as station:
        queue = station.printing
        if args.reprint:
            job_record = next((j for j in queue.jobs() if j.job_id == args.reprint), None)
            lot_id = job_record.lot_id if job_record else args.reprint
            try:
                operator = queue.operator_by_badge(args.operator, lot_id, "reprint")
                job = queue.reprint(args.reprint, operator, args.reason or "")
            except StationError as exc:
                return refuse(f"refused: {exc}", EXIT_INVALID)
            print(f"reprint queued as job {job}")
        if args.process:
            queue.recover()
            for outcome in queue.process():
                print(f"{outcome.job_id} {outcome.state}: {printable(outcome.message, 120)}")
        jobs = queue.jobs()
        if args.json:
            print_json([attributes(j, _JOB_FIELDS) for j in jobs])
        elif not args.process and not jobs:
            print("the print queue is empty")
        elif not args.process:
            for j in jobs:
                error = f"  ({printable(j.last_error, 80)})" if j.last_error else ""
                print(
                    f"{j.job_id}  {printable(j.lot_id, 24):<24} {j.state:<10} {j.attempts}x "
                    f"{printable(j.printer, 40)}{error}"
                )
    return EXIT_OK


def cmd_trace(args: argparse.Namespace) -> int:
    from station.services.trace import render_text, trace  # noqa: PLC0415

    forward = args.direction == "forward"
    with station_from_args(args, writes=False) as station:
        node = trace(
            station.lots,
            station.view,
            args.id,
            forward=forward,
            shipped_in=station.releases.shipped_in,
        )
    if node is None:
        return not_known("lot or unit", args.id)
    if args.json:
        print_json({"direction": args.direction, "tree": node.as_dict()}, indent=2)
    else:
        print(render_text(node, forward=forward))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from station.services.provenance_report import build_report, render_html, render_json  # noqa: PLC0415

    with station_from_args(args, writes=False) as station:
        report = build_report(station, args.id)
    if report is None:
        return not_known("lot or unit", args.id)
    text = render_html(report) if args.format == "html" else render_json(report)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "lots": cmd_lots,
    "trace": cmd_trace,
    "label": cmd_label,
    "report": cmd_report,
    "print-queue": cmd_print_queue,
}
"""Sub-command name -> handler, merged into the `station` command's table."""
