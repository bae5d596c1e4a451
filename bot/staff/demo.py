"""The demo organizations of domain.md (names, cities and states only) and a demo admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff import accounts
from bot.staff.ownership import fallback, set_fallback
from bot.store.models import Staff
from bot.store.vault import Vault

# slug, name, city, covered states: from the report's list of shelters and organizations.
DEMO_ORGANIZATIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "frontera-con-justicia",
        'Casa del Migrante de Saltillo "Frontera con Justicia"',
        "Saltillo",
        ("MX-COA",),
    ),
    ("kino-border-initiative", "Kino Border Initiative", "Nogales", ("MX-SON",)),
    ("cerm-agua-prieta", "Centro de Recursos para Migrantes", "Agua Prieta", ("MX-SON",)),
    ("exodus-agua-prieta", "Centro de Atención al Migrante Exodus", "Agua Prieta", ("MX-SON",)),
    ("ccamyn", "CCAMYN", "Altar", ("MX-SON",)),
    ("c-cam", "C-CAM", "Caborca", ("MX-SON",)),
    ("hermanos-en-el-camino", 'Albergue "Hermanos en el Camino"', "Ixtepec", ("MX-OAX",)),
    ("la-72", "La 72, Hogar-Refugio para Personas Migrantes", "Tenosique", ("MX-TAB",)),
    (
        "fjedd",
        "Fundación para la Justicia y el Estado Democrático de Derecho",
        "Ciudad de México",
        (),
    ),
    ("fundar", "Fundar", "Ciudad de México", ()),
    ("wola", "WOLA", "Washington, DC", ()),
)
DEMO_ADMIN = "admin@demo.camino.invalid"
DEMO_ADMIN_ORG = "la-72"
# The demo's fallback organization is the demo admin's, so the demo account sees the reports
# no organization covers ("sin cobertura") and the network's settings. Stated response times
# are made up; the demo has no contact lines or on-call numbers (it publishes no contacts).
DEMO_FALLBACK = DEMO_ADMIN_ORG
DEMO_RESPONSE_HOURS = {"la-72": 24, "frontera-con-justicia": 24, "fjedd": 48}


@dataclass(frozen=True)
class DemoResult:
    """Organizations created now, and the demo admin's password when it was just made."""

    created: list[str]
    admin_email: str
    admin_password: str | None


def load_demo(db: Session, vault: Vault, now: datetime) -> DemoResult:
    """Create what is missing; running it again changes nothing."""
    created = []
    for slug, name, city, states in DEMO_ORGANIZATIONS:
        if accounts.find_organization(db, slug) is None:
            made = accounts.create_organization(
                db, slug=slug, name=name, city=city, states=list(states), now=now
            )
            made.response_hours = DEMO_RESPONSE_HOURS.get(slug)
            created.append(slug)
    spare = accounts.find_organization(db, DEMO_FALLBACK)
    if fallback(db) is None and spare is not None:  # an operator's choice stands
        set_fallback(db, spare)
    password = None
    if db.scalars(select(Staff).where(Staff.email == DEMO_ADMIN)).first() is None:
        org = accounts.find_organization(db, DEMO_ADMIN_ORG)
        assert org is not None
        password = accounts.new_password()
        accounts.create_staff(
            db, vault, org=org, email=DEMO_ADMIN, role="admin", password=password, now=now
        )
    return DemoResult(created=created, admin_email=DEMO_ADMIN, admin_password=password)
