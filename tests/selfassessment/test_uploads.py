"""Evidence uploads: allow-list by extension and content, size limits, random names, safe downloads."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from app.extensions import db as _db
from app.filestore import StoredFileRecord

from app.selfassessment.models import EvidenceFile, ReturnAnswer
from tests.selfassessment.factories import (
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    lead_with_a_return,
    section_form,
)


def _post(client, ret, section, key, content, filename, **extra):
    data = section_form(ret, section, evidence="Evidence kept on the page", **extra)
    data[f"{key}__files"] = (io.BytesIO(content), filename)
    return client.post(
        f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data, content_type="multipart/form-data"
    )


def _stored_files(app) -> list[str]:
    """The names of every file held in the database's file store."""
    return sorted(_db.session.execute(sa.select(StoredFileRecord.name)).scalars())


def test_wrong_extension_is_refused_with_input_kept(app, client, make, login_as, db):
    ret, section, key = lead_with_a_return(make, login_as)
    before = _stored_files(app)
    response = _post(client, ret, section, key, b"MZ\x90\x00binary", "tool.exe")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“tool.exe” must be a PDF, Word (.docx), Excel (.xlsx), PNG or JPG file" in page
    assert f'href="#{key}__files"' in page
    assert "Evidence kept on the page" in page
    assert db.session.execute(sa.select(sa.func.count(ReturnAnswer.id))).scalar_one() == 0
    assert _stored_files(app) == before


def test_wrong_magic_bytes_are_refused(app, client, make, login_as, db):
    ret, section, key = lead_with_a_return(make, login_as)
    before = _stored_files(app)
    page = _post(client, ret, section, key, b"<html><script>alert(1)</script></html>", "policy.pdf").get_data(
        as_text=True
    )
    assert "“policy.pdf” is not a real PDF file" in page
    page = _post(client, ret, section, key, PNG_BYTES, "chart.jpg").get_data(as_text=True)
    assert "“chart.jpg” is not a real JPG file" in page
    page = _post(client, ret, section, key, docx_bytes(main_part="other/thing.xml"), "notes.docx").get_data(
        as_text=True
    )
    assert "“notes.docx” is not a real DOCX file" in page
    assert db.session.execute(sa.select(sa.func.count(EvidenceFile.id))).scalar_one() == 0
    assert _stored_files(app) == before


def test_real_docx_png_and_pdf_are_accepted(client, make, login_as, db):
    ret, section, key = lead_with_a_return(make, login_as)
    data = section_form(ret, section, command="later")
    data[f"{key}__files"] = [
        (io.BytesIO(docx_bytes()), "minutes.docx"),
        (io.BytesIO(PNG_BYTES), "chart.png"),
        (io.BytesIO(PDF_BYTES), "policy.pdf"),
    ]
    response = client.post(
        f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    names = db.session.execute(sa.select(EvidenceFile.original_name).order_by(EvidenceFile.id)).scalars().all()
    assert names == ["minutes.docx", "chart.png", "policy.pdf"]


def test_file_over_the_per_file_limit_gets_a_clear_message_and_input_kept(app, client, make, login_as, db, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_FILE_BYTES", 1024)
    ret, section, key = lead_with_a_return(make, login_as)
    before = _stored_files(app)
    response = _post(client, ret, section, key, PDF_BYTES + b"0" * 2048, "big.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“big.pdf” must be smaller than 1KB" in page
    assert "Evidence kept on the page" in page
    assert _stored_files(app) == before


def test_request_over_max_content_length_gets_the_413_page(app, client, make, login_as, monkeypatch):
    ret, section, key = lead_with_a_return(make, login_as)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = _post(client, ret, section, key, PDF_BYTES + b"0" * 8192, "huge.pdf")
    assert response.status_code == 413
    assert "The file or form you sent is too large" in response.get_data(as_text=True)


def test_path_traversal_names_are_neutralised(app, client, make, login_as, db):
    ret, section, key = lead_with_a_return(make, login_as)
    response = _post(client, ret, section, key, PDF_BYTES, "../../../etc/passwd.pdf", command="later")
    assert response.status_code == 302
    evidence = db.session.execute(sa.select(EvidenceFile)).scalar_one()
    assert evidence.original_name == "passwd.pdf"
    assert _stored_files(app) == [evidence.stored_name]
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", evidence.stored_name)
    download = client.get(f"/self-assessment/evidence/{evidence.id}")
    assert download.headers["Content-Disposition"] == "attachment; filename=passwd.pdf"
    assert download.get_data() == PDF_BYTES
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    response = _post(client, ret, section, key, PDF_BYTES, "..\\..\\windows\\evil.pdf", command="later")
    assert response.status_code == 302
    names = db.session.execute(sa.select(EvidenceFile.original_name).order_by(EvidenceFile.id)).scalars().all()
    assert names[-1].endswith("evil.pdf")
    assert not any(ch in names[-1] for ch in "/\\") and not names[-1].startswith(".")


def test_valid_file_is_not_kept_when_the_rest_of_the_page_is_wrong(app, client, make, login_as, db):
    ret, section, key = lead_with_a_return(make, login_as)
    before = _stored_files(app)
    data = section_form(ret, section, evidence="")
    data[f"{key}__files"] = (io.BytesIO(PDF_BYTES), "policy.pdf")
    page = client.post(
        f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "Select “policy.pdf” again" in page
    assert _stored_files(app) == before
    assert db.session.execute(sa.select(sa.func.count(EvidenceFile.id))).scalar_one() == 0


def test_removing_a_file(app, client, make, login_as, db):
    ret, section, key = lead_with_a_return(make, login_as)
    assert _post(client, ret, section, key, PDF_BYTES, "old.pdf", command="later").status_code == 302
    evidence = db.session.execute(sa.select(EvidenceFile)).scalar_one()
    assert _stored_files(app) == [evidence.stored_name]
    db.session.expire_all()
    data = section_form(ret, section, command=f"remove-file:{evidence.id}")
    response = client.post(f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data)
    assert response.status_code == 302
    assert db.session.execute(sa.select(sa.func.count(EvidenceFile.id))).scalar_one() == 0
    assert _stored_files(app) == []
