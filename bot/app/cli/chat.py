"""`camino chat`: the console channel, in the terminal."""

from __future__ import annotations

import sys

import click

from bot.app.cli.context import opened_runtime
from bot.app.cli.errors import friendly


@click.command()
@click.option(
    "--lang",
    type=click.Choice(["es", "en", "fr", "ht"]),
    default=None,
    help="Language to start in (asked when not given).",
)
@friendly
def chat(lang: str | None) -> None:
    """Talk to the bot in the terminal (the console channel); each line is one message."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.channels.console import run_console

    with opened_runtime() as runtime:
        run_console(runtime.conversations, sys.stdin, sys.stdout, language=lang)
    click.echo("")
