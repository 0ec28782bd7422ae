"""The atomic file writer: whole files, durable, and nothing replaced unless asked."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from drivers.files import AtomicFileWriter
from station.errors import FileConflictError


def test_writes_the_bytes_creating_the_directory_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out" / "SHP-1.json"
    assert AtomicFileWriter().write(path, b"{}\n") == path
    assert path.read_bytes() == b"{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["SHP-1.json"]


def test_an_existing_file_with_other_bytes_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "SHP-1.json"
    path.write_bytes(b"first")
    with pytest.raises(FileConflictError) as raised:
        AtomicFileWriter().write(path, b"second")
    assert str(raised.value) == f"{str(path)!r} exists already with other content: " + (
        "it is never replaced"
    )
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["SHP-1.json"]


def test_an_existing_file_with_the_same_bytes_counts_as_written(tmp_path: Path) -> None:
    path = tmp_path / "SHP-1.json"
    writer = AtomicFileWriter()
    writer.write(path, b"same")
    inode = path.stat().st_ino
    assert writer.write(path, b"same") == path
    assert path.stat().st_ino == inode and path.read_bytes() == b"same"


def test_replace_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "label.zpl"
    path.write_bytes(b"old")
    AtomicFileWriter().write(path, b"new", replace=True)
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["label.zpl"]


@pytest.mark.parametrize("exists", [False, True])
def test_a_file_system_without_hard_links_still_never_replaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exists: bool
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "SHP-1.json"
    if exists:
        path.write_bytes(b"first")
        with pytest.raises(FileConflictError):
            AtomicFileWriter().write(path, b"second")
        assert path.read_bytes() == b"first"
    else:
        AtomicFileWriter().write(path, b"second")
        assert path.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["SHP-1.json"]


def test_a_directory_that_cannot_take_the_file_raises_oserror(tmp_path: Path) -> None:
    blocker = tmp_path / "outbound"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(OSError):
        AtomicFileWriter().write(blocker / "SHP-1.json", b"{}")
