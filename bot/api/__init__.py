"""The REST API for shelters' own tools: /api/v1, per-organization tokens with scopes.

`Authorization: Bearer cmn_...`; tokens belong to one organization and carry scopes
(`cases:read`, `events:write`, `stats:read`). One router module per resource; `deps` holds the
token and the scopes routes declare. Built on `bot.staff`, never on the dashboard.
"""

from fastapi import APIRouter

from bot.api import cases, statistics

router = APIRouter()
router.include_router(cases.router)
router.include_router(statistics.router)

__all__ = ["router"]
