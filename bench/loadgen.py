"""Load generator: many people completing complaints over signed webhooks, in its own process.

`python -m bench.loadgen closed --target URL --channel sms --users 32 --seconds 20` measures
throughput with a fixed number of people each sending their next message as soon as the last
one is answered; `open --rate R` sends at a fixed rate and measures latency. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

from tests.support.complaint_script import VICTIM_IN_MEXICO

ANSWERS = [answer for _step, answer in VICTIM_IN_MEXICO]
TWILIO_TOKEN = "bench-auth-token"
TWILIO_SID = "AC" + "0" * 32
TELEGRAM_SECRET = "bench-secret"
_ids = itertools.count(1)


@dataclass
class Person:
    """One simulated reporter walking through a complaint, forever."""

    number: int
    channel: str
    step: int = 0
    completed: int = 0
    chat_id: int = field(init=False)
    queue: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chat_id = 10_000_000 + self.number

    def next_text(self) -> str:
        """The next message; a new complaint starts when the last one was sent."""
        if not self.queue:
            if self.channel == "telegram":
                opening = ["/start"]
            else:  # "hola" tells the language and opens the menu; later, "menú" goes back to it
                opening = ["hola"] if self.step == 0 else ["menú"]
            self.queue = opening + ANSWERS
        self.step += 1
        text = self.queue.pop(0)
        if not self.queue:
            self.completed += 1
        return text


def sms_request(base: str, public: str, person: Person, text: str) -> dict[str, Any]:
    params = {
        "MessageSid": f"SM{next(_ids):032x}",
        "AccountSid": TWILIO_SID,
        "From": f"+52155{person.number:08d}",
        "To": "+15005550006",
        "Body": text,
        "NumMedia": "0",
    }
    path = "/webhooks/twilio/sms"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(public + path, params)
    return {"url": base + path, "data": params, "headers": {"X-Twilio-Signature": signature}}


def telegram_request(base: str, _public: str, person: Person, text: str) -> dict[str, Any]:
    user = {"id": person.chat_id, "is_bot": False, "first_name": "P", "language_code": "es"}
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "text": text,
        "from": user,
        "chat": {"id": person.chat_id, "type": "private", "first_name": "P"},
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {
        "url": base + "/webhooks/telegram",
        "json": {"update_id": next(_ids), "message": message},
        "headers": {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    }


BUILDERS = {"sms": sms_request, "telegram": telegram_request}


def redirect(request: dict[str, Any], base: str, other: str, public: str) -> dict[str, Any]:
    """The same delivery sent to another server (signed for its public URL, like Twilio's)."""
    path = request["url"].removeprefix(base)
    copy = {**request, "url": other + path}
    if "data" in request:
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(public + path, request["data"])
        copy["headers"] = {"X-Twilio-Signature": signature}
    return copy


async def closed_loop(
    target: str, public: str, channel: str, users: int, seconds: float, duplicate: bool = False
) -> dict[str, Any]:
    """Each person sends their next message when the last one is answered.

    With `duplicate`, every message is delivered twice at once, as a retrying provider might.
    `target` and `public` may name several servers (comma-separated, in the same order): the
    people are dealt to them in turn (round robin), and a duplicate goes to the next server.
    """
    build = BUILDERS[channel]
    servers = list(zip(target.split(","), public.split(","), strict=True))
    people = [Person(random.randrange(10**7), channel) for _ in range(users)]
    done = 0
    errors = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    connections = users * 2 if duplicate else users  # a duplicate travels on its own connection
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def run(person: Person, turn: int) -> None:
            nonlocal done, errors
            base, signed = servers[turn % len(servers)]
            other = servers[(turn + 1) % len(servers)]
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                request = build(base, signed, person, person.next_text())
                try:
                    if duplicate:
                        copy = redirect(request, base, *other)
                        response, _ = await asyncio.gather(
                            client.post(**request), client.post(**copy)
                        )
                    else:
                        response = await client.post(**request)
                except httpx.HTTPError:  # a timeout or refused connection counts as an error
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code == 200:
                    done += 1
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(run(p, turn) for turn, p in enumerate(people)))
        elapsed = time.perf_counter() - started
    return {
        "mode": "closed",
        "channel": channel,
        "users": users,
        "seconds": elapsed,
        "requests": done,
        "errors": errors,
        "rps": done / elapsed,
        "completed_scripts": sum(p.completed for p in people),
        **percentiles(latencies),
    }


async def open_loop(
    target: str, public: str, channel: str, rate: float, seconds: float
) -> dict[str, Any]:
    """Send at a fixed rate (spread over many people) and record each latency."""
    build = BUILDERS[channel]
    idle = [Person(random.randrange(10**7), channel) for _ in range(max(50, int(rate * 2)))]
    latencies: list[float] = []
    errors = 0
    skipped = 0
    tasks: set[asyncio.Task[None]] = set()
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=500), timeout=30) as client:

        async def send(person: Person) -> None:
            nonlocal errors
            started = time.perf_counter()
            try:
                response = await client.post(**build(target, public, person, person.next_text()))
            except httpx.HTTPError:  # a timeout or refused connection counts as an error
                errors += 1
                idle.append(person)
                return
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors += 1
            idle.append(person)

        start = time.perf_counter()
        total = int(rate * seconds)
        for i in range(total):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            if not idle:
                skipped += 1
                continue
            task = asyncio.create_task(send(idle.pop(0)))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return {
        "mode": "open",
        "channel": channel,
        "rate": rate,
        "seconds": elapsed,
        "requests": len(latencies),
        "errors": errors,
        "skipped": skipped,
        "rps": len(latencies) / elapsed,
        **percentiles(latencies),
    }


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50_ms": float("nan"), "p99_ms": float("nan")}
    cuts = statistics.quantiles(values, n=100)
    return {"p50_ms": cuts[49] * 1000, "p99_ms": cuts[98] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["closed", "open"])
    parser.add_argument("--target", required=True)
    parser.add_argument("--public", help="the public URL the server signs against")
    parser.add_argument("--channel", choices=sorted(BUILDERS), default="sms")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--duplicate", action="store_true", help="deliver every message twice")
    args = parser.parse_args()
    public = args.public or args.target
    if args.mode == "closed":
        result = asyncio.run(
            closed_loop(args.target, public, args.channel, args.users, args.seconds, args.duplicate)
        )
    else:
        result = asyncio.run(open_loop(args.target, public, args.channel, args.rate, args.seconds))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
