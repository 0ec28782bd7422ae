"""Import hygiene: headless paths load no Textual, the domain does no I/O, names resolve here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import drivers
import labels
import station

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_DOMAIN = {
    "sqlite3",
    "socket",
    "subprocess",
    "textual",
    "rich",
    "httpx",
    "serial",
    "os",
    "pathlib",
    "time",
    "threading",
    "asyncio",
    "station.store",
    "station.tui",
    "station.workflows",
    "station.bootstrap",
    "station.config",
    "drivers",
    "labels",
}


def test_generic_top_level_packages_resolve_inside_this_repository() -> None:
    for package in (station, drivers, labels):
        assert Path(package.__file__).resolve().parent.parent == REPO, package.__file__  # type: ignore[arg-type]


def test_headless_paths_do_not_load_textual() -> None:
    code = (
        "import sys, station.cli.main, station.cli.headless, station.bootstrap,"
        " station.workflows.receiving;"
        "station.cli.main.build_parser();"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'drivers')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import sys;"
        "from station.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('numpy', 'PIL', 'biip', 'cv2', 'zxingcpp', 'textual');"
        "bad = [m for m in sys.modules if m.split('.')[0] in heavy];"
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_domain_imports_nothing_that_does_io() -> None:
    for path in sorted((REPO / "station" / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                hits = {f for f in FORBIDDEN_IN_DOMAIN if name == f or name.startswith(f + ".")}
                assert not hits, f"{path.name} imports {name}"
