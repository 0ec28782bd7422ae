"""Label "printer" that writes files: ``<name>.png`` and ``<name>.pdf`` into a directory.

``dir:///var/labels`` serves stations without a label printer (a shared folder an
office prints from), demos and audits. Files are written by `AtomicFileWriter`, so a
reader never sees half a label, and a reprint replaces the file whole. The name is
the document's name under the station's one file-name rule
(`station.domain.file_names`): lots ``A/1`` and ``A_1`` get two files. The directory
is created when missing. ``?formats=png,pdf,zpl`` picks the files (default png and
pdf).
"""

from __future__ import annotations

import os
from pathlib import Path

from drivers.files import AtomicFileWriter
from drivers.urls import DeviceURL
from station.domain.file_names import file_stem
from station.errors import DeviceError
from station.ports import PrintDocument

__all__ = ["FORMATS", "DirectoryPrinter", "open_directory_printer"]

FORMATS = ("png", "pdf", "zpl")


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
        self._files = AtomicFileWriter()

    def paths(self, document: PrintDocument) -> list[Path]:
        """The files `send` writes for `document`."""
        stem = file_stem(document.name)
        return [self.directory / f"{stem}.{kind}" for kind in self.formats]

    def send(self, document: PrintDocument) -> None:
        """Render and write every format; `DeviceError` if the directory cannot take them."""
        self._ensure_directory()
        rendered = [(path, _render(document, path.suffix[1:])) for path in self.paths(document)]
        for path, data in rendered:
            self._write(path, data)

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

    def _write(self, path: Path, data: bytes) -> None:
        try:
            self._files.write(path, data, replace=True)
        except OSError as exc:
            raise DeviceError(f"dir printer: cannot write {path}: {exc.strerror or exc}") from None


def _render(document: PrintDocument, kind: str) -> bytes:
    if kind == "png":
        return document.png()
    if kind == "pdf":
        return document.pdf()
    return document.zpl()


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
