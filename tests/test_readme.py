"""README.md stays true: the two commands first, every setting and command documented."""

from __future__ import annotations

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
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found += names(command, f"{prefix}{name} ")
            else:
                found.append(f"{prefix}{name}")
        return found

    missing = [name for name in names(main, "camino ") if name not in README]
    assert missing == []
