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
    # "No sé" says the same to a person: kept only as the label of answers given before.
    Choice("unsure", N_("No estoy seguro"), only="stored"),
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

# Who the victims were, counted by group when there were several; children are under 18.
VICTIM_GROUPS: tuple[Choice, ...] = (
    Choice("women", N_("Mujeres")),
    Choice("men", N_("Hombres")),
    Choice("children", N_("Niñas y niños")),
)
MINOR_AGE_GROUPS = frozenset({"under_12", "12_17"})

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
# "¿Cómo le contactamos?": whether, how, when, or not at all (anonymous), in one question. Where
# Camino writes unasked (SMS, WhatsApp, Telegram) the person says whether a message may come at
# any hour; a chat that writes from a phone number may simply be called back on it.
_REACHABLE = (("wants_contact", True), ("anonymous", False))
CONTACT: tuple[Choice, ...] = (
    Choice(
        "this_chat_any",
        N_("Por este chat, a cualquier hora"),
        ("cualquier hora", "any time", "any hour"),
        sets=(("contact_channel", "this_chat"), ("contact_hours", "any"), *_REACHABLE),
        only="push",
    ),
    Choice(
        "this_chat_day",
        N_("Por este chat, solo de día"),
        ("de dia", "solo de dia"),
        sets=(("contact_channel", "this_chat"), ("contact_hours", "day"), *_REACHABLE),
        only="push",
    ),
    Choice(
        "this_chat",
        N_("Por este chat"),
        ("este chat", "por este mismo chat"),
        sets=(("contact_channel", "this_chat"), *_REACHABLE),
        only="no_push",
    ),
    Choice(
        "call_this",
        N_("Llamada a este número"),
        ("este numero", "a este numero", "llamenme aqui"),
        sets=(("contact_channel", "phone_call"), *_REACHABLE),
        only="phone",
    ),
    Choice(
        "phone_call",
        N_("Llamada a otro número"),
        ("llamada", "una llamada a otro numero"),
        sets=(("contact_channel", "phone_call"), *_REACHABLE),
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

# When a call may come (asked after "llamada"); "solo de día" comes from the contact question.
CONTACT_HOURS: tuple[Choice, ...] = (
    Choice("morning", N_("En la mañana")),
    Choice("afternoon", N_("En la tarde")),
    Choice("evening", N_("En la noche")),
    Choice("any", N_("A cualquier hora")),
    Choice("day", N_("Solo de día"), only="stored"),
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
# Justice track (Código Nacional de Procedimientos Penales): a denuncia opens a carpeta de
# investigación (or an acta circunstanciada), then judicialization; early testimony (prueba
# anticipada, CNPP art. 304) is independent and dated.
JUSTICE_STATUSES: tuple[Choice, ...] = (
    # TRANSLATORS: Código Nacional de Procedimientos Penales (CNPP), art. 221: the denuncia opens
    # the investigation.
    Choice("complaint_filed", N_("Denuncia presentada")),
    # TRANSLATORS: CNPP, arts. 211-212: the investigation stage led by the Ministerio Público.
    Choice("investigation", N_("En investigación")),
    # TRANSLATORS: CNPP, arts. 316-319: the judge's order that binds the accused to trial
    # ("vinculación a proceso").
    Choice("judicialized", N_("Vinculación a proceso")),
    # TRANSLATORS: CNPP, art. 141: an arrest warrant issued by a judge.
    Choice("arrest_warrant", N_("Orden de aprehensión")),
    # TRANSLATORS: CNPP, art. 406: a sentence that convicts.
    Choice("conviction", N_("Sentencia condenatoria")),
    # TRANSLATORS: CNPP, art. 405: a sentence that acquits.
    Choice("acquittal", N_("Sentencia absolutoria")),
    Choice(
        "alternative_ending", N_("Solución alterna (acuerdo reparatorio o suspensión condicional)")
    ),
    # TRANSLATORS: CNPP, art. 254: the prosecutor shelves the case until new evidence appears; it
    # can be reopened.
    Choice("archived", N_("Archivo temporal")),
    # TRANSLATORS: CNPP, art. 255: the prosecutor decides not to prosecute (can be challenged, art.
    # 258).
    Choice("no_prosecution", N_("No ejercicio de la acción penal")),
    # TRANSLATORS: CNPP, art. 304: testimony taken before a judge ahead of trial (prueba
    # anticipada), e.g. before the victim leaves Mexico.
    Choice("early_testimony_taken", N_("Prueba anticipada: testimonio tomado")),
)
# A queja before the CNDH or a state human-rights commission (abuse by officials).
QUEJA_STATUSES: tuple[Choice, ...] = (
    # TRANSLATORS: Ley de la Comisión Nacional de los Derechos Humanos, art. 25: a complaint (queja)
    # about an authority; state commissions have equivalent laws.
    Choice("queja_filed", N_("Queja presentada")),
    Choice("admitted", N_("Queja admitida")),
    # TRANSLATORS: Ley de la CNDH, art. 36: a conciliation between the complainant and the
    # authority.
    Choice("conciliation", N_("Conciliación")),
    # TRANSLATORS: Ley de la CNDH, art. 44: a public recommendation addressed to the authority.
    Choice("recommendation", N_("Recomendación emitida")),
    Choice("closed", N_("Queja concluida")),
)
MIGRATION_STATUSES: tuple[Choice, ...] = (
    # TRANSLATORS: Ley de Migración, arts. 99-100: held by the Instituto Nacional de Migración
    # (presentación / alojamiento).
    Choice("detained", N_("Detenida por migración")),
    Choice("released", N_("Puesta en libertad")),
    # TRANSLATORS: Ley de Migración, art. 144: deportation.
    Choice("deported", N_("Deportada")),
    Choice("left_mexico", N_("Salió de México")),
    # TRANSLATORS: Ley de Migración, art. 52, fracción V: visitor for humanitarian reasons (for
    # victims and witnesses of crimes committed in Mexico).
    Choice("humanitarian_visa_requested", N_("Visa humanitaria solicitada")),
    Choice("humanitarian_visa_granted", N_("Visa humanitaria otorgada")),
    Choice("humanitarian_visa_denied", N_("Visa humanitaria negada")),
    # TRANSLATORS: A denial challenged by the recurso de revisión (Ley Federal de Procedimiento
    # Administrativo, art. 83) or an amparo.
    Choice("humanitarian_visa_appealed", N_("Negativa de visa humanitaria impugnada")),
    # TRANSLATORS: Ley sobre Refugiados, Protección Complementaria y Asilo Político, art. 18:
    # refugee status requested from the Comisión Mexicana de Ayuda a Refugiados (COMAR).
    Choice("asylum_requested", N_("Refugio solicitado ante la COMAR")),
    Choice("asylum_recognized", N_("Refugio reconocido")),
    Choice("asylum_denied", N_("Refugio negado")),
)
# A case sent to an authority or a consulate (several in parallel, one per body).
REFERRAL_STATUSES: tuple[Choice, ...] = (
    Choice("referred", N_("Caso enviado a una autoridad")),
    Choice("referral_answered", N_("La autoridad respondió")),
)
# Whether a disappeared person is still missing: retention keeps the case until found.
SEARCH_STATUSES: tuple[Choice, ...] = (
    Choice("person_found", N_("La persona fue localizada")),
    Choice("erasure_requested", N_("La familia pidió borrar sus datos")),
)
# Codes of earlier versions, kept readable; staff correct them, never choose them anew.
LEGACY_STATUSES: dict[str, tuple[Choice, ...]] = {
    "justice": (Choice("sentence_unrecorded", N_("Hay sentencia (falta registrar cuál)")),),
}
# A correcting event that withdraws a wrong one without putting another in its place.
ENTERED_IN_ERROR = Choice("entered_in_error", N_("Registro anulado por error"))
TRACKS: dict[str, tuple[Choice, ...]] = {
    "intake": INTAKE_STATUSES,
    "referral": REFERRAL_STATUSES,
    "justice": JUSTICE_STATUSES,
    "queja": QUEJA_STATUSES,
    "migration": MIGRATION_STATUSES,
    "search": SEARCH_STATUSES,
}
# Who a referral, justice or queja event is about: each body's track goes on its own.
REFERRAL_BODIES: tuple[Choice, ...] = (
    Choice("state_prosecutor", N_("Fiscalía del estado (unidad especializada en migrantes)")),
    # TRANSLATORS: Acuerdo A/117/15 de la PGR (2015): the federal unit investigating crimes against
    # migrants, now in the Fiscalía General de la República.
    Choice("federal_migrant_unit", N_("Unidad federal de delitos contra migrantes (FGR)")),
    # TRANSLATORS: Acuerdo A/117/15 de la PGR (2015): the Mecanismo de Apoyo Exterior lets a migrant
    # report a crime suffered in Mexico from a Mexican consulate abroad.
    Choice("mae_consulate", N_("Mecanismo de Apoyo Exterior (consulado de México)")),
    Choice("cndh", N_("Comisión Nacional de los Derechos Humanos")),
    Choice("state_commission", N_("Comisión estatal de derechos humanos")),
    Choice("consulate", N_("Consulado del país de la víctima")),
)
BODIES_OF: dict[str, frozenset[str]] = {
    "justice": frozenset({"state_prosecutor", "federal_migrant_unit", "mae_consulate"}),
    "queja": frozenset({"cndh", "state_commission"}),
    "referral": frozenset(choice.code for choice in REFERRAL_BODIES),
}
# What a denuncia opened: a carpeta de investigación or an acta circunstanciada.
COMPLAINT_RECORDS: tuple[Choice, ...] = (
    # TRANSLATORS: CNPP, art. 217: the investigation file opened by a denuncia.
    Choice("carpeta", N_("Carpeta de investigación")),
    # TRANSLATORS: A record of facts that a prosecutor may draw up instead of opening a carpeta
    # (state prosecutors' practice; it does not start an investigation).
    Choice("acta", N_("Acta circunstanciada")),
)
# Where a report was made before Camino (coded history) and how the authority answered.
PRIOR_REPORTS: tuple[Choice, ...] = (
    Choice("state_prosecutor", N_("Fiscalía del estado")),
    Choice("federal_migrant_unit", N_("Unidad federal de la FGR")),
    Choice("mae_consulate", N_("Consulado de México (MAE)")),
    Choice("cndh", N_("CNDH")),
    Choice("state_commission", N_("Comisión estatal de derechos humanos")),
    Choice("police", N_("Policía")),
    Choice("inm", N_("Instituto Nacional de Migración")),
    Choice("none", N_("En ningún lugar")),
    Choice("unknown", N_("No sé")),
)
PRIOR_OUTCOMES: tuple[Choice, ...] = (
    Choice("taken", N_("Tomaron el reporte")),
    Choice("refused", N_("No quisieron tomarlo")),
    Choice("asked_money", N_("Pidieron dinero")),
    Choice("unknown", N_("No sé")),
)
# "¿Dónde lo denunció?", in the person's words: the places of PRIOR_REPORTS and how the
# authority answered, in one multi-choice (codes shared with the case page's coded history).
PRIOR_ASKED: tuple[Choice, ...] = (
    Choice(
        "state_prosecutor",
        N_("Fiscalía o Ministerio Público del estado"),
        ("fiscalia", "ministerio publico", "mp"),
    ),
    Choice("federal_migrant_unit", N_("Fiscalía federal (FGR)"), ("fgr", "pgr", "federal")),
    Choice("mae_consulate", N_("Consulado de México, desde otro país"), ("consulado", "mae")),
    Choice("cndh", N_("Derechos Humanos (CNDH)"), ("cndh", "derechos humanos")),
    Choice("state_commission", N_("Comisión de derechos humanos del estado"), ("comision",)),
    Choice("police", N_("Policía"), ("policia", "police", "polis")),
    Choice("inm", N_("Migración (INM)"), ("inm", "migracion")),
    Choice("refused", N_("No me tomaron la denuncia"), ("no quisieron",)),
    Choice("asked_money", N_("Me pidieron dinero"), ("dinero", "mordida")),
    Choice("unknown", N_("No sé")),
)
# Where a denuncia was made: a carpeta de investigación number may exist.
PROSECUTOR_BODIES = frozenset({"state_prosecutor", "federal_migrant_unit", "mae_consulate"})

# What families read about each step: discreet plain words (a relative's phone may be in other
# hands, so no authority or legal term that would tell an extortionist what the family did).
FAMILY_STATUS_LABELS: dict[str, str] = {
    "submitted": N_("Reporte recibido"),
    "in_review": N_("Un albergue revisa el caso"),
    "verified": N_("Caso verificado"),
    "duplicate": N_("Caso ya reportado antes"),
    "not_actionable": N_("No se puede actuar en este caso"),
    "referred": N_("El caso se envió a quien puede ayudar"),
    "referral_answered": N_("Hubo respuesta sobre el caso"),
    "complaint_filed": N_("Se presentó la denuncia"),
    "investigation": N_("El caso se investiga"),
    "judicialized": N_("El caso avanzó ante un juez"),
    "arrest_warrant": N_("El caso avanzó ante un juez"),
    "conviction": N_("Hubo una decisión del juez"),
    "acquittal": N_("Hubo una decisión del juez"),
    "sentence_unrecorded": N_("Hubo una decisión del juez"),
    "alternative_ending": N_("El caso terminó con un acuerdo"),
    "archived": N_("La investigación está en pausa"),
    "no_prosecution": N_("La fiscalía cerró la investigación"),
    "early_testimony_taken": N_("Se tomó su testimonio"),
    "queja_filed": N_("Se presentó una queja"),
    "admitted": N_("La queja fue aceptada"),
    "conciliation": N_("Hay novedades sobre la queja"),
    "recommendation": N_("Hay novedades sobre la queja"),
    "closed": N_("La queja terminó"),
    "detained": N_("Hay novedades sobre su situación migratoria"),
    "released": N_("Hay novedades sobre su situación migratoria"),
    "deported": N_("Hay novedades sobre su situación migratoria"),
    "left_mexico": N_("Hay novedades sobre su situación migratoria"),
    "humanitarian_visa_requested": N_("Se pidió un permiso para quedarse"),
    "humanitarian_visa_granted": N_("Hay respuesta sobre el permiso"),
    "humanitarian_visa_denied": N_("Hay respuesta sobre el permiso"),
    "humanitarian_visa_appealed": N_("Se pidió revisar la respuesta sobre el permiso"),
    "asylum_requested": N_("Se pidió protección"),
    "asylum_recognized": N_("Hay respuesta sobre la protección"),
    "asylum_denied": N_("Hay respuesta sobre la protección"),
    "person_found": N_("La persona fue localizada"),
    "erasure_requested": N_("Se pidió borrar los datos"),
    "entered_in_error": N_("Se corrigió un dato del caso"),
}
