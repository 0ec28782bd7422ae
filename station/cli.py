"""The `station` command: one front end over the workflows, store and TUI.

Every sub-command accepts ``--config`` (or ``$STATION_CONFIG``) and ``--data-dir``
(or ``$STATION_DATA_DIR``). Errors a person must fix are printed in one line and
exit with status 2; nothing prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from station import __version__, release_cli
from station.bootstrap import Station, default_data_dir, open_station
from station.config import StationConfig, bundled_config_dir, load_config
from station.domain.classify import classify
from station.domain.codes import Gs1Code
from station.domain.operators import hash_pin
from station.domain.printable import printable
from station.domain.transformations import TransformKind
from station.errors import StationError

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; its help is the CLI reference."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        help="station config TOML (default: $STATION_CONFIG or the bundled example)",
    )
    common.add_argument(
        "--data-dir",
        type=Path,
        help="data directory (default: $STATION_DATA_DIR or ~/.local/share/station)",
    )
    parser = argparse.ArgumentParser(
        prog="station",
        description="Barcode scanning station for traceable receiving and release docks.",
    )
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", parents=[common], help="fresh data dir with demo shipments, then the TUI"
    )
    demo.add_argument(
        "--no-tui", action="store_true", help="prepare the demo data and print its directory"
    )
    sub.add_parser("run", parents=[common], help="start the station TUI")

    imp = sub.add_parser("import", parents=[common], help="import inbound manifests (JSON or CSV)")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    parse = sub.add_parser(
        "parse", parents=[common], help="interpret one code; exit 0 if recognised, 1 if not"
    )
    parse.add_argument("text", help="the code; the four characters \\x1d stand for GS")
    parse.add_argument("--json", action="store_true", help="print JSON")

    show = sub.add_parser("show", parents=[common], help="show a shipment, unit or receipt")
    show.add_argument("id", help="shipment id, BOL, PO, SSCC / unit id or receipt id")
    show.add_argument("--json", action="store_true", help="print JSON")

    events = sub.add_parser("events", parents=[common], help="list the event log")
    events.add_argument("--json", action="store_true", help="one JSON object per line")
    events.add_argument(
        "--after", type=int, default=0, help="only events after this sequence number"
    )

    sub.add_parser("verify-log", parents=[common], help="check the event log's hash chain")

    scan = sub.add_parser(
        "scan",
        parents=[common],
        help="headless: one scan per stdin line, one verdict per stdout line",
    )
    scan.add_argument(
        "--mode",
        choices=["receive", "release"],
        default="receive",
        help="workflow (default receive)",
    )
    scan.add_argument("--operator", required=True, metavar="BADGE", help="badge of the operator")
    scan.add_argument(
        "--shipment", metavar="ID", help="shipment to open or join before the first scan"
    )
    scan.add_argument("--json", action="store_true", help="one JSON object per line")

    devices = sub.add_parser(
        "devices", parents=[common], help="list the configured devices and probe them"
    )
    devices.add_argument("--json", action="store_true", help="print JSON")
    devices.add_argument("--wait", type=float, default=3.0, help="seconds to wait for each scanner")

    decode = sub.add_parser("decode", parents=[common], help="decode barcodes in images or videos")
    decode.add_argument("files", nargs="+", type=Path, metavar="FILE")
    decode.add_argument("--decoder", choices=["zxing", "zbar"], default="zxing")
    decode.add_argument("--formats", help="comma-separated symbologies, e.g. qr,datamatrix")
    decode.add_argument("--json", action="store_true", help="print JSON")

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

    release_cli.add_parsers(sub, common)
    sub.add_parser("check-config", parents=[common], help="validate the config file")
    pin = sub.add_parser(
        "hash-pin", help="print the pin_hash for a roster entry (reads the PIN from stdin)"
    )
    pin.add_argument("--pin", help="the PIN (default: read one line from stdin)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args))
    except StationError as exc:
        print(f"station: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like other Unix tools.
        sys.stderr.close()
        return EXIT_OK


def _config(args: argparse.Namespace) -> StationConfig:
    return load_config(args.config)


def _open(args: argparse.Namespace) -> Station:
    return open_station(_config(args), args.data_dir or default_data_dir())


def cmd_demo(args: argparse.Namespace) -> int:
    config = _config(args)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="station-demo-"))
    station = open_station(config, data_dir)
    demo_dir = bundled_config_dir() / "demo"
    manifests = sorted(p for p in demo_dir.iterdir() if p.suffix in (".json", ".csv"))
    result = station.import_files(manifests)
    print(
        f"Demo data in {data_dir}: {len(result.imported) + len(result.unchanged)} shipments "
        f"({', '.join(result.imported + result.unchanged)})"
    )
    print(f"Scan sequences to try: {demo_dir / 'scans'}; badges B-1001 (clerk), B-1003 (lapsed).")
    if args.no_tui:
        station.close()
        return EXIT_OK
    return _run_tui(station)


def cmd_run(args: argparse.Namespace) -> int:
    return _run_tui(_open(args))


def _run_tui(station: Station) -> int:
    from station.tui.app import StationApp  # noqa: PLC0415 - keep Textual out of headless paths

    try:
        StationApp(station).run()
    finally:
        station.close()
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    station = _open(args)
    try:
        result = station.import_files(args.paths)
    finally:
        station.close()
    for shipment_id in result.imported:
        print(f"imported {shipment_id}")
    for shipment_id in result.unchanged:
        print(f"unchanged {shipment_id} (already imported)")
    for line in result.refused:
        print(f"refused: {line}", file=sys.stderr)
    return EXIT_ERROR if result.refused else EXIT_OK


def cmd_parse(args: argparse.Namespace) -> int:
    config = _config(args)
    text = args.text.replace("\\x1d", "\x1d")
    code = classify(text, config.rules)
    findings = getattr(code, "findings", ())
    recognised = not findings
    if args.json:
        data: dict[str, Any] = {
            "input": text,
            "kind": type(code).__name__,
            "recognised": recognised,
            "findings": [f.as_dict() for f in findings],
        }
        if isinstance(code, Gs1Code):
            data |= {
                "form": code.form.value,
                "symbology": code.symbology,
                "ais": [{"ai": ai, "value": value} for ai, value in code.ais],
                "dates": {ai: d.isoformat() for ai, d in code.dates},
            }
        else:
            data |= {
                k: getattr(code, k).value
                if hasattr(getattr(code, k), "value")
                else getattr(code, k)
                for k in ("number", "badge", "kind", "command")
                if hasattr(code, k)
            }
        print(json.dumps(data, ensure_ascii=True))
    else:
        print(f"{type(code).__name__}: {printable(text)}")
        if isinstance(code, Gs1Code):
            print(
                f"  form: {code.form.value}"
                + (f", symbology {code.symbology}" if code.symbology else "")
            )
            for ai, value in code.ais:
                print(f"  ({ai}) {printable(value)}")
        for field in ("number", "badge", "kind", "command"):
            if hasattr(code, field):
                value = getattr(code, field)
                print(f"  {field}: {printable(str(getattr(value, 'value', value)))}")
        for finding in findings:
            print(f"  {finding.code.value}: {finding.message}")
    return EXIT_OK if recognised else EXIT_INVALID


def cmd_show(args: argparse.Namespace) -> int:
    from station.reports import describe  # noqa: PLC0415

    station = _open(args)
    try:
        found = describe(station.view, args.id)
    finally:
        station.close()
    if found is None:
        print(f"station: nothing is known by {printable(args.id)!r}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(found.data, ensure_ascii=True, indent=2))
    else:
        print(found.text)
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    station = _open(args)
    try:
        for stored in station.log.events(after_seq=args.after):
            event = stored.event
            if args.json:
                print(
                    json.dumps(
                        {
                            "seq": stored.seq,
                            "id": event.id,
                            "kind": event.kind.value,
                            "station_id": event.station_id,
                            "operator_id": event.operator_id,
                            "recorded_at": event.recorded_at.isoformat(),
                            "payload": event.payload,
                            "hash": stored.hash,
                        },
                        ensure_ascii=True,
                    )
                )
            else:
                summary = event.payload.get("headline") or event.payload.get("shipment_id") or ""
                print(
                    f"{stored.seq:>8} {event.recorded_at:%Y-%m-%d %H:%M:%S} {event.kind.value:<24} "
                    f"{event.operator_id or '-':<10} {printable(str(summary), 80)}"
                )
    finally:
        station.close()
    return EXIT_OK


def cmd_verify_log(args: argparse.Namespace) -> int:
    station = _open(args)
    try:
        report = station.log.verify()
    finally:
        station.close()
    print(("OK: " if report.ok else "BROKEN: ") + report.message)
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_scan(args: argparse.Namespace) -> int:
    from station.headless import result_json, result_text, run_scans  # noqa: PLC0415

    station = _open(args)
    recorder = station.release_recorder if args.mode == "release" else station.recorder
    try:
        login = recorder.login(args.operator, device="headless")
        if login.outcome.login is None:
            print(f"station: {login.outcome.headline}", file=sys.stderr)
            return EXIT_ERROR
        if args.shipment:
            picked = recorder.select_shipment(args.shipment, device="headless")
            line = (
                json.dumps(result_json(args.shipment, picked))
                if args.json
                else result_text(args.shipment, picked)
            )
            print(line, flush=True)
            if picked.outcome.verdict.value in ("reject", "error"):
                return EXIT_ERROR
        failures = run_scans(recorder, sys.stdin, sys.stdout, as_json=args.json, device="headless")
    finally:
        station.close()
    return EXIT_ERROR if failures else EXIT_OK


def cmd_devices(args: argparse.Namespace) -> int:
    from station.device_probe import probe_all  # noqa: PLC0415 - drivers load only here

    config = _config(args)
    results = probe_all(config.scanners, config.printers, wait=args.wait)
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=True, indent=2))
    else:
        for r in results:
            print(f"{r.role:<8} {printable(r.url, 50):<50} {r.state:<12} {printable(r.detail, 80)}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_INVALID


def cmd_decode(args: argparse.Namespace) -> int:
    from drivers.decode_files import decode_paths, result_as_dict  # noqa: PLC0415

    config = _config(args)
    results = decode_paths(args.files, args.decoder, args.formats, rules=config.rules)
    if args.json:
        print(json.dumps([result_as_dict(r) for r in results], ensure_ascii=True, indent=2))
    else:
        for result in results:
            data = result_as_dict(result)
            print(f"{printable(str(data['path']))}:")
            if data.get("error"):
                print(f"  error: {printable(str(data['error']))}")
            for code in data.get("codes", []):
                print(
                    f"  {code.get('format', '?')} {code.get('symbology') or ''} "
                    f"{code.get('display', '')}  [{code.get('kind', '')}]"
                )
    found = any(result_as_dict(r).get("codes") for r in results)
    return EXIT_OK if found else EXIT_INVALID


def cmd_lots(args: argparse.Namespace) -> int:
    station = _open(args)
    try:
        if args.lots_command == "list":
            return _lots_list(station, args)
        return _lots_new(station, args)
    finally:
        station.close()


def _lots_list(station: Station, args: argparse.Namespace) -> int:
    records = station.lots.lots(status=args.status)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "lot_id": r.lot_id,
                        "kind": r.kind,
                        "status": r.status,
                        "quantity": str(r.quantity),
                        "consumed": str(r.consumed),
                        "uom": r.uom,
                        "gtin": r.gtin,
                        "product": r.product,
                        "made_at": r.made_at,
                    }
                    for r in records
                ],
                ensure_ascii=True,
                indent=2,
            )
        )
    else:
        for r in records:
            left = r.quantity - r.consumed
            print(
                f"{printable(r.lot_id, 28):<28} {r.kind:<9} {r.status:<12} {left} {r.uom}"
                f"  {printable(r.product or '', 40)}"
            )
    return EXIT_OK


def _lots_new(station: Station, args: argparse.Namespace) -> int:
    from station.domain.operators import Role, qualification  # noqa: PLC0415
    from station.workflows.lots import TransformRequest  # noqa: PLC0415

    operator = station.config.operator_by_badge(args.operator)
    if operator is None:
        print(f"station: badge {printable(args.operator)!r} is not on the roster", file=sys.stderr)
        return EXIT_ERROR
    today = station.clock.now().date()
    checks = [
        qualification(operator, role, station.config.required_training, today)
        for role in (Role.RECEIVE, Role.RELEASE)
    ]
    if not any(c.ok for c in checks):
        print(f"station: refused: {checks[0].reason}", file=sys.stderr)
        return EXIT_ERROR
    try:
        parents = tuple(_parent(station, text) for text in args.parent)
        outputs = tuple(Decimal(q) for q in args.output)
        loss = Decimal(args.loss)
    except (InvalidOperation, ValueError) as exc:
        print(f"station: {exc}", file=sys.stderr)
        return EXIT_ERROR
    result = station.lot_desk.transform(
        TransformRequest(TransformKind(args.kind), parents, outputs, loss), operator
    )
    if args.json:
        print(
            json.dumps(
                {
                    "ok": result.ok,
                    "message": result.message,
                    "new_ids": list(result.new_ids),
                    "event_id": result.event_id,
                    "problems": [
                        {"code": p.code.value, "message": p.message, "lot_id": p.lot_id}
                        for p in result.problems
                    ],
                },
                ensure_ascii=True,
            )
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
    from station.printing import build_label  # noqa: PLC0415

    station = _open(args)
    try:
        if args.sheet:
            content: Any = command_sheet(station.config.rules.command_prefix)
        else:
            lot = station.lots.lot(args.id)
            if lot is None:
                print(f"station: no lot is known by {printable(args.id)!r}", file=sys.stderr)
                return EXIT_INVALID
            content = build_label(station.config, station.lots, lot)
        if args.print and not args.sheet:
            operator = station.config.operator_by_badge(args.operator or "")
            try:
                job = station.printing.queue(args.id, operator.id if operator else None)
            except StationError as exc:
                print(f"station: refused: {exc}", file=sys.stderr)
                return EXIT_INVALID
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
    finally:
        station.close()
    return EXIT_OK


def _svg(content: Any) -> bytes:
    from labels.layout import layout_document  # noqa: PLC0415
    from labels.render_svg import render_svg  # noqa: PLC0415

    return render_svg(layout_document(content)).encode("utf-8")


def cmd_print_queue(args: argparse.Namespace) -> int:
    station = _open(args)
    try:
        queue = station.printing
        if args.reprint:
            operator = station.config.operator_by_badge(args.operator or "")
            if operator is None:
                print(
                    "station: a reprint needs --operator with a badge on the roster",
                    file=sys.stderr,
                )
                return EXIT_ERROR
            job = queue.reprint(args.reprint, operator.id, args.reason)
            print(f"reprint queued as job {job}")
        if args.process:
            queue.recover()
            for outcome in queue.process():
                print(f"{outcome.job_id} {outcome.state}: {printable(outcome.message, 120)}")
        jobs = queue.jobs()
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "job_id": j.job_id,
                            "lot_id": j.lot_id,
                            "printer": j.printer,
                            "state": j.state,
                            "attempts": j.attempts,
                            "last_error": j.last_error,
                            "reprint_of": j.reprint_of,
                            "reason": j.reason,
                            "queued_at": j.queued_at,
                        }
                        for j in jobs
                    ],
                    ensure_ascii=True,
                )
            )
        elif not args.process:
            for j in jobs:
                error = f"  ({printable(j.last_error, 80)})" if j.last_error else ""
                print(
                    f"{j.job_id}  {printable(j.lot_id, 24):<24} {j.state:<10} {j.attempts}x "
                    f"{printable(j.printer, 40)}{error}"
                )
    finally:
        station.close()
    return EXIT_OK


def cmd_trace(args: argparse.Namespace) -> int:
    from station.trace import render_text, trace  # noqa: PLC0415

    station = _open(args)
    try:
        forward = args.direction == "forward"
        node = trace(
            station.lots,
            station.view,
            args.id,
            forward=forward,
            shipped_in=station.releases.shipped_in,
        )
    finally:
        station.close()
    if node is None:
        print(f"station: no lot or unit is known by {printable(args.id)!r}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(
            json.dumps(
                {"direction": args.direction, "tree": node.as_dict()}, ensure_ascii=True, indent=2
            )
        )
    else:
        print(render_text(node, forward=forward))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from station.report import build_report, render_html, render_json  # noqa: PLC0415

    station = _open(args)
    try:
        report = build_report(station, args.id)
    finally:
        station.close()
    if report is None:
        print(f"station: no lot or unit is known by {printable(args.id)!r}", file=sys.stderr)
        return EXIT_INVALID
    text = render_html(report) if args.format == "html" else render_json(report)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)
    return EXIT_OK


def cmd_check_config(args: argparse.Namespace) -> int:
    config = _config(args)
    print(
        f"{config.path}: OK (station {config.station_id}, {len(config.operators)} operators, "
        f"{len(config.risk.rules)} risk rules)"
    )
    return EXIT_OK


def cmd_hash_pin(args: argparse.Namespace) -> int:
    pin = args.pin if args.pin is not None else sys.stdin.readline().strip()
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        print("station: a PIN is 4 to 12 digits", file=sys.stderr)
        return EXIT_ERROR
    print(hash_pin(pin))
    return EXIT_OK


_COMMANDS = {
    "demo": cmd_demo,
    "run": cmd_run,
    "import": cmd_import,
    "parse": cmd_parse,
    "show": cmd_show,
    "events": cmd_events,
    "verify-log": cmd_verify_log,
    "scan": cmd_scan,
    "devices": cmd_devices,
    "decode": cmd_decode,
    "lots": cmd_lots,
    "trace": cmd_trace,
    "label": cmd_label,
    "report": cmd_report,
    "print-queue": cmd_print_queue,
    "check-config": cmd_check_config,
    "hash-pin": cmd_hash_pin,
    **release_cli.COMMANDS,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
