"""The public open data page `/datos` and its CSV downloads (only with `CAMINO_OPEN_DATA`).

No login and no cookie; the same page for everyone, cached by browsers and proxies for a few
minutes and computed at most once in that time (`bot.dashboard.opendata`). Anonymous requests
are counted in the metrics, never written to the audit log; each address may ask a bounded
number of times a minute.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.core import i18n, metrics, municipalities, templating
from bot.core.geography import MX_STATES
from bot.core.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.core.websecurity import PRIVATE_PAGE
from bot.dashboard import opendata, statemap
from bot.dashboard.routes.signin import source_of
from bot.dashboard.routes.statistics import (
    CROSS_NAMES,
    DIMENSION_TITLES,
    UNIT_TITLES,
    value_label,
)
from bot.dashboard.web import TEMPLATES
from bot.intake.runtime import Runtime
from bot.staff.throttle import SourceLimit
from bot.stats.dimensions import FUNNEL
from bot.stats.protection import Protection, first_step, percent
from flows.model import N_

router = APIRouter(include_in_schema=False)
PAGE = "/datos"
_env = templating.Templates(TEMPLATES)
SECONDS = int(opendata.FRESH_FOR.total_seconds())
HEADERS = {
    **{name.decode(): value.decode() for name, value in PRIVATE_PAGE},
    "cache-control": f"public, max-age={SECONDS}",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
BUSY = N_("Hay muchos intentos en este momento. Espere un minuto e intente otra vez.")
LANGUAGE_NAMES = {"es": "Español", "en": "English", "fr": "Français", "ht": "Kreyòl ayisyen"}


def _state(request: Request) -> tuple[opendata.Cache, SourceLimit]:
    """This app's cache and rate limit (made on first use)."""
    state = request.app.state
    if not hasattr(state, "open_data"):
        runtime: Runtime = state.runtime
        limit = SourceLimit(runtime.settings.open_data_per_minute, window=timedelta(minutes=1))
        state.open_data = (opendata.Cache(), limit)
    found: tuple[opendata.Cache, SourceLimit] = state.open_data
    return found


def _figures(request: Request) -> opendata.Figures | Response:
    """The published figures, or the answer instead of them (404 when off, 429 when the address
    asked too often)."""
    runtime: Runtime = request.app.state.runtime
    if not runtime.settings.open_data:
        return Response(status_code=404)
    cache, limit = _state(request)
    now, source = runtime.clock(), source_of(request)
    if limit.blocked(source, now):
        metrics.count_open_data("limited")
        t = i18n.translator(_language(request))
        return Response(
            f"{t(BUSY)}\n",
            status_code=429,
            media_type="text/plain; charset=utf-8",
            headers={"retry-after": "60"},
        )
    limit.failed(source, now)  # counts every request of the window, not only failures

    def make() -> opendata.Figures:
        with runtime.sessions() as db:
            return opendata.compute(
                db, Protection.of(runtime.settings.stats_min_cell, runtime.vault), now
            )

    figures, cached = cache.get(now, make)
    metrics.count_open_data("cached" if cached else "fresh")
    return figures


def _language(request: Request) -> str:
    chosen = request.query_params.get("lang")
    return chosen if chosen in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


@router.get(PAGE)
def open_data_page(request: Request) -> Response:
    """The protected tables, the map and the downloads, in the language asked for."""
    figures = _figures(request)
    if isinstance(figures, Response):
        return figures
    language = _language(request)
    cache, _ = _state(request)
    url = request.app.state.runtime.settings.public_url.rstrip("/") + PAGE
    body = cache.page(language, figures, lambda: _render(figures, language, url))
    return HTMLResponse(body, headers=HEADERS)


@router.get(PAGE + "/camino.csv")
def open_data_csv(request: Request) -> Response:
    """Every table in one CSV file."""
    return _csv(request, None, "camino-datos")


@router.get(PAGE + "/csv/{name}.csv")
def open_data_table_csv(request: Request, name: str) -> Response:
    """One table as CSV (404 for a name that is no table)."""
    return _csv(request, name, f"camino-{name}")


def _csv(request: Request, name: str | None, filename: str) -> Response:
    figures = _figures(request)
    if isinstance(figures, Response):
        return figures
    text = figures.csv(name)
    if text is None:
        return Response(status_code=404)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={**HEADERS, "content-disposition": f'attachment; filename="{filename}.csv"'},
    )


def _render(figures: opendata.Figures, language: str, page_url: str) -> str:
    t = i18n.translator(language)
    tables = [_table(figures, d, table, t, language) for d, table in figures.tables.items()]
    state = next(table for table in tables if table["dimension"] == "state")
    counts = dict(zip(state["codes"], state["counts"], strict=True))
    return _env.get_template("datos.html").render(
        _=t,
        lang=language,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in SUPPORTED_LANGUAGES],
        tables=[table for table in tables if table["dimension"] != "state"],
        crosstabs=[_crosstab(figures, tab, t, language) for tab in figures.crosstabs],
        medians=[
            (value_label("funnel", stage, t, language), days)
            for stage, days in figures.medians.items()
        ],
        statemap=statemap.draw(counts, MX_STATES),
        map_credit=statemap.CREDIT,
        inegi_credit=municipalities.CREDIT,
        smallest=first_step(figures.k),
        k=figures.k,
        made_at=figures.made_at.strftime("%Y-%m-%d %H:%M UTC"),
        day=figures.made_at.strftime("%Y-%m-%d"),
        minutes=SECONDS // 60,
        page_url=page_url,
    )


def _table(
    figures: opendata.Figures, dimension: str, table: Any, t: Any, language: str
) -> dict[str, Any]:
    released = table.released()
    kept = [
        (code, count)
        for code, count in zip(table.labels, released, strict=True)
        if figures.named(dimension, code)
    ]
    return {
        "dimension": dimension,
        "title": t(DIMENSION_TITLES[dimension]),
        "labels": [value_label(dimension, code, t, language) for code, _ in kept],
        "codes": [code for code, _ in kept],
        "counts": [count for _, count in kept],
        "unnamed": dimension in opendata.UNNAMED,
        "total": table.released_total(),
        "percents": [percent(c, released[0]) for c in released]
        if dimension == "funnel" and len(released) == len(FUNNEL)
        else None,
        "enough": any(count is not None for count in released),
    }


def _crosstab(figures: opendata.Figures, tab: Any, t: Any, language: str) -> dict[str, Any]:
    table = tab.table
    rows = [r for r, code in enumerate(table.rows) if figures.named(tab.rows, code)]
    cols = [c for c, code in enumerate(table.cols) if figures.named(tab.cols, code)]
    cells, row_totals = table.released(), table.released_row_totals()
    col_totals = table.released_col_totals()
    return {
        "id": f"{tab.name}-{tab.unit}",
        "title": t("{rows} por {cols}, en {unit}").format(
            rows=t(CROSS_NAMES[tab.rows]),
            cols=t(CROSS_NAMES[tab.cols]).lower(),
            unit=t(UNIT_TITLES[tab.unit]),
        ),
        "rows": [value_label(tab.rows, table.rows[r], t, language) for r in rows],
        "cols": [value_label(tab.cols, table.cols[c], t, language) for c in cols],
        "cells": [[cells[r][c] for c in cols] for r in rows],
        "row_totals": [row_totals[r] for r in rows],
        "col_totals": [col_totals[c] for c in cols],
        "total": table.released_grand_total(),
        "enough": table.released_grand_total() is not None,
    }
