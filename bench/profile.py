"""Profile the message path in process: `python -m bench.profile [--database postgresql]`.

Runs `Conversations.handle` for simulated reporters walking through complaints (the load
generator's script, SMS), under pyinstrument, and prints the profile's text summary and how many
SQL statements a message took. No HTTP: what it shows is Camino's own work per message.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler
from sqlalchemy import event

from bench.loadgen import Person
from bot.conversation.messages import InboundEvent
from bot.store.contacts import Sender
from tests.support import pg
from tests.support.factories import make_runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--messages", type=int, default=600)
    args = parser.parse_args()
    server = pg.start_server() if args.database == "postgresql" else None
    try:
        with tempfile.TemporaryDirectory(prefix="camino-profile-") as tmp:
            url = (
                server.create_database("bench_profile")
                if server is not None
                else f"sqlite:///{tmp}/profile.db"
            )
            runtime = make_runtime(url, Path(tmp))
            people = [Person(number, "sms") for number in range(args.people)]
            statements = [0]

            def count(*_args: object) -> None:
                statements[0] += 1

            event.listen(runtime.engine, "before_cursor_execute", count)
            profiler = Profiler(interval=0.0005)
            started = time.perf_counter()
            profiler.start()
            for number in range(args.messages):
                person = people[number % len(people)]
                sender = Sender("sms", f"+5255{person.number:08d}")
                runtime.conversations.handle(
                    sender, InboundEvent(text=person.next_text()), external_id=f"SM{number}"
                )
            profiler.stop()
            elapsed = time.perf_counter() - started
            runtime.close()
    finally:
        if server is not None:
            server.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    print(
        f"{args.messages} messages on {args.database}: {elapsed / args.messages * 1000:.2f} ms "
        f"and {statements[0] / args.messages:.1f} SQL statements a message"
    )


if __name__ == "__main__":
    main()
