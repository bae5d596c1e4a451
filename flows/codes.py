"""The code lists of domain.md: stable codes with translatable labels (msgids)."""

from __future__ import annotations

from flows.model import N_, Choice

CRIME_TYPES: tuple[Choice, ...] = (
    Choice("kidnapping", N_("Secuestro"), ("levanton", "plagio")),
    Choice("disappearance", N_("Una persona desaparecida"), ("desaparicion",)),
    Choice("forced_disappearance", N_("Desaparición con participación de autoridades")),
    Choice("deprivation_of_liberty", N_("Retención contra su voluntad, sin rescate")),
    Choice("extortion", N_("Extorsión o cobro de cuotas"), ("cuota", "extorsion")),
    Choice("robbery", N_("Robo o asalto"), ("asalto", "robo")),
    Choice("assault", N_("Golpes o lesiones"), ("golpes", "lesiones")),
    Choice("sexual_violence", N_("Violencia sexual"), ("violacion", "abuso sexual")),
    Choice("trafficking", N_("Trata de personas"), ("trata",)),
    Choice("homicide", N_("Homicidio"), ("asesinato",)),
    Choice("threats", N_("Amenazas")),
    Choice("arbitrary_detention", N_("Detención arbitraria")),
    Choice("abuse_of_authority", N_("Abuso de autoridad o uso excesivo de la fuerza")),
    Choice("bribery_demand", N_("Una autoridad pidió dinero"), ("mordida", "soborno")),
    Choice("detention_center_abuse", N_("Abuso en una estación migratoria")),
    Choice("other", N_("Otro delito o abuso")),
)

PERPETRATORS: tuple[Choice, ...] = (
    Choice("organized_crime", N_("Crimen organizado o cártel"), ("cartel", "narco")),
    Choice("smuggler", N_("Pollero o coyote"), ("pollero", "coyote", "guia")),
    Choice("gang", N_("Pandilla o mara"), ("mara", "pandilla")),
    Choice("common_criminal", N_("Delincuente común")),
    Choice("inm_agent", N_("Agente de migración (INM)"), ("inm", "migra")),
    Choice("national_guard", N_("Guardia Nacional")),
    Choice("federal_police", N_("Policía federal")),
    Choice("state_police", N_("Policía estatal")),
    Choice("municipal_police", N_("Policía municipal")),
    Choice("military", N_("Ejército o Marina"), ("ejercito", "marina", "militares")),
    Choice("prosecutor_or_official", N_("Fiscalía u otro funcionario")),
    Choice("private_security", N_("Guardias privados (por ejemplo del tren)")),
    Choice("other_migrant", N_("Otra persona migrante")),
    Choice("unknown", N_("No sé")),
    Choice("other", N_("Otra persona")),
)

OFFICIAL_PERPETRATORS = frozenset(
    {
        "inm_agent",
        "national_guard",
        "federal_police",
        "state_police",
        "municipal_police",
        "military",
        "prosecutor_or_official",
    }
)

OFFICIALS_COLLUDED: tuple[Choice, ...] = (
    Choice("yes", N_("Sí")),
    Choice("no", N_("No")),
    Choice("unsure", N_("No estoy seguro")),
)

PLACE_TYPES: tuple[Choice, ...] = (
    Choice("train", N_("En el tren"), ("bestia",)),
    Choice("rail_or_route", N_("Cerca de las vías o en la ruta"), ("vias", "ruta")),
    Choice("bus", N_("En un autobús")),
    Choice("road_or_checkpoint", N_("En un camino o retén")),
    Choice("river_or_border", N_("En un río o en la frontera")),
    Choice("detention_center", N_("En una estación migratoria")),
    Choice("shelter_area", N_("Cerca de un albergue")),
    Choice("city", N_("En una ciudad")),
    Choice("rural", N_("En el campo o el monte")),
    Choice("other", N_("En otro lugar")),
)

REPORTER_ROLES: tuple[Choice, ...] = (
    Choice("victim", N_("Me pasó a mí")),
    Choice("witness", N_("Lo vi, le pasó a otra persona")),
    Choice("relative_or_friend", N_("Le pasó a un familiar o amigo")),
    Choice("organization", N_("Soy de un albergue u organización")),
)
# "¿A quién le pasó?": who reported it, and how many people it happened to when that is plain.
WHO: tuple[Choice, ...] = (
    Choice(
        "me",
        N_("Solo a mí"),
        ("a mi", "me paso a mi"),
        sets=(("reporter_role", "victim"), ("victim_count", 1)),
    ),
    Choice("me_and_others", N_("A mí y a otras personas"), sets=(("reporter_role", "victim"),)),
    Choice(
        "relative",
        N_("A un familiar o amigo"),
        ("familiar", "amigo", "mi hijo", "mi hija"),
        sets=(("reporter_role", "relative_or_friend"), ("victim_count", 1)),
    ),
    Choice("witness", N_("A otras personas, lo vi"), sets=(("reporter_role", "witness"),)),
    Choice(
        "organization",
        N_("Soy de un albergue u organización"),
        sets=(("reporter_role", "organization"),),
    ),
)
# "¿Alguien está en peligro ahora?": one question for both urgent answers.
DANGER_NOW: tuple[Choice, ...] = (
    Choice(
        "me",
        N_("Sí, yo"),
        ("si", "yes", "oui", "wi", "yo", "me"),
        sets=(("in_danger", True), ("still_missing_or_held", False)),
    ),
    Choice(
        "held",
        N_("Alguien retenido o secuestrado"),
        ("secuestrado", "retenido"),
        sets=(("in_danger", False), ("still_missing_or_held", True)),
    ),
    Choice(
        "missing",
        N_("Alguien desaparecido"),
        ("desaparecido", "desaparecida"),
        sets=(("in_danger", False), ("still_missing_or_held", True)),
    ),
    Choice(
        "no",
        N_("No"),
        ("no", "nadie"),
        sets=(("in_danger", False), ("still_missing_or_held", False)),
    ),
)
# What the person wants to happen; each choice gets its short information after sending.
WANTS: tuple[Choice, ...] = (
    Choice("complaint", N_("Denuncia (Ministerio Público)"), ("denuncia", "denunciar")),
    Choice("human_rights", N_("Queja ante Derechos Humanos"), ("queja", "cndh")),
    Choice("visa", N_("Visa humanitaria"), ("visa",)),
    Choice("protection", N_("Protección"), ("proteccion",)),
    Choice("care", N_("Atención médica o psicológica"), ("medico", "psicologo")),
    Choice("search", N_("Buscar a una persona"), ("buscar", "busqueda")),
    Choice("asylum", N_("Refugio (asilo)"), ("refugio", "asilo")),
    Choice("already_reported", N_("Ya lo denuncié"), ("ya denuncie",)),
    Choice("family", N_("PIN para un familiar"), ("pin",)),
    Choice("nothing", N_("Solo reportarlo"), ("nada", "solo reportar")),
)

REPORTER_WHERE: tuple[Choice, ...] = (
    Choice("mexico", N_("En México")),
    Choice("abroad", N_("En otro país")),
)

GENDERS: tuple[Choice, ...] = (
    Choice("woman", N_("Mujer")),
    Choice("man", N_("Hombre")),
    Choice("non_binary", N_("No binario u otro")),
    Choice("prefer_not", N_("Prefiero no decir")),
)

AGE_GROUPS: tuple[Choice, ...] = (
    Choice("under_12", N_("Menor de 12 años")),
    Choice("12_17", N_("De 12 a 17 años")),
    Choice("18_29", N_("De 18 a 29 años")),
    Choice("30_59", N_("De 30 a 59 años")),
    Choice("60_plus", N_("60 años o más")),
    Choice("unknown", N_("No sé")),
)

CONTACT_CHANNELS: tuple[Choice, ...] = (
    Choice("this_chat", N_("Por este mismo chat")),
    Choice("phone_call", N_("Una llamada a otro número")),
)
# "¿Cómo le contactamos?": whether, how, or not at all (anonymous), in one question.
CONTACT: tuple[Choice, ...] = (
    Choice(
        "this_chat",
        N_("Por este chat"),
        ("este chat", "por este mismo chat"),
        sets=(("contact_channel", "this_chat"), ("wants_contact", True), ("anonymous", False)),
    ),
    Choice(
        "phone_call",
        N_("Llamada a otro número"),
        ("llamada", "una llamada a otro numero"),
        sets=(("contact_channel", "phone_call"), ("wants_contact", True), ("anonymous", False)),
    ),
    Choice(
        "no_contact",
        N_("No me contacten"),
        sets=(("contact_channel", None), ("wants_contact", False), ("anonymous", False)),
    ),
    Choice(
        "anonymous",
        N_("Anónimo, sin mis datos"),
        ("anonimo",),
        sets=(("contact_channel", None), ("wants_contact", False), ("anonymous", True)),
    ),
)

CONTACT_HOURS: tuple[Choice, ...] = (
    Choice("morning", N_("En la mañana")),
    Choice("afternoon", N_("En la tarde")),
    Choice("evening", N_("En la noche")),
    Choice("any", N_("A cualquier hora")),
)

# Countries most reporters come from or report from; any other can be typed.
COMMON_COUNTRIES: tuple[str, ...] = ("HN", "GT", "SV", "NI", "US", "VE", "HT", "CU", "MX")

# Case workflow (domain.md): each track's statuses, in order.
INTAKE_STATUSES: tuple[Choice, ...] = (
    Choice("submitted", N_("Reporte recibido")),
    Choice("in_review", N_("Un albergue revisa el caso")),
    Choice("verified", N_("Caso verificado")),
    Choice("duplicate", N_("Caso ya reportado antes")),
    Choice("not_actionable", N_("No se puede actuar en este caso")),
)
JUSTICE_STATUSES: tuple[Choice, ...] = (
    Choice("referred", N_("Caso enviado a una autoridad")),
    Choice("complaint_filed", N_("Denuncia presentada")),
    Choice("evidence_taken", N_("Testimonio tomado como prueba anticipada")),
    Choice("charges_filed", N_("Hay acusación formal")),
    Choice("sentence", N_("Hay sentencia")),
    Choice("closed_without_result", N_("Caso cerrado sin resultado")),
)
MIGRATION_STATUSES: tuple[Choice, ...] = (
    Choice("humanitarian_visa_requested", N_("Visa humanitaria solicitada")),
    Choice("humanitarian_visa_granted", N_("Visa humanitaria otorgada")),
    Choice("humanitarian_visa_denied", N_("Visa humanitaria negada")),
)
TRACKS: dict[str, tuple[Choice, ...]] = {
    "intake": INTAKE_STATUSES,
    "justice": JUSTICE_STATUSES,
    "migration": MIGRATION_STATUSES,
}
REFERRAL_BODIES: tuple[Choice, ...] = (
    Choice("state_prosecutor", N_("Fiscalía especializada del estado")),
    Choice("federal_migrant_unit", N_("Unidad federal de delitos contra migrantes")),
    Choice("mae_consulate", N_("Mecanismo de Apoyo Exterior (consulado)")),
    Choice("human_rights_commission", N_("Comisión Nacional de los Derechos Humanos")),
)
