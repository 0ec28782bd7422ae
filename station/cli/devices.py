"""The device sub-commands of `station`: ``devices`` (probe the configured scanners and
printers) and ``decode`` (read barcodes from image or video files).

Drivers load only inside the command functions, so building the parser stays headless.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from station.cli.common import EXIT_INVALID, EXIT_OK, config_from_args, print_json, print_listing
from station.domain.printable import printable


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``devices`` and ``decode`` to the `station` command's sub-parsers."""
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


def cmd_devices(args: argparse.Namespace) -> int:
    from station.services.device_probe import probe_all  # noqa: PLC0415 - drivers load only here

    config = config_from_args(args)
    results = probe_all(config.scanners, config.printers, wait=args.wait)
    print_listing(
        results,
        args.json,
        lambda r: r.as_dict(),
        lambda r: f"{r.role:<8} {printable(r.url, 50):<50} {r.state:<12} {printable(r.detail, 80)}",
        empty="no devices are configured ([devices] in the config)",
    )
    return EXIT_OK if all(r.ok for r in results) else EXIT_INVALID


def cmd_decode(args: argparse.Namespace) -> int:
    from drivers.decode_files import decode_paths, result_as_dict  # noqa: PLC0415

    config = config_from_args(args)
    results = decode_paths(args.files, args.decoder, args.formats, rules=config.rules)
    if args.json:
        print_json([result_as_dict(r) for r in results], indent=2)
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
                for finding in code.get("findings", []):
                    print(f"    {finding['code']}: {printable(finding['message'], 200)}")
            if "label_findings" in data:
                together = data["label_findings"]
                print(f"  as one label: {'OK' if not together else 'INVALID'}")
                for finding in together:
                    print(f"    {finding['code']}: {printable(finding['message'], 200)}")
    found = any(result_as_dict(r).get("codes") for r in results)
    return EXIT_OK if found else EXIT_INVALID


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "devices": cmd_devices,
    "decode": cmd_decode,
}
"""Sub-command name -> handler, merged into the `station` command's table."""
