"""The web chat in headless Chromium against a real `camino serve`: JavaScript off and on.

A full complaint with a photo, Back, a changed answer at the summary, the receipt, quick exit
(cookie gone, Back does not return, the old session shows nothing), axe-core on every kind of
page, and a raw scan of the database afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.backends import CHROMIUM, skip_or_fail
from tests.support.browser.chat import ChatPage, axe_violations
from tests.support.complaint_script import CANARY_NAME, CANARY_PLACE, CANARY_SENTENCE
from tests.support.factories import camino_env
from tests.support.rawscan import scan_sqlite_files
from tests.support.server import running_server
from tests.support.web_chat import PNG

pytestmark = pytest.mark.browser
CANARIES = [CANARY_NAME, CANARY_PLACE, CANARY_SENTENCE]

# (step the page must be at, action, value): buttons by their stable codes, text where typed.
SCRIPT: list[tuple[str, str, str]] = [
    ("menu", "press", "report"),
    ("consent_store", "press", "yes"),
    ("danger_now", "command", "back"),
    ("consent_store", "press", "yes"),
    ("danger_now", "press", "no"),
    ("who", "press", "me"),
    ("reporter_where", "say", "Chiapas"),
    ("description", "upload", "photo"),
    ("description", "say", CANARY_SENTENCE),
    ("crime_types", "press", "robbery"),
    ("crime_types", "press", "extortion"),
    ("crime_types", "press", "_done"),
    ("perpetrators", "press", "smuggler"),
    ("perpetrators", "press", "_done"),
    ("officials_colluded", "press", "no"),
    ("incident_place", "say", CANARY_PLACE),
    ("incident_state", "say", "Oaxaca"),
    ("incident_date", "press", "_unknown"),
    ("victim_nationality", "press", "HN"),
    ("victim_gender", "press", "woman"),
    ("victim_age_group", "say", "25"),
    ("wants", "press", "complaint"),
    ("wants", "press", "family"),
    ("wants", "press", "_done"),
    ("contact", "press", "this_chat"),
    ("summary", "press", "change"),
    ("edit", "press", "place_type"),
    ("place_type", "press", "bus"),
    ("summary", "press", "send"),
]
SHOTS = {"menu", "consent_store", "reporter_where", "crime_types", "description", "summary"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `camino serve` on a fresh SQLite database; yields its URL and the DB file."""
    if not CHROMIUM.is_file():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    workdir = tmp_path_factory.mktemp("web")
    database = workdir / "camino.db"
    env = camino_env(f"sqlite:///{database}", workdir, CAMINO_WEB_RATE_PER_SESSION="1000")
    with running_server(env, workdir) as base:
        yield base, database


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "foto.png"
    path.write_bytes(PNG)
    return path


def complete_complaint(chat: ChatPage, photo: Path, mode: str) -> str:
    """Follow SCRIPT from the start page; returns the receipt's text."""
    for step, action, value in SCRIPT:
        assert chat.step == step, (step, chat.step)
        if step in SHOTS:
            chat.shot(f"web-{mode}-{step}")
        if action == "press":
            chat.press(value)
        elif action == "command":
            chat.command(value)
        elif action == "say":
            chat.say(value)
        else:
            chat.upload(photo)
            assert "1" in chat.page.locator("#now").inner_text()
    receipts = chat.page.locator(".kind-receipt")  # the code, then the PIN on its own
    chat.shot(f"web-{mode}-receipt")
    return "\n".join(receipts.all_inner_texts())


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_full_complaint_then_quick_exit(
    served: tuple[str, Path], browser: object, photo: Path, javascript: bool
) -> None:
    base, database = served
    mode = "js" if javascript else "nojs"
    context = browser.new_context(
        java_script_enabled=javascript,  # type: ignore[attr-defined]
        locale="es-MX",
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(f"{base}/healthz")
    page.goto(f"{base}/chat")
    chat = ChatPage(page, javascript=javascript)

    receipt = complete_complaint(chat, photo, mode)
    assert "código de caso" in receipt
    assert "PIN para su familiar" in page.locator(".kind-pin").first.inner_text()
    assert "En un autobús" in page.locator(".kind-summary").last.inner_text()
    assert chat.csp_errors == []
    # No personal data in any URL the browser requested, and nothing from elsewhere.
    assert all(url.startswith(base) for url in urls)
    assert not any(canary.split()[0] in url for url in urls for canary in CANARIES)
    old_cookie = next(c["value"] for c in context.cookies() if c["name"] == "camino_chat")

    page.click("#quick-exit")
    page.wait_for_url(f"{base}/weather")
    chat.shot(f"web-{mode}-weather")
    assert [c for c in context.cookies() if c["name"] == "camino_chat"] == []
    page.go_back()
    if javascript:  # location.replace: the chat is not in the history any more
        assert page.url == f"{base}/healthz"
    else:  # a plain link: Back shows a fresh, empty chat (no-store, no cookie)
        assert page.url.startswith(f"{base}/chat")
        assert page.locator(".msg.person").count() == 0
    page_text = page.content()
    assert not any(canary in page_text for canary in CANARIES)
    context.close()

    replay = httpx.get(f"{base}/chat", cookies={"camino_chat": old_cookie})
    assert replay.status_code == 200
    assert 'class="msg person' not in replay.text
    assert not any(canary in replay.text for canary in CANARIES)

    assert scan_sqlite_files(database, [*CANARIES, "127.0.0.1"]) == []


def test_pages_pass_axe_and_fit_a_small_phone(served: tuple[str, Path], browser: object) -> None:
    base, _ = served
    context = browser.new_context(
        bypass_csp=True,  # type: ignore[attr-defined]
        viewport={"width": 320, "height": 640},
        locale="es-MX",
    )
    page = context.new_page()
    page.goto(f"{base}/chat")
    chat = ChatPage(page, javascript=True)
    checked: dict[str, list[dict[str, object]]] = {}

    def check(name: str) -> None:
        checked[name] = axe_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (name, width)
        small = page.evaluate(
            "[...document.querySelectorAll('button, a, input, textarea')]"
            ".filter(e => e.offsetParent !== null && !e.classList.contains('skip'))"
            ".filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML)"
        )
        assert small == [], (name, small)

    check("start")
    for step, action, value in SCRIPT:
        if step in ("consent_store", "reporter_where", "crime_types", "description", "summary"):
            check(step)
        if action == "upload":
            continue
        getattr(chat, action)(value)
    check("receipt")
    chat.command("help")
    page.goto(f"{base}/weather")
    check("weather")
    context.close()
    assert {name: found for name, found in checked.items() if found} == {}


def test_language_follows_the_browser_and_can_be_switched(
    served: tuple[str, Path], browser: object
) -> None:
    base, _ = served
    context = browser.new_context(locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{base}/chat")
    chat = ChatPage(page, javascript=True)
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#quick-exit").inner_text() == "Quick exit"
    chat.command("language")
    assert chat.step == "language"
    chat.press("fr")
    assert page.get_attribute("#chat", "lang") == "fr"
    assert page.get_attribute("html", "lang") == "fr"  # chat.js follows the swapped region
    # The whole page at once, without a reload: quick exit, footer, title.
    assert page.locator("#quick-exit").inner_text() == "Sortie rapide"
    assert "ne vous demandera jamais d'argent" in page.locator("#foot").inner_text()
    assert page.title() != "Camino: reporte seguro"
    chat.shot("web-language-fr")
    page.reload()
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("#quick-exit").inner_text() == "Sortie rapide"
    chat.page.keyboard.press("Escape")
    chat.page.keyboard.press("Escape")
    chat.page.keyboard.press("Escape")
    page.wait_for_url(f"{base}/weather")
    assert [c for c in context.cookies() if c["name"] == "camino_chat"] == []
    context.close()


def test_the_receipt_stays_in_view_prints_alone_and_bubbles_open_with_words(
    served: tuple[str, Path], browser: object
) -> None:
    base, _ = served
    context = browser.new_context(  # type: ignore[attr-defined]
        locale="es-MX", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(f"{base}/chat")
    chat = ChatPage(page, javascript=True)
    for step, action, value in SCRIPT:
        assert chat.step == step, (step, chat.step)
        if step == "who":  # a typed answer that is no option: the hint speaks of buttons
            chat.say("zzzz")
            hint = page.locator("#now").inner_text()
            assert "Elija una de las opciones." in hint and "número" not in hint
        if action != "upload":
            getattr(chat, action)(value)
    assert chat.step == "menu"
    box = page.locator(".receipt-box")
    assert "Su código de caso es:" in box.inner_text()
    assert "PIN para su familiar" in box.inner_text()  # shown once, on this page
    assert box.locator("[data-print]").is_visible()
    top = box.bounding_box()
    assert top is not None and 0 <= top["y"] < 844, top  # in view after sending
    chat.shot("web-receipt-in-view")
    # No bubble opens with an empty line: its words start at its padding.
    gaps = page.evaluate(
        "[...document.querySelectorAll('li.msg')].map(li => "
        "li.querySelector('.text').getBoundingClientRect().top - li.getBoundingClientRect().top)"
    )
    assert gaps and max(gaps) < 16, gaps
    page.emulate_media(media="print")
    assert box.is_visible() and not box.locator("[data-print]").is_visible()
    for hidden in ("#quick-exit", ".log-region", "form.options", "#foot"):
        assert not page.locator(hidden).is_visible(), hidden
    chat.shot("web-receipt-print")
    page.emulate_media(media="screen")
    chat.command("menu")  # the next page: the PIN is gone, the code stays in view
    assert "PIN para su familiar" not in box.inner_text()
    assert "Su código de caso es:" in box.inner_text()
    context.close()
