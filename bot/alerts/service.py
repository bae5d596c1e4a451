"""On-call alerts: an urgent report reaches a person within a minute, at any hour.

Each owner organization of the case (`bot.staff.ownership.owners`) gets an `Alert`, and each of
its on-call destinations one outbox message: "Camino: nuevo reporte urgente. Ábralo en el
panel:" and the link to the case page by its internal id. No personal data, no crime, no place,
never the case code. Quiet hours are for families: these rows belong to no subscription, so
the outbox sends them at once, night or day.

Unacknowledged after `CAMINO_URGENT_ESCALATE_MINUTES`, an urgent alert is sent again and
escalates to the fallback organization, which then sees the case (an `Alert` with reason
"escalation" grants sight of that one case, like a referral). An alert is sent at most
`MAX_ROUNDS` times. Acknowledging (the "Lo atiendo" button, or OK from an on-call number or
chat) settles every open alert of the case at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.events import record_alert_event
from bot.core import metrics
from bot.core.config import Settings
from bot.core.i18n import translator
from bot.core.languages import DEFAULT_LANGUAGE
from bot.delivery.queue import enqueue_oncall
from bot.delivery.templates import NEW_ALERT, URGENT_ALERT
from bot.staff.access import visible_cases
from bot.staff.ownership import fallback, owners
from bot.store.models import Alert, Case, Organization
from bot.store.oncall import destinations_of
from bot.store.vault import Vault

log = logging.getLogger(__name__)

# The first send and at most three repeats: an alert nobody answers stops ringing after that
# (the inbox keeps it on top, with how long it has waited).
MAX_ROUNDS = 4


def case_link(settings: Settings, case: Case) -> str:
    """The case page, by the case's internal id (never its code)."""
    return f"{settings.public_url.rstrip('/')}/dashboard/cases/{case.id}"


def alert_text(settings: Settings, case: Case, kind: str, language: str) -> str:
    """What an on-call destination receives: Camino, the kind of report, the link. Nothing else."""
    t = translator(language)
    words = URGENT_ALERT if kind == "urgent" else NEW_ALERT
    return f"{t(words)} {case_link(settings, case)}"


def _send(
    db: Session, settings: Settings, vault: Vault, case: Case, alert: Alert, now: datetime
) -> int:
    """Queue the alert's current round to every destination of its organization."""
    text = alert_text(settings, case, alert.kind, DEFAULT_LANGUAGE)
    queued = 0
    for destination in destinations_of(db, alert.org_id):
        row = enqueue_oncall(
            db,
            vault,
            destination,
            kind="alert" if alert.kind == "urgent" else "alert_new",  # its WhatsApp template
            text=text,
            language=DEFAULT_LANGUAGE,
            now=now,
            dedupe_key=f"alert:{alert.id}:{destination.id}:{alert.rounds}",
            variables={"1": case_link(settings, case)},  # a WhatsApp template's {{1}}
        )
        queued += row is not None
    return queued


def _open_alert(
    db: Session, case: Case, org: Organization, kind: str, reason: str, now: datetime
) -> Alert | None:
    """A new alert of the organization about the case; None when it was alerted already."""
    exists = db.scalar(
        select(Alert.id).where(Alert.case_id == case.id, Alert.org_id == org.id, Alert.kind == kind)
    )
    if exists is not None:
        return None
    alert = Alert(
        case_id=case.id,
        org_id=org.id,
        kind=kind,
        reason=reason,
        created_at=now,
        last_sent_at=now,
        rounds=1,
    )
    db.add(alert)
    db.flush()
    return alert


def _report(
    db: Session,
    settings: Settings,
    vault: Vault,
    case: Case,
    now: datetime,
    kind: str,
    *,
    only_if_asked: bool,
) -> list[Alert]:
    made = []
    for org in owners(db, case):
        if only_if_asked and not org.alert_every_report:
            continue
        alert = _open_alert(db, case, org, kind, "owner", now)
        if alert is None:
            continue
        _send(db, settings, vault, case, alert, now)
        metrics.count_alert(kind)
        made.append(alert)
    if made:
        log.info("alerts queued", extra={"kind": kind, "organizations": len(made)})
    return made


def report_urgent(
    db: Session, settings: Settings, vault: Vault, case: Case, now: datetime
) -> list[Alert]:
    """An urgent case was filed (or its draft became urgent): alert every owner organization's
    on-call destinations. Calling it again for the same case alerts nobody twice."""
    return _report(db, settings, vault, case, now, "urgent", only_if_asked=False)


def report_filed(
    db: Session, settings: Settings, vault: Vault, case: Case, now: datetime
) -> list[Alert]:
    """A non-urgent case was filed: alert the owners that asked for every new report."""
    return _report(db, settings, vault, case, now, "new", only_if_asked=True)


# -- acknowledgement ----------------------------------------------------------------------------


def open_alerts(db: Session, case_id: str) -> list[Alert]:
    """The case's urgent alerts nobody acknowledged yet, oldest first."""
    return list(
        db.scalars(
            select(Alert)
            .where(
                Alert.case_id == case_id,
                Alert.kind == "urgent",
                Alert.acknowledged_at.is_(None),
            )
            .order_by(Alert.created_at, Alert.id)
        )
    )


def needs_acknowledgement(db: Session, case: Case) -> bool:
    """Whether the case has an urgent alert nobody acknowledged."""
    return bool(open_alerts(db, case.id))


def acknowledge(db: Session, case: Case, *, by: str, author: str, via: str, now: datetime) -> bool:
    """Someone attends the urgent case: its open alerts stop (repeats and escalation), and the
    timeline says who. `by` is `staff:<id>` or `oncall:<destination id>`; `author` is what the
    timeline shows. False when nothing was waiting (acknowledged before)."""
    waiting = open_alerts(db, case.id)
    if not waiting:
        return False
    for alert in waiting:
        alert.acknowledged_at = now
        alert.acknowledged_by = by[:80]
    record_alert_event(db, case, status="urgent_acknowledged", author=author, now=now)
    first = min(alert.created_at for alert in waiting)
    metrics.observe_alert_ack(via, (now - first).total_seconds())
    return True


# -- escalation ---------------------------------------------------------------------------------


def escalate_due(db: Session, settings: Settings, vault: Vault, now: datetime) -> int:
    """Repeat urgent alerts unacknowledged for `CAMINO_URGENT_ESCALATE_MINUTES`, and escalate
    them to the fallback organization; how many alerts were repeated."""
    cutoff = now - timedelta(minutes=settings.urgent_escalate_minutes)
    due = list(
        db.scalars(
            select(Alert)
            .where(
                Alert.acknowledged_at.is_(None),
                Alert.kind == "urgent",
                Alert.last_sent_at <= cutoff,
                Alert.rounds < MAX_ROUNDS,
            )
            .order_by(Alert.created_at, Alert.id)
            .with_for_update(skip_locked=True)
        )
    )
    spare = fallback(db)
    for alert in due:
        case = db.get(Case, alert.case_id)
        if case is None or case.erased_at is not None:
            continue
        alert.rounds += 1
        alert.last_sent_at = now
        _send(db, settings, vault, case, alert, now)
        metrics.count_alert("repeat")
        if spare is not None and alert.reason == "owner" and alert.org_id != spare.id:
            escalated = _open_alert(db, case, spare, "urgent", "escalation", now)
            if escalated is not None:
                _send(db, settings, vault, case, escalated, now)
                record_alert_event(db, case, status="urgent_escalated", author="Camino", now=now)
                metrics.count_alert("escalation")
    if due:
        log.info("urgent alerts repeated", extra={"alerts": len(due)})
    return len(due)


# -- the inbox's waiting list -------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """An urgent case nobody acknowledged, and since when it waits."""

    case: Case
    since: datetime


def waiting(db: Session, org: Organization, limit: int = 50) -> list[Waiting]:
    """The unacknowledged urgent cases the organization sees, longest waiting first."""
    since: dict[str, datetime] = {}
    for case_id, created in db.execute(
        select(Alert.case_id, Alert.created_at).where(
            Alert.kind == "urgent", Alert.acknowledged_at.is_(None)
        )
    ):
        if case_id not in since or created < since[case_id]:
            since[case_id] = created
    if not since:
        return []
    seen = db.scalars(visible_cases(org).where(Case.id.in_(list(since))))
    found = [Waiting(case, since[case.id]) for case in seen]
    return sorted(found, key=lambda item: (item.since, item.case.id))[:limit]
