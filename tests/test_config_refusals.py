"""Configuration that passed check-config but could not work: refused (or warned) in words.

Each case names the key, the value and why, in one line; none is a traceback. The
pattern cases also show the scan path stays linear: every configured pattern is
RE2, so the worst pattern on the longest scan the station accepts takes well under
a millisecond.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from station.config import load_config
from station.domain.scanning.classify import MAX_TEXT_LENGTH, ClassifierRules, classify
from station.domain.scanning.codes import SealCode
from station.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config" / "station.example.toml"
TEXT = EXAMPLE.read_text(encoding="utf-8")


def variant(tmp_path: Path, old: str, new: str) -> Path:
    """The example config with `old` replaced by `new` (which must occur)."""
    assert old in TEXT, old
    path = tmp_path / "station.toml"
    path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    line = str(info.value)
    assert "\n" not in line and line.startswith(f"{path}: ")
    return line


SEAL = "seal = '^SL\\d{7}$'"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "inter_key_timeout_ms = 150",
            "inter_key_timeout_ms = nan",
            "scanner.inter_key_timeout_ms: nan: expected a finite number",
        ),
        (
            "inter_key_timeout_ms = 150",
            "inter_key_timeout_ms = inf",
            "scanner.inter_key_timeout_ms: inf: expected a finite number",
        ),
        (
            "burst_gap_ms = 35",
            "burst_gap_ms = -inf",
            "scanner.burst_gap_ms: -inf: expected a finite number",
        ),
        (
            'gs = "control"',
            'gs = "0"',
            "scanner.gs: '0': digits occur in every GS1 element string",
        ),
        (
            'gs_substitutes = ["~"]',
            'gs_substitutes = ["1"]',
            "codes.gs_substitutes[0]: '1': digits occur in every GS1 element string",
        ),
        (
            'gs_substitutes = ["~"]',
            'gs_substitutes = ["~", "A"]',
            "codes.gs_substitutes[1]: 'A': a character GS1 lots and serials may hold",
        ),
        (
            'command_prefix = "#"',
            'command_prefix = "B-"',
            "codes.command_prefix: 'B-' begins 'B-1001', a badge of operators[0]: that scan "
            "would be read as an unknown command",
        ),
        (
            'command_prefix = "#"',
            'command_prefix = "0"',
            "codes.command_prefix: '0' starts with a digit, as GS1 codes do",
        ),
        (
            SEAL,
            "seal = '^(a+)\\1$'",
            "codes.seal: '^(a+)\\\\1$': not a valid RE2 pattern (invalid escape sequence: \\1)",
        ),
        (
            SEAL,
            "seal = '(?=SL)SL\\d+'",
            "codes.seal: '(?=SL)SL\\\\d+': not a valid RE2 pattern (invalid perl operator: (?=)",
        ),
        (
            SEAL,
            "seal = '.*'",
            "codes.seal: '.*' matches the empty string: it matches too much",
        ),
        (
            SEAL,
            "seal = '.+'",
            "codes.seal: '.+' matches any text: every scan would be this kind",
        ),
        (
            SEAL,
            "seal = '^[A-Z]-\\d{4}$'",
            "codes.seal: '^[A-Z]-\\\\d{4}$' also matches 'B-1001', a badge of operators[0]: "
            "that scan would be read as a seal",
        ),
        (
            SEAL,
            "seal = '^(SL|SHP-)\\d+$'",
            "codes.seal: '^(SL|SHP-)\\\\d+$' also matches 'SHP-0000', a shipment example: "
            "that scan would be read as a seal",
        ),
        (
            SEAL,
            "seal = '^#[A-Z]+$'",
            "codes.seal: '^#[A-Z]+$' also matches '#CLOSE', a station command",
        ),
        (
            'resolver_host = "id.example.com"',
            'resolver_host = "id.example.com\\u001b[2J"',
            "labels.resolver_host: 'id.example.com\\x1b[2J' holds character U+001B (control) "
            "at position 15: config text must be plain",
        ),
        (
            'resolver_host = "id.example.com"',
            'resolver_host = "id.example.com/01"',
            "labels.resolver_host: expected a host name such as 'id.example.com'",
        ),
        (
            'resolver_host = "id.example.com"',
            'resolver_host = "id_example.com:99999"',
            "labels.resolver_host: expected a host name",
        ),
        (
            'print_roles = ["receive", "release"]\n',
            'print_roles = ["receive", "release"]\n[[labels.templates]]\nname = "lot-4x2in"\n'
            'width_mm = 101.6\nheight_mm = 50.8\nfields = ["product", "colour"]\n',
            "labels.templates[0].fields[1]: unknown label field 'colour' (the station fills: "
            "product, lot, quantity, produced, parents, sscc, contents, lots)",
        ),
        (
            'lot_template = "lot-100x50"\n',
            'lot_template = "pallet-100x150"\n',
            "labels.lot_template: template 'pallet-100x150' requires field 'sscc', which a "
            "lot label does not have",
        ),
        (
            'region = "CN-XJ"',
            'country = "XX"',
            "risk.rules[0].country: expected an assigned ISO 3166-1 alpha-2 code such as 'KP', "
            "found 'XX'",
        ),
        (
            'region = "CN-XJ"',
            'region = "XX-XJ"',
            "risk.rules[0].region: expected ISO 3166-2 such as 'CN-XJ'",
        ),
        (
            "completed = 2026-01-15, expires = 2028-01-15",
            "completed = 2026-01-15, expires = 2025-01-15",
            "operators[0].training[0].expires: 2025-01-15 is before the training was completed "
            "(2026-01-15)",
        ),
        (
            'scanners = ["wedge"]',
            'scanners = ["wedge", "bogus://x"]',
            "devices.scanners[1]: 'bogus://x': unknown scheme 'bogus' for scanners "
            "(known: camera, evdev, serial, wedge)",
        ),
        (
            'scanners = ["wedge"]',
            'scanners = ["serial://"]',
            "devices.scanners[0]: 'serial://': names no device",
        ),
        (
            "printers = []",
            'printers = ["zpl+tcp://:9100"]',
            "devices.printers[0]: 'zpl+tcp://:9100': names no device",
        ),
        (
            "printers = []",
            'printers = ["serial:///dev/ttyUSB0"]',
            "devices.printers[0]: 'serial:///dev/ttyUSB0': unknown scheme 'serial' for printers",
        ),
        (
            'id = "DOCK-1"',
            'id = "DOCK\\u202e1-"',
            "station.id: 'DOCK\\u202e1-' holds character U+202E (RIGHT-TO-LEFT OVERRIDE, bidi "
            "control) at position 5",
        ),
        (
            'name = "Ana Lima"',
            'name = "Ana\\u200bLima"',
            "operators[0].name: 'Ana\\u200bLima' holds character U+200B (ZERO WIDTH SPACE, "
            "zero-width) at position 4",
        ),
    ],
)
def test_config_that_cannot_work_is_refused_with_key_value_and_reason(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert message in refusal(variant(tmp_path, old, new))


def test_an_array_nested_3000_deep_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text(TEXT + "\nx = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    assert "nested too deep to read" in refusal(path)
    path.write_text(TEXT + "\n[extra]\nx = " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")
    assert "extra.x[0][0]" in refusal(path) and "nested more than 16 levels" in refusal(path)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_check_config_refuses_a_config_cut_in_half_that_leaves_no_operator(
    tmp_path: Path,
) -> None:
    half = tmp_path / "half.toml"
    half.write_text(TEXT[: TEXT.index("[[operators]]")], encoding="utf-8")
    config = load_config(half)
    assert config.operators == ()
    assert any("operators: the roster is empty" in w for w in config.warnings)
    done = cli("check-config", "--config", str(half))
    assert done.returncode == 1
    assert "OK" not in done.stdout
    assert "operators: the roster is empty: nobody can log in at this station" in done.stderr
    assert "Traceback" not in done.stderr
    deep = tmp_path / "deep.toml"
    deep.write_text(TEXT + "\nx = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    done = cli("check-config", "--config", str(deep))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "nested too deep to read" in done.stderr


def test_no_operator_with_the_required_training_is_a_login_problem(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        'required_training = "supply-chain-security"',
        'required_training = "forklift"',
    )
    done = cli("check-config", "--config", str(path))
    assert done.returncode == 1
    assert "no operator has a role and a record of the required training 'forklift'" in (
        done.stderr
    )


def test_warnings_are_printed_by_check_config_and_do_not_stop_it(tmp_path: Path) -> None:
    path = variant(tmp_path, 'badge = "B-1002"', 'badge = "OPERATOR-2"')
    path.write_text(
        path.read_text(encoding="utf-8").replace(SEAL, "seal = '^\\d{8}$'"), encoding="utf-8"
    )
    config = load_config(path)
    assert len(config.warnings) == 2
    done = cli("check-config", "--config", str(path))
    assert done.returncode == 0
    assert "OK (station DOCK-1, 3 operators, 1 risk rules, 2 warnings)" in done.stdout
    assert (
        "warning: " + str(path) + ": codes.seal: '^\\\\d{8}$' also matches '96385074', a "
        "GTIN-8: that scan would be read as a seal"
    ) in done.stderr
    assert (
        "operators[1].badge: 'OPERATOR-2' does not match codes.badge '^B-\\\\d{4}$': this "
        "operator can type the badge but not scan it"
    ) in done.stderr


def test_a_backtracking_pattern_is_matched_in_linear_time(tmp_path: Path) -> None:
    config = load_config(variant(tmp_path, SEAL, "seal = '^(a+)+$'"))
    start = time.perf_counter()
    code = classify("a" * 27 + "!", config.rules)
    assert time.perf_counter() - start < 0.05  # 4 s with Python's backtracking `re`
    assert not isinstance(code, SealCode)
    assert isinstance(classify("a" * 27, config.rules), SealCode)


def worst_pattern_time(rules: ClassifierRules, texts: list[str]) -> float:
    """The slowest configured pattern's best-of-5 full-match time over `texts`, in seconds."""
    worst = 0.0
    for pattern in rules.patterns:
        for text in texts:
            runs = []
            for _ in range(5):
                start = time.perf_counter()
                pattern.regex.fullmatch(text)
                runs.append(time.perf_counter() - start)
            worst = max(worst, min(runs))
    return worst


def test_the_longest_pattern_match_on_a_4096_character_scan_stays_under_a_millisecond(
    tmp_path: Path,
) -> None:
    hostile = [
        ("seal", "'^(a+)+$'"),
        ("shipment", "'^(SHP-)+(\\d|\\d\\d)+$'"),
        ("asn", "'^ASN-(\\w*)*-(\\d+)+$'"),
    ]
    text = TEXT
    for key, pattern in hostile:
        start = text.index(f"\n{key} = ") + 1
        end = text.index("\n", start)
        text = text[:start] + f"{key} = {pattern}" + text[end:]
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    rules = load_config(path).rules
    n = MAX_TEXT_LENGTH
    texts = [
        "a" * (n - 1) + "!",
        "SHP-" * (n // 4 - 1) + "1!",
        "ASN-" + "x" * (n - 10) + "-1234!",
        "9" * n,
        "B-" + "1" * (n - 2),
    ]
    assert all(len(t) <= n for t in texts)
    worst = worst_pattern_time(rules, texts)
    print(f"slowest configured pattern on a {n}-character scan: {worst * 1e6:.0f} us")
    assert worst < 0.001
    start = time.perf_counter()
    for t in texts:
        classify(t, rules)
    print(f"classify, five {n}-character scans: {(time.perf_counter() - start) * 1e3:.1f} ms")


@pytest.mark.parametrize("name", ["station.config.patterns", "station.config.codes"])
def test_config_rule_examples_run_as_written(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


def test_other_commands_print_the_warnings_on_stderr(tmp_path: Path) -> None:
    half = tmp_path / "half.toml"
    half.write_text(TEXT[: TEXT.index("[[operators]]")], encoding="utf-8")
    done = cli("lots", "list", "--config", str(half), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0
    assert "station: warning: " in done.stderr
    assert "operators: the roster is empty: nobody can log in at this station" in done.stderr
