"""Serial scanners against real pseudo-terminals: scans, suffixes, unplug and replug, failures.

The scanner reads the slave side of a pty (or a socat pty link, which can be
made to vanish and come back like a USB scanner being unplugged); the test
plays the scanner by writing on the other side. No mocked serial port.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import subprocess
import threading
import time
import tty
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.registry import open_scanner
from drivers.serial_scanner import (
    SerialPort,
    SerialScanner,
    open_pyserial_port,
    open_serial_scanner,
)
from drivers.urls import parse_device_url
from station.domain.scanning.scan import Scan
from station.errors import DeviceError
from station.ports import DeviceState, DeviceStatus
from tests.drivers.polling import WAIT_S, wait_for


class Recorder:
    """Collects what a scanner reports, from its thread."""

    def __init__(self) -> None:
        self.scans: queue.Queue[Scan] = queue.Queue()
        self.statuses: list[DeviceStatus] = []
        self.threads: set[str] = set()

    def on_scan(self, scan: Scan) -> None:
        self.threads.add(threading.current_thread().name)
        self.scans.put(scan)

    def on_status(self, status: DeviceStatus) -> None:
        self.threads.add(threading.current_thread().name)
        self.statuses.append(status)

    def next_scan(self, timeout: float = WAIT_S) -> Scan:
        try:
            return self.scans.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no scan within {timeout} s") from None

    def states(self) -> list[DeviceState]:
        return [status.state for status in self.statuses]


@pytest.fixture
def scanners() -> Iterator[Callable[[str], tuple[SerialScanner, Recorder]]]:
    """Open and start scanners by URL; stop every one after the test."""
    started: list[SerialScanner] = []

    def start(url: str) -> tuple[SerialScanner, Recorder]:
        scanner = open_serial_scanner(parse_device_url(url))
        recorder = Recorder()
        scanner.start(recorder.on_scan, recorder.on_status)
        started.append(scanner)
        return scanner, recorder

    yield start
    for scanner in started:
        scanner.stop()


@pytest.fixture
def pty_port() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal: (master fd the test writes to, slave path the scanner opens)."""
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        yield master, os.ttyname(slave)
    finally:
        for fd in (master, slave):
            with contextlib.suppress(OSError):
                os.close(fd)


def connected(scanner: SerialScanner) -> Callable[[], bool]:
    return lambda: scanner.status().state is DeviceState.CONNECTED


# -- scans over a pty -------------------------------------------------------------


def test_scans_arrive_with_exact_text_and_gs_bytes(
    pty_port: tuple[int, str], scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    master, path = pty_port
    scanner, recorder = scanners(f"serial://{path}")
    wait_for(connected(scanner), "the port to open")

    os.write(master, b"0100614141999996\x1d10LOT-42\x1d21SER9\r")
    os.write(master, b"(00)006141411234567890\r")
    first, second = recorder.next_scan(), recorder.next_scan()

    assert first.text == "0100614141999996\x1d10LOT-42\x1d21SER9"
    assert first.device == f"serial://{path}"
    assert first.symbology is None
    assert first.monotonic_ns > 0
    assert second.text == "(00)006141411234567890"
    assert recorder.threads == {f"scanner serial://{path}"}
    status = scanner.status()
    assert status.state is DeviceState.CONNECTED
    assert status.detail == f"{path} at 9600 baud"
    assert status.scans == 2
    assert status.last_scan_at is not None
    assert status.last_scan_at <= time.monotonic()


@pytest.mark.parametrize(
    ("query", "end"),
    [
        ("suffix=CR", b"\r"),
        ("suffix=LF", b"\n"),
        ("suffix=crlf", b"\r\n"),
        ("suffix=TAB", b"\t"),
        ("suffix=EOT", b"\x04"),
        ("suffix=none&gap_ms=30", b""),
    ],
)
def test_each_suffix_over_a_real_pty(
    query: str,
    end: bytes,
    pty_port: tuple[int, str],
    scanners: Callable[[str], tuple[SerialScanner, Recorder]],
) -> None:
    master, path = pty_port
    scanner, recorder = scanners(f"serial://{path}?{query}&baud=115200")
    wait_for(connected(scanner), "the port to open")

    os.write(master, b"ONE\x1dX" + end)
    assert recorder.next_scan().text == "ONE\x1dX"
    os.write(master, b"TWO" + end)
    assert recorder.next_scan().text == "TWO"
    assert scanner.status().detail == f"{path} at 115200 baud"


def test_a_scan_written_in_pieces_is_one_scan(
    pty_port: tuple[int, str], scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    master, path = pty_port
    scanner, recorder = scanners(f"serial://{path}")
    wait_for(connected(scanner), "the port to open")

    for piece in (b"0100", b"6141419", b"99996\r"):
        os.write(master, piece)
        time.sleep(0.02)
    assert recorder.next_scan().text == "0100614141999996"
    assert recorder.scans.empty()


def test_aim_prefix_and_encoding_from_the_url(
    pty_port: tuple[int, str], scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    master, path = pty_port
    scanner, recorder = scanners(f"serial://{path}?aim=1&encoding=utf-8")
    wait_for(connected(scanner), "the port to open")

    os.write(master, b"]C10100614141999996\x1d10LOT\r" + "]Q3Müller\r".encode())
    gs1, qr = recorder.next_scan(), recorder.next_scan()
    assert (gs1.symbology, gs1.text) == ("]C1", "0100614141999996\x1d10LOT")
    assert (qr.symbology, qr.text) == ("]Q3", "Müller")


def test_stop_is_prompt_and_reported(
    pty_port: tuple[int, str], scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    _, path = pty_port
    scanner, recorder = scanners(f"serial://{path}")
    wait_for(connected(scanner), "the port to open")

    began = time.monotonic()
    scanner.stop()
    assert time.monotonic() - began < 1.0
    assert scanner.status().state is DeviceState.STOPPED
    assert recorder.states() == [
        DeviceState.CONNECTING,
        DeviceState.CONNECTED,
        DeviceState.STOPPED,
    ]
    scanner.stop()  # a second stop is harmless


def test_the_port_is_released_on_stop(
    pty_port: tuple[int, str], scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    _, path = pty_port
    first, _ = scanners(f"serial://{path}")
    wait_for(connected(first), "the port to open")
    first.stop()
    second, _ = scanners(f"serial://{path}")
    wait_for(connected(second), "the port to open again")


def test_a_pty_that_goes_away_is_reported_as_reconnecting(
    pty_port: tuple[int, str], scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    master, path = pty_port
    scanner, recorder = scanners(f"serial://{path}?reconnect_max_s=0.2")
    wait_for(connected(scanner), "the port to open")

    os.write(master, b"LAST-BEFORE-UNPLUG\r")
    assert recorder.next_scan().text == "LAST-BEFORE-UNPLUG"
    os.close(master)
    wait_for(lambda: scanner.status().state is DeviceState.RECONNECTING, "RECONNECTING")
    assert scanner.status().detail.startswith("disconnected: ")
    assert scanner.status().scans == 1


# -- unplug and replug, with socat -----------------------------------------------------


class SocatLink:
    """A pty pair made by socat: the scanner opens ``ttyScanner``, the test writes ``ttyHost``."""

    def __init__(self, directory: Path) -> None:
        socat = shutil.which("socat")
        if socat is None:
            pytest.skip("socat is not installed (apt-get install socat)")
        self.socat = socat
        self.scanner_side = directory / "ttyScanner"
        self.host_side = directory / "ttyHost"
        self.log = directory / "socat.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.host: int | None = None

    def plug(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    self.socat,
                    "-d",
                    "-d",
                    f"pty,raw,echo=0,link={self.scanner_side}",
                    f"pty,raw,echo=0,link={self.host_side}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        wait_for(
            lambda: self.scanner_side.exists() and self.host_side.exists(), "socat's pty links"
        )
        # Held open for socat's lifetime: closing the last fd of a pty side can end socat.
        self.host = os.open(self.host_side, os.O_WRONLY | os.O_NOCTTY)

    def unplug(self) -> None:
        if self.host is not None:
            with contextlib.suppress(OSError):
                os.close(self.host)
            self.host = None
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=WAIT_S)
            self.process = None

    def write(self, data: bytes) -> None:
        assert self.host is not None
        os.write(self.host, data)


@pytest.fixture
def socat_link(tmp_path: Path) -> Iterator[SocatLink]:
    link = SocatLink(tmp_path)
    try:
        yield link
    finally:
        link.unplug()


def test_unplug_and_replug_with_socat(
    socat_link: SocatLink, scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    socat_link.plug()
    scanner, recorder = scanners(f"serial://{socat_link.scanner_side}?reconnect_max_s=0.2")
    wait_for(connected(scanner), "the port to open")
    socat_link.write(b"BEFORE\x1dUNPLUG\r")
    assert recorder.next_scan().text == "BEFORE\x1dUNPLUG"

    socat_link.unplug()
    wait_for(lambda: scanner.status().state is DeviceState.RECONNECTING, "RECONNECTING")
    assert not socat_link.scanner_side.exists(), "socat removes its links when it ends"
    wait_for(
        lambda: "No such file or directory" in scanner.status().detail,
        "a failed reopen to be reported",
    )
    assert scanner.status().detail.startswith("cannot open: ")

    socat_link.plug()
    wait_for(connected(scanner), "CONNECTED again after the replug")
    socat_link.write(b"AFTER\x1dREPLUG\r")
    assert recorder.next_scan().text == "AFTER\x1dREPLUG"

    states = recorder.states()
    assert states[:2] == [DeviceState.CONNECTING, DeviceState.CONNECTED]
    assert DeviceState.RECONNECTING in states
    assert states[-1] is DeviceState.CONNECTED
    assert scanner.status().scans == 2


# -- failures that must not escape ------------------------------------------------------


def test_a_port_that_never_exists_keeps_reconnecting_and_stops_promptly(tmp_path: Path) -> None:
    missing = tmp_path / "ttyACM9"
    url = parse_device_url(f"serial://{missing}?reconnect_max_s=0.05")
    attempts: list[str] = []

    def open_port(path: str, baud: int, timeout: float) -> SerialPort:
        attempts.append(path)
        return open_pyserial_port(path, baud, timeout)

    scanner = open_serial_scanner(url, open_port=open_port)
    recorder = Recorder()
    scanner.start(recorder.on_scan, recorder.on_status)
    try:
        wait_for(lambda: len(attempts) >= 5, "five attempts to open the port")
        status = scanner.status()
        assert status.state is DeviceState.RECONNECTING
        assert status.detail.startswith("cannot open: ")
        assert str(missing) in status.detail
        assert "No such file or directory" in status.detail
        assert status.detail.endswith("next try in 0.05 s")
        # Each identical failure is not posted again: no flood of status messages.
        assert recorder.states() == [DeviceState.CONNECTING, DeviceState.RECONNECTING]
    finally:
        began = time.monotonic()
        scanner.stop()
        assert time.monotonic() - began < 1.0
    assert scanner.status().state is DeviceState.STOPPED
    assert set(attempts) == {str(missing)}


def test_backoff_doubles_up_to_the_maximum(
    tmp_path: Path, scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    scanner, recorder = scanners(f"serial://{tmp_path}/nothing?reconnect_max_s=0.5")
    wait_for(lambda: "next try in 0.5 s" in scanner.status().detail, "the maximum wait")
    waits = [
        s.detail.rsplit("next try in ", 1)[1] for s in recorder.statuses if "next try" in s.detail
    ]
    assert waits[:3] == ["0.2 s", "0.4 s", "0.5 s"]


def test_a_callback_that_raises_does_not_kill_the_thread(
    pty_port: tuple[int, str], scanners: Callable[[str], tuple[SerialScanner, Recorder]]
) -> None:
    master, path = pty_port
    scanner = open_serial_scanner(parse_device_url(f"serial://{path}"))
    handled: queue.Queue[str] = queue.Queue()

    def on_scan(scan: Scan) -> None:
        if scan.text == "POISON":
            raise ValueError("workflow bug")
        handled.put(scan.text)

    def on_status(status: DeviceStatus) -> None:
        raise RuntimeError("status sink bug")

    scanner.start(on_scan, on_status)
    try:
        wait_for(connected(scanner), "the port to open")
        os.write(master, b"POISON\r")
        wait_for(lambda: "workflow bug" in scanner.status().detail, "the failure in the status")
        assert scanner.status().detail == (
            "on_scan failed: ValueError('workflow bug'); the scan was not handled"
        )
        assert scanner.status().state is DeviceState.CONNECTED
        os.write(master, b"FINE\r")
        assert handled.get(timeout=WAIT_S) == "FINE"
        assert scanner.status().scans == 2
    finally:
        scanner.stop()
    assert scanner.status().state is DeviceState.STOPPED


def test_stop_before_start_and_start_twice_are_harmless(pty_port: tuple[int, str]) -> None:
    _, path = pty_port
    scanner = open_serial_scanner(parse_device_url(f"serial://{path}"))
    assert scanner.status().state is DeviceState.STOPPED
    scanner.stop()
    recorder = Recorder()
    scanner.start(recorder.on_scan, recorder.on_status)
    scanner.start(recorder.on_scan, recorder.on_status)
    try:
        wait_for(connected(scanner), "the port to open")
        assert recorder.states().count(DeviceState.CONNECTED) == 1
    finally:
        scanner.stop()


# -- URLs ----------------------------------------------------------------------------------


def test_the_registry_opens_serial_urls() -> None:
    scanner = open_scanner("serial:///dev/ttyACM0?baud=19200&suffix=CRLF")
    assert isinstance(scanner, SerialScanner)
    assert scanner.device_id == "serial:///dev/ttyACM0?baud=19200&suffix=CRLF"
    assert scanner.settings.path == "/dev/ttyACM0"
    assert scanner.settings.baud == 19200
    assert scanner.settings.framing.suffix.value == "CRLF"
    assert scanner.settings.framing.device == scanner.device_id


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "serial:///dev/ttyACM0?baud=fast",
            "serial:///dev/ttyACM0?baud=fast: baud='fast' is not a whole number",
        ),
        (
            "serial:///dev/ttyACM0?baud=0",
            "serial:///dev/ttyACM0?baud=0: baud=0: expected a positive number of bits per second",
        ),
        (
            "serial:///dev/ttyACM0?suffix=ETX",
            "serial:///dev/ttyACM0?suffix=ETX: suffix='ETX': expected one of CR, LF, CRLF, TAB, EOT, none",
        ),
        (
            "serial:///dev/ttyACM0?gap_ms=soon",
            "serial:///dev/ttyACM0?gap_ms=soon: gap_ms='soon' is not a number",
        ),
        (
            "serial:///dev/ttyACM0?suffix=none&gap_ms=0",
            "serial:///dev/ttyACM0?suffix=none&gap_ms=0: gap_ms=0: with suffix=none the gap is what ends a scan; expected > 0",
        ),
        (
            "serial:///dev/ttyACM0?aim=maybe",
            "serial:///dev/ttyACM0?aim=maybe: aim='maybe': expected 0 or 1",
        ),
        (
            "serial:///dev/ttyACM0?encoding=utf-16",
            "serial:///dev/ttyACM0?encoding=utf-16: encoding='utf-16': expected an ASCII-compatible "
            "encoding (latin-1, utf-8, cp1252, ...), found one that encodes ASCII differently",
        ),
        (
            "serial:///dev/ttyACM0?encoding=klingon",
            "serial:///dev/ttyACM0?encoding=klingon: encoding='klingon': not a known text encoding",
        ),
        (
            "serial:///dev/ttyACM0?reconnect_max_s=0",
            "serial:///dev/ttyACM0?reconnect_max_s=0: reconnect_max_s='0': expected a positive number of seconds",
        ),
        (
            "serial:///dev/ttyACM0?baudrate=9600",
            "serial:///dev/ttyACM0?baudrate=9600: unknown parameter 'baudrate' "
            "(known: baud, suffix, gap_ms, aim, encoding, reconnect_max_s)",
        ),
        (
            "serial://dev/ttyACM0",
            "serial://dev/ttyACM0: expected an absolute device path after serial:// "
            "(serial:///dev/ttyACM0, three slashes), found host 'dev'",
        ),
        ("serial://", "serial://: expected a device path, e.g. serial:///dev/ttyACM0"),
    ],
)
def test_bad_urls_are_refused_at_open_naming_url_and_parameter(url: str, message: str) -> None:
    with pytest.raises(DeviceError) as info:
        open_serial_scanner(parse_device_url(url))
    assert str(info.value) == message
