"""The case page: everything about one case, in plain words; viewing it is audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot import alerts, cases
from bot.core import municipalities
from bot.core.i18n import Translate, translator
from bot.dashboard import casepage, casework, nextstep, tracks
from bot.dashboard.deps import VisibleCase, permission
from bot.dashboard.web import PREFIX, page
from bot.staff import callbacks, workload
from bot.staff.roles import roles_of
from bot.staff.trail import audit_as
from bot.talkback import threads as talkback
from flows.model import N_

router = APIRouter(prefix=PREFIX, include_in_schema=False)

# What went wrong with a change to the case (`?error=`), in plain words.
ERRORS = {
    "event": N_(
        "Ese paso no se puede registrar así: los pasos de una misma autoridad van en orden. "
        "Si un paso anterior está mal, corríjalo."
    ),
    "onward": N_(
        "Este caso le llegó por referencia: para referirlo a otra organización hace falta el "
        "permiso de la organización que se lo refirió."
    ),
    "withdraw": N_("Esa referencia no es de esta organización."),
    "history": N_("Elija dónde se reportó antes, o «En ningún lugar» sola."),
    "assign": N_("Esa persona no es trabajadora de casos de esta organización."),
    "municipality": N_("Elija un municipio del estado donde pasó."),
    "refer": N_("Elija la organización a la que quiere referir el caso."),
    "anonymous": N_("El reporte es anónimo: no hay cómo escribirle."),
    "no_consent": N_("La persona no aceptó que le escriban por este chat."),
    "by_phone": N_(
        "Pidió que le llamen por teléfono, no que le escriban: vea «Cómo contactar a la persona»."
    ),
    "opted_out": N_("La persona pidió no recibir más mensajes."),
    "channel": N_("Este canal no permite enviarle mensajes."),
    "whatsapp_window": (
        N_("Pasaron más de 24 horas desde su último mensaje por WhatsApp: debe escribir primero.")
    ),
    "length": N_("El mensaje está vacío o es demasiado largo."),
    "note": N_("La nota está vacía o es demasiado larga."),
    "acknowledged": N_("Otra persona ya atiende este reporte urgente."),
    "called": N_("Esa llamada ya estaba registrada: nadie más la espera."),
}
# Where a talk-back message is in the outbox, in plain words.
DELIVERY = {
    "queued": N_("En cola"),
    "sending": N_("Enviando"),
    "sent": N_("Enviado"),
    "delivered": N_("Entregado"),
    "read": N_("Leído"),
    "failed": N_("No se pudo enviar"),
}
# Who wrote a talk-back message, as the thread shows it: a follower came with the code and PIN,
# which the reporter may have shared with relatives, so never "the reporter".
SENDERS = {
    "staff": N_("Albergue"),
    "reporter": N_("Quien reportó"),
    "follower": N_("Familiar o persona con el código y PIN"),
}
# What a change to the case did (`?done=`).
DONE = {
    "event": N_("Evento registrado."),
    "note": N_("Nota guardada."),
    "assign": N_("Caso asignado."),
    "municipality": N_("Municipio guardado."),
    "refer": N_("Caso referido."),
    "corrected": N_("Corrección registrada: el paso equivocado queda en el historial, tachado."),
    "history": N_("Historial de reportes anteriores guardado."),
    "withdrawn": N_("Referencia retirada: la otra organización ya no ve el caso."),
    "onward": N_("Permiso para referir el caso a otras organizaciones actualizado."),
    "message": N_("Mensaje en la cola de envío."),
    "message_web": N_(
        "Mensaje guardado: la persona lo leerá cuando vuelva al chat web con su código y PIN."
    ),
    "closed": N_("Conversación cerrada: el bot vuelve a responder a la persona."),
    "acknowledged": N_("Usted atiende este reporte urgente: las alertas se detienen."),
    "called": N_("Llamada registrada en el historial."),
}


def _delivery(
    status: str | None, due: datetime | None, written: datetime, tz: str, t: Translate
) -> str | None:
    """Where an outgoing message is: "En cola hasta 2026-03-16 08:00" when it waits for the
    reporter's hours, else its delivery status (from the outbox and the status callbacks)."""
    if status is None:
        return None
    if status == "queued" and due is not None and due > written + timedelta(minutes=1):
        return t("En cola hasta {time}").format(time=casepage.local_time(due, tz))
    return t(DELIVERY.get(status, status))


@router.get(
    "/cases/{case_id}", dependencies=[permission("cases:read", "case.view", target="case_id")]
)
def case_page(request: Request, access: VisibleCase) -> Response:
    """Everything about one case, in plain words; viewing personal data is audited."""
    runtime, db, actor, case = access.runtime, access.db, access.actor, access.case
    t = translator(actor.language)
    personal = cases.personal_data(runtime.vault, case)
    audit_as(request, "case.view", personal_data=True)
    thread, thread_open = talkback.thread_messages(db, runtime.vault, case, actor.org)
    try:
        talkback.reachable_contact(db, case, runtime.clock())
        can_talk, talk_reason = True, None
    except talkback.TalkbackRefused as refused:
        can_talk, talk_reason = False, t(ERRORS.get(refused.reason, refused.reason))
    tz = runtime.settings.default_timezone
    evidence = [
        {
            "id": e.id,
            "kind": e.kind,
            "kind_name": t(casework.EVIDENCE_KINDS.get(e.kind, e.kind)),
            "type": e.content_type,
            "size": casepage.human_size(e.size),
            "sha256": e.sha256,
            "note": e.note,
        }
        for e in cases.evidence_items(runtime.vault, case)
    ]
    assigned = casework.assignee(db, case, actor.org)
    calls = callbacks.pending(db, runtime.vault, case)
    workload.mark_read(db, case.id, actor.staff.id, runtime.clock())
    works_cases = "caseworker" in roles_of(actor.staff)
    needs_ack = alerts.needs_acknowledgement(db, case)
    q = request.query_params
    return page(
        "case.html",
        actor,
        case=case,
        ref=case.id[:8].upper(),
        summary=casepage.summary(case, personal, t),
        groups=casepage.field_groups(case, personal, t, actor.language),
        municipality_choices=municipalities.in_state(case.incident_state)
        if case.incident_state
        else [],
        **tracks.case_tracks(db, runtime.vault, case, actor.org, t, tz),
        notes=casework.notes(db, runtime.vault, case, actor.org),
        thread=[
            {
                "sender": t(SENDERS.get(m.sender, SENDERS["reporter"])),
                "direction": m.direction,
                "body": m.body,
                "when": casepage.local_time(m.created_at, tz),
                "status": _delivery(m.status, m.not_before, m.created_at, tz, t),
            }
            for m in thread
        ],
        thread_open=thread_open,
        can_talk=can_talk,
        talk_reason=talk_reason,
        evidence=evidence,
        assigned=assigned.email if assigned else None,
        calls=calls,
        relatives_asked=[
            {
                "when": casepage.local_time(r.asked_at, tz),
                "channel": casework.channel_name(r.channel, t) if r.channel else None,
                "phone": r.phone,
            }
            for r in calls.relatives
        ],
        next=nextstep.next_action(
            needs_ack=needs_ack,
            status=case.status,
            assigned=assigned is not None,
            works_cases=works_cases,
            calls=calls,
            reporter_waits_answer=bool(thread) and thread[-1].direction == "in",
            can_talk=can_talk,
        ),
        me=actor.staff.id if works_cases else None,
        tz=tz,
        needs_ack=needs_ack,
        labels=casework.case_labels(case, actor.org, t),
        caseworkers=casework.caseworkers(db, actor.org),
        error=t(ERRORS[q["error"]]) if q.get("error") in ERRORS else None,
        done=t(DONE[q["done"]]) if q.get("done") in DONE else None,
    )
