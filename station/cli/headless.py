"""Headless scanning, ``station scan``: one scan per input line, one verdict per output line.

For fixed-mount scanners and scripts. It runs the same recorder the TUI uses, so
each line is written (and flushed) only after the scan's events are committed.

The rule: every input line (bytes up to ``\\n``, a trailing CR dropped) gives exactly
one verdict line, whatever it holds: bytes that are not UTF-8, control characters,
only spaces or separators, nothing at all. Stdin is read as bytes for that reason.
The only other line is the answer to ``--shipment``, printed before any verdict and
marked (``"type": "shipment"`` in JSON, a leading ``#`` in text); verdicts carry
``"type": "scan"``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from station.cli.common import EXIT_ERROR, EXIT_OK, refuse, station_from_args
from station.domain.printable import printable, storable
from station.domain.scanning.scan import Scan

if TYPE_CHECKING:
    from station.workflows.recorder import Recorded, ScanRecorder

LITERAL_GS = "\\x1d"


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``scan`` to the `station` command's sub-parsers."""
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


def cmd_scan(args: argparse.Namespace) -> int:
    with station_from_args(args) as station:
        recorder = station.release_recorder if args.mode == "release" else station.recorder
        login = recorder.login(args.operator, device="headless")
        if login.outcome.login is None:
            return refuse(login.outcome.headline)
        if args.shipment:
            picked = recorder.select_shipment(args.shipment, device="headless")
            line = (
                json.dumps(result_json(args.shipment, picked, kind="shipment"), ensure_ascii=True)
                if args.json
                else f"# shipment: {result_text(args.shipment, picked)}"
            )
            print(line, flush=True)
            if picked.outcome.verdict.value in ("reject", "error"):
                return EXIT_ERROR
        failures = run_scans(
            recorder, stdin_lines(sys.stdin), sys.stdout, as_json=args.json, device="headless"
        )
    return EXIT_ERROR if failures else EXIT_OK


def stdin_lines(stdin: TextIO) -> Iterator[bytes]:
    """The lines of `stdin` as bytes: read from its byte buffer when it has one."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        yield from buffer
        return
    # A text stream with no bytes under it (a test's StringIO): its text, encoded back.
    for line in stdin:
        yield line.encode("utf-8", "surrogateescape")


def decode_line(line: bytes) -> str:
    """One input line as scan text: newline stripped, the four characters ``\\x1d`` as GS.

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``): the
    classifier refuses them as INVALID_CODE, and they are stored escaped.
    """
    text = line.rstrip(b"\r\n").decode("utf-8", "surrogateescape")
    return text.replace(LITERAL_GS, "\x1d")


def result_json(text: str, recorded: Recorded, *, kind: str = "scan") -> dict[str, Any]:
    """The JSON object written for one scan with ``--json`` (`kind`: what the line answers)."""
    outcome = recorded.outcome
    return {
        "type": kind,
        "input": storable(text),
        "verdict": outcome.verdict.value,
        "message": outcome.headline,
        "findings": [
            {"code": f.code.value, "message": f.message, **_extra(f.expected, f.found)}
            for f in outcome.findings
        ],
        "unit": outcome.unit,
        "shipment": outcome.shipment,
        "event_ids": list(recorded.event_ids),
        "recorded": recorded.durable,
    }


def result_text(text: str, recorded: Recorded) -> str:
    """The readable line written for one scan."""
    outcome = recorded.outcome
    line = f"{outcome.verdict.value.upper():<10} {printable(text, 60)}  {outcome.headline}"
    extra = [f.message for f in outcome.findings if f.message not in outcome.headline]
    # One line per verdict: further findings follow on the same line.
    return line + "".join(f" | {m}" for m in extra)


def run_scans(
    recorder: ScanRecorder, lines: Iterable[bytes], out: TextIO, *, as_json: bool, device: str
) -> int:
    """Answer every line with exactly one verdict line; return how many were not recorded."""
    failures = 0
    for line in lines:
        text = decode_line(line)
        recorded = recorder.handle(Scan(text, device=device))
        if not recorded.durable:
            failures += 1
        if as_json:
            out.write(json.dumps(result_json(text, recorded), ensure_ascii=True) + "\n")
        else:
            out.write(result_text(text, recorded) + "\n")
        out.flush()
    return failures


def _extra(expected: str | None, found: str | None) -> dict[str, str]:
    extra = {}
    if expected is not None:
        extra["expected"] = expected
    if found is not None:
        extra["found"] = found
    return extra


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"scan": cmd_scan}
"""Sub-command name -> handler, merged into the `station` command's table."""
