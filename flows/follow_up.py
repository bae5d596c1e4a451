"""The follow-up flow: what a relative is asked to follow a case, as data (no I/O, no logic).

A relative gives the case code and the PIN the reporter shared, chooses a language and says
where they are (and, in a country with several time zones, what time it is there), and is then
subscribed: discreet notices on this channel, never in their quiet hours. From the follow menu
they see the family-visible timeline, ask for a call back, or stop following. On the web chat,
where Camino cannot write first, the person who proved the code and PIN also reads what a
shelter wrote about a web case and answers it. The reporter can list and revoke who follows
their case. The engine's `bot.conversation.modes.follow` runs these steps.
"""

from __future__ import annotations

from flows.model import N_, Choice

# Step ids (stable: saved conversations and buttons refer to them).
CODE = "fu_code"
PIN = "fu_pin"
LANGUAGE = "fu_language"
COUNTRY = "fu_country"
CLOCK = "fu_clock"
MENU = "fu_menu"
RECHECK = "fu_recheck"
FOLLOWERS = "fu_followers"
REPLY = "fu_reply"

TITLE = N_("Seguir un caso")
FOLLOWERS_TITLE = N_("Quién sigue mi caso")
MY_CASES_TITLE = N_("Novedades de un caso que sigo")

PROMPTS = {
    CODE: N_("Escriba el código del caso, por ejemplo: K7QM-4T9X-2HCB."),
    PIN: N_("Escriba el PIN de 6 números que le dio la persona que hizo el reporte."),
    LANGUAGE: N_("¿En qué idioma quiere recibir los avisos?"),
    COUNTRY: N_("¿En qué país está usted? Así no le escribimos de noche."),
    CLOCK: N_("¿Qué hora es ahora donde está usted? Por ejemplo: 3:40 pm"),
    MENU: N_("¿Qué quiere hacer con este caso?"),
    RECHECK: N_("Por seguridad, escriba otra vez el PIN del caso para ver los detalles."),
    FOLLOWERS: N_("Estas personas siguen su caso. Elija una para quitarla:"),
    REPLY: N_("Escriba aquí su respuesta para el albergue, o elija «Volver»."),
}
HINTS = {
    CODE: N_("El código tiene 12 letras y números. Revíselo y escríbalo otra vez."),
    PIN: N_("El PIN tiene 6 números."),
    COUNTRY: N_("Escriba el nombre del país, por ejemplo: Honduras."),
    CLOCK: N_("Escriba la hora así: 3:40 pm o 15:40."),
    REPLY: N_("Escriba un mensaje más corto, de hasta 1000 letras."),
}
# Countries relatives most often write from (domain.md), shown as buttons.
COUNTRY_SUGGESTIONS = ("HN", "GT", "SV", "NI", "HT", "US", "MX")

MENU_CHOICES = (
    Choice("see", N_("Ver novedades")),
    Choice("messages", N_("Mensajes del albergue")),  # only when there are some to read
    Choice("callback", N_("Pedir que me llamen")),
    Choice("unsubscribe", N_("Dejar de seguir el caso")),
    Choice("menu", N_("Volver al menú")),
)
# The reply step's one button: back to the case's menu without answering.
BACK = Choice("back", N_("Volver"))
