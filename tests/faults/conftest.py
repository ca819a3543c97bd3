"""Fault fixtures: a seeded database of their own, and a PostgreSQL reached through a proxy that can be cut."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from tests.e2e.live import GunicornServer, demo_database, reachable_postgres
from tests.faults.proxy import CuttableProxy


@pytest.fixture(scope="module")
def outage_database(tmp_path_factory):
    """A seeded PostgreSQL database (`test_faults`) on the shared server, and a proxy in front of it."""
    with demo_database("test_faults", tmp_path_factory.mktemp("faults"), postgres_url=reachable_postgres()) as url:
        parsed = make_url(url)
        proxy = CuttableProxy(parsed.host or "127.0.0.1", parsed.port or 5432).start()
        proxied = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        yield url, proxied, proxy
        proxy.stop()


@pytest.fixture(scope="module")
def outage_server(outage_database, tmp_path_factory):
    """gunicorn, as in production, whose only way to the database is the proxy."""
    _url, proxied, _proxy = outage_database
    server = GunicornServer(proxied, tmp_path_factory.mktemp("faults-log") / "gunicorn.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory):
    """A seeded database of this pass's kind (SQLite file, or `test_faults_seeded` on PostgreSQL)."""
    with demo_database("test_faults_seeded", tmp_path_factory.mktemp("faults-seeded")) as url:
        yield url


def second_app(database_url: str, **overrides):
    """Another instance of the app, on its own database (the session's `app` fixture is untouched)."""
    from app import create_app

    return create_app("test", SQLALCHEMY_DATABASE_URI=database_url, **overrides)


def sign_in(client, user_id: int, session_version: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{session_version}"
        session["_fresh"] = True
