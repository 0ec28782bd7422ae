"""The [sync] table: checked at load with the dotted key; absent means no sync; the token
is read from its file and never lands in a message, the status or the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.config import load_config
from station.errors import ConfigError
from station.services import sync
from tests.conftest import EXAMPLE_CONFIG
from tests.sync.worker.conftest import Synced
from tests.sync.worker.support import open_synced, station_config


def write(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(EXAMPLE_CONFIG.read_text() + "\n[sync]\n" + table, encoding="utf-8")
    return path


def test_a_full_table(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'hub = "https://hub.example:8400/"\ntoken_file = "secrets/dock.token"\n'
            "batch_size = 200\ninterval_s = 2\npull_interval_s = 30\ntimeout_s = 5\n"
            "backoff_max_s = 120\npull = false\n",
        )
    )
    settings = config.sync
    assert settings is not None
    assert settings.base_url == "https://hub.example:8400"
    assert settings.token_file == tmp_path / "secrets" / "dock.token"
    assert (settings.batch_size, settings.interval_s, settings.pull) == (200, 2.0, False)


def test_without_the_table_the_station_does_not_sync(tmp_path: Path) -> None:
    assert load_config(EXAMPLE_CONFIG).sync is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('hub = "ftp://x"\ntoken_file = "t"\n', "sync.hub: expected an http(s) URL"),
        ('token_file = "t"\n', "sync.hub: required key is missing"),
        ('hub = "http://h"\n', "sync.token_file: required key is missing"),
        (
            'hub = "http://h"\ntoken_file = "t"\nbatch_size = 0\n',
            "sync.batch_size: expected 1 to 10000, found 0",
        ),
        (
            'hub = "http://h"\ntoken_file = "t"\ntimeout_s = -1\n',
            "sync.timeout_s: expected 0.1 to 86400",
        ),
        (
            'hub = "http://h"\ntoken_file = "t"\nbatchsize = 5\n',
            "sync.batchsize: unknown key; did you mean 'batch_size'?",
        ),
        ('hub = "http://h"\ntoken_file = "t"\npull = "yes"\n', "sync.pull: expected bool, found"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, table))
    assert f"{tmp_path / 'station.toml'}: {message}" in str(caught.value)


def test_a_missing_or_bad_token_file_is_named_never_shown(tmp_path: Path) -> None:
    config = station_config(tmp_path / "etc", "http://127.0.0.1:9", "x")
    (tmp_path / "etc" / "station.token").unlink()
    station = open_synced(config, tmp_path / "data", demo=False)
    report = sync.sync_once(station)
    assert (
        str(report.error) == f"sync.token_file: {tmp_path / 'etc' / 'station.token'} does not exist"
    )
    (tmp_path / "etc" / "station.token").write_text("secret with spaces\x1b[2J")
    report = sync.sync_once(station)
    assert "does not hold one token" in str(report.error) and "secret" not in str(report.error)
    station.close()


def test_a_refused_token_is_reported_and_stored_nowhere(tmp_path: Path, synced: Synced) -> None:
    token = "WRONG-token-0123456789abcdef"
    config = station_config(tmp_path / "etc", synced.hub.url, token, station_id=synced.station_id)
    station = open_synced(config, tmp_path / "data")
    report = sync.sync_once(station)
    assert report.error is not None and "refused this station's token (401)" in str(report.error)
    assert sync.status(station).online is True
    station.close()
    for path in (tmp_path / "data").iterdir():
        assert token.encode() not in path.read_bytes(), path
