"""What the person may do next, for each thing they asked for: information, never a promise.

Each topic has a full text (web chat, Telegram, WhatsApp) and a short one for SMS, where every
character costs. Each text names its source (law and article, or official page) next to it, in
the translators' comment, so the catalogs carry it to every language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.model import N_


@dataclass(frozen=True)
class Topic:
    code: str
    text: str
    short: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        "sexual_care",
        # TRANSLATORS: NOM-046-SSA2-2005 (Violencia familiar, sexual y contra las mujeres),
        # numerals 6.4.2.3 and 6.4.2.4: emergency contraception up to 120 hours and HIV
        # prophylaxis up to 72 hours after a rape, in public health services, with no denuncia
        # required. Ley General de Víctimas, arts. 8 and 30. Information, not a promise.
        N_(
            "Después de una violación, en cualquier hospital o centro de salud público pueden "
            "darle gratis, sin denuncia: medicinas para no contagiarse de VIH (en las primeras "
            "72 horas) y anticoncepción de emergencia (hasta 120 horas, 5 días). Vaya cuanto "
            "antes."
        ),
        # TRANSLATORS: NOM-046-SSA2-2005, 6.4.2.3-6.4.2.4: see the full text. At most one SMS.
        N_(
            "Salud: en un centro de salud público, gratis y sin denuncia, hay medicinas contra "
            "VIH (72 h) y embarazo (120 h). Vaya pronto."
        ),
    ),
    Topic(
        "care",
        # TRANSLATORS: Ley General de Víctimas, arts. 8, 29 and 30: emergency medical and
        # psychological care for victims, free, whatever their migration status and without a
        # denuncia. Information, not a promise.
        N_(
            "Atención médica o psicológica: como víctima, los hospitales públicos deben darle "
            "atención de emergencia gratis, tenga o no papeles, y sin que haya denunciado. Un "
            "albergue puede acompañarle."
        ),
        # TRANSLATORS: Ley General de Víctimas, arts. 8, 29-30. At most one SMS.
        N_("Salud: los hospitales públicos atienden gratis a víctimas, con o sin papeles."),
    ),
    Topic(
        "complaint",
        # TRANSLATORS: Código Nacional de Procedimientos Penales (CNPP), art. 221 (anyone may
        # make a denuncia, in writing or spoken), art. 109 fr. XI (an interpreter, free), art.
        # 304 (prueba anticipada: testimony taken before trial when the witness may leave);
        # Ley de Migración, art. 11 (access to justice whatever the migration status).
        N_(
            "Denuncia: puede hacerla en la Fiscalía (Ministerio Público) de cualquier estado, "
            "gratis, aunque no tenga papeles. Tiene derecho a un intérprete y a una copia. Si "
            "va a seguir su camino, puede pedir que le tomen su testimonio antes de irse "
            "(prueba anticipada)."
        ),
        # TRANSLATORS: CNPP arts. 221 and 304; Ley de Migración, art. 11. At most one SMS.
        N_("Denuncia: en la Fiscalía de cualquier estado, gratis, aunque no tenga papeles."),
    ),
    Topic(
        "human_rights",
        # TRANSLATORS: Ley de la Comisión Nacional de los Derechos Humanos, arts. 25 and 26:
        # anyone may file a queja against an authority, free, within one year. Official page:
        # https://www.cndh.org.mx. Information, not a promise.
        N_(
            "Queja: si una autoridad le hizo daño, la CNDH o la comisión de derechos humanos "
            "del estado reciben su queja gratis, en persona, por teléfono o en línea, dentro "
            "de un año."
        ),
        # TRANSLATORS: Ley de la CNDH, arts. 25-26. At most one SMS.
        N_("Queja: la CNDH recibe quejas contra autoridades, gratis, dentro de un año."),
    ),
    Topic(
        "visa",
        # TRANSLATORS: Ley de Migración, art. 52 fr. V: the visitor card for humanitarian
        # reasons, for victims of or witnesses to a crime in Mexico; it allows to stay and work
        # while it lasts. The INM decides. Information, not a promise.
        N_(
            "Visa humanitaria: si fue víctima o testigo de un delito en México, puede pedir al "
            "INM la tarjeta de visitante por razones humanitarias. Con ella puede estar y "
            "trabajar en México mientras dure. Suele pedirse con la denuncia."
        ),
        # TRANSLATORS: Ley de Migración, art. 52 fr. V. At most one SMS.
        N_("Visa humanitaria: víctimas y testigos pueden pedirla al INM, con la denuncia."),
    ),
    Topic(
        "protection",
        # TRANSLATORS: CNPP, art. 137 (protection measures ordered by the Ministerio Público);
        # Ley General de Víctimas, art. 40. Information, not a promise.
        N_(
            "Protección: si su vida o su seguridad corren peligro, puede pedir al Ministerio "
            "Público medidas de protección. Si hay peligro ahora, llame al 911."
        ),
        # TRANSLATORS: CNPP, art. 137. At most one SMS.
        N_("Protección: puede pedirla al Ministerio Público. Si hay peligro ahora: 911."),
    ),
    Topic(
        "search",
        # TRANSLATORS: Ley General en materia de Desaparición Forzada de Personas, Desaparición
        # Cometida por Particulares y del Sistema Nacional de Búsqueda de Personas, arts. 79 and
        # 80: the search starts at once, no waiting period may be required. Official page:
        # https://www.gob.mx/cnb. Information, not a promise.
        N_(
            "Búsqueda: no hay que esperar 72 horas. La búsqueda debe empezar de inmediato. "
            "Puede reportar a la persona ante la Comisión Nacional de Búsqueda, la comisión de "
            "búsqueda del estado o la Fiscalía."
        ),
        # TRANSLATORS: Ley General en materia de Desaparición, arts. 79-80. At most one SMS.
        N_("Búsqueda: no hay que esperar 72 horas; debe empezar de inmediato."),
    ),
    Topic(
        "consulate",
        # TRANSLATORS: Acuerdo A/117/15 of the Procuraduría General de la República (now FGR),
        # DOF 18-12-2015: the Mecanismo de Apoyo Exterior Mexicano de Búsqueda e Investigación
        # (MAE) takes denuncias and gives news through Mexico's embassies and consulates.
        N_(
            "Desde otro país: en la embajada o el consulado de México puede denunciar y "
            "preguntar por el caso, sin viajar, con el Mecanismo de Apoyo Exterior (MAE)."
        ),
        # TRANSLATORS: Acuerdo A/117/15 (PGR, now FGR). At most one SMS.
        N_("Desde otro país: puede denunciar en el consulado de México (MAE)."),
    ),
    Topic(
        "asylum",
        # TRANSLATORS: Ley sobre Refugiados, Protección Complementaria y Asilo Político, art. 18
        # (the request within 30 working days of arriving, later with a reason) and art. 6 (no
        # return to a country where one's life is at risk). Official page:
        # https://www.gob.mx/comar. COMAR decides. Information, not a promise.
        N_(
            "Refugio: puede pedirlo a la COMAR, gratis, en los 30 días hábiles después de "
            "llegar a México (más tarde, explique por qué). Mientras lo decide, no pueden "
            "devolverle a su país."
        ),
        # TRANSLATORS: Ley sobre Refugiados, arts. 6 and 18. At most one SMS.
        N_("Refugio: pídalo a la COMAR, gratis, en los 30 días hábiles después de llegar."),
    ),
)
INDEX = {topic.code: topic for topic in TOPICS}
