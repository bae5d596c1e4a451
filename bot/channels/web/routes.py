"""The web chat's routes: GET /chat draws the conversation, POST /chat answers, quick exit.

Every answer is POSTed and followed by a 303 redirect back to GET /chat (no personal data in any
URL, and Back never re-sends a form); with htmx the same POST returns the chat region instead.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.channels.web import forms, security
from bot.channels.web.limits import SharedWebLimits, WebLimits
from bot.channels.web.pages import chat_view, page_language, render
from bot.channels.web.transcript import (
    CHANNEL,
    Entry,
    Transcript,
    forget,
    prune,
    record,
    show,
    spent,
)
from bot.channels.web.weather import forecasts
from bot.conversation import engine
from bot.conversation.media import too_large_text
from bot.conversation.messages import InboundEvent
from bot.conversation.protocol import Context
from bot.core.i18n import Translate, available_languages, negotiate_language, translator
from bot.intake.runtime import Runtime
from bot.store.contacts import Sender, readdress
from bot.store.db import transaction
from bot.store.models import Contact

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

COMMANDS = ("back", "menu", "help", "language")


@dataclass(frozen=True)
class Problem:
    """A request the page answers kindly instead of running: its status and message."""

    status: int
    message: str


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _limits(request: Request, runtime: Runtime) -> WebLimits | SharedWebLimits:
    """The budgets, made on first use from the settings: in the database on PostgreSQL (shared
    by every process), in this process's memory on SQLite."""
    limits: WebLimits | SharedWebLimits | None = getattr(request.app.state, "web_limits", None)
    if limits is None:
        settings = runtime.settings
        if runtime.engine.dialect.name == "postgresql":
            limits = SharedWebLimits(
                runtime.sessions, settings.web_rate_per_session, settings.web_rate_global
            )
        else:
            limits = WebLimits(settings.web_rate_per_session, settings.web_rate_global)
        request.app.state.web_limits = limits
    return limits


async def _signing_key(request: Request, runtime: Runtime) -> bytes:
    """The key session tokens are signed with, derived once per process."""
    key: bytes | None = getattr(request.app.state, "web_signing_key", None)
    if key is None:
        key = await run_in_threadpool(_derive_key, runtime)
        request.app.state.web_signing_key = key
    return key


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request", "").lower() == "true"


def _hint(request: Request) -> str | None:
    return negotiate_language(request.headers.get("accept-language"))


@router.get("/")
async def home() -> RedirectResponse:
    """The app's front door is the chat."""
    return RedirectResponse("/chat", status_code=303)


@router.get("/chat")
async def chat_page(request: Request) -> Response:
    """The conversation so far and the question waiting for an answer."""
    runtime = _runtime(request)
    key = await _signing_key(request, runtime)
    token = security.session_token(request, key)
    if token is None:  # none yet, or one this server never issued: a fresh session
        fresh = security.new_session_token(key)
        return _chat_response(request, runtime, fresh, Transcript(), new_session=True)
    shown = await run_in_threadpool(_show, runtime, token)
    return _chat_response(request, runtime, token, shown)


@router.post("/chat")
async def chat_post(request: Request) -> Response:
    """One answer: run it through the engine, keep what was shown, redirect to GET /chat.

    Only sessions this server issued are counted and run: a post of its session is counted
    before its CSRF token is checked (so failed tries count), and against the process's cap
    only once it proved valid (so junk cannot shut the chat for everyone).
    """
    runtime = _runtime(request)
    settings = runtime.settings
    limit = settings.media_max_bytes + forms.OVERHEAD_BYTES
    key = await _signing_key(request, runtime)
    token = security.session_token(request, key)
    if token is None:
        await _discard_body(request, limit)
        fresh = security.new_session_token(key)
        expired = Problem(403, "expired")
        return _chat_response(
            request, runtime, fresh, Transcript(), new_session=True, problem=expired
        )
    limits = _limits(request, runtime)
    # In the database on PostgreSQL (shared by every process): counted off the event loop.
    counted = await run_in_threadpool(limits.session, security.token_key(token))
    problem = None if counted else Problem(429, "slow_down")
    form: forms.ChatForm | None = None
    if problem is None:
        try:
            body = await forms.read_body(request, limit)
            form = await forms.parse_form(request, body, settings.media_max_bytes)
        except forms.TooLarge:
            problem = Problem(413, "too_large")
        except forms.BadForm:
            problem = Problem(400, "bad_form")
    else:
        await _discard_body(request, limit)
    if problem is None and form is not None and not security.csrf_ok(token, form.csrf):
        problem = Problem(403, "expired")
    if problem is None and not await run_in_threadpool(limits.everyone):
        problem = Problem(429, "busy")
    if problem is not None or form is None:
        if problem is not None and problem.status == 429:
            log.warning("web rate limit", extra={"channel": CHANNEL, "limit": problem.message})
        shown = await run_in_threadpool(_spent, runtime, token)
        return _chat_response(request, runtime, token, shown, problem=problem)
    # The page language is what the preview was drawn in: the first event starts in it.
    hint = form.lang if form.lang in available_languages() else _hint(request)
    shown, filed = await run_in_threadpool(_turn, runtime, token, form, hint)
    new_token = None
    if filed:  # a report was filed: the session gets a new token, the old one finds nothing
        new_token = security.new_session_token(key)
        await run_in_threadpool(_readdress, runtime, shown.contact_id, new_token)
    if _is_htmx(request):
        response = _chat_response(request, runtime, new_token or token, shown)
    else:
        response = RedirectResponse("/chat#now", status_code=303)
    if new_token is not None:
        security.set_session_cookie(response, request, new_token, settings.public_url)
    return response


@router.api_route("/chat/exit", methods=["GET", "POST"])
async def quick_exit(request: Request) -> Response:
    """Quick exit: forget this session on the server, drop the cookie, show the neutral page."""
    runtime = _runtime(request)
    token = security.session_token(request, await _signing_key(request, runtime))
    if token is not None:
        await run_in_threadpool(_forget, runtime, token)
    response = RedirectResponse("/weather", status_code=303)
    security.clear_session_cookie(response, request, runtime.settings.public_url)
    return response


@router.get("/weather")
async def weather(request: Request) -> HTMLResponse:
    """The neutral page; arriving here also ends any chat session left in this browser."""
    runtime = _runtime(request)
    token = security.session_token(request, await _signing_key(request, runtime))
    if token is not None:
        await run_in_threadpool(_forget, runtime, token)
    today = runtime.clock().date()
    html = render("weather.html", _hint(request), forecasts=forecasts(today), today=today)
    response = HTMLResponse(html)
    if security.COOKIE in request.cookies:
        security.clear_session_cookie(response, request, runtime.settings.public_url)
    return response


# -- work done in a thread (database, encryption, engine) ----------------------------------


def _derive_key(runtime: Runtime) -> bytes:
    with runtime.sessions() as db:
        return security.signing_key(db, runtime.vault)


def _readdress(runtime: Runtime, contact_id: str | None, token: str) -> None:
    if contact_id is None:
        return
    with transaction(runtime.sessions) as db:
        contact = db.get(Contact, contact_id)
        if contact is not None:
            readdress(db, runtime.vault, contact, token)


def _spent(runtime: Runtime, token: str) -> Transcript:
    with transaction(runtime.sessions) as db:
        return spent(db, runtime.vault, token)


def _show(runtime: Runtime, token: str) -> Transcript:
    with transaction(runtime.sessions) as db:
        return show(db, runtime.vault, token)


def _forget(runtime: Runtime, token: str) -> None:
    with transaction(runtime.sessions) as db:
        forgot = forget(db, runtime.vault, token)
    log.info("web session erased", extra={"channel": CHANNEL, "had_contact": forgot})


def _turn(
    runtime: Runtime, token: str, form: forms.ChatForm, hint: str | None
) -> tuple[Transcript, bool]:
    """Send the form's events through the conversation service and keep the turn; whether a
    report was filed."""
    sender = Sender(CHANNEL, token)
    shown = _spent(runtime, token)
    earlier = shown.entries
    items: list[Entry] = []
    contact_id, language = shown.contact_id, shown.language
    filed = False
    if contact_id is None:  # the page showed a preview of the start: make it real first
        first = runtime.conversations.handle(sender, InboundEvent(language_hint=hint))
        if first is not None:
            items += [Entry.from_message(m) for m in first.messages]
            contact_id, language = first.contact_id, first.language
        earlier = []
    prompt = _last_prompt(earlier + items)
    for event, label in _events(form, prompt, translator(language)):
        items.append(Entry("person", label))
        reply = runtime.conversations.handle(sender, event)
        if reply is not None:
            items += [Entry.from_message(m) for m in reply.messages]
            contact_id, language = reply.contact_id, reply.language
            filed = filed or reply.filed
    if contact_id is not None:
        with transaction(runtime.sessions) as db:
            now = runtime.clock()
            record(db, runtime.vault, contact_id, items, now)
            prune(db, now)
    return Transcript(contact_id, language, earlier + items), filed


def _last_prompt(entries: list[Entry]) -> Entry | None:
    for entry in reversed(entries):
        if entry.who == "bot":
            return entry
    return None


def _events(
    form: forms.ChatForm, prompt: Entry | None, t: Translate
) -> list[tuple[InboundEvent, str]]:
    """The engine events a form stands for, each with how the person's bubble reads."""
    if form.command in COMMANDS:
        labels = {
            "back": t("Atrás"),
            "menu": t("Menú"),
            "help": t("Ayuda"),
            "language": t("Idioma"),
        }
        return [(InboundEvent(command=form.command), labels[form.command])]
    if form.choice is not None:
        label = form.choice
        if prompt is not None:
            label = next((o.label for o in prompt.options if o.code == form.choice), label)
        label = label.removeprefix("✓ ")
        return [(InboundEvent(choice=form.choice, step_id=form.step_id), label)]
    if form.media is not None and form.text is not None:
        # Words typed with a file travel with it, as a caption does on the other channels.
        both = InboundEvent(text=form.text, media=(form.media,))
        return [(both, f"{t('Archivo enviado')}: {form.text}")]
    events: list[tuple[InboundEvent, str]] = []
    if form.media is not None:
        events.append((InboundEvent(media=(form.media,)), t("Archivo enviado")))
    if form.text is not None:
        events.append((InboundEvent(text=form.text), form.text))
    return events


def _preview(runtime: Runtime, hint: str | None) -> list[Entry]:
    """What the first message would answer, computed without storing anything."""
    ctx = Context(
        now=runtime.clock(),
        channel=CHANNEL,
        can_erase=True,
        timezone=runtime.settings.default_timezone,
        media_max_bytes=runtime.settings.media_max_bytes,
    )
    result = engine.handle(None, InboundEvent(language_hint=hint), ctx)
    return [Entry.from_message(m) for m in result.messages]


# -- responses ------------------------------------------------------------------------------


def _notice(code: str, t: Translate, max_bytes: int) -> str:
    messages = {
        "expired": t("La página se actualizó. Por favor, intente otra vez."),
        "too_large": too_large_text(t, max_bytes),
        "bad_form": t("No pudimos leer lo que envió. Por favor, intente otra vez."),
        "slow_down": t("Va muy rápido. Espere un minuto y vuelva a intentar."),
        "busy": t(
            "Hay mucha gente usando Camino en este momento. Espere un minuto y vuelva a intentar."
        ),
    }
    return messages[code]


def _chat_response(
    request: Request,
    runtime: Runtime,
    token: str,
    shown: Transcript,
    *,
    new_session: bool = False,
    problem: Problem | None = None,
) -> Response:
    hint = _hint(request)
    language = page_language(shown.language or hint)
    entries = shown.entries or _preview(runtime, shown.language or hint)
    notice = (
        _notice(problem.message, translator(language), runtime.settings.media_max_bytes)
        if problem
        else None
    )
    view = chat_view(entries, security.csrf_token(token), notice)
    # Without a contact the page shows a preview; its language rides along with the forms.
    preview_lang = None if shown.contact_id else (shown.language or hint)
    htmx = _is_htmx(request)
    media = view.current is not None and view.current.input_hint == "media"
    html = render(
        "_chat_swap.html" if htmx else "chat.html",
        language,
        view=view,
        media=media,
        preview_lang=preview_lang,
        max_mb=runtime.settings.media_max_bytes // (1024 * 1024),
    )
    # htmx swaps only successful responses: it gets the notice inside a 200.
    status = problem.status if problem is not None and not htmx else 200
    response = HTMLResponse(html, status_code=status)
    if new_session:
        security.set_session_cookie(response, request, token, runtime.settings.public_url)
    return response


async def _discard_body(request: Request, limit: int) -> None:
    with contextlib.suppress(forms.TooLarge):
        await forms.read_body(request, limit)
