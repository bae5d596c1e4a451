"""The tests' fake Telegram Bot API, served on a fixed port until killed (for benchmarks)."""

from __future__ import annotations

import argparse
import threading
from http.server import ThreadingHTTPServer

from tests.support.fakes.fake_telegram import FakeTelegram, _handler_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    fake = FakeTelegram(token="123456:bench")
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _handler_for(fake))
    server.daemon_threads = True
    # Benchmarks send many messages: keep no history of them.
    threading.Thread(target=_forget, args=(fake,), daemon=True).start()
    server.serve_forever()


def _forget(fake: FakeTelegram) -> None:
    import time

    while True:
        time.sleep(5)
        fake.calls.clear()


if __name__ == "__main__":
    main()
