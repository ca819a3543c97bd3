"""`flask instruments validate|load|list` through the CLI runner, and storing versions."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.questionnaire import (
    InstrumentError,
    InstrumentVersion,
    get_version,
    latest_version,
    load_files,
    versions_of_kind,
)
from app.errors import NotFound
from tests.questionnaire.helpers import CASE_AUDIT, MINIMAL, STATEMENT, write


def test_validate_ok(runner):
    result = runner.invoke(args=["instruments", "validate", str(CASE_AUDIT), str(STATEMENT)])
    assert result.exit_code == 0, result.output
    assert f"{CASE_AUDIT}: OK (fixture-case-audit version 1, case_audit, 10 questions)" in result.output


def test_validate_reports_file_line_errors_and_exits_1(runner, tmp_path):
    bad = write(tmp_path, MINIMAL.replace("scale: yn", "scale: nope") + "colour: red\n", "bad.yaml")
    result = runner.invoke(args=["instruments", "validate", str(CASE_AUDIT), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:16: question 'q1': unknown scale 'nope'" in result.output
    assert f"{bad}:25: unknown key 'colour'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content", [b"", b"\xff\xfe bad bytes", b"key: [", b"- 1\n- 2\n", b"a: &a [*a]"])
def test_validate_never_shows_a_traceback(runner, tmp_path, content):
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    result = runner.invoke(args=["instruments", "validate", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:")
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_validate_themes_file(runner, app):
    result = runner.invoke(args=["instruments", "validate", app.config["THEMES_FILE"]])
    assert result.exit_code == 0 and "themes)" in result.output


def test_load_is_idempotent_and_list_shows_it(runner, db, tmp_path):
    path = write(tmp_path, MINIMAL.replace("key: tiny", "key: cli-tiny"), "tiny.yaml")
    first = runner.invoke(args=["instruments", "load", str(path)])
    assert first.exit_code == 0, first.output
    assert f"{path}: loaded (cli-tiny version 1)" in first.output
    again = runner.invoke(args=["instruments", "load", str(path)])
    assert again.exit_code == 0
    assert f"{path}: unchanged (cli-tiny version 1)" in again.output
    assert len(versions_of_kind("case_audit")) == len({v.id for v in versions_of_kind("case_audit")})
    listing = runner.invoke(args=["instruments", "list"])
    assert listing.exit_code == 0
    line = next(line for line in listing.output.splitlines() if line.startswith("cli-tiny "))
    assert line.split() == ["cli-tiny", "1", "case_audit", "2"]


def test_load_refuses_a_changed_definition_without_a_version_bump(runner, db, tmp_path):
    path = write(tmp_path, MINIMAL.replace("key: tiny", "key: cli-change"), "change.yaml")
    assert runner.invoke(args=["instruments", "load", str(path)]).exit_code == 0
    stored = latest_version("cli-change")
    path.write_text(path.read_text().replace("Question one?", "Question one, reworded?"))
    result = runner.invoke(args=["instruments", "load", str(path)])
    assert result.exit_code == 1
    assert (
        f"{path}:2: instrument 'cli-change' version 1 is already loaded with a different definition; "
        f"increase 'version' to publish a change"
    ) in result.output
    assert latest_version("cli-change").content_hash == stored.content_hash

    path.write_text(path.read_text().replace("version: 1", "version: 2"))
    result = runner.invoke(args=["instruments", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert latest_version("cli-change").version == 2
    assert latest_version("cli-change").parsed.question("q1").text == "Question one, reworded?"
    assert get_version(stored.id).parsed.question("q1").text == "Question one?"


def test_load_stores_nothing_when_any_file_is_invalid(runner, db, tmp_path):
    good = write(tmp_path, MINIMAL.replace("key: tiny", "key: cli-good"), "good.yaml")
    bad = write(
        tmp_path, MINIMAL.replace("key: tiny", "key: cli-bad").replace("type: choice", "type: radio"), "bad.yaml"
    )
    result = runner.invoke(args=["instruments", "load", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:20:" in result.output and "Nothing was loaded." in result.output
    assert latest_version("cli-good") is None


def test_load_refuses_a_changed_kind(db, tmp_path):
    load_files([write(tmp_path, MINIMAL.replace("key: tiny", "key: cli-kind"), "a.yaml")])
    survey = (
        MINIMAL.replace("key: tiny", "key: cli-kind")
        .replace("version: 1", "version: 2")
        .replace("kind: case_audit", "kind: survey")
    )
    with pytest.raises(InstrumentError) as caught:
        load_files([write(tmp_path, survey, "b.yaml")])
    assert "is already loaded as kind 'case_audit'" in str(caught.value)
    assert caught.value.errors[0].line == 3


def test_same_version_in_two_files_must_match(db, tmp_path):
    a = write(tmp_path, MINIMAL.replace("key: tiny", "key: cli-twice"), "a.yaml")
    b = write(tmp_path, MINIMAL.replace("key: tiny", "key: cli-twice").replace("Question two?", "Two?"), "b.yaml")
    with pytest.raises(InstrumentError) as caught:
        load_files([a, b])
    assert str(caught.value.errors[0]).startswith(f"{b}:2: instrument 'cli-twice' version 1 is also defined")


def test_load_records_activity(db, tmp_path):
    [version] = load_files([write(tmp_path, MINIMAL.replace("key: tiny", "key: cli-activity"), "a.yaml")])
    event = db.session.execute(
        sa.select(ActivityEvent).where(
            ActivityEvent.object_type == "instrument_version", ActivityEvent.object_id == version.id
        )
    ).scalar_one()
    assert event.verb == "instrument.loaded"


def test_load_without_arguments_loads_the_instruments_folder(runner, app, db, tmp_path, monkeypatch):
    folder = tmp_path / "instruments"
    folder.mkdir()
    (folder / "case-audit.yaml").write_text(
        CASE_AUDIT.read_text().replace("key: fixture-case-audit", "key: folder-case-audit")
    )
    shutil.copy(app.config["THEMES_FILE"], folder / "themes.yaml")
    (folder / "schema.json").write_text("{}")
    monkeypatch.setitem(app.config, "INSTRUMENTS_DIR", str(folder))
    result = runner.invoke(args=["instruments", "load"])
    assert result.exit_code == 0, result.output
    [line] = result.output.strip().splitlines()
    assert line.endswith("case-audit.yaml: loaded (folder-case-audit version 1)")


def test_queries(db, tmp_path):
    [v1] = load_files(
        [
            write(
                tmp_path,
                MINIMAL.replace("key: tiny", "key: q-tiny").replace("kind: case_audit", "kind: survey"),
                "a.yaml",
            )
        ]
    )
    [v2] = load_files(
        [
            write(
                tmp_path,
                MINIMAL.replace("key: tiny", "key: q-tiny")
                .replace("kind: case_audit", "kind: survey")
                .replace("version: 1", "version: 2"),
                "b.yaml",
            )
        ]
    )
    assert latest_version("q-tiny").id == v2.id
    surveys = versions_of_kind("survey")
    assert surveys.index(v2) < surveys.index(v1)
    assert all(v.instrument.kind == "survey" for v in surveys)
    assert get_version(v1.id).parsed.version == 1
    assert latest_version("no-such-instrument") is None
    with pytest.raises(NotFound):
        get_version(987654)


def test_parsed_is_cached(db, tmp_path):
    [version] = load_files([write(tmp_path, MINIMAL.replace("key: tiny", "key: cache-tiny"), "a.yaml")])
    assert version.parsed is version.parsed
    fresh = db.session.get(InstrumentVersion, version.id)
    assert fresh.parsed is version.parsed


def test_published_versions_cannot_be_edited(db, tmp_path):
    [version] = load_files([write(tmp_path, MINIMAL.replace("key: tiny", "key: frozen-tiny"), "a.yaml")])
    version.definition = {**version.definition, "title": "Changed behind the loader's back"}
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()
