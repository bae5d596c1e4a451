"""The API's OpenAPI schema in production: for holders of an API token only.

Outside production FastAPI serves it at /openapi.json to anyone, for development and tests.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.api.deps import Token

router = APIRouter()


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, _token: Token) -> JSONResponse:
    """The schema, to a caller with a live API token (401 otherwise)."""
    return JSONResponse(request.app.openapi())
