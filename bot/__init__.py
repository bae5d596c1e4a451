"""Camino: how the bot runs (engine, channels, storage, scheduler)."""
