"""How gunicorn serves the app. Gunicorn reads this file by itself when started from the project folder, so the
production command in the README (`gunicorn wsgi:app`) and the benchmarks use it; `make run` and the test servers
override the worker count on their command line.

On PostgreSQL, one worker process per core (WEB_CONCURRENCY to change it), each with two threads. The second thread
lets a long upload or download wait on the database or the network without holding up other people; more
processes, not more threads, use more cores, because a process's threads take turns at the interpreter. Each
thread beyond the second made every request slower under load without serving more of them: with fifty people
saving drafts, four threads per worker doubled the slowest saves against two (bench/RESULTS.md, fourth and
fifteenth passes).

On SQLite (DATABASE_URL unset or sqlite:), one worker process whatever WEB_CONCURRENCY says: SQLite lets one
connection write at a time, and the writers waiting for it are then that process's threads (app/db.py).

Rate limits (sign-in, emailed links, the public survey) must be counted once for the whole server. With more than
one worker they need a store every worker shares, so the production configuration refuses to start several workers
with the in-memory store: set RATELIMIT_STORAGE_URI=redis://HOST:6379/0, or WEB_CONCURRENCY=1.
"""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this container may use, not the host's
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _on_sqlite() -> bool:
    url = os.environ.get("DATABASE_URL") or "sqlite:"  # config.py's default is a SQLite file
    return url.startswith("sqlite")


workers = 1 if _on_sqlite() else int(os.environ.get("WEB_CONCURRENCY") or _cores())
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
timeout = 120
graceful_timeout = 30


def on_starting(server) -> None:
    shared = not os.environ.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory")
    if server.cfg.workers > 1 and not shared and os.environ.get("APP_CONFIG") == "production":
        raise SystemExit(
            f"gunicorn.conf.py: {server.cfg.workers} workers would each keep their own rate limits; set "
            "RATELIMIT_STORAGE_URI=redis://HOST:6379/0 so they share them, or WEB_CONCURRENCY=1"
        )
