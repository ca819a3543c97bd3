"""Upload attacks on evidence files: wrong extension, content that does not match its type,
oversize, and path-traversal names. Nothing refused is stored; what is stored is held in the database, never
on the file system."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from load.client import forms_in

LEADS = (
    "lead@oakfield-school.riverside.example",
    "lead@youth-trust.riverside.example",
    "lead@brookside-primary.riverside.example",
    "lead@northgate-college.riverside.example",
    "lead@riverside-homes.riverside.example",
    "lead@st-columbas.riverside.example",
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def upload_form(app, client, demo, demo_user):
    """An editable self-assessment page with a file input, as its organisation lead sees it."""
    for email in LEADS:
        user = demo_user(email)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        returns = re.findall(
            r'href="(/self-assessment/returns/\d+)"', client.get("/self-assessment/my-returns").get_data(as_text=True)
        )
        for ret in returns:
            for section in dict.fromkeys(
                re.findall(rf'href="({ret}/sections/[\w-]+)"', client.get(ret).get_data(as_text=True))
            ):
                html = client.get(section).get_data(as_text=True)
                file_inputs = re.findall(
                    r'<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"'
                    r'[^>]*type="file"',
                    html,
                )
                if file_inputs and forms_in(html):
                    name = next(a or b for a, b in file_inputs)
                    return section, forms_in(html)[0], name
    pytest.fail("no editable self-assessment section with a file upload in the demo data")


def _post(client, section, form, field, filename, content, content_type="application/octet-stream"):
    data = MultiDict(form.fields)
    for name, options in form.radios.items():
        data.add(name, form.checked.get(name) or options[0])
    for name, value in form.texts.items():
        data.add(name, value or "Evidence described here.")
    data.add("command", "later")
    data.add(field, (io.BytesIO(content), filename, content_type))
    return client.post(section, data=data, content_type="multipart/form-data")


def _stored(db) -> int:
    return db.session.execute(sa.text("SELECT count(*) FROM evidence_file")).scalar_one()


def _files(app) -> set[str]:
    """Every file held anywhere: in the database's file store, and (there should be none) under UPLOAD_FOLDER."""
    from app.extensions import db

    held = set(db.session.execute(sa.text("SELECT name FROM stored_file")).scalars())
    return held | {str(p) for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "filename, content, content_type",
    [
        ("report.exe", b"MZ\x90\x00 not a document", "application/octet-stream"),
        ("page.html", b"<script>alert(1)</script>", "text/html"),
        ("looks-like.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("photo.png", PDF, "image/png"),
        ("no-extension", PDF, "application/pdf"),
    ],
)
def test_files_of_the_wrong_type_are_refused_with_a_message(
    app, client, demo, upload_form, filename, content, content_type
):
    section, form, field = upload_form
    before, files_before = _stored(demo), _files(app)
    response = _post(client, section, form, field, filename, content, content_type)
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 409) and "govuk-error-summary" in body, response.status_code
    assert _stored(demo) == before and _files(app) == files_before


def test_oversize_upload_is_refused(app, client, demo, upload_form):
    section, form, field = upload_form
    before, files_before = _stored(demo), _files(app)
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = _post(client, section, form, field, "big.pdf", PDF + b"0" * (limit + 1024), "application/pdf")
    assert response.status_code in (413, 200)
    if response.status_code == 200:
        assert "govuk-error-summary" in response.get_data(as_text=True)
    assert _stored(demo) == before and _files(app) == files_before


@pytest.mark.parametrize(
    "filename", ["../../../../tmp/escape.pdf", "..\\..\\windows\\escape.pdf", "/etc/passwd.pdf", "evil\x00.pdf"]
)
def test_path_traversal_names_never_reach_the_file_system(app, client, demo, upload_form, filename):
    section, form, field = upload_form
    _post(client, section, form, field, filename, PDF, "application/pdf")
    assert not [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]
    assert not Path("/tmp/escape.pdf").exists()
    for stored, original in demo.session.execute(sa.text("SELECT stored_name, original_name FROM evidence_file")):
        assert "/" not in stored and "\\" not in stored and ".." not in stored
        assert "/" not in original and "\\" not in original and "\x00" not in original
