"""Job fixtures: small job kinds of the tests' own, and RQ on Redis database 3 (skipped without Redis)."""

from __future__ import annotations

import os

import pytest

from app.jobs import registry
from tests.parallel import redis_url
from tests.findings.conftest import small_campaign, small_round  # noqa: F401  (fixtures used by these tests)

REDIS_URL = os.environ.get("TEST_JOBS_REDIS_URL") or redis_url(3)


class Kinds:
    """Kinds registered for one test: `text` writes its params' text; `flaky` fails its first `failures` attempts."""

    def __init__(self):
        self.calls: dict[str, int] = {}

    def text(self, params, out, progress):
        self.calls["text"] = self.calls.get("text", 0) + 1
        progress(50, "Writing the text")
        out.write(params["text"].encode())
        return "words.txt", "text/plain"

    def flaky(self, params, out, progress):
        self.calls["flaky"] = self.calls.get("flaky", 0) + 1
        if self.calls["flaky"] <= params["failures"]:
            raise RuntimeError(f"simulated failure {self.calls['flaky']}")
        out.write(b"made at last")
        return "flaky.txt", "text/plain"


@pytest.fixture
def kinds():
    made = Kinds()
    registry.register_kind("test_text", made.text)
    registry.register_kind("test_flaky", made.flaky)
    yield made
    registry.unregister_kind("test_text")
    registry.unregister_kind("test_flaky")


@pytest.fixture
def redis_db():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def rq_mode(app, redis_db, monkeypatch):
    """Jobs go on RQ in Redis db 3, run by a worker the test starts."""
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", REDIS_URL)
    return redis_db


def run_worker_burst() -> bool:
    """An RQ worker in the test's own process and transaction: runs what is queued, then stops."""
    from rq import SimpleWorker

    from app.jobs import queue

    return SimpleWorker([queue.rq_queue()], connection=queue.connection()).work(burst=True)
