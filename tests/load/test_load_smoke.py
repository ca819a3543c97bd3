"""The bounded load script at a small size: concurrent auditors saving drafts and submitting against
gunicorn + PostgreSQL, with zero 5xx and zero lost updates. The full size is `python -m load --users 50 ...`
(see load/__main__.py). Runs once, on the SQLite pass, against a database of its own on the PostgreSQL server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.e2e.live import ROOT, GunicornServer, create_database, drop_database, reachable_postgres, seed_demo

pytestmark = [pytest.mark.slow]


def _run_load(base_url: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "load", "--base-url", base_url, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def served(tmp_path):
    def serve(postgres_url=None):
        url = create_database("test_load", tmp_path, postgres_url=postgres_url)
        seed_demo(url)
        server = GunicornServer(url, tmp_path / "gunicorn.log").start()
        servers.append((server, url))
        return server

    servers = []
    yield serve
    for server, url in servers:
        server.stop()
        drop_database(url)


@pytest.mark.sqlite_only
def test_concurrent_draft_saves_lose_nothing_on_postgresql(served):
    server = served(reachable_postgres())
    summary = _run_load(server.base_url, "--users", "12", "--requests", "240", "--time-cap", "60")
    assert summary["server_errors"] == 0, (summary, server.log_tail())
    assert summary["lost_updates"] == 0, summary
    assert summary["ok"], summary
    assert summary["saves_accepted"] > 0 and summary["submitted"] == summary["assignments"]
    assert summary["p95_ms"] is not None


@pytest.mark.sqlite_only
def test_concurrent_draft_saves_never_answer_503_on_sqlite(served):
    """Regression: a deferred BEGIN once made concurrent SQLite saves fail with 'database is locked' (503)."""
    server = served()
    summary = _run_load(server.base_url, "--users", "20", "--requests", "300", "--time-cap", "60", "--no-submit")
    assert summary["lost_updates"] == 0, summary
    assert summary["server_errors"] == 0, summary
