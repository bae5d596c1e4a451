"""The REST API for shelters' own tools: /api/v1, per-organization tokens with scopes."""

from bot.api.routes import router

__all__ = ["router"]
