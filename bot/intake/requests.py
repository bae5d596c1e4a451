"""The runtime and one database session of a web request, as FastAPI dependencies.

Shared by the dashboard and the API (`bot.dashboard.deps`, `bot.api.deps`), which may not import
each other. The session is closed before the response starts, so the audit entry that is
written then never waits for the request's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bot.intake.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(runtime_of)]


def database(runtime: RuntimeDep) -> Iterator[Session]:
    """One session per request, closed when the route returns."""
    with runtime.sessions() as db:
        yield db


SessionDep = Annotated[Session, Depends(database, scope="function")]
