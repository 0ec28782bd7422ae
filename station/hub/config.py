"""The hub's configuration file, ``hub.toml``: where it listens, its database, sites, limits.

Tokens are not configured here: they live hashed in the database (``station hub-token``).
The database URL may come from ``$STATION_HUB_DATABASE`` instead, so a password never
has to sit in the file (libpq's ``~/.pgpass`` works as well). Every problem is one line
naming the file and the dotted key, like the station's own config.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from station.config.reader import TableReader
from station.errors import ConfigError
from station.sync.epcis.identifiers import valid_urn_namespace
from station.sync.epcis.settings import DEFAULT_URN_NAMESPACE

DATABASE_ENV = "STATION_HUB_DATABASE"
DEFAULT_NAMESPACE = "https://station.example/ns/epcis/"
_SITE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class HubConfig:
    """A checked ``hub.toml``."""

    path: Path
    host: str
    port: int
    database: str
    sites: tuple[str, ...]
    namespace: str = DEFAULT_NAMESPACE
    urn_namespace: str = DEFAULT_URN_NAMESPACE
    """The stations' [epcis] urn_namespace: how ``/trace?id=`` names a lot without a GTIN."""
    max_events: int = 10_000
    max_bytes: int = 50_000_000
    per_page: int = 100
    max_per_page: int = 1_000

    @property
    def base_dir(self) -> Path:
        """The directory relative database paths are resolved against."""
        return self.path.parent


def _listen(reader: TableReader, value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise reader.fail("hub.listen", f"expected HOST:PORT, found {value!r}")
    return host.strip("[]"), int(port)


def _positive(
    reader: TableReader, table: dict[str, object], key: str, name: str, default: int
) -> int:
    value = reader.get(table, key, name, int, default)
    if value < 1:
        raise reader.fail(f"{key}.{name}", f"must be at least 1, found {value}")
    return value


def load_hub_config(path: Path) -> HubConfig:
    """Read and check `path`; `ConfigError` with the file and key on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the hub config: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    reader = TableReader(path)
    root = reader.table(data, "", ("hub",))
    hub = dict(
        reader.table(
            root.get("hub", {}),
            "hub",
            ("listen", "database", "namespace", "urn_namespace", "sites", "capture", "query"),
        )
    )
    host, port = _listen(reader, reader.text(hub, "hub", "listen", "127.0.0.1:8400"))
    database = os.environ.get(DATABASE_ENV) or reader.text(hub, "hub", "database")
    if not database.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise reader.fail("hub.database", "expected sqlite:///PATH or postgresql://...")
    sites = reader.strings(hub, "hub", "sites")
    if not sites:
        raise reader.fail("hub.sites", "list at least one site")
    for i, site in enumerate(sites):
        if not _SITE.fullmatch(site):
            raise reader.fail(
                f"hub.sites[{i}]", f"expected letters, digits, '.', '_' or '-', found {site!r}"
            )
    namespace = reader.text(hub, "hub", "namespace", DEFAULT_NAMESPACE)
    if not namespace.startswith(("http://", "https://", "urn:")) or not namespace.endswith(
        ("/", "#", ":")
    ):
        raise reader.fail("hub.namespace", "expected an IRI ending in '/', '#' or ':'")
    urn_namespace = reader.text(hub, "hub", "urn_namespace", DEFAULT_URN_NAMESPACE)
    if not valid_urn_namespace(urn_namespace):
        raise reader.fail("hub.urn_namespace", "expected letters, digits and hyphens (at most 32)")
    capture = dict(reader.table(hub.get("capture", {}), "hub.capture", ("max_events", "max_bytes")))
    query = dict(reader.table(hub.get("query", {}), "hub.query", ("per_page", "max_per_page")))
    per_page = _positive(reader, query, "hub.query", "per_page", 100)
    max_per_page = _positive(reader, query, "hub.query", "max_per_page", 1_000)
    if per_page > max_per_page:
        raise reader.fail("hub.query.per_page", f"must not exceed max_per_page ({max_per_page})")
    return HubConfig(
        path=path,
        host=host,
        port=port,
        database=database,
        sites=sites,
        namespace=namespace,
        urn_namespace=urn_namespace,
        max_events=_positive(reader, capture, "hub.capture", "max_events", 10_000),
        max_bytes=_positive(reader, capture, "hub.capture", "max_bytes", 50_000_000),
        per_page=per_page,
        max_per_page=max_per_page,
    )
