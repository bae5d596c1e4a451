"""The complaint (intake) flow: every field of domain.md, in the order a person can answer it.

A question is asked only when it applies and no earlier answer gave it already: "me robaron y me
violaron unos pandilleros" answers what happened and who did it; "Tenosique, Tabasco" the state.
"""

from __future__ import annotations

from flows import codes
from flows.model import N_, All, AnyOf, Flow, Has, Is, Not, Step

NOT_VICTIM = Not(Is("reporter_role", ("victim",)))
NOT_ANONYMOUS = Not(Is("anonymous", (True,)))
# Someone is in danger now, or still held or missing: the report takes the urgent fast path.
URGENT = AnyOf((Is("in_danger", (True,)), Is("still_missing_or_held", (True,))))

OFFICIALS = Has("perpetrators", codes.OFFICIAL_PERPETRATORS)
# Collusion matters where criminals act in the open: organized crime, smugglers, kidnapping.
COLLUSION_LIKELY = AnyOf(
    (
        Has("perpetrators", frozenset({"organized_crime", "smuggler"})),
        Has("crime_types", frozenset({"kidnapping", "extortion", "trafficking", "disappearance"})),
    )
)
SEVERAL = Is("who", ("me_and_others", "witness", "organization"))
NOT_ONE = Not(Is("victim_count", (1,)))
# More than one victim (or not known how many): they are counted by group.
COUNTED = All((SEVERAL, NOT_ONE))
# A witness or an organization telling of several victims: no one person's gender and age.
ABOUT_OTHERS = All((Is("who", ("witness", "organization")), NOT_ONE))
INDIGENOUS_COUNTRIES = ("GT", "MX", "EC", "BO", "PE")

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
        unknown=False,
    ),
    Step(
        "danger_now",
        "choice",
        N_("¿Alguien está en peligro ahora, desaparecido o retenido?"),
        N_("Peligro ahora"),
        choices=codes.DANGER_NOW,
        urgent_when=("me", "held", "missing"),
        fills=("in_danger", "still_missing_or_held"),
    ),
    Step(
        "danger_state",
        "mx_state",
        N_("¿En qué estado de México está ahora la persona?"),
        N_("Estado donde está ahora"),
        when=URGENT,
        skippable=True,
        hint=N_("Escriba el nombre de un estado de México, por ejemplo: Oaxaca o CDMX."),
    ),
    Step(
        "happening_now",
        "text",
        N_("¿Qué está pasando ahora, y en qué lugar? Escriba o mande una nota de voz."),
        N_("Qué pasa ahora"),
        when=Is("danger_now", ("me", "held")),
        skippable=True,
        sensitive=True,
        voice=True,
    ),
    Step(
        "who",
        "choice",
        N_("¿A quién le pasó?"),
        N_("A quién le pasó"),
        choices=codes.WHO,
        fills=("reporter_role", "victim_count"),
    ),
    Step(
        "reporter_where",
        "where",
        N_("¿Dónde está usted ahora? Escriba el estado de México o el país."),
        N_("Dónde está usted"),
        hint=N_("Escriba un estado de México o un país, por ejemplo: Chiapas u Honduras."),
        fills=("reporter_state", "reporter_country"),
    ),
    Step(
        "description",
        "text",
        N_("Cuente con sus palabras qué pasó y quién lo hizo. Puede mandar una nota de voz."),
        N_("Lo que pasó"),
        sensitive=True,
        voice=True,
        fills=("crime_types", "perpetrators"),
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
        when=All((COLLUSION_LIKELY, Not(OFFICIALS))),
        choices=codes.OFFICIALS_COLLUDED,
    ),
    Step(
        "incident_place",
        "place",
        N_("¿Dónde pasó? Escriba el lugar y el estado, por ejemplo: Tenosique, Tabasco."),
        N_("Lugar"),
        skippable=True,
        sensitive=True,
        fills=("incident_state", "place_type"),
    ),
    Step(
        "incident_state",
        "mx_state",
        N_("¿En qué estado de México pasó?"),
        N_("Estado donde pasó"),
        hint=N_("Escriba el nombre de un estado de México, por ejemplo: Oaxaca o CDMX."),
    ),
    Step(
        "place_type",
        "choice",
        # Not "¿Dónde pasó?" again: the place question just before asked that.
        N_("¿Qué tipo de lugar era?"),
        N_("Tipo de lugar"),
        # A relative far away seldom knows what kind of place it was.
        when=Not(Is("reporter_role", ("relative_or_friend",))),
        choices=codes.PLACE_TYPES,
    ),
    Step(
        "incident_date",
        "date",
        N_("¿Cuándo pasó? Por ejemplo: ayer, hace dos semanas, 15/03, marzo."),
        N_("Cuándo pasó"),
        hint=N_("Escriba una fecha aproximada, por ejemplo: ayer, 15/03, marzo, o no sé."),
    ),
    Step(
        "victim_count",
        "number",
        N_("¿Cuántas personas fueron víctimas? Escriba un número."),
        N_("Número de víctimas"),
        prompt_self=N_("¿Cuántas personas fueron víctimas, contándose a usted? Escriba un número."),
        when=SEVERAL,
        minimum=1,
        maximum=1000,
        hint=N_("Escriba un número, por ejemplo: 1 o 3."),
        fills=("victim_groups",),  # "2 mujeres y 1 niño" says how many of each too
    ),
    Step(
        "victim_groups",
        "groups",
        N_("¿Cuántas eran mujeres, hombres y niños? Por ejemplo: 2 mujeres, 1 niño."),
        N_("Víctimas por grupo"),
        prompt_self=N_(
            "Contándose a usted, ¿cuántas eran mujeres, hombres y niños? Por ejemplo: "
            "2 mujeres, 1 niño."
        ),
        when=COUNTED,
        hint=N_("Escriba cuántos de cada uno, por ejemplo: 2 mujeres, 1 hombre, 0 niños."),
    ),
    Step(
        "victim_name",
        "text",
        N_("¿Cómo se llama la persona? Puede saltar esta pregunta."),
        N_("Nombre de la víctima"),
        prompt_several=N_("¿Cómo se llaman las personas? Puede saltar esta pregunta."),
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
        prompt_several=N_(
            "¿De qué país son? Si son de varios, escriba cuántos de cada uno, por ejemplo: "
            "2 Honduras, 1 Guatemala."
        ),
        suggestions=codes.COMMON_COUNTRIES,
        hint=N_("Escriba el nombre del país, por ejemplo: Honduras."),
        fills=("victim_nationalities",),
    ),
    Step(
        "victim_gender",
        "choice",
        N_("¿La persona es mujer u hombre, y qué edad tiene? Por ejemplo: hombre, 17."),
        N_("Género"),
        prompt_self=N_("¿Usted es mujer u hombre, y qué edad tiene? Por ejemplo: mujer, 25."),
        when=Not(ABOUT_OTHERS),
        choices=codes.GENDERS,
        fills=("victim_age_group",),
    ),
    Step(
        "victim_age_group",
        "age",
        N_("¿Qué edad tiene la persona? Escriba los años."),
        N_("Edad"),
        prompt_self=N_("¿Qué edad tiene usted? Escriba los años."),
        when=Not(ABOUT_OTHERS),
        hint=N_("Escriba la edad en años, por ejemplo: 25."),
    ),
    Step(
        "indigenous_language",
        "text",
        N_("¿La persona habla una lengua indígena? Escriba cuál, o «no»."),
        N_("Lengua indígena"),
        prompt_self=N_("¿Usted habla una lengua indígena? Escriba cuál, o «no»."),
        when=Is("victim_nationality", INDIGENOUS_COUNTRIES),
        skippable=True,
        takes_no=True,
    ),
    Step(
        "wants",
        "multi",
        N_("¿Qué quiere que pase ahora? Puede elegir varios."),
        N_("Lo que quiere"),
        choices=codes.WANTS,
        flags=(
            ("complaint", "wants_complaint"),
            ("visa", "wants_visa_info"),
            ("already_reported", "already_reported"),
            ("family", "allow_family_follow"),
        ),
    ),
    Step(
        "prior_reports",
        "multi",
        N_(
            "¿Dónde lo denunció? Puede elegir varios. Elija también si no le quisieron "
            "tomar la denuncia o si le pidieron dinero."
        ),
        N_("Dónde lo denunció"),
        when=Is("already_reported", (True,)),
        choices=codes.PRIOR_ASKED,
        sensitive=True,  # names an authority, maybe a bribe: not on a seized phone's summary
    ),
    Step(
        "authority",
        "text",
        N_("¿Tiene el número de la carpeta de investigación? Escríbalo, o «no»."),
        N_("Número de carpeta"),
        # A carpeta exists only where a prosecutor took the denuncia.
        when=All(
            (
                Has("prior_reports", codes.PROSECUTOR_BODIES),
                Not(Has("prior_reports", frozenset({"refused"}))),
            )
        ),
        skippable=True,
        sensitive=True,
    ),
    Step(
        "contact",
        "choice",
        N_("¿Cómo le contactamos? O escriba un teléfono seguro."),
        N_("Cómo contactarle"),
        choices=codes.CONTACT,
        skippable=True,
        phone_field="contact_phone",
        fills=("contact_channel", "wants_contact", "anonymous", "contact_hours", "contact_phone"),
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
        "reporter_name",
        "text",
        N_("¿Por quién preguntamos al llamar? Puede ser un apodo."),
        N_("Su nombre"),
        when=Is("contact_channel", ("phone_call",)),
        skippable=True,
        sensitive=True,
    ),
    Step(
        "contact_hours",
        "choice",
        N_("¿A qué hora es seguro llamarle?"),
        N_("Hora segura"),
        when=Is("contact_channel", ("phone_call",)),
        choices=codes.CONTACT_HOURS,
        skippable=True,
    ),
)

# Between the urgent answer and the filed report: where, what now, and a safe way and time to
# reach the reporter; at most four questions (domain.md), each skippable.
URGENT_STEPS = (
    "danger_state",
    "happening_now",
    "contact",
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
