"""What the tests share, and bench/ too: fakes, a PostgreSQL server, builders, drivers.

Imported as `tests.support.<module>`, with the repository root on `sys.path` (pytest puts it
there for the `tests` package; `python -m bench` runs from the root).
"""

from pathlib import Path

# The outbox worker alone, run as a script (`python PATH [channel=concurrency...]`).
OUTBOX_WORKER = Path(__file__).with_name("outbox_worker_main.py")
