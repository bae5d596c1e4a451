"""Camino's flows: what the bot asks, as declarative data with no I/O."""
