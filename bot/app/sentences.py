"""Errors as one sentence for the operator, for the operations commands (backup, doctor...)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError

from bot.store.crypto import KeyConfigurationError

F = TypeVar("F", bound=Callable[..., Any])


def one_sentence(func: F) -> F:
    """Turn an unexpected failure into one sentence and exit status 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except KeyConfigurationError as exc:
            raise click.ClickException(str(exc)) from exc
        except OperationalError as exc:
            raise click.ClickException(
                "The database could not be reached; check CAMINO_DATABASE_URL."
            ) from exc
        except Exception as exc:  # the operator gets a sentence, not a traceback
            raise click.ClickException(f"{type(exc).__name__}: {exc}".splitlines()[0]) from exc

    return wrapper  # type: ignore[return-value]
