"""Builders for account tests: upload files and the links inside emails."""

from __future__ import annotations

import csv
import io
import re

from tests.spreadsheets import xlsx_bytes

LINK_RE = re.compile(r"https?://[^/\s]+(/(?:invitation|reset-password)/\S+)")


def csv_upload(rows: list[list[str]], name: str = "import.csv") -> tuple[io.BytesIO, str]:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return io.BytesIO(buffer.getvalue().encode("utf-8")), name


def xlsx_upload(rows: list[list], name: str = "import.xlsx") -> tuple[io.BytesIO, str]:
    return io.BytesIO(xlsx_bytes(rows)), name


def link_path(body: str) -> str:
    """The path of the one account link in an email body."""
    match = LINK_RE.search(body)
    assert match, f"no account link in: {body}"
    return match.group(1)


def sign_in_other_browser(app, user):
    """A second browser holding a live session of `user`."""
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return other


def user_form(**overrides) -> dict:
    data = {
        "email": "new.person@test.example",
        "name": "New Person",
        "organisation": "",
        "roles": ["qa"],
        "signatory_capacity": "",
    }
    data.update(overrides)
    return data
