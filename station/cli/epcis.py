"""``station export-epcis``: the log as EPCIS 2.0 capture documents, as a hub receives them.

One JSON document for the range (``--from``/``--to``, default the whole log), or with
``--batch N`` one document per N events, one per line (JSON Lines). ``--hashes``
prints each EPCIS event's id and its canonical event hash instead. ``--out`` writes a
new file (an existing one is never replaced).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from station.cli.common import EXIT_OK, refuse, station_from_args
from station.domain.printable import printable


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``export-epcis``."""
    export = sub.add_parser(
        "export-epcis",
        parents=[common],
        help="write events as EPCIS 2.0 capture documents (JSON-LD)",
    )
    export.add_argument("--from", dest="first", type=int, default=1, help="first sequence number")
    export.add_argument("--to", dest="last", type=int, help="last sequence number (default: all)")
    export.add_argument("--batch", type=int, help="events per document (JSON Lines output)")
    export.add_argument("--out", type=Path, help="write to this new file instead of stdout")
    export.add_argument(
        "--hashes", action="store_true", help="print 'eventID hash' lines, not the documents"
    )


def cmd_export_epcis(args: argparse.Namespace) -> int:
    from station.services.epcis_export import (  # noqa: PLC0415 - loaded when a command runs
        capture_documents,
        document_hashes,
    )

    if args.out is not None and args.out.exists():
        return refuse(f"{printable(str(args.out))} already exists; choose a new file")
    lines: list[str] = []
    with station_from_args(args) as station:
        documents = capture_documents(
            station.log,
            station.view,
            station.config.epcis_settings(),
            first=args.first,
            last=args.last,
            batch=args.batch,
        )
        for document in documents:
            if args.hashes:
                lines.extend(f"{eid} {digest}" for eid, digest in document_hashes(document))
            elif args.batch:
                lines.append(json.dumps(document, ensure_ascii=False, sort_keys=False))
            else:
                lines.append(json.dumps(document, ensure_ascii=False, indent=2))
    text = "\n".join(lines) + ("\n" if lines else "")
    if args.out is None:
        print(text, end="")
        return EXIT_OK
    try:
        with args.out.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        return refuse(f"cannot write {printable(str(args.out))}: {exc.strerror or exc}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"export-epcis": cmd_export_epcis}
"""Sub-command name -> handler, merged into the `station` command's table."""
