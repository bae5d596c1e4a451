"""The Jinja2 environment of Camino's HTML pages, and the page they all extend (`page.html`)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

SHARED_TEMPLATES = Path(__file__).parent / "templates"


def environment(templates: Path) -> Environment:
    """The templates of one site (the web chat, the dashboard), then the shared ones, escaped."""
    return Environment(
        loader=FileSystemLoader([templates, SHARED_TEMPLATES]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
