"""The case sample: adding cases, importing .csv/.xlsx all-or-nothing, refusing names and duplicates."""

from __future__ import annotations

import io

import sqlalchemy as sa

from app.audits.models import AuditCase, ResponseState
from tests.audits.factories import make_round
from tests.spreadsheets import xlsx_bytes


def _cases(db, audit_round):
    return list(
        db.session.execute(
            sa.select(AuditCase).where(AuditCase.round_id == audit_round.id).order_by(AuditCase.reference)
        ).scalars()
    )


def _upload(client, audit_round, name: str, content: bytes):
    return client.post(
        f"/audits/{audit_round.id}/cases/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_add_a_case_with_its_details(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    response = client.post(
        f"/audits/{setup.round.id}/cases/new",
        data={"reference": " cr-000123 ", "age_band": "5_9", "gender": "female", "ethnicity": "mixed", "area": "North"},
    )
    assert response.status_code == 302
    (case,) = _cases(db, setup.round)
    assert (case.reference, case.age_band, case.gender, case.ethnicity, case.area) == (
        "CR-000123",
        "5_9",
        "female",
        "mixed",
        "North",
    )
    assert {a.organisation_id for a in case.assignments} == {o.id for o in setup.orgs.values()}


def test_a_reference_that_looks_like_a_name_is_refused_without_repeating_it(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    for name in ("Jayden Okafor", "Okafor, Jayden", "Mary-Ann O'Neil"):
        page = client.post(f"/audits/{setup.round.id}/cases/new", data={"reference": name})
        assert page.status_code == 200
        assert "There is a problem" in page.text
        assert "looks like a person’s name" in page.text
        assert 'href="#reference"' in page.text
    assert _cases(db, setup.round) == []


def test_a_reference_must_match_the_partnership_pattern(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    for reference in ("123456", "CR000123", "CR-12", "X-000123"):
        page = client.post(f"/audits/{setup.round.id}/cases/new", data={"reference": reference})
        assert "Enter the case reference in the partnership’s format, for example CR-000123" in page.text
    page = client.post(f"/audits/{setup.round.id}/cases/new", data={"reference": ""})
    assert "Enter the case reference" in page.text
    assert _cases(db, setup.round) == []


def test_a_case_already_in_the_round_is_refused(client, login_as, db):
    setup = make_round(references=("CR-000101",), open_it=False)
    login_as(setup.qa)
    page = client.post(f"/audits/{setup.round.id}/cases/new", data={"reference": "cr-000101"})
    assert "Case CR-000101 is already in this round" in page.text
    assert len(_cases(db, setup.round)) == 1


def test_import_csv_accepts_codes_or_labels_in_any_case(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    content = (
        "Case reference,Age band,Gender,Ethnicity group,Area\n"
        "CR-000101,Under 1,FEMALE,white,North\n"
        'cr-000102,10_15,male,"Black, Black British, Black Welsh, Caribbean or African",South\n'
        ",,,,\n"
        "CR-000103,1-4,,not recorded,\n"
    ).encode("utf-8-sig")
    response = _upload(client, setup.round, "sample.csv", content)
    assert response.status_code == 302
    cases = _cases(db, setup.round)
    assert [(c.reference, c.age_band, c.gender, c.ethnicity, c.area) for c in cases] == [
        ("CR-000101", "under_1", "female", "white", "North"),
        ("CR-000102", "10_15", "male", "black", "South"),
        ("CR-000103", "1_4", None, "not_recorded", None),
    ]
    page = client.get(response.headers["Location"])
    assert "3 cases imported." in page.text


def test_import_xlsx(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    content = xlsx_bytes(
        [
            ["Reference", "Age", "Sex", "Ethnicity", "Area"],
            ["CR-000201", "16 to 17", "Other", "Asian, Asian British or Asian Welsh", "South"],
            ["CR-000202", None, None, None, None],
        ]
    )
    assert _upload(client, setup.round, "sample.xlsx", content).status_code == 302
    assert [(c.reference, c.age_band, c.gender, c.ethnicity) for c in _cases(db, setup.round)] == [
        ("CR-000201", "16_17", "other", "asian"),
        ("CR-000202", None, None, None),
    ]


def test_import_csv_saved_with_semicolons_and_loosely_written_headings(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    content = "CASE-REF;Age_Band;gender\r\nCR-000301;5 to 9;Female\r\n".encode("cp1252")
    assert _upload(client, setup.round, "sample.csv", content).status_code == 302
    assert [(c.reference, c.age_band, c.gender) for c in _cases(db, setup.round)] == [("CR-000301", "5_9", "female")]


def test_a_file_with_too_many_cases_is_refused(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    content = ("Case reference\n" + "".join(f"CR-{n:06d}\n" for n in range(1, 2002))).encode()
    page = _upload(client, setup.round, "sample.csv", content)
    assert "The file has more than 2,000 rows: split it into smaller files" in page.text
    assert _cases(db, setup.round) == []


def test_bad_rows_are_listed_by_row_and_nothing_is_imported(client, login_as, db):
    setup = make_round(references=("CR-000900",), open_it=False)
    login_as(setup.qa)
    content = xlsx_bytes(
        [
            ["Case reference", "Age band", "Gender", "Ethnicity group", "Area"],
            ["CR-000101", "5 to 9", "female", "white", "North"],
            ["Amelia Jones", None, None, None, None],
            ["CR-000102", "teenager", "female", "white", None],
            ["CR-000101", None, None, None, None],
            ["CR-000900", None, None, None, None],
            ["CR-000103", None, "robot", "martian", None],
        ]
    )
    page = _upload(client, setup.round, "sample.xlsx", content)
    assert page.status_code == 200
    assert "No cases were imported" in page.text
    assert "Row 3: The case reference looks like a person’s name" in page.text
    assert "Amelia" not in page.text
    assert "Row 4: Age band must be one of" in page.text
    assert "Row 5: case CR-000101 is also in row 2" in page.text
    assert "Row 6: case CR-000900 is already in this round" in page.text
    assert "Row 7: Gender must be one of" in page.text
    assert [c.reference for c in _cases(db, setup.round)] == ["CR-000900"]


def test_files_that_cannot_be_imported_get_a_clear_message(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    cases = [
        ("sample.txt", b"CR-000101", "must be a CSV (.csv) or Excel (.xlsx) file"),
        ("sample.xlsx", b"this is not a workbook", "could not be opened as an Excel workbook"),
        ("sample.csv", b"", "The selected file is empty"),
        ("sample.csv", b"Case reference,Child name\nCR-000101,Ava Smith\n", "Column “Child name”: remove this column"),
        (
            "sample.csv",
            b"Case reference,Favourite colour\nCR-000101,blue\n",
            "Column “Favourite colour” is not recognised",
        ),
        ("sample.csv", b"Age band\n5 to 9\n", "The file must have a column headed “Case reference”"),
        ("sample.csv", b"Case reference\n", "The file has no cases in it"),
        ("sample.csv", b"Case reference\nCR-000101,extra\n", "Row 2: there is a value in a column without a heading"),
    ]
    for name, content, message in cases:
        page = _upload(client, setup.round, name, content)
        assert page.status_code == 200, name
        assert message in page.text, (name, message)
    page = client.post(f"/audits/{setup.round.id}/cases/import", data={}, content_type="multipart/form-data")
    assert "Select a .csv or .xlsx file" in page.text
    assert _cases(db, setup.round) == []


def test_a_windows_encoded_csv_is_read(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    content = "Case reference,Area\nCR-000101,Söuth\n".encode("cp1252")
    assert _upload(client, setup.round, "sample.csv", content).status_code == 302
    assert _cases(db, setup.round)[0].area == "Söuth"


def test_cases_can_only_be_removed_while_the_round_is_a_draft(client, login_as, db):
    setup = make_round(references=("CR-000101", "CR-000102"), open_it=False)
    login_as(setup.qa)
    first, second = _cases(db, setup.round)
    page = client.get(f"/audits/cases/{first.id}/remove")
    assert "Remove case CR-000101?" in page.text
    assert client.post(f"/audits/cases/{first.id}/remove", data={}).status_code == 302
    assert [c.reference for c in _cases(db, setup.round)] == ["CR-000102"]

    client.post(f"/audits/{setup.round.id}/open", data={})
    response = client.post(f"/audits/cases/{second.id}/remove", data={})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Cases can only be removed while the round is a draft." in page.text
    assert [c.reference for c in _cases(db, setup.round)] == ["CR-000102"]


def test_a_case_added_to_an_open_round_is_ready_to_score(client, login_as, db):
    setup = make_round(agencies=("police",))
    login_as(setup.qa)
    assert client.post(f"/audits/{setup.round.id}/cases/new", data={"reference": "CR-000555"}).status_code == 302
    case = next(c for c in _cases(db, setup.round) if c.reference == "CR-000555")
    assert case.assignments[0].response.state == ResponseState.draft
    login_as(setup.auditors["police"])
    assert "CR-000555" in client.get("/tasks").text


def test_assignments_per_case_with_a_named_auditor(client, login_as, db, make):
    setup = make_round(agencies=("police", "health"), open_it=False)
    case = setup.round.cases[0]
    police, health = setup.orgs["police"], setup.orgs["health"]
    colleague = make.make_user(roles=["auditor"], organisation=police, name="Robin Colleague")
    login_as(setup.qa)
    page = client.get(f"/audits/cases/{case.id}/assignments")
    assert "Robin Colleague" in page.text

    response = client.post(
        f"/audits/cases/{case.id}/assignments",
        data={"organisation_id": [str(police.id)], f"auditor_{police.id}": str(colleague.id)},
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert [(a.organisation_id, a.auditor_id) for a in case.assignments] == [(police.id, colleague.id)]

    # In a self-audit round the named auditor must work for the organisation.
    page = client.post(
        f"/audits/cases/{case.id}/assignments",
        data={"organisation_id": [str(police.id), str(health.id)], f"auditor_{health.id}": str(colleague.id)},
    )
    assert "must work for" in page.text
    page = client.post(f"/audits/cases/{case.id}/assignments", data={})
    assert "Select at least one organisation to audit this case" in page.text
    db.session.refresh(case)
    assert [a.organisation_id for a in case.assignments] == [police.id]


def test_import_names_each_case_lead_agency_by_organisation_name(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    police, health = setup.orgs["police"], setup.orgs["health"]
    content = (
        f"Case reference,Area,Lead agency\nCR-000401,North,{police.name.upper()}\nCR-000402,South,{health.name}\n"
        "CR-000403,South,\n"
    ).encode()
    assert _upload(client, setup.round, "sample.csv", content).status_code == 302
    assert [(c.reference, c.lead_organisation_id) for c in _cases(db, setup.round)] == [
        ("CR-000401", police.id),
        ("CR-000402", health.id),
        ("CR-000403", None),
    ]


def test_a_lead_agency_outside_the_round_refuses_the_file(client, login_as, db, make):
    setup = make_round(references=(), open_it=False)
    outsider = make.make_org(org_type="charity", name="Lantern Youth Club")
    login_as(setup.qa)
    content = f"Case reference,Lead agency\nCR-000411,{setup.orgs['police'].name}\nCR-000412,{outsider.name}\n".encode()
    page = _upload(client, setup.round, "sample.csv", content)
    assert "Row 3: the lead agency “Lantern Youth Club” is not taking part in this round" in page.text
    assert _cases(db, setup.round) == []
