"""README.md stays true: the two commands first, every setting and command documented."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import click

from bot.app.cli import main
from bot.core.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_the_two_commands_come_first() -> None:
    top = README.split("\n## ", 1)[0]
    assert top.index("make run") < top.index("make test")


def test_every_setting_is_documented() -> None:
    missing = [f.alias for f in Settings.model_fields.values() if f"`{f.alias}`" not in README]
    assert missing == []


def test_every_command_is_documented() -> None:
    def names(group: click.Group, prefix: str) -> list[str]:
        found = []
        context = click.Context(group)
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            if isinstance(command, click.Group):
                found += names(command, f"{prefix}{name} ")
            else:
                found.append(f"{prefix}{name}")
        return found

    missing = [name for name in names(main, "camino ") if name not in README]
    assert missing == []


def test_every_path_and_module_named_exists() -> None:
    root = Path(__file__).resolve().parent.parent
    paths = {p for p in re.findall(r"`((?:bot|flows|tests|bench|deploy)/[^`\s<:]*)", README)}
    missing = [p for p in sorted(paths) if not (root / p).exists()]
    assert missing == []
    dotted = set(re.findall(r"`(bot(?:\.\w+)+)", README))
    unresolved = []
    for name in sorted(dotted):
        module, _, attribute = name.rpartition(".")
        try:
            found = importlib.import_module(name)
        except ImportError:
            found = getattr(importlib.import_module(module), attribute, None)
        if found is None:
            unresolved.append(name)
    assert unresolved == []


def test_the_architecture_names_every_package() -> None:
    section = README.split("\n## Architecture", 1)[1].split("\n## ", 1)[0]
    bot = Path(__file__).resolve().parent.parent / "bot"
    packages = sorted(p.name for p in bot.iterdir() if (p / "__init__.py").exists())
    assert [p for p in packages if f"`bot/{p}/`" not in section] == []
