"""The shelters' dashboard: staff pages under /dashboard (server-rendered, no inline scripts).

One router module per page group in `routes/`, their checks declared with `deps`.
`install(app)` adds the routes, the static files (CSS, Chart.js, served by the app itself), the
security headers and the audit trail of every dashboard and API request.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.core.i18n import translator
from bot.dashboard.routes import (
    account,
    alerts_settings,
    audit_log,
    case,
    case_actions,
    case_place,
    case_tracks,
    evidence,
    inbox,
    members,
    opendata,
    signin,
    statistics,
    team,
    tokens,
)
from bot.dashboard.web import STATIC, DashboardMiddleware, Denied, render, staff_language
from flows.model import N_

STATIC_PATH = "/dashboard/static"
PAGE_GROUPS = (
    signin,
    account,
    inbox,
    case,
    case_actions,
    case_place,
    case_tracks,
    evidence,
    statistics,
    audit_log,
    team,
    alerts_settings,
    members,
    tokens,
    opendata,
)
MESSAGES = {
    400: N_("La solicitud no es válida. Vuelva a la página anterior y pruebe otra vez."),
    403: N_("Su cuenta no tiene permiso para ver esta página."),
    404: N_("No se encontró lo que busca, o su organización no puede verlo."),
    429: N_("Hay muchos intentos en este momento. Espere un minuto e intente otra vez."),
}


async def denied(request: Request, exc: Exception) -> Response:
    """A refused dashboard request: a redirect to sign in, or a short page saying why."""
    assert isinstance(exc, Denied)
    if exc.location is not None:
        return RedirectResponse(exc.location, status_code=303)
    known = getattr(request.state, "staff_language", None)
    lang = staff_language(known or request.query_params.get("lang"))
    t = translator(lang)
    message = t(MESSAGES.get(exc.status, MESSAGES[400]))
    return HTMLResponse(render("error.html", lang, message=message, nav=None), exc.status)


def install(app: FastAPI) -> None:
    """Wire the dashboard (and the API's audit trail and headers) into the app."""
    for group in PAGE_GROUPS:
        app.include_router(group.router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="dashboard-static")
    app.add_exception_handler(Denied, denied)
    app.add_middleware(DashboardMiddleware, prefixes=("/dashboard", "/api/v1"), skip=(STATIC_PATH,))
