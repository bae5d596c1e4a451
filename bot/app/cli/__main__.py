"""`python -m bot.app.cli`: the same as `camino`."""

from bot.app.cli import main

main()
