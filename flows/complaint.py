"""The complaint (intake) flow: every field of domain.md, in the order a person can answer it."""

from __future__ import annotations

from flows import codes
from flows.model import N_, All, AnyOf, Flow, Is, Not, Step

NOT_VICTIM = Not(Is("reporter_role", ("victim",)))
NOT_ANONYMOUS = Not(Is("anonymous", (True,)))
# Someone is in danger now, or still held or missing: the report takes the urgent fast path.
URGENT = AnyOf((Is("in_danger", (True,)), Is("still_missing_or_held", (True,))))
WANTS_CONTACT = All((NOT_ANONYMOUS, AnyOf((URGENT, Is("wants_contact", (True,))))))

STEPS: tuple[Step, ...] = (
    Step(
        "consent_store",
        "yesno",
        N_(
            "Para ayudarle, Camino guarda su reporte cifrado. Solo lo ve el equipo de un "
            "albergue. ¿Está de acuerdo?"
        ),
        N_("Acepta que se guarde el reporte"),
        required_yes=N_(
            "Sin su permiso no podemos guardar el reporte. Puede volver cuando "
            "quiera. En una emergencia llame al 911."
        ),
    ),
    Step(
        "in_danger",
        "yesno",
        N_("¿Usted está en peligro en este momento?"),
        N_("En peligro ahora"),
        urgent_when=True,
    ),
    Step(
        "still_missing_or_held",
        "yesno",
        N_(
            "¿Alguna persona sigue desaparecida o retenida en este momento? Por ejemplo, "
            "alguien que viajaba con usted."
        ),
        N_("Sigue desaparecida o retenida"),
        urgent_when=True,
    ),
    Step(
        "danger_state",
        "mx_state",
        N_(
            "¿En qué estado de México está ahora la persona en peligro? Si no sabe, "
            "escriba «no sé»."
        ),
        N_("Estado donde está ahora"),
        when=URGENT,
        skippable=True,
        hint=N_("Escriba el nombre de un estado de México, por ejemplo: Oaxaca o CDMX."),
    ),
    Step(
        "happening_now",
        "text",
        N_(
            "¿Qué está pasando ahora, y en qué lugar? Escriba, mande una nota de voz o "
            "comparta una ubicación."
        ),
        N_("Qué pasa ahora"),
        when=URGENT,
        skippable=True,
        sensitive=True,
        voice=True,
    ),
    Step(
        "reporter_role",
        "choice",
        N_("¿A quién le pasó?"),
        N_("A quién le pasó"),
        choices=codes.REPORTER_ROLES,
    ),
    Step(
        "reporter_where",
        "choice",
        N_("¿Dónde está usted ahora?"),
        N_("Dónde está usted"),
        choices=codes.REPORTER_WHERE,
    ),
    Step(
        "reporter_state",
        "mx_state",
        N_("¿En qué estado de México está? Escriba el nombre, por ejemplo: Chiapas."),
        N_("Su estado"),
        when=Is("reporter_where", ("mexico",)),
        hint=N_("Escriba el nombre de un estado de México, por ejemplo: Oaxaca o CDMX."),
    ),
    Step(
        "reporter_country",
        "country",
        N_("¿En qué país está?"),
        N_("Su país"),
        when=Is("reporter_where", ("abroad",)),
        suggestions=("HN", "GT", "SV", "NI", "US"),
        hint=N_("Escriba el nombre del país, por ejemplo: Honduras."),
    ),
    Step(
        "crime_types",
        "multi",
        N_("¿Qué pasó? Puede elegir varios."),
        N_("Qué pasó"),
        choices=codes.CRIME_TYPES,
    ),
    Step(
        "perpetrators",
        "multi",
        N_("¿Quién lo hizo? Puede elegir varios."),
        N_("Quién lo hizo"),
        choices=codes.PERPETRATORS,
    ),
    Step(
        "officials_colluded",
        "choice",
        N_("¿Cree que alguna autoridad ayudó o dejó pasar lo que pasó?"),
        N_("Autoridades coludidas"),
        choices=codes.OFFICIALS_COLLUDED,
    ),
    Step(
        "incident_state",
        "mx_state",
        N_("¿En qué estado de México pasó?"),
        N_("Estado donde pasó"),
        hint=N_("Escriba el nombre de un estado de México, por ejemplo: Oaxaca o CDMX."),
    ),
    Step(
        "incident_place",
        "place",
        N_("¿En qué ciudad, pueblo o lugar? También puede compartir una ubicación."),
        N_("Lugar"),
        skippable=True,
        sensitive=True,
    ),
    Step(
        "place_type",
        "choice",
        N_("¿Dónde pasó?"),
        N_("Tipo de lugar"),
        choices=codes.PLACE_TYPES,
    ),
    Step(
        "incident_date",
        "date",
        N_("¿Cuándo pasó? Por ejemplo: ayer, hace dos semanas, 15/03, marzo."),
        N_("Cuándo pasó"),
        hint=N_(
            "Escriba una fecha aproximada, por ejemplo: ayer, 15/03, marzo, "
            "hace más de un año, o no sé."
        ),
    ),
    Step(
        "victim_count",
        "number",
        N_("¿Cuántas personas fueron víctimas? Escriba un número."),
        N_("Número de víctimas"),
        prompt_self=N_("¿Cuántas personas fueron víctimas, contándose a usted? Escriba un número."),
        minimum=1,
        maximum=1000,
        hint=N_("Escriba un número, por ejemplo: 1 o 3."),
    ),
    Step(
        "victim_name",
        "text",
        N_("¿Cómo se llama la persona? Puede saltar esta pregunta."),
        N_("Nombre de la víctima"),
        when=NOT_VICTIM,
        skippable=True,
        sensitive=True,
    ),
    Step(
        "victim_nationality",
        "country",
        N_("¿De qué país es la persona?"),
        N_("Nacionalidad"),
        prompt_self=N_("¿De qué país es usted?"),
        suggestions=codes.COMMON_COUNTRIES,
        hint=N_("Escriba el nombre del país, por ejemplo: Honduras."),
    ),
    Step(
        "victim_gender",
        "choice",
        N_("La persona es:"),
        N_("Género"),
        prompt_self=N_("Usted es:"),
        choices=codes.GENDERS,
    ),
    Step(
        "victim_age_group",
        "choice",
        N_("¿Qué edad tiene la persona?"),
        N_("Edad"),
        prompt_self=N_("¿Qué edad tiene usted?"),
        choices=codes.AGE_GROUPS,
    ),
    Step(
        "indigenous_language",
        "text",
        N_("¿La persona habla una lengua indígena? Escriba cuál, o «no»."),
        N_("Lengua indígena"),
        prompt_self=N_("¿Usted habla una lengua indígena? Escriba cuál, o «no»."),
        skippable=True,
    ),
    Step(
        "description",
        "text",
        N_("Cuente con sus palabras lo que pasó. Escriba todo lo que quiera."),
        N_("Lo que pasó"),
        sensitive=True,
    ),
    Step(
        "evidence",
        "media",
        N_(
            "¿Tiene fotos, audios, documentos o una ubicación? Envíelos ahora. "
            "Cuando termine, escriba «listo». Si no tiene, escriba «no»."
        ),
        N_("Pruebas"),
    ),
    Step(
        "already_reported",
        "yesno",
        N_("¿Ya lo denunció ante alguna autoridad?"),
        N_("Ya lo denunció"),
    ),
    Step(
        "authority",
        "text",
        N_("¿Ante qué autoridad? Si tiene número de carpeta de investigación, escríbalo también."),
        N_("Autoridad y número de carpeta"),
        when=Is("already_reported", (True,)),
        skippable=True,
        sensitive=True,
    ),
    Step(
        "wants_complaint",
        "yesno",
        N_("¿Quiere presentar una denuncia formal ante la fiscalía?"),
        N_("Quiere denunciar"),
    ),
    Step(
        "wants_visa_info",
        "yesno",
        N_("¿Quiere información sobre la visa humanitaria para víctimas y testigos?"),
        N_("Información de visa humanitaria"),
    ),
    Step(
        "anonymous",
        "yesno",
        N_("¿Quiere que el reporte sea anónimo? Así no guardamos ningún dato para contactarle."),
        N_("Reporte anónimo"),
    ),
    Step(
        "reporter_name",
        "text",
        N_("¿Cómo quiere que le llamemos? Puede ser un apodo. Puede saltar esta pregunta."),
        N_("Su nombre"),
        when=NOT_ANONYMOUS,
        skippable=True,
        sensitive=True,
    ),
    Step(
        "wants_contact",
        "yesno",
        N_("¿Quiere que un albergue le contacte?"),
        N_("Quiere que le contacten"),
        when=All((NOT_ANONYMOUS, Not(URGENT))),
    ),
    Step(
        "contact_channel",
        "choice",
        N_(
            "¿Cómo es seguro contactarle? Elija una opción, o escriba un número de teléfono "
            "seguro con el código del país."
        ),
        N_("Cómo contactarle"),
        when=WANTS_CONTACT,
        choices=codes.CONTACT_CHANNELS,
        skippable=True,
        phone_field="contact_phone",
    ),
    Step(
        "contact_phone",
        "phone",
        N_(
            "¿A qué número le llamamos? Escríbalo con el código del país, por ejemplo: "
            "+504 9999 9999."
        ),
        N_("Teléfono"),
        when=All((NOT_ANONYMOUS, Is("contact_channel", ("phone_call",)))),
        hint=N_(
            "Escriba un número de teléfono con el código del país, por ejemplo: +52 55 1234 5678."
        ),
        sensitive=True,
    ),
    Step(
        "contact_hours",
        "choice",
        N_("¿A qué hora es seguro contactarle?"),
        N_("Hora segura"),
        when=WANTS_CONTACT,
        choices=codes.CONTACT_HOURS,
        skippable=True,
    ),
    Step(
        "allow_family_follow",
        "yesno",
        N_(
            "¿Quiere que un familiar pueda seguir el caso? Le daremos un código y un PIN para "
            "compartir."
        ),
        N_("Un familiar puede seguir el caso"),
    ),
)

# Between the urgent answer and the filed report: where, what now, and a safe way and time to
# reach the reporter; at most four questions (domain.md), each skippable.
URGENT_STEPS = (
    "danger_state",
    "happening_now",
    "contact_channel",
    "contact_phone",
    "contact_hours",
)

COMPLAINT = Flow(
    "complaint",
    N_("Reportar un delito o abuso"),
    STEPS,
    urgent_steps=URGENT_STEPS,
    urgent_questions=4,
)
