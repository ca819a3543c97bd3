"""A real server on loopback for browser, load, fault and backup tests.

Each user of this module gets its own fresh database (a temporary SQLite file, or on the PostgreSQL pass a
separate database on the same server as TEST_DATABASE_URL, never the shared `test` database), seeded through
the real CLI (once per test session, then copied: see `seed_demo`) and served by gunicorn exactly as `make run`
serves it.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.parallel import database_name

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_base_url() -> str | None:
    """The PostgreSQL server of this pass, or None on the SQLite pass."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith(("postgres://", "postgresql")):
        return None
    from config import normalise_database_url

    return normalise_database_url(url)


LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def reachable_postgres() -> str:
    """This pass's PostgreSQL server, or the machine's own on loopback, for tests that always need PostgreSQL
    (load, faults); the calling test is skipped when there is none."""
    import pytest

    url = postgres_base_url() or LOCAL_POSTGRES
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.OperationalError:
        pytest.skip(f"no PostgreSQL server at {make_url(url).render_as_string(hide_password=True)}")
    return url


def _admin_engine(server_url: str):
    return sa.create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def create_database(name: str, directory: Path, *, postgres_url: str | None = None) -> str:
    """A new empty database called `name`: PostgreSQL when the pass (or caller) names a server, else SQLite."""
    server = postgres_url or postgres_base_url()
    name = database_name(name)
    if server is None:
        path = Path(directory) / f"{name}.sqlite3"
        if path.exists():
            path.unlink()
        return f"sqlite:///{path}"
    engine = _admin_engine(server)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and Path(parsed.database).exists():
            Path(parsed.database).unlink()
        return
    engine = _admin_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    engine.dispose()


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for the app's own processes: development config against this database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_DATABASE_URL", "PYTEST_"))}
    env.update(
        APP_CONFIG="development",
        DATABASE_URL=database_url,
        SECRET_KEY=env.get("LIVE_SECRET_KEY") or secrets.token_urlsafe(40),
        DEMO_PASSWORD=DEMO_PASSWORD,
        # Journeys and load sign in many times from one loopback address.
        LOGIN_RATE_LIMIT="100000 per minute",
        LOGIN_ADDRESS_RATE_LIMIT="100000 per minute",
        SURVEY_RATE_LIMIT="100000 per minute",
        FINDINGS_RATE_LIMIT="100000 per minute",
        EXPORT_RATE_LIMIT="100000 per minute",
        MAIL_SERVER="",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def flask_cli(
    database_url: str, *args: str, env: dict | None = None, check: bool = True, timeout: int = 300
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**app_env(database_url), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def seed_demo(database_url: str, env: dict | None = None) -> None:
    """The database after what `make run` does to a fresh one: migrate, load the instruments, load the demo.

    The first call of a test session (per server and environment) runs those three commands through the real CLI
    into a template database; every call copies the template, SQLite's backup API or `CREATE DATABASE ...
    TEMPLATE` on PostgreSQL, instead of running them again (about a minute each time on a busy machine)."""
    template = _demo_templates.get(_template_key(database_url, env))
    if template is None:
        template = _seed_template(database_url, env)
    copy_database(template, database_url)


# (server, environment) -> the seeded template database of this test session, dropped when the session ends.
_demo_templates: dict[tuple, str] = {}


def _template_key(database_url: str, env: dict | None) -> tuple:
    url = make_url(database_url)
    server = "sqlite" if url.get_backend_name() == "sqlite" else url.set(database="").render_as_string()
    # UPLOAD_FOLDER is read only by the migration that moves older evidence files into the database, and a fresh
    # database has none: any value seeds the same demo.
    settings = tuple(sorted((k, v) for k, v in (env or {}).items() if k != "UPLOAD_FOLDER"))
    return server, settings


def _seed_template(database_url: str, env: dict | None) -> str:
    name = f"demo_template_{os.getpid()}_{len(_demo_templates)}"
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite":
        directory = tempfile.mkdtemp(prefix="demo-template-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        url = create_database(name, Path(directory))
    else:
        url = create_database(name, Path("."), postgres_url=database_url)
        atexit.register(drop_database, url)
    flask_cli(url, "db", "upgrade", env=env)
    flask_cli(url, "instruments", "load", env=env)
    flask_cli(url, "demo", "load", env=env)
    _demo_templates[_template_key(database_url, env)] = url
    return url


def copy_database(source_url: str, target_url: str) -> None:
    """Make the database at target_url (which may exist, empty) a copy of the one at source_url; no one may be
    connected to either."""
    source, target = make_url(source_url), make_url(target_url)
    if source.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(target.database + suffix).unlink(missing_ok=True)
        with closing(sqlite3.connect(source.database)) as original, closing(sqlite3.connect(target.database)) as copy:
            original.backup(copy)
        return
    engine = _admin_engine(target_url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{target.database}" TEMPLATE "{source.database}"')
    engine.dispose()


@contextmanager
def demo_database(name: str, directory: Path, *, postgres_url: str | None = None, env: dict | None = None):
    """A new database holding the demo partnership, dropped afterwards."""
    url = create_database(name, directory, postgres_url=postgres_url)
    try:
        seed_demo(url, env=env)
        yield url
    finally:
        drop_database(url)


@dataclass
class GunicornServer:
    database_url: str
    log_path: Path
    # As `make run`: in-memory rate limits need every request in one process. None leaves the number to
    # gunicorn.conf.py, as production does (one worker per core, 2 threads each; one worker on SQLite).
    workers: int | None = 1
    threads: int | None = 8
    env: dict = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    app_module: str = "wsgi:app"
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "GunicornServer":
        self._log = open(self.log_path, "ab")
        sizes = [
            arg
            for flag, value in (("--workers", self.workers), ("--threads", self.threads))
            if value is not None
            for arg in (flag, str(value))
        ]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                *sizes,
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
                self.app_module,
            ],
            cwd=ROOT,
            env=app_env(self.database_url, **self.env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None
