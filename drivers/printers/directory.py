"""Label "printer" that writes files: ``<name>.png`` and ``<name>.pdf`` into a directory.

``dir:///var/labels`` serves stations without a label printer (a shared folder an
office prints from), demos and audits. Each file is written to a temporary name
in the same directory, flushed to disk, and renamed into place, so a reader
never sees half a label, and a reprint replaces the file whole. The directory is
created when missing. ``?formats=png,pdf,zpl`` picks the files (default png and
pdf).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from drivers.urls import DeviceURL
from station.errors import DeviceError
from station.ports import PrintDocument

__all__ = ["FORMATS", "DirectoryPrinter", "open_directory_printer", "safe_file_stem"]

FORMATS = ("png", "pdf", "zpl")
_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def safe_file_stem(name: str) -> str:
    """`name` as a file-name stem: no path separators, no leading dot, nothing empty.

    >>> safe_file_stem("../lot 42/a")
    'lot_42_a'
    """
    stem = _UNSAFE.sub("_", name).strip("._")
    return stem[:120] or "label"


class DirectoryPrinter:
    """Writes each label's files into one directory."""

    def __init__(
        self,
        directory: Path | str,
        *,
        formats: tuple[str, ...] = ("png", "pdf"),
        device_id: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        unknown = [kind for kind in formats if kind not in FORMATS]
        if unknown or not formats:
            raise DeviceError(
                f"dir printer {self.directory}: formats must be some of {', '.join(FORMATS)}, "
                f"found {','.join(formats) or 'none'}"
            )
        self.formats = formats
        self.device_id = device_id or f"dir://{self.directory}"

    def paths(self, document: PrintDocument) -> list[Path]:
        """The files `send` writes for `document`."""
        stem = safe_file_stem(document.name)
        return [self.directory / f"{stem}.{kind}" for kind in self.formats]

    def send(self, document: PrintDocument) -> None:
        """Render and write every format; `DeviceError` if the directory cannot take them."""
        self._ensure_directory()
        rendered = [(path, _render(document, path.suffix[1:])) for path in self.paths(document)]
        for path, data in rendered:
            self._write_atomically(path, data)

    def probe(self) -> str:
        """``writes png, pdf to /path`` or `DeviceError` when the directory is not writable."""
        self._ensure_directory()
        if not os.access(self.directory, os.W_OK | os.X_OK):
            raise DeviceError(f"dir printer: {self.directory} is not writable by this user")
        return f"writes {', '.join(self.formats)} to {self.directory}"

    def _ensure_directory(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeviceError(
                f"dir printer: cannot create {self.directory}: {exc.strerror or exc}"
            ) from None
        if not self.directory.is_dir():
            raise DeviceError(f"dir printer: {self.directory} is not a directory")

    def _write_atomically(self, path: Path, data: bytes) -> None:
        temporary: str | None = None
        try:
            fd, temporary = tempfile.mkstemp(
                dir=self.directory, prefix=f".{path.name}.", suffix=".tmp"
            )
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
            temporary = None
            _fsync_directory(self.directory)
        except OSError as exc:
            raise DeviceError(f"dir printer: cannot write {path}: {exc.strerror or exc}") from None
        finally:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


def _render(document: PrintDocument, kind: str) -> bytes:
    if kind == "png":
        return document.png()
    if kind == "pdf":
        return document.pdf()
    return document.zpl()


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_directory_printer(url: DeviceURL) -> DirectoryPrinter:
    """The printer for ``dir:///path[?formats=png,pdf,zpl]``."""
    # From the text as written: the parsed host is lower-cased.
    path = url.text.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    if not path:
        raise DeviceError(f"{url.text!r}: no directory given (expected dir:///path/to/labels)")
    formats = tuple(
        part.strip().lower() for part in url.param("formats", "png,pdf").split(",") if part.strip()
    )
    return DirectoryPrinter(path, formats=formats, device_id=url.text)
