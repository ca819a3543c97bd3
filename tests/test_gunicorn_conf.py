"""gunicorn.conf.py: how production serves the app (one worker per core on PostgreSQL, one worker on SQLite) and
the rate-limit store it insists on."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.e2e.live import ROOT, free_port

CONF = str(ROOT / "gunicorn.conf.py")
POSTGRESQL = "postgresql+psycopg://postgres@db.example/app"


def settings(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "RATELIMIT_STORAGE_URI", "APP_CONFIG", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONF)


def test_one_worker_per_core_on_postgresql_unless_told(monkeypatch):
    assert settings(monkeypatch, DATABASE_URL=POSTGRESQL)["workers"] == len(os.sched_getaffinity(0))
    assert settings(monkeypatch, DATABASE_URL=POSTGRESQL)["threads"] == 2
    told = settings(monkeypatch, DATABASE_URL=POSTGRESQL, WEB_CONCURRENCY="3", GUNICORN_THREADS="4")
    assert (told["workers"], told["threads"]) == (3, 4)
    assert settings(monkeypatch, DATABASE_URL="postgres://postgres@db.example/app", WEB_CONCURRENCY="3")["workers"] == 3


@pytest.mark.parametrize("url", [None, "sqlite:////srv/app/safeguarding.sqlite3", "sqlite://"])
def test_one_worker_on_sqlite_whatever_web_concurrency_says(monkeypatch, url):
    env = {"WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "3"} | ({"DATABASE_URL": url} if url else {})
    conf = settings(monkeypatch, **env)
    assert (conf["workers"], conf["threads"]) == (1, 3)


@pytest.mark.parametrize(
    "env, workers",
    [
        ({"APP_CONFIG": "production", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, 4),
        ({"APP_CONFIG": "production"}, 1),
        ({"APP_CONFIG": "development"}, 4),
    ],
)
def test_several_workers_start_when_their_rate_limits_are_shared_or_it_is_not_production(monkeypatch, env, workers):
    conf = settings(monkeypatch, **env)
    conf["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=workers)))


def test_production_refuses_several_workers_each_counting_rate_limits_alone(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY")}
    env.update(APP_CONFIG="production", SECRET_KEY="s" * 48, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{free_port()}", "--workers", "2", "wsgi:app"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "2 workers would each keep their own rate limits" in result.stderr
    assert "RATELIMIT_STORAGE_URI=redis://" in result.stderr
