"""The Jinja2 environment of Camino's HTML pages, and the page they all extend (`page.html`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment, Template

SHARED_TEMPLATES = Path(__file__).parent / "templates"


def environment(templates: Path) -> Environment:
    """The templates of one site (the web chat, the dashboard), then the shared ones, escaped."""
    # imported when a page is first drawn: a process answering only webhooks never loads Jinja2
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader([templates, SHARED_TEMPLATES]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Templates:
    """One site's templates, with its own filters; the environment is made on first use."""

    def __init__(
        self, templates: Path, filters: Mapping[str, Callable[..., Any]] | None = None
    ) -> None:
        self.templates = templates
        self.filters = dict(filters or {})

    @cached_property
    def environment(self) -> Environment:
        env = environment(self.templates)
        env.filters.update(self.filters)
        return env

    def get_template(self, name: str) -> Template:
        return self.environment.get_template(name)
