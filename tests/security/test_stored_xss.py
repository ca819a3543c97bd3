"""Stored XSS: script payloads saved in every free-text field of the demo partnership are
shown inert on every page a crawl of the service reaches, and exports never turn text into formulas."""

from __future__ import annotations

import csv
import io
import re
from collections import deque

import sqlalchemy as sa
from openpyxl import load_workbook

HTML_PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
CELL_PAYLOAD = "=cmd|' /C calc'!A0"
PAYLOAD = f"{CELL_PAYLOAD} {HTML_PAYLOAD}"
DANGEROUS = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>")

# Free text people type (answers, comments, evidence, findings, actions, risks, reasons, names, titles).
FREE_TEXT = {
    "case_answer": ["comment"],
    "moderation": ["strengths", "areas_for_improvement", "learning"],
    "case_response": ["returned_reason"],
    "audit_round": ["title"],
    "audit_case": ["not_moderated_reason"],
    "return_answer": ["evidence", "comment"],
    "sa_return": ["returned_reason", "declaration_name"],
    "challenge": ["comment"],
    "campaign": ["title"],
    "finding": ["text"],
    "action_item": ["description", "owner_name"],
    "action_update": ["note"],
    "risk": ["description", "where_when", "measures_in_place", "further_action", "owner"],
    "risk_assessment": ["no_risks_justification"],
    "statement": ["material_change_note"],
    "organisation": ["name"],
    "user_account": ["name"],
    "evidence_file": ["original_name"],
    "briefing": ["title", "looked_at", "found", "good_looks_like", "do_differently", "get_help"],
}
CRAWL_USERS = (
    "admin@riverside.example",
    "qa@riverside.example",
    "auditor.police@riverside.example",
    "lead@youth-trust.riverside.example",
    "ceo@youth-trust.riverside.example",
    "lead@oakfield-school.riverside.example",
)
SKIP = re.compile(r"^/(static/|sign-out|sign-in|healthz)|/(remove|delete|deactivate|reactivate|resend-invitation)\b")
MAX_PAGES_PER_USER = 250


def _poison(db) -> int:
    changed = 0
    for table, columns in FREE_TEXT.items():
        for column in columns:
            changed += db.session.execute(
                sa.text(f"UPDATE {table} SET {column} = :p WHERE {column} IS NOT NULL AND {column} <> ''"),
                {"p": PAYLOAD},
            ).rowcount
    text_questions = db.session.execute(
        sa.text(
            "UPDATE case_answer SET value = :p WHERE value IS NOT NULL AND score IS NULL AND value NOT LIKE '[%' "
            "AND length(value) > 20"
        ),
        {"p": PAYLOAD},
    ).rowcount
    from app.statements.models import Statement

    for statement in db.session.execute(sa.select(Statement)).scalars():
        statement.sections = {key: PAYLOAD for key in (statement.sections or {})}
        changed += 1
    db.session.commit()
    return changed + text_questions


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/[^"#]*)', html)


def _check_export(path: str, response, problems: list[str]) -> None:
    data = response.get_data()
    if path.endswith(".xlsx") or response.mimetype.endswith("spreadsheetml.sheet"):
        workbook = load_workbook(io.BytesIO(data))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (
                        isinstance(cell.value, str) and cell.value.startswith("=") and cell.data_type != "s"
                    ):
                        problems.append(f"{path}: {sheet.title}!{cell.coordinate} is a formula: {cell.value!r}")
    elif path.endswith(".csv") or response.mimetype == "text/csv":
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            for value in row:
                if value.startswith(("=", "+", "-", "@")) and "cmd|" in value:
                    problems.append(f"{path}: CSV cell would run as a formula: {value!r}")


def test_payloads_in_every_free_text_field_render_inert_everywhere(app, client, demo, demo_user):
    assert _poison(demo) > 0
    problems, visited_total, exports = [], 0, 0
    for email in CRAWL_USERS:
        user = demo_user(email)
        with client.session_transaction() as session:
            session.clear()
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        seen, queue = set(), deque(["/tasks", "/statements/"])
        while queue and len(seen) < MAX_PAGES_PER_USER:
            path = queue.popleft()
            if path in seen or SKIP.search(path):
                continue
            seen.add(path)
            response = client.get(path)
            if response.status_code != 200:
                continue
            if response.mimetype == "text/html":
                body = response.get_data(as_text=True)
                for dangerous in DANGEROUS:
                    if dangerous in body:
                        problems.append(f"{email} {path}: raw {dangerous!r}")
                queue.extend(link for link in _links(body) if link not in seen)
            else:
                exports += 1
                _check_export(path, response, problems)
        visited_total += len(seen)
    assert visited_total > 50, "the crawl reached the service's pages"
    assert exports > 0, "the crawl reached at least one export"
    assert not problems, "\n".join(problems[:40])
