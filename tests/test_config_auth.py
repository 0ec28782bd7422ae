"""Configuration and the people it trusts: PIN hashes, supervisors, lock-out, the demo roster."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.config import load_config
from station.domain.operators import Role, hash_pin, verify_pin
from station.errors import ConfigError
from tests.conftest import DEMO_CONFIG, EXAMPLE_CONFIG

MINIMAL = '[station]\nid = "D1"\nsite = "Plant"\n'
SUPERVISOR = (
    '[[operators]]\nid = "s"\nname = "S"\nbadge = "B-9"\nroles = ["supervise"]\n'
    'training = [{ course = "supply-chain-security", expires = 2030-01-01 }]\n'
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_config_is_the_example_plus_the_demo_supervisor() -> None:
    demo, example = load_config(DEMO_CONFIG), load_config(EXAMPLE_CONFIG)
    chen = demo.operator_by_badge("B-2001")
    assert chen is not None and chen.pin_hash is not None and verify_pin("2468", chen.pin_hash)
    assert Role.SUPERVISE in chen.roles
    assert [op.id for op in demo.operators if op != chen] == [op.id for op in example.operators]
    # nothing else differs, so the demo shows what the example configures
    # (the certificate register is compared by what it holds: both have none)
    same = dataclasses.replace(
        demo, path=example.path, operators=example.operators, claims=example.claims
    )
    assert same == example
    assert dataclasses.replace(demo.claims, register=None) == dataclasses.replace(
        example.claims, register=None
    )


@pytest.mark.parametrize(
    ("pin_hash", "message"),
    [
        (
            hash_pin("2468", salt="s", iterations=1000),
            "operators[0].pin_hash: 1000 PBKDF2 iterations are too few to protect a PIN "
            "(at least 100,000)",
        ),
        (
            hash_pin("2468", salt="s", iterations=99_999),
            "operators[0].pin_hash: 99999 PBKDF2 iterations are too few",
        ),
        (
            "pbkdf2_sha256$99999999999$s$" + "0" * 64,
            "operators[0].pin_hash: 99999999999 PBKDF2 iterations would make each PIN check "
            "take minutes",
        ),
        ("pbkdf2_sha256$200000$s$" + "g" * 64, "expected 'pbkdf2_sha256$<iterations>$<salt>$"),
        ("1234", "operators[0].pin_hash: expected 'pbkdf2_sha256$"),
    ],
)
def test_weak_or_malformed_pin_hashes_are_refused_at_load(
    tmp_path: Path, pin_hash: str, message: str
) -> None:
    path = write(tmp_path, MINIMAL + SUPERVISOR + f'pin_hash = "{pin_hash}"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value)
    assert str(err.value).startswith(str(path))
    assert "station hash-pin" in str(err.value)


def test_a_supervisor_needs_a_pin_hash(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"operators\[0\]\.pin_hash: a supervisor decides"):
        load_config(write(tmp_path, MINIMAL + SUPERVISOR))


def test_a_strong_pin_hash_loads(tmp_path: Path) -> None:
    stored = hash_pin("24681357", iterations=100_000)
    config = load_config(write(tmp_path, MINIMAL + SUPERVISOR + f'pin_hash = "{stored}"\n'))
    assert config.operators[0].pin_hash == stored


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[quarantine]\npin_attempts = 0\n", "quarantine.pin_attempts: expected 1 to 20, found 0"),
        ('[quarantine]\npin_attempts = "5"\n', "quarantine.pin_attempts: expected int"),
        ("[quarantine]\npin_lockout_minutes = -1\n", "quarantine.pin_lockout_minutes: expected"),
        ("[quarantine]\npin_window = 5\n", "quarantine.pin_window: unknown key; did you mean"),
    ],
)
def test_bad_lockout_settings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(write(tmp_path, MINIMAL + text))


BAD_HASHES = [
    "",
    "$$$",
    "pbkdf2_sha256$0$s$" + "0" * 64,
    "pbkdf2_sha256$-5$s$" + "0" * 64,
    "pbkdf2_sha256$" + "9" * 400 + "$s$" + "0" * 64,
    "pbkdf2_sha256$٢٠٠٠٠٠$s$" + "0" * 64,  # Arabic-Indic digits pass str.isdigit()
    "pbkdf2_sha256$200000$\udc80$" + "0" * 64,  # a lone surrogate cannot be encoded
    "pbkdf2_sha256$200000$s$" + "é" * 64,
]


@pytest.mark.parametrize("stored", BAD_HASHES)
def test_verify_pin_never_raises_on_a_bad_hash(stored: str) -> None:
    assert verify_pin("2468", stored) is False


@given(pin=st.text(max_size=20), stored=st.text(max_size=120))
def test_verify_pin_never_raises_on_any_input(pin: str, stored: str) -> None:
    assert verify_pin(pin, stored) is False


def test_a_pin_that_cannot_be_encoded_is_simply_wrong() -> None:
    stored = hash_pin("2468", iterations=100_000)
    assert verify_pin("24\udc8068", stored) is False
    assert verify_pin("2468", stored) is True
