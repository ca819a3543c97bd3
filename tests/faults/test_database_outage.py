"""PostgreSQL stops mid-session: users get the GOV.UK "service unavailable" page (503), nothing is
half-written, and the same running server recovers as soon as the database is back. The database is "stopped"
by cutting a loopback proxy, so the shared PostgreSQL server keeps running for everyone else."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from load.client import Client, forms_in, links
from load.__main__ import fill, text_values
from tests.e2e.live import DEMO_PASSWORD
from tests.faults.conftest import second_app, sign_in

AUDITOR = "auditor.police@riverside.example"

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]  # always PostgreSQL: runs once, on the SQLite pass


def _open_section(client: Client) -> str:
    tasks = client.get("/audits/tasks")
    for task in links(tasks.body, r"/audits/tasks/\d+"):
        page = client.get(task)
        for section in links(page.body, r"/audits/tasks/\d+/sections/[\w-]+"):
            if client.get(section).status == 200:
                return section
    pytest.fail("the demo auditor has no open section to edit")


def _wait_for_health(client: Client, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while True:
        status = client.get("/healthz").status
        if status == 200 or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


@pytest.fixture
def signed_in(outage_server):
    client = Client(outage_server.base_url)
    client.sign_in(AUDITOR, DEMO_PASSWORD)
    section = _open_section(client)
    return client, section, forms_in(client.get(section).body)[0]


def test_signed_in_user_gets_the_govuk_503_page_while_the_database_is_down(outage_database, signed_in):
    _url, _proxied, proxy = outage_database
    client, section, before = signed_in
    proxy.cut()
    try:
        refused = client.post(section, fill(before, "written-while-database-down", "later"))
        tasks = client.get("/tasks")
    finally:
        proxy.restore()
    assert refused.status == 503
    assert "Sorry, the service is unavailable" in refused.body
    assert "govuk-template" in refused.body and "Information you entered" in refused.body
    assert tasks.status == 503 and "Sorry, the service is unavailable" in tasks.body


def test_public_pages_and_health_check_answer_503_while_the_database_is_down(outage_database, outage_server):
    _url, _proxied, proxy = outage_database
    visitor = Client(outage_server.base_url)
    proxy.cut()
    try:
        health = visitor.get("/healthz")
        register = visitor.get("/statements/")
    finally:
        proxy.restore()
    assert health.status == 503 and json.loads(health.body)["database"] == "unavailable"
    assert register.status == 503
    assert "Sorry, the service is unavailable" in register.body and "govuk-template" in register.body


def test_database_outage_writes_nothing_and_the_server_recovers_without_restart(
    outage_database, outage_server, signed_in
):
    _url, _proxied, proxy = outage_database
    client, section, before = signed_in
    gunicorn_pid = outage_server.process.pid

    proxy.cut()
    try:
        refused = client.post(section, fill(before, "written-while-database-down", "later"))
    finally:
        proxy.restore()
    assert refused.status >= 500, "a save while the database is down is refused, never reported as saved"

    assert _wait_for_health(client) == 200
    assert outage_server.process.poll() is None and outage_server.process.pid == gunicorn_pid
    after = client.get(section)
    assert after.status == 200, "the user is still signed in once the database is back"
    form = forms_in(after.body)[0]
    assert "written-while-database-down" not in text_values(form)
    assert form.value("lock_version") == before.value("lock_version"), "nothing was half-written"

    saved = client.post(section, fill(form, "written-after-recovery", "later"))
    assert saved.status == 302
    assert "written-after-recovery" in text_values(forms_in(client.get(section).body)[0])


def test_connection_lost_mid_save_leaves_nothing_half_written(outage_database):
    url, proxied, proxy = outage_database
    app = second_app(proxied)
    direct = sa.create_engine(url)
    with direct.connect() as conn:
        user = conn.execute(
            sa.text("SELECT id, session_version FROM user_account WHERE email = :e"), {"e": AUDITOR}
        ).one()
    client = app.test_client()
    sign_in(client, user.id, user.session_version)
    section = _open_section(_FlaskClient(client))
    assignment_id = int(section.split("/")[3])

    def snapshot():
        with direct.connect() as conn:
            return conn.execute(
                sa.text(
                    "SELECT cr.lock_version, ca.question_key, ca.value, ca.comment FROM case_response cr "
                    "JOIN assignment a ON a.id = cr.assignment_id LEFT JOIN case_answer ca ON ca.response_id = cr.id "
                    "WHERE a.id = :a ORDER BY ca.question_key"
                ),
                {"a": assignment_id},
            ).all()

    before = snapshot()
    form = forms_in(client.get(section).get_data(as_text=True))[0]
    writes = []

    def cut_after_first_answer_write(conn, cursor, statement, parameters, context, executemany):
        if (
            statement.lstrip()
            .upper()
            .startswith(("INSERT INTO CASE_ANSWER", "UPDATE CASE_ANSWER", "UPDATE CASE_RESPONSE"))
        ):
            writes.append(statement)
            proxy.cut()

    with app.app_context():
        from app.extensions import db

        engine = db.engine
    sa.event.listen(engine, "after_cursor_execute", cut_after_first_answer_write)
    try:
        response = client.post(section, data=MultiDict(fill(form, "half-written", "later")))
    finally:
        sa.event.remove(engine, "after_cursor_execute", cut_after_first_answer_write)
        proxy.restore()
    assert writes, (
        "the save reached the database before the connection was lost",
        response.status_code,
        response.get_data(as_text=True)[:3000],
    )
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)
    assert snapshot() == before

    retry = client.post(
        section,
        data=MultiDict(fill(forms_in(client.get(section).get_data(as_text=True))[0], "saved-after-reconnect", "later")),
    )
    assert retry.status_code == 302, "the same app instance reconnects by itself"
    direct.dispose()
    with app.app_context():
        db.engine.dispose()


class _FlaskClient:
    """The tiny part of load.client.Client that _open_section uses, over a Flask test client."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        response = self.client.get(path)
        return SimpleNamespace(status=response.status_code, body=response.get_data(as_text=True))
