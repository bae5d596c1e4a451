"""What the engine and the conversation service say to each other.

The engine answers an inbound event with a `Result`: the new state, messages, and effects for
the service to carry out in the same transaction. Some effects need the database to answer
(does this code and PIN match? the case's timeline, the complaint's document): the service hands
the answer back with `engine.resume(state, outcome, ctx)`, an entry point no inbound message can
reach, so nobody can forge a "verified" answer by typing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from bot.conversation.messages import Location, Media, OutboundMessage
from bot.conversation.state import State
from bot.core.geography import Office

# -- the complaint's effects ------------------------------------------------------------------


@dataclass(frozen=True)
class StoreEvidence:
    """Keep a file or a location with the draft case, encrypted; `note`: the words sent with it
    (a caption) where they answer no question."""

    media: Media | None = None
    location: Location | None = None
    note: str | None = None


@dataclass(frozen=True)
class MarkUrgent:
    """Someone is in danger or still held: the report goes to the top of the inbox."""


@dataclass(frozen=True)
class CaseAnswers:
    """What the effects that write a case carry: the person's answers, in their language."""

    answers: dict[str, Any]
    language: str


@dataclass(frozen=True)
class SubmitCase(CaseAnswers):
    """File the complaint with these answers (already restricted to steps that apply).

    After `FileUrgent` the same case is completed: no new code, a PIN only if newly allowed.
    """

    urgent: bool


@dataclass(frozen=True)
class SaveAnswers(CaseAnswers):
    """An urgent report's answers so far, written to its case as they come: nothing is lost."""


@dataclass(frozen=True)
class FileUrgent(CaseAnswers):
    """File the urgent report now with what there is; its owners are alerted."""


@dataclass(frozen=True)
class DiscardDraft:
    """The person left: forget the draft and its evidence."""


@dataclass(frozen=True)
class SetLanguage:
    """Remember the person's language for later messages."""

    language: str


@dataclass(frozen=True)
class EraseContact:
    """The person confirmed "delete my data": erase the contact and everything about it."""


# -- following a case: effects ---------------------------------------------------------------


@dataclass(frozen=True)
class VerifyFollowUp:
    """Check a case code and PIN (counting attempts and locks). Answered with `Checked`."""

    code: str
    pin: str


@dataclass(frozen=True)
class OnSubscription:
    """An effect on one subscription, by its id: the service checks this chat may act on it."""

    subscription_id: str


@dataclass(frozen=True)
class RecheckPin(OnSubscription):
    """Check the PIN of a followed case again before details on SMS/WhatsApp."""

    pin: str


@dataclass(frozen=True)
class Subscribe:
    """Follow a verified case on this channel. Answered with `Subscribed`."""

    case_id: str
    language: str
    timezone: str


@dataclass(frozen=True)
class ShowUpdates:
    """The family-visible timeline of a followed case (None: the one with news). `Updates`."""

    subscription_id: str | None


@dataclass(frozen=True)
class Unsubscribe(OnSubscription):
    """Stop following. Answered with `Done("unsubscribed")`."""


@dataclass(frozen=True)
class RequestCallBack(OnSubscription):
    """Ask the shelter for a call back. Answered with `Done("callback")`."""


@dataclass(frozen=True)
class ListFollowers:
    """Who follows the cases this person reported. Answered with `Followers`."""


@dataclass(frozen=True)
class RevokeFollower(OnSubscription):
    """The reporter removes a follower. Answered with `Done("revoked")`."""


@dataclass(frozen=True)
class ShowMessages(OnSubscription):
    """What a shelter wrote on a followed web case. Answered with `Messages`."""


@dataclass(frozen=True)
class AnswerMessage(OnSubscription):
    """The person's answer, into the case's open thread. `Done("answered")` or `Messages`."""

    text: str


FollowEffect = (
    VerifyFollowUp
    | RecheckPin
    | Subscribe
    | ShowUpdates
    | Unsubscribe
    | RequestCallBack
    | ListFollowers
    | RevokeFollower
    | ShowMessages
    | AnswerMessage
)


# -- following a case: outcomes --------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """A code/PIN check: ok, or why not ("wrong", "locked")."""

    ok: bool
    reason: str | None = None
    case_id: str | None = None
    subscription_id: str | None = None  # already following this case on this chat
    talk: bool = False  # a shelter wrote on this case and this chat may read it


@dataclass(frozen=True)
class Subscribed:
    """Now following; `reference` is what notices will call the case."""

    subscription_id: str
    reference: str
    talk: bool = False


@dataclass(frozen=True)
class Entry:
    """One family-visible event, as a relative sees it."""

    status: str
    day: date
    note: str | None


@dataclass(frozen=True)
class Updates:
    """A followed case's visible timeline, or that the PIN must be given again first."""

    subscription_id: str | None
    reference: str = ""
    entries: tuple[Entry, ...] = ()
    need_pin: bool = False
    talk: bool = False


@dataclass(frozen=True)
class Said:
    """One talk-back message as the person reads it: the shelter's, or one of their answers."""

    mine: bool
    day: date
    text: str


@dataclass(frozen=True)
class Messages:
    """The talk-back thread of a followed web case, or that the PIN must be given again."""

    subscription_id: str | None
    items: tuple[Said, ...] = ()
    can_answer: bool = False
    need_pin: bool = False


@dataclass(frozen=True)
class Followers:
    """The reporter's followers: (subscription id, masked label) pairs."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Done:
    """An action finished: "unsubscribed", "callback", "revoked", "answered", "closed"."""

    what: str


FollowOutcome = Checked | Subscribed | Updates | Messages | Followers | Done


# -- the complaint document -------------------------------------------------------------------


@dataclass(frozen=True)
class OwnCase:
    """A filed case of this chat that it may ask the document of."""

    case_id: str
    filed_at: datetime


@dataclass(frozen=True)
class SendComplaint:
    """Render this case's complaint document for this chat. Answered with `Complaint`."""

    case_id: str


@dataclass(frozen=True)
class Complaint:
    """The document, or None when it cannot be sent (the case is not this chat's any more)."""

    document: Media | None


Effect = (
    StoreEvidence
    | MarkUrgent
    | SubmitCase
    | SaveAnswers
    | FileUrgent
    | DiscardDraft
    | SetLanguage
    | EraseContact
    | FollowEffect
    | SendComplaint
)
# What `engine.resume` accepts: the answer to an effect the service performed.
Outcome = FollowOutcome | Complaint


class DirectoryEntry(Office, Protocol):
    """A shelter or organization as the rights screens show it (`bot.core.directory.Entry`)."""

    @property
    def name(self) -> str: ...

    @property
    def city(self) -> str: ...

    @property
    def contact(self) -> str | None: ...


@dataclass(frozen=True)
class Context:
    """What the engine may know about the outside: the time and the channel's abilities."""

    now: datetime
    channel: str = "console"
    can_erase: bool = True
    timezone: str = "America/Mexico_City"
    media_max_bytes: int = 5 * 1024 * 1024
    follows: bool = False  # this chat follows a case (VER/SEE shows its news)
    reports_followable: bool = False  # this chat reported a case relatives may follow
    # Shelters and organizations, loaded once by the runtime.
    directory: Sequence[DirectoryEntry] = ()
    own_cases: tuple[OwnCase, ...] = ()  # this chat's reports it may get the document of
    # Where the phone is, from its country code (SMS, WhatsApp): True abroad, None when unknown.
    abroad: bool | None = None
    # The number this chat writes from (SMS, WhatsApp): "call me on this number" calls it.
    phone: str | None = None


@dataclass
class Result:
    """The engine's answer to one event."""

    state: State
    messages: list[OutboundMessage] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


@dataclass(frozen=True)
class Receipt:
    """What the person is told once their complaint is filed (or completed: no code)."""

    code: str | None
    pin: str | None
    urgent: bool
    reply_pin: str | None = None  # the web chat reporter's own PIN, to read and answer replies
    document: bool = False  # the channel can send this report's document: offer it
    reviewers: tuple[str, ...] = ()  # the organizations that will review it
    response_hours: int | None = None  # the shortest response time they state
    contact_line: str | None = None  # an organization's own phone line, for emergencies
    completed: bool = False  # the answers completed an urgent report filed before
    alerted: bool = False  # an on-call team was alerted (it has somewhere to be reached)
