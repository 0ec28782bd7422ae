"""Printer back ends against real local peers: TCP listeners, a pty, files and FIFOs, CUPS.

Nothing here mocks a socket or a port. The TCP printer talks to listener threads
on 127.0.0.1; the serial printer to the slave end of a pseudo-terminal whose
master the test reads; the file printer to files and FIFOs; the CUPS printer to
a real scheduler with a cups-pdf queue (started for the session if need be, and
skipped with the reason where CUPS or root is missing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import pwd
import re
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from drivers.printers.cups import CupsPrinter, open_cups_printer
from drivers.printers.directory import DirectoryPrinter, open_directory_printer
from drivers.printers.errors import UnconfirmedPrintError
from drivers.printers.zpl_file import ZPLFilePrinter
from drivers.printers.zpl_serial import ZPLSerialPrinter
from drivers.printers.zpl_socket import ZPLSocketPrinter, parse_host_status
from drivers.registry import open_printer
from drivers.urls import parse_device_url
from labels.content import lot_label
from labels.document import RenderedLabel
from station.errors import DeviceError

PAYLOAD = "https://id.example.com/01/09521234543213/10/L-42?11=261123"


@pytest.fixture(scope="module")
def document() -> RenderedLabel:
    label = lot_label(
        resolver="id.example.com",
        gtin="09521234543213",
        lot="L-42",
        product="Solar module",
        quantity=12,
        uom="pcs",
        produced_on=dt.date(2026, 11, 23),
        place="Dock 1",
        parent_lots=2,
    )
    assert label.qr_payload == PAYLOAD
    return RenderedLabel(label, job_id="job-42", name="lot L-42")


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(np.asarray(image.convert("L")))]


def decode_pdf(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return decode(pdf[0].render(scale=203.2 / 72).to_pil())
    finally:
        pdf.close()


# --- TCP (zpl+tcp) --------------------------------------------------------------------


@dataclass
class Listener:
    """A one-connection TCP peer on 127.0.0.1 with a chosen behaviour."""

    mode: str = "record"
    """record: read to EOF, then close. silent: accept, never read or close.
    status: answer ~HS with a canned reply. backlog: never accept."""
    reply: bytes = b""
    received: bytes = b""
    done: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        if self.mode == "backlog":
            self.release.wait(10)
            return
        connection, _ = self.server.accept()
        with connection:
            if self.mode == "record":
                while chunk := connection.recv(65536):
                    self.received += chunk
            elif self.mode == "status":
                self.received = connection.recv(1024)
                connection.sendall(self.reply)
                self.release.wait(10)
            else:
                self.release.wait(10)
        self.done.set()

    def close(self) -> None:
        self.release.set()
        self.thread.join(5)
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    peer = Listener()
    yield peer
    peer.close()


@contextlib.contextmanager
def peer(**kwargs: object) -> Iterator[Listener]:
    listener = Listener(**kwargs)  # type: ignore[arg-type]
    try:
        yield listener
    finally:
        listener.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return int(server.getsockname()[1])


def test_tcp_sends_exactly_the_zpl(listener: Listener, document: RenderedLabel) -> None:
    printer = open_printer(f"zpl+tcp://127.0.0.1:{listener.port}?timeout=2")
    assert isinstance(printer, ZPLSocketPrinter)
    printer.send(document)
    assert listener.done.wait(2)
    assert listener.received == document.zpl()
    assert printer.device_id == f"zpl+tcp://127.0.0.1:{listener.port}?timeout=2"


def test_tcp_two_jobs_are_two_connections(document: RenderedLabel) -> None:
    for _ in range(2):
        with peer() as listener:
            ZPLSocketPrinter("127.0.0.1", listener.port, timeout=2).send(document)
            assert listener.done.wait(2)
            assert listener.received == document.zpl()


def test_tcp_refused_names_host_port_and_cause(document: RenderedLabel) -> None:
    port = closed_port()
    started = time.monotonic()
    with pytest.raises(DeviceError) as caught:
        ZPLSocketPrinter("127.0.0.1", port, timeout=1).send(document)
    assert time.monotonic() - started < 2
    assert str(caught.value) == (
        f"ZPL printer 127.0.0.1:{port}: connection refused (printer off, or nothing "
        "listens on that port) while connecting"
    )
    assert not isinstance(caught.value, UnconfirmedPrintError)  # nothing sent: safe to resend


def test_tcp_peer_that_never_reads_times_out(document: RenderedLabel) -> None:
    with peer(mode="silent") as listener:
        started = time.monotonic()
        with pytest.raises(UnconfirmedPrintError) as caught:
            ZPLSocketPrinter("127.0.0.1", listener.port, timeout=0.3).send(document)
        elapsed = time.monotonic() - started
    assert 0.25 < elapsed < 2
    assert str(caught.value) == (
        f"ZPL printer 127.0.0.1:{listener.port}: no answer within 0.3 s (printer off, busy or "
        "unreachable) while waiting for the printer to take the label (the job was sent; "
        "the printer may still print it)"
    )
    assert (caught.value.sent, caught.value.total) == (len(document.zpl()), len(document.zpl()))


def test_tcp_peer_that_never_reads_blocks_a_large_job() -> None:
    # Without waiting for EOF, a job larger than the socket buffers still cannot
    # hang: sendall itself times out.
    with peer(mode="silent") as listener:
        printer = ZPLSocketPrinter("127.0.0.1", listener.port, timeout=0.3, wait_eof=False)
        started = time.monotonic()
        data = b"^XA" + b"0" * 64_000_000 + b"^XZ"
        with pytest.raises(UnconfirmedPrintError) as caught:
            printer.write(data)
        assert time.monotonic() - started < 2
    assert re.fullmatch(
        rf"ZPL printer 127\.0\.0\.1:{listener.port}: no answer within 0\.3 s \(printer off, "
        r"busy or unreachable\) while sending the label \(after \d+ of 64000006 bytes; the "
        r"printer may print them\)",
        str(caught.value),
    )
    assert caught.value.sent is not None
    assert 0 < caught.value.sent < len(data)


def test_tcp_peer_that_never_accepts_times_out(document: RenderedLabel) -> None:
    with peer(mode="backlog") as listener:
        started = time.monotonic()
        with pytest.raises(DeviceError, match=r"no answer within 0\.3 s"):
            ZPLSocketPrinter("127.0.0.1", listener.port, timeout=0.3).send(document)
        assert time.monotonic() - started < 2


def test_tcp_unknown_host() -> None:
    with pytest.raises(DeviceError, match=r"ZPL printer no-such-host\.invalid:9100: unknown host"):
        ZPLSocketPrinter("no-such-host.invalid", timeout=1).probe()


HOST_STATUS = (
    b"\x02030,1,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
    b"\x02001,0,1,0,1,2,6,0,00000000,1,000\x03\r\n"
    b"\x021234,0\x03\r\n"
)


def test_tcp_probe_reports_host_status() -> None:
    with peer(mode="status", reply=HOST_STATUS) as listener:
        status = ZPLSocketPrinter("127.0.0.1", listener.port, timeout=1).probe()
        assert listener.received == b"~HS\r\n"
    assert status == f"paper out, head open at 127.0.0.1:{listener.port}"


def test_tcp_probe_without_a_status_reply() -> None:
    with peer(mode="silent") as listener:
        started = time.monotonic()
        status = ZPLSocketPrinter("127.0.0.1", listener.port, timeout=0.3).probe()
        assert time.monotonic() - started < 2
    assert status == f"reachable at 127.0.0.1:{listener.port} (no status reply)"


def test_tcp_probe_refused() -> None:
    with pytest.raises(DeviceError, match="connection refused"):
        ZPLSocketPrinter("127.0.0.1", closed_port(), timeout=1).probe()


def test_host_status_ready_and_garbage() -> None:
    ready = HOST_STATUS.replace(b"030,1,0", b"030,0,0").replace(b"001,0,1", b"001,0,0")
    assert parse_host_status(ready) == "ready"
    assert parse_host_status(b"garbage") is None


def test_tcp_url_defaults() -> None:
    printer = open_printer("zpl+tcp://printer.local")
    assert isinstance(printer, ZPLSocketPrinter)
    assert (printer.host, printer.port, printer.timeout, printer.wait_eof) == (
        "printer.local",
        9100,
        10.0,
        True,
    )
    printer = open_printer("zpl+tcp://[::1]:6101?waiteof=0&timeout=2.5")
    assert isinstance(printer, ZPLSocketPrinter)
    assert (printer.address, printer.timeout, printer.wait_eof) == ("[::1]:6101", 2.5, False)


def test_tcp_bad_timeout_names_the_url() -> None:
    with pytest.raises(
        DeviceError, match=r"zpl\+tcp://p:9100\?timeout=x: timeout='x' is not a number"
    ):
        open_printer("zpl+tcp://p:9100?timeout=x")


# --- serial (zpl+serial) ----------------------------------------------------------------


def test_serial_writes_exact_bytes_to_a_pty(document: RenderedLabel) -> None:
    master, slave = os.openpty()
    try:
        name = os.ttyname(slave)
        received = bytearray()
        expected = document.zpl()

        def read() -> None:
            deadline = time.monotonic() + 5
            while len(received) < len(expected) and time.monotonic() < deadline:
                received.extend(os.read(master, 65536))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        printer = open_printer(f"zpl+serial://{name}?baud=115200&timeout=2")
        assert isinstance(printer, ZPLSerialPrinter)
        printer.send(document)
        reader.join(5)
        assert bytes(received) == expected
        assert printer.probe() == f"{name} open at 115200 baud"
    finally:
        os.close(slave)
        os.close(master)


def test_serial_missing_port(document: RenderedLabel) -> None:
    with pytest.raises(DeviceError) as caught:
        ZPLSerialPrinter("/dev/ttyNOPE9", timeout=1).send(document)
    assert str(caught.value).startswith("ZPL printer on /dev/ttyNOPE9: cannot open the port: ")
    with pytest.raises(DeviceError, match="cannot open the port"):
        ZPLSerialPrinter("/dev/ttyNOPE9").probe()


# --- device file (zpl+file) ---------------------------------------------------------------


def test_file_appends_exact_bytes(tmp_path: Path, document: RenderedLabel) -> None:
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    printer = open_printer(f"zpl+file://{device}")
    assert isinstance(printer, ZPLFilePrinter)
    printer.send(document)
    printer.send(document)
    assert device.read_bytes() == document.zpl() * 2
    assert printer.probe() == f"file {device} writable"


def test_file_missing_device_is_not_created(tmp_path: Path, document: RenderedLabel) -> None:
    device = tmp_path / "usb" / "lp0"
    printer = ZPLFilePrinter(str(device))
    with pytest.raises(DeviceError) as caught:
        printer.send(document)
    assert str(caught.value) == f"ZPL printer {device} does not exist (printer unplugged or off?)"
    assert not device.exists()
    with pytest.raises(DeviceError, match="does not exist"):
        printer.probe()


def test_file_directory_is_not_a_device(tmp_path: Path, document: RenderedLabel) -> None:
    with pytest.raises(DeviceError, match="cannot be opened: Is a directory"):
        ZPLFilePrinter(str(tmp_path)).send(document)


def test_file_fifo_without_reader(tmp_path: Path, document: RenderedLabel) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    with pytest.raises(DeviceError) as caught:
        ZPLFilePrinter(str(fifo)).send(document)
    assert (
        str(caught.value)
        == f"ZPL printer {fifo} has no device behind it (printer unplugged or off?)"
    )


def test_file_fifo_that_is_never_read_times_out(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # opened, never read: a stalled printer
    try:
        started = time.monotonic()
        with pytest.raises(UnconfirmedPrintError) as caught:
            ZPLFilePrinter(str(fifo), timeout=0.3).write(b"0" * 4_000_000)
        assert 0.25 < time.monotonic() - started < 2
    finally:
        os.close(reader)
    assert re.fullmatch(
        rf"ZPL printer {re.escape(str(fifo))}: the device took \d+ of 4000000 bytes and then "
        r"nothing for 0\.3 s \(printer off or jammed\?\)",
        str(caught.value),
    )
    assert caught.value.total == 4_000_000


def test_file_fifo_with_a_reader_gets_everything(tmp_path: Path, document: RenderedLabel) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    data = document.zpl() * 40  # more than a pipe buffer: the printer must wait for the reader
    received = bytearray()
    opened = threading.Event()

    def read() -> None:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        opened.set()
        try:
            deadline = time.monotonic() + 5
            while len(received) < len(data) and time.monotonic() < deadline:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    time.sleep(0.001)
                    continue
                received.extend(chunk)
                time.sleep(0.001)
        finally:
            os.close(fd)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    assert opened.wait(2)
    ZPLFilePrinter(str(fifo), timeout=2).write(data)
    thread.join(5)
    assert bytes(received) == data


# --- directory (dir://) -----------------------------------------------------------------


def test_directory_writes_png_and_pdf_that_decode(tmp_path: Path, document: RenderedLabel) -> None:
    target = tmp_path / "labels" / "dock-1"
    printer = open_printer(f"dir://{target}")
    assert isinstance(printer, DirectoryPrinter)
    printer.send(document)
    assert sorted(p.name for p in target.iterdir()) == ["lot%20L-42.pdf", "lot%20L-42.png"]
    png = target / "lot%20L-42.png"
    assert png.read_bytes() == document.png()
    assert decode(Image.open(io.BytesIO(png.read_bytes()))) == [PAYLOAD]
    assert decode_pdf((target / "lot%20L-42.pdf").read_bytes()) == [PAYLOAD]
    assert printer.probe() == f"writes png, pdf to {target}"


def test_directory_reprint_replaces_files_whole(tmp_path: Path, document: RenderedLabel) -> None:
    printer = DirectoryPrinter(tmp_path, formats=("png", "pdf", "zpl"))
    (tmp_path / "lot%20L-42.zpl").write_bytes(b"old")
    printer.send(document)
    printer.send(document)
    assert (tmp_path / "lot%20L-42.zpl").read_bytes() == document.zpl()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "lot%20L-42.pdf",
        "lot%20L-42.png",
        "lot%20L-42.zpl",
    ]  # no temporary files left behind


def test_directory_formats_parameter(tmp_path: Path) -> None:
    printer = open_directory_printer(parse_device_url(f"dir://{tmp_path}?formats=zpl"))
    assert printer.formats == ("zpl",)
    with pytest.raises(DeviceError, match="formats must be some of png, pdf, zpl, found gif"):
        open_directory_printer(parse_device_url(f"dir://{tmp_path}?formats=gif"))


def test_directory_that_is_a_file(tmp_path: Path, document: RenderedLabel) -> None:
    blocker = tmp_path / "labels"
    blocker.write_text("not a directory")
    with pytest.raises(DeviceError, match=f"dir printer: cannot create {blocker}"):
        DirectoryPrinter(blocker).send(document)


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("lot L-42", "lot%20L-42"),
        ("../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd"),
        ("...", "%2E.."),
        ("a/b", "a%2Fb"),
        ("a_b", "a_b"),
    ],
)
def test_directory_file_names_keep_every_name_apart(
    tmp_path: Path, document: RenderedLabel, name: str, stem: str
) -> None:
    printer = DirectoryPrinter(tmp_path / "labels", formats=("zpl",))
    named = RenderedLabel(document.content, job_id="job-1", name=name)
    printer.send(named)
    assert printer.paths(named) == [tmp_path / "labels" / f"{stem}.zpl"]
    assert [p.name for p in (tmp_path / "labels").iterdir()] == [f"{stem}.zpl"]


def test_directory_lots_a_slash_1_and_a_underscore_1_get_two_files(
    tmp_path: Path, document: RenderedLabel
) -> None:
    printer = DirectoryPrinter(tmp_path, formats=("zpl",))
    for name in ("A/1", "A_1"):
        printer.send(RenderedLabel(document.content, job_id=name, name=name))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A%2F1.zpl", "A_1.zpl"]


# --- CUPS (cups://) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CupsQueue:
    name: str
    output: Path


QUEUE = "StationPDF"
PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"


def _scheduler_running() -> bool:
    result = subprocess.run(
        ["lpstat", "-r"], capture_output=True, text=True, timeout=10, check=False
    )
    return result.returncode == 0 and "not running" not in result.stdout


def _cups_pdf_output() -> Path:
    home = pwd.getpwuid(os.getuid()).pw_dir
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.is_file():
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[0] == "Out":
                out = parts[1].strip()
    return Path(out.replace("${HOME}", home))


@pytest.fixture(scope="session")
def cups_queue() -> Iterator[CupsQueue]:
    """A cups-pdf queue on a running scheduler; cupsd is started (and stopped) if need be."""
    missing = [tool for tool in ("cupsd", "lpadmin", "lp", "lpstat") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"CUPS is not installed (no {', '.join(missing)}): apt-get install cups")
    if not Path("/usr/lib/cups/backend/cups-pdf").exists():
        pytest.skip("cups-pdf is not installed: apt-get install printer-driver-cups-pdf")
    started: subprocess.Popen[bytes] | None = None
    if not _scheduler_running():
        if os.geteuid() != 0:
            pytest.skip("the CUPS scheduler is not running and starting it needs root")
        started = subprocess.Popen(
            ["cupsd", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while not _scheduler_running():
            if started.poll() is not None or time.monotonic() > deadline:
                started.kill()
                pytest.skip("cupsd did not start")
            time.sleep(0.1)
    try:
        queues = subprocess.run(
            ["lpstat", "-p", QUEUE], capture_output=True, text=True, timeout=10, check=False
        )
        if queues.returncode != 0 or "disabled" in queues.stdout:
            if os.geteuid() != 0:
                pytest.skip(f"no CUPS queue {QUEUE} and adding one needs root")
            added = subprocess.run(
                ["lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-m", PPD],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            if added.returncode != 0:
                pytest.skip(f"cannot add the cups-pdf queue: {added.stderr.strip()}")
        yield CupsQueue(QUEUE, _cups_pdf_output())
    finally:
        if started is not None:
            started.terminate()
            try:
                started.wait(10)
            except subprocess.TimeoutExpired:
                started.kill()


def _wait_for_pdf(directory: Path, title: str, timeout: float = 15) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if directory.is_dir():
            for path in directory.glob(f"{title}*.pdf"):
                # cups-pdf writes in place; wait until the size stops changing.
                size = path.stat().st_size
                time.sleep(0.2)
                if size and path.stat().st_size == size:
                    return path
        time.sleep(0.1)
    raise AssertionError(f"no PDF titled {title} appeared in {directory} within {timeout} s")


def test_cups_prints_a_pdf_that_decodes(cups_queue: CupsQueue) -> None:
    title = f"station-test-{uuid.uuid4().hex[:12]}"
    label = RenderedLabel(
        lot_label(
            resolver="id.example.com",
            gtin="09521234543213",
            lot="L-42",
            product="Solar module",
            quantity=12,
            uom="pcs",
            produced_on=dt.date(2026, 11, 23),
            place="Dock 1",
            parent_lots=2,
        ),
        job_id=title,
        name=title,
    )
    printer = open_printer(f"cups://{cups_queue.name}?timeout=20")
    assert isinstance(printer, CupsPrinter)
    assert printer.queue == cups_queue.name  # case kept, unlike the parsed host
    printer.send(label)
    assert printer.last_request_id is not None
    assert printer.last_request_id.startswith(f"{cups_queue.name}-")
    path = _wait_for_pdf(cups_queue.output, title)
    try:
        assert decode_pdf(path.read_bytes()) == [PAYLOAD]
    finally:
        path.unlink(missing_ok=True)


def test_cups_probe(cups_queue: CupsQueue) -> None:
    status = CupsPrinter(cups_queue.name, timeout=10).probe()
    assert status.startswith(f"printer {cups_queue.name} is ")


def test_cups_unknown_queue(cups_queue: CupsQueue, document: RenderedLabel) -> None:
    printer = CupsPrinter("NoSuchQueue", timeout=10)
    with pytest.raises(DeviceError) as caught:
        printer.send(document)
    assert str(caught.value).startswith("CUPS queue NoSuchQueue: cannot print: lp: ")
    with pytest.raises(DeviceError, match="CUPS queue NoSuchQueue: cannot query: lpstat: "):
        printer.probe()


def test_cups_without_lp(monkeypatch: pytest.MonkeyPatch, document: RenderedLabel) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DeviceError) as caught:
        CupsPrinter("LABELS").send(document)
    assert str(caught.value) == (
        "CUPS queue LABELS: 'lp' not found (install the CUPS client, e.g. the cups-client package)"
    )


def test_cups_url_forms() -> None:
    local = open_cups_printer(parse_device_url("cups://Labels?media=Custom.100x50mm&timeout=5"))
    assert (local.queue, local.server, local.options, local.timeout) == (
        "Labels",
        None,
        {"media": "Custom.100x50mm"},
        5.0,
    )
    remote = open_cups_printer(parse_device_url("cups://print.example.com:631/Dock1"))
    assert (remote.queue, remote.server) == ("Dock1", "print.example.com:631")
    with pytest.raises(DeviceError, match="is not a CUPS queue name"):
        open_cups_printer(parse_device_url("cups://"))


# --- registry --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("zpl+tcp://10.0.0.7:9100", ZPLSocketPrinter),
        ("zpl+serial:///dev/ttyUSB0?baud=9600", ZPLSerialPrinter),
        ("zpl+file:///dev/usb/lp0", ZPLFilePrinter),
        ("cups://LABELS", CupsPrinter),
        ("dir:///tmp/station-labels", DirectoryPrinter),
    ],
)
def test_registry_opens_every_scheme_without_touching_the_device(url: str, kind: type) -> None:
    printer = open_printer(url)
    assert isinstance(printer, kind)
    assert printer.device_id == url
