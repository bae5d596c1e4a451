"""Statistics of the organization's cases: charts and an export, small cells suppressed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.cases.tracks import LABELS
from bot.core import municipalities
from bot.core.geography import MX_STATES
from bot.core.i18n import country_name, translator
from bot.dashboard import casework, statemap
from bot.dashboard.deps import CurrentStaff, RuntimeDep, SessionDep, permission
from bot.dashboard.filters import stats_filters
from bot.dashboard.web import PREFIX, Actor, page
from bot.staff.access import visible_cases
from bot.staff.trail import audit_as
from bot.stats import crosstabs, durations, export, victims
from bot.stats import tables as stats
from bot.stats.dimensions import DIMENSIONS
from bot.stats.protection import Protection, first_step, percent
from bot.stats.publish import every_row
from flows import codes
from flows.model import N_

router = APIRouter(prefix=PREFIX, include_in_schema=False)
DIMENSION_TITLES = {
    "month": N_("Casos por mes del reporte"),
    "incident_month": N_("Casos por fecha de los hechos (con la precisión que dio la persona)"),
    "complaint_wish": N_("Quería denunciar y denuncia presentada"),
    "outcomes": N_("Pruebas anticipadas, visas, refugio, quejas y personas localizadas"),
    "crime_type": N_("Por delito o abuso"),
    "perpetrator_group": N_("Delincuentes o autoridades"),
    "perpetrator": N_("Por responsable"),
    "state": N_("Por estado"),
    "municipality": N_("Por municipio (catálogo del INEGI)"),
    "nationality": N_("Por nacionalidad"),
    "gender": N_("Por género"),
    "age_group": N_("Por edad"),
    "victims_per_report": N_("Personas afectadas en cada reporte"),
    "funnel": N_("Embudo de la impunidad"),
}


# The values named from a code list, and those named by words of their own.
CODE_LISTS = {
    "crime_type": codes.CRIME_TYPES,
    "perpetrator": codes.PERPETRATORS,
    "gender": codes.GENDERS,
    "age_group": codes.AGE_GROUPS,
    "victim_group": codes.VICTIM_GROUPS,
}
VALUE_NAMES: dict[str, dict[str, str]] = {
    "outcomes": LABELS,
    "complaint_wish": {
        "wanted_presented": N_("Quería denunciar y se presentó la denuncia"),
        "wanted_not_presented": N_("Quería denunciar y no se ha presentado"),
        "not_wanted_presented": N_("No quería denunciar y se presentó"),
        "not_wanted_not_presented": N_("No quería denunciar y no se presentó"),
    },
    "perpetrator_group": {"criminals": N_("Delincuentes"), "officials": N_("Autoridades")},
    "funnel": {
        "reported": N_("Reportados"),
        "complaint_filed": N_("Con denuncia"),
        "carpeta": N_("Con carpeta de investigación"),
        "judicialized": N_("Con vinculación a proceso"),
        "conviction": N_("Con sentencia condenatoria"),
    },
    "minors": {"with_minors": N_("Con menores de edad"), "without_minors": N_("Sin menores")},
    "victims_per_report": {
        "1": N_("Una persona"),
        "2_5": N_("De 2 a 5 personas"),
        "6_20": N_("De 6 a 20 personas"),
        "21_plus": N_("Más de 20 personas"),
    },
}


def value_label(dimension: str, value: str, t: Any, language: str) -> str:
    """A statistic's cell in plain words."""
    if value == stats.UNKNOWN:
        return str(t("Sin dato"))
    if dimension in CODE_LISTS:
        return casework.label_of(CODE_LISTS[dimension], value, t)
    if dimension in VALUE_NAMES:
        return str(t(VALUE_NAMES[dimension].get(value, value)))
    if dimension == "state":
        return casework.state_name(value)
    if dimension == "municipality":
        return municipality_label(value)
    if dimension == "nationality":
        return country_name(value, language)
    if dimension == "incident_month" and value == "over_a_year":
        return str(t("Hace más de un año"))
    return value


def municipality_label(key: str) -> str:
    """A municipality as a table shows it: its name, its state and INEGI's key."""
    state = municipalities.state_of(key)
    where = f", {MX_STATES.get(state, state)}" if state else ""
    return f"{municipalities.name_of(key)}{where} ({key})"


# Cells never named while hidden: the name alone would say that something was reported
# there (a municipality can be small enough for that to point at a person).
UNNAMED_WHEN_HIDDEN = frozenset({"municipality"})


def named_cells(
    dimension: str, codes: list[str], counts: list[int | None]
) -> tuple[list[str], list[int | None]]:
    """A table's cells as shown: all of them, or only the published ones when a hidden cell
    may not be named."""
    if dimension not in UNNAMED_WHEN_HIDDEN:
        return codes, counts
    kept = [(code, count) for code, count in zip(codes, counts, strict=True) if count is not None]
    return [code for code, _ in kept], [count for _, count in kept]


def compute_tables(
    request: Request,
    db: Session,
    protection: Protection,
    actor: Actor,
    dimensions: tuple[str, ...],
) -> list[dict[str, Any]]:
    """Each dimension in cases (drawn) and in victims (beside them in the table)."""
    t = translator(actor.language)
    filters = stats_filters(request.query_params)
    out = []
    for dimension in dimensions:
        table = stats.table(db, visible_cases(actor.org), filters, dimension, protection)
        victims = stats.table(
            db, visible_cases(actor.org), filters, dimension, protection, "victims"
        )
        codes, counts = named_cells(dimension, list(table.labels), table.released())
        victim_counts = [
            count
            for label, count in zip(table.labels, victims.released(), strict=True)
            if label in codes
        ]
        out.append(
            {
                "dimension": dimension,
                "title": t(DIMENSION_TITLES[dimension]),
                "labels": [value_label(dimension, v, t, actor.language) for v in codes],
                "codes": codes,
                "counts": counts,
                "unnamed": dimension in UNNAMED_WHEN_HIDDEN,
                "total": table.released_total(),
                "victims": victim_counts,
                "victims_total": victims.released_total(),
                # The funnel's stages as a share of the reported cases (from released figures).
                "percents": [percent(c, table.released()[0]) for c in table.released()]
                if dimension == "funnel"
                else None,
                # Something to draw: else the page says there is not enough data.
                "enough": any(count is not None for count in table.released()),
            }
        )
    return out


def state_map(tables: list[dict[str, Any]]) -> statemap.Map:
    """The map of the "state" table's published counts (a state with no case is hidden)."""
    found = next(table for table in tables if table["dimension"] == "state")
    counts = dict(zip(found["codes"], found["counts"], strict=True))
    return statemap.draw(counts, MX_STATES)


UNIT_TITLES = {"cases": N_("casos"), "victims": N_("víctimas")}
CROSS_NAMES = {
    "crime_type": N_("Delito o abuso"),
    "perpetrator_group": N_("Delincuentes o autoridades"),
    "state": N_("Estado"),
    "gender": N_("Género"),
    "nationality": N_("Nacionalidad"),
}


def compute_crosstabs(
    request: Request, db: Session, protection: Protection, actor: Actor
) -> list[dict[str, Any]]:
    """The two-way tables, labelled, as released (rounded, small cells hidden)."""
    t = translator(actor.language)
    filters = stats_filters(request.query_params)
    out = []
    for tab in crosstabs.every_crosstab(db, visible_cases(actor.org), filters, protection):
        table = tab.table
        out.append(
            {
                "id": f"{tab.name}-{tab.unit}",
                "title": t("{rows} por {cols}, en {unit}").format(
                    rows=t(CROSS_NAMES[tab.rows]),
                    cols=t(CROSS_NAMES[tab.cols]).lower(),
                    unit=t(UNIT_TITLES[tab.unit]),
                ),
                "rows": [value_label(tab.rows, v, t, actor.language) for v in table.rows],
                "cols": [value_label(tab.cols, v, t, actor.language) for v in table.cols],
                "cells": table.released(),
                "row_totals": table.released_row_totals(),
                "col_totals": table.released_col_totals(),
                "total": table.released_grand_total(),
                "enough": table.released_grand_total() is not None,
            }
        )
    return out


@router.get("/stats", dependencies=[permission("stats:read", "stats.view")])
def stats_page(
    request: Request, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff
) -> Response:
    """Charts of the organization's cases, small cells suppressed."""
    k = runtime.settings.stats_min_cell
    protection = Protection.of(k, runtime.vault)
    tables = compute_tables(request, db, protection, actor, DIMENSIONS)
    filters = stats_filters(request.query_params)
    t = translator(actor.language)
    groups = [
        (
            t(title),
            [
                (value_label(name, label, t, actor.language), count)
                for label, count in zip(table.labels, table.released(), strict=True)
            ],
            table.released_total(),
        )
        for name, title, table in (
            (
                "victim_group",
                N_("Víctimas por grupo"),
                victims.victim_table(db, visible_cases(actor.org), filters, protection),
            ),
            (
                "minors",
                N_("Casos con menores de edad entre las víctimas"),
                victims.minors_table(db, visible_cases(actor.org), filters, protection),
            ),
        )
    ]
    params = {k: v for k, v in request.query_params.items()}
    return page(
        "stats.html",
        actor,
        tables=tables,
        crosstabs=compute_crosstabs(request, db, protection, actor),
        statemap=state_map(tables),
        groups=groups,
        map_credit=statemap.CREDIT,
        medians=[
            (value_label("funnel", stage, translator(actor.language), actor.language), days)
            for stage, days in durations.median_days(
                db, visible_cases(actor.org), stats_filters(request.query_params), protection
            ).items()
        ],
        enough=any(table["enough"] for table in tables),
        smallest=first_step(k),
        chart_json=json.dumps([table for table in tables if table["enough"]]).replace(
            "<", "\\u003c"
        ),
        k=k,
        q=params,
        query=urlencode(params),
        crime_types=codes.CRIME_TYPES,
        perpetrators=codes.PERPETRATORS,
    )


@router.get("/stats/export", dependencies=[permission("stats:read", "stats.export")])
def stats_export(
    request: Request, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff
) -> Response:
    """Every statistic for the filters, as CSV or JSON, with the suppression note."""
    k = runtime.settings.stats_min_cell
    fmt = "json" if request.query_params.get("format") == "json" else "csv"
    audit_as(request, "stats.export", format=fmt)
    filters = stats_filters(request.query_params)
    protection = Protection.of(k, runtime.vault)
    rows = every_row(db, visible_cases(actor.org), filters, protection)
    if fmt == "json":
        return Response(export.to_json(rows, min_cell=k), media_type="application/json")
    return Response(
        export.to_csv(rows, min_cell=k),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="camino-stats.csv"'},
    )
