"""Rights and help: short screens about where and how to seek justice, as declarative data.

Each topic has a title, a short text and, for whoever wants it, more detail; the engine shows
them with "more", "other topic" and "menu". Texts state only what the law says (Ley de
Migración, Código Nacional de Procedimientos Penales) and name no phone number but 911 and 089;
addresses and contacts of organizations come from the administrator's directory file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flows.model import N_

Action = Literal["directory", "erase"]


@dataclass(frozen=True)
class Topic:
    """One screen: a stable id, its title, a short text and optional detail (all msgids).

    A topic with an `action` does something instead of showing text: list the nearest
    organizations (`directory`) or start erasing the person's data (`erase`).
    """

    id: str
    title: str
    text: str = ""
    more: str | None = None
    action: Action | None = None


TOPICS: tuple[Topic, ...] = (
    Topic(
        "complaint",
        N_("Cómo y dónde denunciar"),
        N_(
            "Puede denunciar un delito ante el Ministerio Público (la fiscalía). Varios estados "
            "tienen una fiscalía especializada en delitos contra personas migrantes. La "
            "Fiscalía General de la República (FGR) tiene una unidad federal para estos "
            "delitos. Denunciar es gratis."
        ),
        N_(
            "La unidad federal se llama Unidad de Investigación de Delitos para Personas "
            "Migrantes. Puede denunciar aunque no tenga papeles: la Ley de Migración "
            "(artículo 11) le da derecho a la justicia sin importar su situación migratoria. "
            "Si no habla bien español, tiene derecho a un intérprete. Pida una copia de su "
            "denuncia con el número de la carpeta de investigación y guárdela. Un albergue "
            "puede acompañarle."
        ),
    ),
    Topic(
        "abroad",
        N_("Denunciar desde otro país"),
        N_(
            "Si usted o su familia están fuera de México, pueden denunciar en una embajada o "
            "un consulado de México. Esto se llama Mecanismo de Apoyo Exterior Mexicano de "
            "Búsqueda e Investigación (MAE)."
        ),
        N_(
            "El consulado recibe la denuncia y la envía a la Fiscalía General de la República "
            "en México. El MAE sirve también para buscar a una persona desaparecida. Lleve sus "
            "documentos, fotos y todo lo que sepa del caso. Pida el número de su denuncia "
            "para poder preguntar por ella."
        ),
    ),
    Topic(
        "visa",
        N_("Visa humanitaria"),
        N_(
            "Si usted fue víctima o testigo de un delito en México, puede pedir la condición de "
            "visitante por razones humanitarias. Con ella puede quedarse en México de forma "
            "regular. Lo dice la Ley de Migración, artículo 52, fracción V."
        ),
        N_(
            "Se pide al Instituto Nacional de Migración (INM). Para pedirla ayuda tener una "
            "denuncia ante el Ministerio Público. La ley dice que con ella puede quedarse hasta "
            "que termine el proceso, entrar y salir del país y trabajar con un sueldo. Un "
            "albergue puede ayudarle con el trámite."
        ),
    ),
    Topic(
        "early_testimony",
        N_("Si tiene que salir de México"),
        N_(
            "Si usted va a salir de México, un juez puede escuchar su testimonio antes del "
            "juicio. Se llama prueba anticipada (Código Nacional de Procedimientos Penales, "
            "artículo 304). Así el caso puede seguir aunque usted ya no esté en México."
        ),
        N_(
            "Pídala al Ministerio Público o a su abogado cuando haga la denuncia. El juez "
            "escucha su testimonio en una audiencia, con la defensa presente, y queda "
            "registrado para el juicio. Avise pronto si piensa irse: debe hacerse antes de que "
            "usted salga del país."
        ),
    ),
    Topic(
        "cndh",
        N_("Comisión Nacional de los Derechos Humanos"),
        N_(
            "Si una autoridad violó sus derechos (por ejemplo migración, la Guardia Nacional o "
            "la policía), puede presentar una queja ante la Comisión Nacional de los Derechos "
            "Humanos (CNDH). Es gratis y no necesita abogado."
        ),
        N_(
            "La CNDH no castiga delitos, pero investiga abusos de autoridades federales, como "
            "el Instituto Nacional de Migración, y puede hacer recomendaciones. También visita "
            "las estaciones migratorias. Si fue una autoridad del estado o del municipio, "
            "acuda a la comisión de derechos humanos de ese estado. Puede presentar una queja "
            "y también una denuncia."
        ),
    ),
    Topic("directory", N_("Albergues y organizaciones cerca de usted"), action="directory"),
    Topic(
        "no_money",
        N_("Camino nunca pide dinero"),
        N_(
            "Camino es gratis y nunca le pedirá dinero. Denunciar ante el Ministerio Público "
            "también es gratis. Si alguien le pide dinero en nombre de Camino, es un engaño."
        ),
        N_(
            "Si recibe una llamada que dice tener a un familiar suyo y le pide dinero: cuelgue, "
            "no dé datos y busque a su familiar directamente. Puede denunciar la extorsión sin "
            "dar su nombre al 089. En una emergencia llame al 911."
        ),
    ),
    Topic("erase", N_("Borrar mis datos"), action="erase"),
)
TOPIC_INDEX: dict[str, Topic] = {topic.id: topic for topic in TOPICS}

MENU_TITLE = N_("Sus derechos y ayuda")
MENU_PROMPT = N_("¿Sobre qué quiere saber?")
MORE = N_("Más")
OTHER_TOPIC = N_("Otro tema")
MENU = N_("Menú")

# Services of the directory (codes of bot.core.directory.SERVICES), as shown to a person.
SERVICE_LABELS: dict[str, str] = {
    "shelter": N_("albergue"),
    "food": N_("comida"),
    "legal": N_("ayuda legal"),
    "medical": N_("atención médica"),
    "psychological": N_("apoyo psicológico"),
    "humanitarian_visa": N_("trámite de visa humanitaria"),
    "search": N_("búsqueda de personas desaparecidas"),
}

# "Delete my data", typed at any step, in every supported language (matched without accents).
ERASE_WORDS = frozenset(
    {
        "borrar mis datos",
        "borra mis datos",
        "eliminar mis datos",
        "delete my data",
        "erase my data",
        "effacer mes donnees",
        "supprimer mes donnees",
        "efase done mwen",
        "efase done m",
    }
)
