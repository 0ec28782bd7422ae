"""Hub fixtures: one throwaway PostgreSQL for the session, hubs per test module and backend.

The core tests run on both backends (``hub`` is parametrised: sqlite, postgresql). A
hub serves a whole test module, so tests there use fresh eventIDs and EPCs. Without
PostgreSQL binaries the PostgreSQL cases skip, saying why; SQLite always runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.support import Hub, Postgres, free_port, make_tokens, pg_bin, start_hub, write_config

BACKENDS = ["sqlite", "postgresql"]
NO_POSTGRES = (
    "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl; scripts/test installs "
    "Debian's postgresql package when run as root): the PostgreSQL hub tests DID NOT RUN"
)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    bindir = pg_bin()
    if bindir is None:
        warnings.warn(NO_POSTGRES, stacklevel=1)
        pytest.skip(NO_POSTGRES)
    server = Postgres(bindir)
    server.start()
    yield server
    server.stop()


def database_url(request: pytest.FixtureRequest, backend: str, where: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{where / 'hub.db'}"
    server: Postgres = request.getfixturevalue("postgres")
    return server.new_database()


def launch(
    request: pytest.FixtureRequest, backend: str, where: Path, extra: str = ""
) -> Iterator[Hub]:
    where.mkdir(parents=True, exist_ok=True)
    config = write_config(
        where / "hub.toml", database_url(request, backend, where), free_port(), extra
    )
    hub = start_hub(config, make_tokens(config))
    yield hub
    hub.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A hub on `request.param`'s backend with the default limits, for one test module."""
    yield from launch(request, request.param, tmp_path_factory.mktemp(f"hub-{request.param}"))
