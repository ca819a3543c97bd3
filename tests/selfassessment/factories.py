"""Builders for self-assessment tests. Organisation names and evidence are fictional.

Builders commit (which only releases the test's savepoint) so that a route's rollback after a refused request
does not take the test's own set-up with it."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.questionnaire import latest_version
from app.selfassessment import services
from app.selfassessment.models import Return
from app.utils import today

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes(main_part: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def self_assessment_version():
    return latest_version("self-assessment")


def survey_version():
    return latest_version("practitioner-survey")


def make_campaign(
    *,
    cycle: str = "2025-26",
    due_in_days: int = 60,
    org_types=None,
    survey: bool = True,
    open_it: bool = True,
    title: str | None = None,
    actor=None,
):
    from app.accounts.models import ORG_TYPES

    campaign = services.create_campaign(
        title=title or f"Safeguarding self-assessment {cycle}",
        instrument_version_id=self_assessment_version().id,
        survey_version_id=survey_version().id if survey else None,
        cycle=cycle,
        due_date=today() + timedelta(days=due_in_days),
        org_types=list(org_types or ORG_TYPES),
        actor=actor,
    )
    if open_it:
        services.open_campaign(campaign, actor=actor)
    db.session.commit()
    return campaign


def return_for(campaign, org) -> Return:
    return db.session.execute(
        sa.select(Return).where(Return.campaign_id == campaign.id, Return.organisation_id == org.id)
    ).scalar_one()


def instrument_for(ret):
    return ret.campaign.instrument_version.parsed


def lead_with_a_return(make, login_as):
    """A school's lead, signed in, with a return in a new campaign: (return, its first section, that section's first
    question's key), for tests that upload evidence."""
    org = make.make_org(org_type="school", name="Birchwood School")
    login_as(make.make_user(roles=["org_lead"], organisation=org))
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    return ret, section, section.questions[0].key


def fill_section(
    ret,
    section,
    *,
    rag="green",
    rags=None,
    evidence="Policy reviewed by the board in March.",
    actor=None,
    action_due_days=90,
):
    rags = rags or {}
    answers, actions = {}, {}
    for question in section.questions:
        value = rags.get(question.key, rag)
        answers[question.key] = {"value": value, "evidence": evidence, "comment": None}
        if value in ("amber", "red"):
            actions[question.key] = [
                services.NewAction(
                    description=f"Improve {question.key}",
                    owner_name="DSL",
                    due_date=today() + timedelta(days=action_due_days),
                )
            ]
    services.save_section(
        ret,
        section.key,
        services.SectionSave(
            answers=answers, expected_version=ret.lock_version, new_actions=actions, reconfirm=set(answers)
        ),
        actor=actor,
    )


def complete_return(ret, *, rag="green", rags=None, actor=None, submit=False, name="Morgan Lead"):
    instrument = instrument_for(ret)
    for section in instrument.sections_for(ret.organisation.org_type):
        fill_section(ret, section, rag=rag, rags=rags, actor=actor)
    if submit:
        submit_with_signoff(ret, actor=actor, name=name)
    db.session.commit()
    return ret


def signatory_of(org, capacity: str):
    """The organisation's signatory in this capacity, made when it has none (password tests.factories.PASSWORD)."""
    from app.accounts.signatories import signatory_users
    from tests.factories import make_user

    found = next((u for u in signatory_users(org.id) if u.signatory_capacity == capacity), None)
    return found or make_user(roles=["signatory"], organisation=org, signatory_capacity=capacity)


def submit_with_signoff(ret, *, actor=None, name="Morgan Lead"):
    """Submit a complete return as its organisation does: sent for sign-off and signed off by every leader its
    instrument asks for (directly, when it asks for none)."""
    from app.selfassessment.queries import needs_signoff, signoff_capacities
    from tests.factories import PASSWORD

    if not needs_signoff(ret):
        services.submit_return(
            ret, confirmed=True, declaration_name=name, expected_version=ret.lock_version, actor=actor
        )
        return ret
    signatories = [signatory_of(ret.organisation, c) for c in signoff_capacities(ret)]
    services.send_for_signoff(
        ret, confirmed=True, declaration_name=name, expected_version=ret.lock_version, actor=actor
    )
    for user in signatories:
        services.sign_off_return(ret, user, password=PASSWORD)
    return ret


def section_form(
    ret, section, *, rag="green", evidence="Training matrix updated in April.", command="continue", **extra
):
    data = {"command": command, "lock_version": str(ret.lock_version)}
    for question in section.questions:
        data[question.key] = rag
        data[f"{question.key}__evidence"] = evidence
    data.update(extra)
    return data


# ---------------------------------------------------------------------------------------------
# Practitioner survey
# ---------------------------------------------------------------------------------------------
def survey_link(campaign, org):
    from app.selfassessment.models import SurveyLink

    return db.session.execute(
        sa.select(SurveyLink).where(SurveyLink.campaign_id == campaign.id, SurveyLink.organisation_id == org.id)
    ).scalar_one()


def survey_form(value="agree", overrides=None, code=None) -> dict[str, str]:
    """What the survey page posts: every statement answered `value`, and the response code."""
    data = {q.key: value for q in survey_version().parsed.questions() if q.type == "scale"}
    data["role_group"] = "frontline"
    data.update(overrides or {})
    if code is not None:
        data["code"] = code
    return data


def response_codes(link, n: int) -> list[str]:
    from app.selfassessment import survey_services

    codes = survey_services.create_response_codes(link, n)
    db.session.commit()
    return codes


def survey_responses(link, n: int, value="agree", overrides=None) -> None:
    """`n` responses, each spending a code of its own."""
    from app.selfassessment import survey_services

    answers = {k: {"value": v} for k, v in survey_form(value, overrides).items()}
    for code in response_codes(link, n):
        survey_services.record_survey_response(link, answers, code=code)
    db.session.commit()


def no_noise(monkeypatch) -> None:
    """Exact figures in closed surveys' snapshots, for tests about what is shown rather than about the noise."""
    from app.selfassessment import snapshots

    monkeypatch.setattr(snapshots, "geometric_noise", lambda epsilon: 0)
