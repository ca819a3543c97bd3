"""The published instrument library: every file in instruments/ validates and loads through the CLI, the case
audit tools carry what a partnership relies on (a source, sections, one overall judgement), and a QA user can
run a round on each of them."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.audits.models import AuditRound, RoundState
from app.questionnaire import latest_version, validate_file
from app.utils import today
from tests.audits.factories import make_round, section_post

INSTRUMENTS = Path(__file__).parents[2] / "instruments"
LIBRARY = sorted(p for p in INSTRUMENTS.glob("*.yaml") if p.name != "themes.yaml")
CASE_AUDIT_TOOLS = ("missing-episodes", "lado-allegations", "private-fostering", "neglect", "mash-threshold")
PRACTICE_STANDARDS = [
    "In line with practice standards",
    "Partially in line with practice standards",
    "Not in line with practice standards",
]


def test_every_file_in_the_library_validates_through_the_cli(runner):
    files = [str(p) for p in sorted(INSTRUMENTS.glob("*.yaml"))]
    result = runner.invoke(args=["instruments", "validate", *files])
    assert result.exit_code == 0, result.output
    for path in files:
        assert f"{path}: OK (" in result.output
    for key in CASE_AUDIT_TOOLS:
        assert f"{INSTRUMENTS / key}.yaml: OK ({key} version 1, case_audit, " in result.output


def test_every_file_in_the_library_loads_and_is_listed(runner):
    result = runner.invoke(args=["instruments", "load"])
    assert result.exit_code == 0, result.output
    for path in LIBRARY:
        assert re.search(rf"instruments/{re.escape(path.name)}: (loaded|unchanged) \(", result.output), path
    listing = runner.invoke(args=["instruments", "list"])
    assert listing.exit_code == 0
    rows = {line.split()[0]: line.split() for line in listing.output.splitlines()[1:]}
    for key in CASE_AUDIT_TOOLS:
        version = latest_version(key)
        assert rows[key] == [key, "1", "case_audit", str(len(version.parsed.questions()))]


@pytest.mark.parametrize("key", CASE_AUDIT_TOOLS)
def test_each_tool_has_a_source_sections_and_one_overall_judgement(key):
    instrument = validate_file(INSTRUMENTS / f"{key}.yaml")
    assert instrument.key == key and instrument.kind == "case_audit"
    assert instrument.source and instrument.summary
    assert len(instrument.sections) >= 2
    overall = instrument.overall_question
    assert overall is not None and overall.comment == "required"
    criteria = [q for q in instrument.questions() if q.type == "scale" and not q.overall]
    assert len(criteria) >= 8
    for question in criteria:
        assert question.hint and question.themes, question.key
        assert question.comment == "required_unless_met", question.key
        not_applicable = [o for o in question.options if o.excluded]
        assert not_applicable and all(o.needs_reason for o in not_applicable), question.key


def test_missing_episodes_rates_against_the_three_point_practice_standard():
    instrument = validate_file(INSTRUMENTS / "missing-episodes.yaml")
    criteria = [q for q in instrument.questions() if q.type == "scale" and not q.overall]
    for question in criteria:
        rated = [o for o in question.options if not o.excluded]
        assert [o.label for o in rated] == PRACTICE_STANDARDS, question.key
        assert [o.meets_standard for o in rated] == [True, False, False]
        assert [o.partial for o in rated] == [False, True, False]
        [not_applicable] = [o for o in question.options if o.excluded]
        assert not_applicable.label == "Not applicable" and not_applicable.needs_reason
        assert question.options[-1] is not_applicable


def _round_form(version, orgs) -> MultiDict:
    def date_fields(name, day):
        return [(name, str(day.day)), (name, str(day.month)), (name, str(day.year))]

    fields = [
        ("title", f"{version.parsed.title} – test"),
        ("instrument_version_id", str(version.id)),
        ("area", "North"),
        ("auditor_mode", "self_audit"),
    ]
    fields += date_fields("period_start", today() - timedelta(days=90))
    fields += date_fields("period_end", today() - timedelta(days=1))
    fields += date_fields("due_date", today() + timedelta(days=30))
    fields += [("organisation_ids", str(o.id)) for o in orgs]
    return MultiDict(fields)


@pytest.mark.parametrize("key", CASE_AUDIT_TOOLS)
def test_a_qa_user_opens_a_round_on_each_tool_and_auditors_see_every_section(key, client, login_as, make, db):
    council, police = make.make_org(org_type="local_authority"), make.make_org(org_type="police")
    auditors = {org.id: make.make_user(roles=["auditor"], organisation=org) for org in (council, police)}
    version = latest_version(key)
    login_as("qa")
    page = client.get("/audits/new")
    assert f"{version.parsed.title} (version 1)" in page.text
    assert f'name="instrument_version_id" type="radio" value="{version.id}"' in page.text

    response = client.post("/audits/new", data=_round_form(version, [council, police]))
    assert response.status_code == 302, response.text
    audit_round = db.session.execute(
        sa.select(AuditRound).where(AuditRound.instrument_version_id == version.id)
    ).scalar_one()
    response = client.post(f"/audits/{audit_round.id}/cases/new", data={"reference": "CR-000900"})
    assert response.status_code == 302, response.text
    assert client.post(f"/audits/{audit_round.id}/open", data={}).status_code == 302
    db.session.expire_all()
    assert audit_round.state == RoundState.open

    instrument = version.parsed
    for assignment in audit_round.cases[0].assignments:
        org_type = assignment.organisation.org_type
        login_as(auditors[assignment.organisation_id])
        for section in instrument.sections_for(org_type):
            page = client.get(f"/audits/tasks/{assignment.id}/sections/{section.key}")
            assert page.status_code == 200, (org_type, section.key)
            assert section.title in page.text
            first = next(q for q in section.questions if q.show_if is None)
            assert first.text.split()[0] in page.text


@pytest.mark.parametrize("key", CASE_AUDIT_TOOLS)
def test_each_tool_has_an_admin_preview_and_a_blank_workbook(key, client, login_as, db):
    version = latest_version(key)
    login_as("qa")
    page = client.get(f"/admin/instruments/versions/{version.id}")
    assert page.status_code == 200 and version.parsed.title in page.text
    blank = client.get(f"/admin/instruments/versions/{version.id}/blank.xlsx")
    assert blank.status_code == 200 and blank.data.startswith(b"PK")


def test_neglect_asks_for_the_familys_words_only_when_their_feedback_was_sought(client, login_as, db):
    setup = make_round(key="neglect", agencies=("council",))
    assignment = setup.assignment(0, "council")
    instrument = latest_version("neglect").parsed
    login_as(setup.auditors["council"])
    url = f"/audits/tasks/{assignment.id}/sections/family_feedback"

    def post(**values):
        answers = {key: {"value": value, "comment": None} for key, value in values.items()}
        db.session.refresh(assignment.response)
        return client.post(
            url,
            data=section_post(instrument, "family_feedback", answers, lock_version=assignment.response.lock_version),
        )

    page = post(family_feedback_sought="yes", family_feedback_from=["mother"])
    assert page.status_code == 200 and "There is a problem" in page.text
    for key in ("family_understood_concerns", "family_help_made_difference"):
        assert f'href="#{key}"' in page.text
    assert 'href="#family_feedback_not_sought_reason"' not in page.text

    response = post(
        family_feedback_sought="yes",
        family_feedback_from=["mother", "child"],
        family_understood_concerns="“I know now they were worried about the house.”",
        family_help_made_difference="“The family worker came every week and it helped.”",
    )
    assert response.status_code == 302, response.text
    assert post(family_feedback_sought="no").status_code == 200
    assert (
        post(family_feedback_sought="no", family_feedback_not_sought_reason="The family declined.").status_code == 302
    )
