"""The hub sub-commands of `station`: ``hub`` (serve) and ``hub-token create|list|revoke``.

Both read the hub's own config (``--config hub.toml``, or ``$STATION_HUB_CONFIG``), not a
station config. A token is printed once, by ``create``, and never again: the hub keeps
only its salted hash. No command takes a token as an argument.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.cli.common import EXIT_OK, print_listing, refuse
from station.domain.printable import printable
from station.errors import ConfigError

if TYPE_CHECKING:
    from station.hub.config import HubConfig

CONFIG_ENV = "STATION_HUB_CONFIG"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TOKEN_FIELDS = ("token_id", "kind", "site", "station_id", "label", "created", "revoked")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``hub`` and ``hub-token`` to the `station` command's sub-parsers."""
    hub_common = argparse.ArgumentParser(add_help=False)
    hub_common.add_argument(
        "--config", type=Path, help=f"the hub's config TOML (default: ${CONFIG_ENV})"
    )
    sub.add_parser(
        "hub", parents=[hub_common], help="run the central store (EPCIS 2.0 hub) until stopped"
    )
    token = sub.add_parser("hub-token", help="make, list or revoke the hub's bearer tokens")
    actions = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", parents=[hub_common], help="make a token and print it once"
    )
    create.add_argument("--kind", required=True, choices=["station", "admin", "auditor"])
    create.add_argument("--site", help="the site (an admin token without it serves every site)")
    create.add_argument("--station", metavar="STATION_ID", help="the station id (kind station)")
    create.add_argument("--label", default="", help="a note for the listing (who holds it)")
    listing = actions.add_parser("list", parents=[hub_common], help="list tokens (never secrets)")
    listing.add_argument("--json", action="store_true", help="JSON output")
    revoke = actions.add_parser("revoke", parents=[hub_common], help="revoke a token by its id")
    revoke.add_argument("token_id", metavar="TOKEN_ID", help="the id shown by `hub-token list`")


def _config(args: argparse.Namespace) -> HubConfig:
    from station.hub.config import load_hub_config  # noqa: PLC0415 - loaded when run

    path = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if path is None:
        raise ConfigError(f"name the hub's config: --config hub.toml (or ${CONFIG_ENV})")
    return load_hub_config(path)


def cmd_hub(args: argparse.Namespace) -> int:
    from station.hub.server import serve  # noqa: PLC0415 - loaded when run

    serve(_config(args))
    return EXIT_OK


def _now_us() -> int:
    return time.time_ns() // 1000


def _token_create(args: argparse.Namespace) -> int:
    from station.hub.auth import new_token  # noqa: PLC0415 - loaded when run
    from station.hub.storage import open_store  # noqa: PLC0415 - as above

    config = _config(args)
    site, station_id = args.site, args.station
    if site is not None and site not in config.sites:
        return refuse(f"site {printable(site)!r} is not in hub.sites ({', '.join(config.sites)})")
    if args.kind in ("station", "auditor") and site is None:
        return refuse(f"a {args.kind} token belongs to one site: add --site")
    if args.kind == "station":
        if station_id is None or not _NAME.fullmatch(station_id):
            return refuse("a station token names its station: --station ID (letters, digits, ._-)")
    elif station_id is not None:
        return refuse("--station is only for --kind station")
    store = open_store(config.database, config.base_dir)
    try:
        token, record = new_token(args.kind, site, station_id, args.label, _now_us())
        store.add_token(record)
    finally:
        store.close()
    scope = f"site {site}" if site else "every site"
    who = f" station {station_id}" if station_id else ""
    print(
        f"token {record.token_id}: {args.kind} for {scope}{who}. It is shown this once; "
        "the hub keeps only its hash.",
        file=sys.stderr,
    )
    print(token)
    return EXIT_OK


def _token_list(args: argparse.Namespace) -> int:
    from station.hub.events import format_time_us  # noqa: PLC0415 - loaded when run
    from station.hub.storage import open_store  # noqa: PLC0415 - as above

    config = _config(args)
    store = open_store(config.database, config.base_dir)
    try:
        records = store.list_tokens()
    finally:
        store.close()
    rows = [
        {
            "token_id": r.token_id,
            "kind": r.kind,
            "site": r.site,
            "station_id": r.station_id,
            "label": r.label,
            "created": format_time_us(r.created_us),
            "revoked": format_time_us(r.revoked_us) if r.revoked_us is not None else None,
        }
        for r in records
    ]
    print_listing(
        rows,
        args.json,
        lambda row: row,
        lambda row: "  ".join(
            printable(str(row[name])) for name in _TOKEN_FIELDS if row[name] not in (None, "")
        ),
        empty="no tokens",
    )
    return EXIT_OK


def _token_revoke(args: argparse.Namespace) -> int:
    from station.hub.storage import open_store  # noqa: PLC0415 - loaded when run

    config = _config(args)
    store = open_store(config.database, config.base_dir)
    try:
        revoked = store.revoke_token(args.token_id, _now_us())
    finally:
        store.close()
    if not revoked:
        return refuse(f"no live token has the id {printable(args.token_id)!r}")
    print(f"token {args.token_id} revoked")
    return EXIT_OK


def cmd_hub_token(args: argparse.Namespace) -> int:
    actions: dict[str, Callable[[argparse.Namespace], int]] = {
        "create": _token_create,
        "list": _token_list,
        "revoke": _token_revoke,
    }
    return actions[args.token_command](args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "hub": cmd_hub,
    "hub-token": cmd_hub_token,
}
"""Sub-command name -> handler, merged into the `station` command's table."""
