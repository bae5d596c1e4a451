"""Words that work at every step, in every supported language (matched without case or accents).

SMS carrier opt-out words (STOP, QUIT, CANCEL...) are deliberately absent: on SMS they opt the
number out at the carrier, so they must never act as in-flow commands.
"""

from __future__ import annotations

GLOBAL_WORDS: dict[str, frozenset[str]] = {
    "menu": frozenset({"menu", "menú", "meni", "inicio del menu"}),
    "back": frozenset({"back", "atras", "atrás", "volver", "regresar", "retour", "retounen"}),
    "exit": frozenset({"exit", "salir", "sortir", "soti", "terminar"}),
    "help": frozenset({"help", "ayuda", "aide", "ed", "èd", "aiuda"}),
    "language": frozenset({"language", "idioma", "langue", "lang", "lengua", "langaj"}),
}

# With the words of the "Prefiero no decir" button, typed: a name kept to oneself.
SKIP_WORDS = frozenset(
    {
        "saltar", "skip", "omitir", "passer", "sote", "pase", "-",
        "prefiero no decir", "prefiero no decirlo", "no quiero decir", "no quiero decirlo",
        "prefer not to say", "i prefer not to say", "rather not say",
        "je prefere ne pas dire", "je préfère ne pas dire", "je ne veux pas dire",
        "mwen pito pa di", "m pito pa di", "m pa vle di",
    }
)  # fmt: skip
# "I don't know" answers a question that may be skipped.
UNKNOWN_WORDS = frozenset(
    {
        "no se",
        "no lo se",
        "nose",
        "ni idea",
        "no sabemos",
        "no sabe",
        "no estoy seguro",
        "no estoy segura",
        "no lo sabemos",
        "quien sabe",
        "idk",
        "not sure",
        "i do not know",
        "i don't know",
        "i dont know",
        "don't know",
        "dont know",
        "unknown",
        "je ne sais pas",
        "je sais pas",
        "sais pas",
        "je ne sais",
        "on ne sait pas",
        "mwen pa konnen",
        "m pa konnen",
        "pa konnen",
        "m pa konn",
        "nou pa konnen",
    }
)
DONE_WORDS = frozenset(
    {
        "listo",
        "lista",
        "ya",
        "fin",
        "termine",
        "es todo",
        "done",
        "finished",
        "ready",
        "fini",
        "c'est tout",
        "fe",
        "mwen fini",
        "no",
        "nada",
        "none",
        "non",
        "pa genyen",
        "no tengo",
        "i don't have",
        "je n'ai pas",
    }
)
SEND_WORDS = frozenset({"enviar", "send", "envoyer", "voye"})

# "I want to follow my brother's case", typed before choosing from the menu: a word of each set.
# Nouns of a report ("reporte", "denuncia") are left out: "seguir con mi reporte" is its draft.
FOLLOW_VERBS = frozenset({"seguir", "seguimiento", "follow", "track", "suivre", "suivi", "swiv"})
CASE_NOUNS = frozenset({"caso", "case", "cas", "ka", "dosye"})

# The first words of a first message that tell its language (matched without case or accents).
GREETINGS: dict[str, frozenset[str]] = {
    "es": frozenset(
        {
            "hola",
            "buenos dias",
            "buen dia",
            "buenas",
            "buenas tardes",
            "buenas noches",
            "que tal",
            "necesito ayuda",
            "quiero reportar",
            "quiero denunciar",
            "no se",  # "I don't know" tells the language too, at the first message or the menu
        }
    ),
    "en": frozenset(
        {
            "hello",
            "hi",
            "hey",
            "good morning",
            "good afternoon",
            "good evening",
            "i need help",
            "i don't know",
            "i dont know",
        }
    ),
    "fr": frozenset(
        {"bonjour", "bonsoir", "salut", "j'ai besoin d'aide", "au secours", "je ne sais pas"}
    ),
    "ht": frozenset(
        {
            "bonjou",
            "bonswa",
            "bonswe",
            "sak pase",
            "sa k pase",
            "mwen bezwen ed",
            "m bezwen ed",
            "m pa konnen",
            "mwen pa konnen",
        }
    ),
}
