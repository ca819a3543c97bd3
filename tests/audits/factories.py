"""Builders for case audit tests: rounds through the services, complete answers, form posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from werkzeug.datastructures import MultiDict

from app.audits import services
from app.audits.models import AuditRound
from app.questionnaire import latest_version
from app.utils import today
from tests import factories

STRATEGY = "strategy-discussion"


@dataclass
class Setup:
    round: AuditRound
    qa: object
    orgs: dict[str, object]
    auditors: dict[str, object]
    cases: list = field(default_factory=list)

    def assignment(self, case_index: int, org: str):
        case = self.round.cases[case_index]
        return next(a for a in case.assignments if a.organisation_id == self.orgs[org].id)


def make_round(
    *,
    agencies=("police", "health", "council"),
    references=("CR-000101",),
    open_it=True,
    due: date | None = None,
    key: str = STRATEGY,
    mode: str = "self_audit",
) -> Setup:
    types = {"police": "police", "health": "health_trust", "council": "local_authority", "school": "school"}
    qa = factories.make_user(roles=["qa"])
    orgs = {name: factories.make_org(org_type=types.get(name, "other")) for name in agencies}
    auditors = {name: factories.make_user(roles=["auditor"], organisation=org) for name, org in orgs.items()}
    audit_round = services.create_round(
        instrument_version_id=latest_version(key).id,
        title="Strategy discussions – test round",
        area="North",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        due_date=due or today() + timedelta(days=30),
        auditor_mode=mode,
        organisation_ids=[o.id for o in orgs.values()],
        actor=qa,
    )
    cases = [services.add_case(audit_round, reference=ref, actor=qa) for ref in references]
    if open_it:
        services.open_round(audit_round, actor=qa)
    return Setup(round=audit_round, qa=qa, orgs=orgs, auditors=auditors, cases=cases)


# The strategy discussion's criteria rated on its evidence scale (yes, partly, no, not applicable).
SCALE_KEYS = (
    "convened_promptly",
    "right_agencies_involved",
    "sufficient_information_shared",
    "information_provided_promptly",
    "child_lived_experience_and_voice",
    "identity_considered",
    "risk_analysed_decisions_proportionate",
    "clear_next_steps",
    "minutes_circulated",
)


def complete_answers(rating: str = "yes", overall: str = "good", **ratings) -> dict[str, dict]:
    """A full, valid strategy-discussion response; `ratings` overrides single scale answers."""

    def a(value, comment=None):
        return {"value": value, "comment": comment, "evidence": None}

    answers = {
        "discussion_format": a("virtual_meeting"),
        "agencies_invited": a(["police", "social_care", "health"]),
        "agencies_attended": a(["police", "social_care"]),
        "serious_youth_violence_feature": a("no"),
        "named_trusted_adult": a(None),
        "professional_disagreement": a("no"),
        "escalation_used": a(None),
        "missing_agencies_reason": a(None),
        "overall_judgement": a(overall, "Overall the child was kept safe."),
    }
    for key in SCALE_KEYS:
        value = ratings.get(key, rating)
        answers[key] = a(value, None if value in ("yes", "na") else "Only partly shown in the record.")
    if answers["right_agencies_involved"]["value"] in ("partly", "no"):
        answers["missing_agencies_reason"] = a("Health did not attend; no reason recorded.")
    return answers


def score(assignment, answers: dict[str, dict], *, actor, submit: bool = True) -> None:
    """Save every section then (optionally) submit, as an auditor would."""
    from app.audits.queries import instrument_of

    instrument = instrument_of(assignment.case.round)
    for section in instrument.sections_for(assignment.organisation.org_type):
        services.save_section(
            assignment, section.key, answers, lock_version=assignment.response.lock_version, actor=actor
        )
    if submit:
        services.submit_response(assignment, lock_version=assignment.response.lock_version, actor=actor)


def section_post(
    instrument, section_key: str, answers: dict[str, dict], *, lock_version, action="continue"
) -> MultiDict:
    """The form fields a browser posts for one section."""
    data = MultiDict({"lock_version": str(lock_version), "action": action})
    for question in instrument.section(section_key).questions:
        entry = answers.get(question.key) or {}
        value = entry.get("value")
        if isinstance(value, list):
            for item in value:
                data.add(question.key, item)
        elif value is not None:
            data.add(question.key, str(value))
        if question.has_comment and entry.get("comment"):
            data.add(f"{question.key}__comment", entry["comment"])
    return data


def moderate(case, *, actor, rating: str = "yes", grade: str = "good", **ratings):
    """Record the panel's agreement: `rating` for every criterion unless given in `ratings`."""
    from app.audits.queries import instrument_of, rated_questions

    instrument = instrument_of(case.round)
    agreed = {q.key: ratings.get(q.key, rating) for q in rated_questions(instrument) if not q.overall}
    return services.save_moderation(case, ratings=agreed, overall_grade=grade, actor=actor)
