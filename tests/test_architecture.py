"""The layout holds: layers and purity (import-linter contracts), no import cycles, small modules.

The contracts live in pyproject.toml; `make lint` runs them too. Cycles are counted on the full
import graph that grimp builds, which includes imports made inside functions.
"""

from __future__ import annotations

import graphlib
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 600


def test_import_contracts_are_kept() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_import_cycle_among_modules() -> None:
    graph = grimp.build_graph("bot", "flows", cache_dir=None)
    ours = {m for m in graph.modules if m.split(".")[0] in {"bot", "flows"}}
    imports = {m: graph.find_modules_directly_imported_by(m) & ours for m in ours}
    try:
        graphlib.TopologicalSorter(imports).prepare()
    except graphlib.CycleError as cycle:
        raise AssertionError(f"import cycle: {' -> '.join(cycle.args[1])}") from None


def test_no_module_is_over_the_size_limit() -> None:
    product = [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("flows").rglob("*.py")]
    large = {
        str(path.relative_to(ROOT)): lines
        for path in product
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert large == {}


def test_the_contracts_ignore_no_import() -> None:
    contracts = tomllib.loads(ROOT.joinpath("pyproject.toml").read_text())["tool"]["importlinter"]
    assert [c["name"] for c in contracts["contracts"] if c.get("ignore_imports")] == []
