"""Evidence files through the app, the same behaviour whichever store holds their bytes: uploaded, downloaded to
the last byte, removed, never left behind by a refused page; readable after FILE_STORAGE_URL changes; moved between
stores with every copy checked against its SHA-256."""

from __future__ import annotations

import io
import random

import pytest
import sqlalchemy as sa

from app import filestore
from app.filestore import StoredFileChunk, StoredFileRecord
from app.selfassessment.models import EvidenceFile
from tests.files.conftest import BUCKET, PREFIX, s3_keys
from tests.selfassessment.factories import PDF_BYTES, lead_with_a_return, section_form


def _pdf(size: int, seed: int = 1) -> bytes:
    """A PDF-looking file of `size` bytes that no two chunks share (the upload check reads the signature)."""
    return PDF_BYTES + random.Random(seed).randbytes(size - len(PDF_BYTES))


def _upload(client, ret, section, key, content: bytes, filename: str, command="later", **extra):
    data = section_form(ret, section, command=command, **extra)
    data[f"{key}__files"] = (io.BytesIO(content), filename)
    return client.post(
        f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data, content_type="multipart/form-data"
    )


def _records(db) -> list[StoredFileRecord]:
    return list(db.session.execute(sa.select(StoredFileRecord).order_by(StoredFileRecord.name)).scalars())


def _chunk_count(db, name: str) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(StoredFileChunk).where(StoredFileChunk.file_name == name)
    ).scalar_one()


def test_evidence_is_uploaded_downloaded_to_the_last_byte_and_removed(client, db, make, login_as, store):
    ret, section, key = lead_with_a_return(make, login_as)
    content = _pdf(3 * filestore.CHUNK_BYTES + 12345)
    assert _upload(client, ret, section, key, content, "policy.pdf").status_code == 302
    evidence = db.session.execute(sa.select(EvidenceFile)).scalar_one()
    [record] = _records(db)
    assert (record.name, record.size_bytes) == (evidence.stored_name, len(content))
    if store is None:
        assert (record.backend, record.location) == ("database", None)
        assert _chunk_count(db, record.name) == 4
    else:
        assert record.backend == "s3" and record.location.startswith(f"s3://{BUCKET}/{PREFIX}{record.name}?")
        assert _chunk_count(db, record.name) == 0
        assert s3_keys(store) == [f"{PREFIX}{record.name}"]

    download = client.get(f"/self-assessment/evidence/{evidence.id}")
    assert download.status_code == 200
    assert int(download.headers["Content-Length"]) == len(content)
    assert download.get_data() == content

    db.session.expire_all()
    response = client.post(
        f"/self-assessment/returns/{ret.id}/sections/{section.key}",
        data=section_form(ret, section, command=f"remove-file:{evidence.id}"),
    )
    assert response.status_code == 302
    assert _records(db) == [] and _chunk_count(db, record.name) == 0
    if store is not None:
        assert s3_keys(store) == []


def test_a_refused_page_leaves_no_file_in_either_store(client, db, make, login_as, store):
    ret, section, key = lead_with_a_return(make, login_as)
    response = _upload(client, ret, section, key, _pdf(50_000), "policy.pdf", command="continue", evidence="")
    assert "Select “policy.pdf” again" in response.get_data(as_text=True)
    assert _records(db) == []
    if store is not None:
        assert s3_keys(store) == []


def test_an_object_written_in_a_transaction_that_is_rolled_back_is_deleted(app, db, s3):
    with db.session.begin_nested():
        filestore.put("kept.pdf", io.BytesIO(b"kept"), content_type="application/pdf")
    nested = db.session.begin_nested()
    filestore.put("refused.pdf", io.BytesIO(b"refused"), content_type="application/pdf")
    assert s3_keys(s3) == [f"{PREFIX}kept.pdf", f"{PREFIX}refused.pdf"]
    nested.rollback()
    assert s3_keys(s3) == [f"{PREFIX}kept.pdf"]
    db.session.commit()
    assert s3_keys(s3) == [f"{PREFIX}kept.pdf"]

    filestore.delete("kept.pdf")
    assert s3_keys(s3) == [f"{PREFIX}kept.pdf"], "the object goes only once the deletion is committed"
    db.session.rollback()
    assert s3_keys(s3) == [f"{PREFIX}kept.pdf"] and filestore.record_for("kept.pdf") is not None
    filestore.delete("kept.pdf")
    db.session.commit()
    assert s3_keys(s3) == []


def test_a_file_stays_readable_from_its_store_after_the_setting_changes(
    app, client, db, make, login_as, s3, monkeypatch
):
    ret, section, key = lead_with_a_return(make, login_as)
    in_s3, in_database = _pdf(300_000, seed=2), _pdf(200_000, seed=3)
    assert _upload(client, ret, section, key, in_s3, "in-s3.pdf").status_code == 302
    s3_url = app.config["FILE_STORAGE_URL"]
    monkeypatch.setitem(app.config, "FILE_STORAGE_URL", "")
    db.session.expire_all()
    assert _upload(client, ret, section, key, in_database, "in-db.pdf").status_code == 302
    files = {e.original_name: e for e in db.session.execute(sa.select(EvidenceFile)).scalars()}
    assert {n: filestore.record_for(files[n].stored_name).backend for n in files} == {
        "in-s3.pdf": "s3",
        "in-db.pdf": "database",
    }
    for url_setting in ("", s3_url):
        monkeypatch.setitem(app.config, "FILE_STORAGE_URL", url_setting)
        for name, content in (("in-s3.pdf", in_s3), ("in-db.pdf", in_database)):
            assert client.get(f"/self-assessment/evidence/{files[name].id}").get_data() == content


def test_a_large_upload_streams_to_s3_in_parts(app, client, db, make, login_as, s3, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_FILE_BYTES", 12 * 1024 * 1024)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 13 * 1024 * 1024)
    ret, section, key = lead_with_a_return(make, login_as)
    content = _pdf(9 * 1024 * 1024 + 1)  # over the 8 MB part size: a multipart upload
    assert _upload(client, ret, section, key, content, "big.pdf").status_code == 302
    evidence = db.session.execute(sa.select(EvidenceFile)).scalar_one()
    head = s3.head_object(Bucket=BUCKET, Key=f"{PREFIX}{evidence.stored_name}")
    assert head["ContentLength"] == len(content) and "-" in head["ETag"]  # a multipart upload's ETag
    assert client.get(f"/self-assessment/evidence/{evidence.id}").get_data() == content


# --- moving files between stores --------------------------------------------------------------------------------


def _uploaded(client, db, make, login_as, contents: dict[str, bytes]) -> dict[str, EvidenceFile]:
    ret, section, key = lead_with_a_return(make, login_as)
    for filename, content in contents.items():
        assert _upload(client, ret, section, key, content, filename).status_code == 302
    db.session.expire_all()
    return {e.original_name: e for e in db.session.execute(sa.select(EvidenceFile)).scalars()}


def test_files_move_into_s3_and_back_with_a_corrupted_object_reported(
    app, client, db, make, login_as, runner, s3, monkeypatch
):
    s3_url = app.config["FILE_STORAGE_URL"]
    monkeypatch.setitem(app.config, "FILE_STORAGE_URL", "database:")
    contents = {"a.pdf": _pdf(600_000, seed=4), "b.pdf": _pdf(70_000, seed=5)}
    files = _uploaded(client, db, make, login_as, contents)
    a, b = files["a.pdf"].stored_name, files["b.pdf"].stored_name

    monkeypatch.setitem(app.config, "FILE_STORAGE_URL", s3_url)
    result = runner.invoke(args=["files", "move", "--to", "s3"])
    assert result.exit_code == 0, result.output
    assert "2 file(s) moved into s3, 0 not moved" in result.output
    db.session.expire_all()
    assert {r.name: r.backend for r in _records(db)} == {a: "s3", b: "s3"}
    assert _chunk_count(db, a) == _chunk_count(db, b) == 0
    assert s3_keys(s3) == sorted([f"{PREFIX}{a}", f"{PREFIX}{b}"])
    for name, content in contents.items():
        assert client.get(f"/self-assessment/evidence/{files[name].id}").get_data() == content

    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}{a}", Body=b"%PDF-1.4 not what was uploaded")
    monkeypatch.setitem(app.config, "FILE_STORAGE_URL", "")
    result = runner.invoke(args=["files", "move", "--to", "database"])
    assert result.exit_code == 1
    assert f"{a}: the object in the store does not match the SHA-256" in result.output
    assert "1 file(s) moved into database, 1 not moved" in result.output
    db.session.expire_all()
    assert {r.name: r.backend for r in _records(db)} == {a: "s3", b: "database"}
    assert _chunk_count(db, a) == 0, "nothing of the corrupted copy is kept"
    assert s3_keys(s3) == [f"{PREFIX}{a}"], "the source stays until a checked copy replaces it"
    assert client.get(f"/self-assessment/evidence/{files['b.pdf'].id}").get_data() == contents["b.pdf"]


def test_a_file_whose_chunks_no_longer_match_is_not_moved_into_s3(
    app, client, db, make, login_as, runner, s3, monkeypatch
):
    s3_url = app.config["FILE_STORAGE_URL"]
    monkeypatch.setitem(app.config, "FILE_STORAGE_URL", "")
    files = _uploaded(client, db, make, login_as, {"c.pdf": _pdf(10_000, seed=6)})
    name = files["c.pdf"].stored_name
    db.session.execute(
        sa.update(StoredFileChunk.__table__).where(StoredFileChunk.file_name == name).values(data=b"%PDF-tampered")
    )
    db.session.commit()
    monkeypatch.setitem(app.config, "FILE_STORAGE_URL", s3_url)
    result = runner.invoke(args=["files", "move", "--to", "s3"])
    assert result.exit_code == 1
    assert f"{name}: the file in the database does not match the SHA-256" in result.output
    db.session.expire_all()
    assert filestore.record_for(name).backend == "database"
    assert s3_keys(s3) == []


def test_moving_into_s3_needs_an_s3_store(runner, db):
    result = runner.invoke(args=["files", "move", "--to", "s3"])
    assert result.exit_code != 0 and "FILE_STORAGE_URL must name the S3 store" in result.output


@pytest.mark.parametrize(
    "url, message",
    [
        ("s3://key:secret@bucket/prefix", "must not hold credentials"),
        ("s3://bucket/prefix?endpoint_url=http://key:secret@minio:9000", "endpoint_url must not hold credentials"),
        ("ftp://bucket/prefix", "must be empty, database: or s3://bucket/prefix"),
        ("s3://bucket/prefix?password=x", "unknown options: password"),
    ],
)
def test_an_unusable_storage_url_stops_the_app_without_repeating_it(url, message):
    from app import create_app

    with pytest.raises(RuntimeError) as refused:
        create_app("test", FILE_STORAGE_URL=url)
    assert message in str(refused.value) and "secret" not in str(refused.value)
