"""How `camino` fails: one clear sentence and a non-zero exit, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from bot.core.config import SettingsError

F = TypeVar("F", bound=Callable[..., Any])


class CaminoError(click.ClickException):
    """A problem the operator can fix, said in one sentence."""


def friendly(func: F) -> F:
    """Turn unexpected failures into one sentence and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # the operator gets a sentence, not a traceback
            raise CaminoError(_sentence(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _sentence(exc: Exception) -> str:
    # imported on failure only: keeps `camino` start-up light
    from sqlalchemy.exc import OperationalError

    from bot.store.crypto import KeyConfigurationError

    if isinstance(exc, KeyConfigurationError | SettingsError):
        return str(exc)
    if isinstance(exc, OperationalError):
        return "The database could not be reached; check CAMINO_DATABASE_URL."
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
