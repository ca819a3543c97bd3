"""What keeps the suite's parallel workers (pytest-xdist, `make test` runs two) out of each other's way: each has
its own PostgreSQL databases and its own Redis databases. Outside xdist nothing changes."""

from __future__ import annotations

import os
import threading

# Redis has 16 databases: a worker's tests use theirs plus REDIS_DB_STRIDE times the worker's number.
REDIS_DB_STRIDE = 8


def worker_number() -> int:
    """0 for the first xdist worker (gw0) or a run without xdist, 1 for gw1, and so on."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0


def database_name(name: str) -> str:
    """The name of a PostgreSQL database of this worker's own: `name` outside xdist, `name_gwN` in worker N."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{name}_{worker}" if worker else name


def redis_url(database: int, host: str = "127.0.0.1:6379") -> str:
    """A Redis database of this worker's own, for tests that flush what they use."""
    number = database + REDIS_DB_STRIDE * worker_number()
    if not 0 <= number < 16:
        raise RuntimeError(f"no Redis database {number} for worker {worker_number()}: run at most two workers")
    return f"redis://{host}/{number}"


def at_once(work, items) -> list[str]:
    """`work(item)` in a thread of its own for each item, all started together; the errors they raised."""
    errors = []

    def run(item):
        try:
            work(item)
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def meet_at(monkeypatch, module, hook: str, parties: int = 2) -> None:
    """Replace `module.hook` so that each call waits until `parties` calls have reached it, then runs the real
    hook: the changes that called it are all flushed, none committed, when the first of them starts counting."""
    met = threading.Barrier(parties, timeout=10)
    real = getattr(module, hook)

    def wait_then_run(*args, **kwargs):
        met.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, hook, wait_then_run)
