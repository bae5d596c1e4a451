"""The conversation stays pure: what it imports, and that its modules form no cycle.

Imports are read from the source, all of them: at the top, inside functions, and under
`TYPE_CHECKING`, so a cycle cannot hide in a function.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "argon2", "pydantic", "pydantic_settings", "fastapi", "telegram", "twilio")
# Which packages of bot/ each layer may import (besides the standard library and third parties).
ALLOWED = {
    "bot.conversation": ("bot.conversation", "bot.core"),
    "bot.core": ("bot.core",),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, wherever the import statement is."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _modules(package: str) -> dict[str, Path]:
    folder = ROOT.joinpath(*package.split("."))
    return {_module_name(path): path for path in folder.rglob("*.py")}


def test_importing_the_engine_loads_no_database_web_or_provider_library() -> None:
    check = (
        "import bot.conversation.engine, sys; "
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", check], check=True, cwd=ROOT)


def test_the_conversation_and_core_import_only_below_them() -> None:
    wrong = []
    for layer, allowed in ALLOWED.items():
        within = (*allowed, *(f"{package}." for package in allowed))
        for name, path in _modules(layer).items():
            wrong += [
                f"{name} imports {imported}"
                for imported in _imports(path)
                if imported.startswith("bot.") and not imported.startswith(within)
            ]
    assert wrong == []


def test_the_conversation_and_core_have_no_import_cycle() -> None:
    modules = {**_modules("bot.conversation"), **_modules("bot.core")}
    graph = {
        name: {other for other in _imports(path) if other in modules and other != name}
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, (*path, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_no_conversation_module_is_over_600_lines() -> None:
    long = {
        name: lines
        for name, path in _modules("bot.conversation").items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}
