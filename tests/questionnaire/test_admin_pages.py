"""Admin pages: instrument list, read-only preview with organisation type filter, blank spreadsheet."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.questionnaire import latest_version, load_files
from tests.questionnaire.helpers import CASE_AUDIT, MINIMAL, SELF_ASSESSMENT, write


@pytest.fixture
def versions(db):
    return {v.parsed.key: v for v in load_files([CASE_AUDIT, SELF_ASSESSMENT])}


@pytest.mark.parametrize("role", ["admin", "qa"])
def test_staff_see_the_instrument_list(client, login_as, versions, role):
    login_as(role)
    response = client.get("/admin/instruments/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Fixture case audit" in html
    assert f'/admin/instruments/versions/{versions["fixture-case-audit"].id}"' in html
    assert f'/admin/instruments/versions/{versions["fixture-case-audit"].id}/blank.xlsx"' in html


@pytest.mark.parametrize("role", ["auditor", "org_lead", "signatory"])
def test_other_roles_are_refused(client, login_as, versions, role):
    login_as(role)
    version_id = versions["fixture-case-audit"].id
    for url in (
        "/admin/instruments/",
        f"/admin/instruments/versions/{version_id}",
        f"/admin/instruments/versions/{version_id}/blank.xlsx",
    ):
        assert client.get(url).status_code == 403


def test_preview_renders_every_question_read_only(client, login_as, versions):
    login_as("qa")
    response = client.get(f"/admin/instruments/versions/{versions['fixture-case-audit'].id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<fieldset class="govuk-fieldset app-read-only" disabled>') == 3
    for text in (
        "Was the discussion convened promptly?",
        "Which agencies were missing, and why?",
        "How many people attended?",
        "What is your overall judgement?",
    ):
        assert text in html
    assert 'name="held_on-day"' in html


def test_preview_filters_sections_by_organisation_type(client, login_as, versions):
    login_as("admin")
    url = f"/admin/instruments/versions/{versions['fixture-self-assessment'].id}"
    every = client.get(url).get_data(as_text=True)
    assert "Schools and colleges" in every and "Out-of-school settings and charities" in every
    school = client.get(url + "?org_type=school").get_data(as_text=True)
    assert "Schools and colleges" in school and "Out-of-school settings and charities" not in school
    assert '<option value="school" selected>' in school
    unknown = client.get(url + "?org_type=spaceship")
    assert unknown.status_code == 200
    assert "Out-of-school settings and charities" in unknown.get_data(as_text=True)


def test_preview_of_missing_version_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/instruments/versions/999999").status_code == 404
    assert client.get("/admin/instruments/versions/999999/blank.xlsx").status_code == 404


def test_blank_spreadsheet(client, login_as, versions):
    login_as("admin")
    response = client.get(f"/admin/instruments/versions/{versions['fixture-case-audit'].id}/blank.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="fixture-case-audit-v1.xlsx"'
    workbook = load_workbook(BytesIO(response.data))
    sheet = workbook["Questions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "Key",
        "Section",
        "Question",
        "Hint",
        "Type",
        "Answers",
        "Themes",
        "Required",
        "Shown only if",
    )
    by_key = {row[0]: row for row in rows[1:]}
    assert len(by_key) == 10
    timely = by_key["timely"]
    assert timely[1] == "Convening the discussion"
    assert timely[2] == "Was the discussion convened promptly?"
    assert timely[5].startswith("Yes (Green, meets standard); Partly (Amber)")
    assert timely[6] == "Timeliness"
    assert by_key["missing_reason"][8] == "all_invited is No or Partly"
    assert workbook["Instrument"]["B1"].value == "Fixture case audit"


def test_spreadsheet_never_writes_formulas(client, login_as, db, tmp_path):
    text = MINIMAL.replace("key: tiny", "key: formula-tiny").replace(
        "text: Question one?", "text: \"=HYPERLINK('http://x.example')\""
    )
    [version] = load_files([write(tmp_path, text)])
    login_as("admin")
    response = client.get(f"/admin/instruments/versions/{version.id}/blank.xlsx")
    cell = load_workbook(BytesIO(response.data))["Questions"]["C2"]
    assert cell.value == "=HYPERLINK('http://x.example')"
    assert cell.data_type == "s"


def test_library_versions_preview(client, login_as, db):
    login_as("admin")
    version = latest_version("strategy-discussion")
    assert version is not None, "the session loads the real instrument library"
    assert client.get(f"/admin/instruments/versions/{version.id}").status_code == 200
    assert client.get(f"/admin/instruments/versions/{version.id}/blank.xlsx").status_code == 200


def test_blank_spreadsheet_says_which_answer_partly_meets_the_standard(client, login_as):
    login_as("admin")
    version = latest_version("strategy-discussion")
    workbook = load_workbook(BytesIO(client.get(f"/admin/instruments/versions/{version.id}/blank.xlsx").data))
    rows = {row[0]: row for row in workbook["Questions"].iter_rows(values_only=True)}
    assert rows["convened_promptly"][5].startswith("Yes (Green, meets standard); Partly (Amber, partly meets standard)")
