"""Demo case audits: a moderated, closed strategy-discussion round, an open referrals round due soon, and a
child protection conference round in moderation, where each agency's report on time is agreed per agency.

Deterministic (seeded) and built through the services, so the activity log tells the story too.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.audits import panel_demo, services
from app.audits.models import AuditRound, AuditorMode
from app.audits.queries import agency_answers, agency_questions, answers_of, instrument_of
from app.extensions import db
from app.questionnaire import latest_version, visibility

ROUND_1_TITLE = "Strategy discussions – spring 2026"
ROUND_2_TITLE = "Quality of referrals – autumn 2026"
ROUND_3_TITLE = "Child protection conference reports – summer 2026"
AGENCIES = (
    ("riverside-police", "auditor.police@riverside.example"),
    ("riverside-health", "auditor.health@riverside.example"),
    ("riverside-council", "auditor.council@riverside.example"),
)
QA = "qa@riverside.example"

CASES_1 = [
    # reference, age band, gender, ethnicity, area, quality of practice (0 weak … 1 strong)
    ("CR-000101", "under_1", "female", "white", "North", 0.85),
    ("CR-000102", "5_9", "male", "black", "South", 0.45),
    ("CR-000103", "10_15", "female", "asian", "North", 0.7),
    ("CR-000104", "1_4", "male", "mixed", "South", 0.25),
    ("CR-000105", "16_17", "male", "white", "North", 0.6),
    ("CR-000106", "10_15", "female", "not_recorded", "South", 0.9),
]
CASES_2 = [
    ("CR-000201", "5_9", "female", "white", "South", 0.75),
    ("CR-000202", "under_1", "male", "asian", "North", 0.4),
    ("CR-000203", "10_15", "male", "black", "South", 0.6),
    ("CR-000204", "16_17", "female", "mixed", "North", 0.5),
    ("CR-000205", "1_4", "female", "white", "North", 0.8),
    ("CR-000206", "5_9", "male", "other", "South", 0.35),
]
CASES_3 = [
    ("CR-000301", "1_4", "female", "white", "North", 0.7),
    ("CR-000302", "10_15", "male", "black", "South", 0.4),
    ("CR-000303", "5_9", "female", "mixed", "North", 0.55),
]
AGENCY_CHANGE_REASON = (
    "The chair's log shows this agency's report arrived on the morning of the conference, after the deadline."
)
# The practice the demo's findings name as areas for improvement is weaker than the rest (not on the overall grade).
WEAKER_THEMES_SET = {"voice_of_child", "multi_agency_engagement", "contextual_safeguarding"}
WEAKER_THEMES = 0.3
# How generously each agency tends to rate its own practice (shifts the chance of a better rating).
LENIENCY = {"riverside-police": 0.1, "riverside-health": 0.0, "riverside-council": -0.1}

NOT_MET_COMMENTS = {
    "convened_promptly": [
        "Referral received on a Friday afternoon; the discussion was not held until the Monday, "
        "with no interim safety plan recorded.",
        "Police shared the concern the same day but the discussion took place three working days later.",
    ],
    "right_agencies_involved": [
        "The school was not invited although the child attends daily and had raised the concern.",
        "Health visitor not invited; the GP's information was obtained only after the decision.",
    ],
    "sufficient_information_shared": [
        "Little about the mother's partner, who lives in the household; no police checks on him.",
        "Siblings were not discussed and the father's history was not shared.",
    ],
    "information_provided_promptly": [
        "Our chronology was sent nine days after it was requested.",
        "Health records were shared only after a reminder from the social worker.",
    ],
    "child_lived_experience_and_voice": [
        "The child's views are not recorded; the discussion focused on the incident.",
        "No observations of the baby's care or presentation were recorded.",
    ],
    "identity_considered": [
        "Ethnicity is recorded, but nothing on the family's language needs or faith.",
        "No consideration of whether an interpreter was needed for the mother.",
    ],
    "risk_analysed_decisions_proportionate": [
        "A list of incidents rather than an analysis; the reasons for the section 47 decision are not recorded.",
        "Risk from the older sibling was not analysed.",
    ],
    "clear_next_steps": [
        "Actions have no named owner or timescale.",
        "Who would tell the parents, and when, was not agreed.",
    ],
    "named_trusted_adult": ["No trusted adult identified; the exploitation risk outside the home was not planned for."],
    "escalation_used": ["The disagreement was noted but not escalated under the resolution procedure."],
    "minutes_circulated": [
        "Minutes were not received by our agency.",
        "Minutes arrived three weeks after the discussion.",
    ],
}
GENERIC_NOT_MET = [
    "The record does not show this clearly.",
    "Only partly evidenced in our records.",
    "Not evidenced in the case file.",
]
OVERALL_COMMENTS = {
    "outstanding": "Swift, well-attended discussion with a clear analysis; the child was safe the same day.",
    "good": "The child was protected and most criteria were met; recording of the child's voice could be stronger.",
    "requires_improvement": "No child was left at risk, but key agencies were missing and actions lacked timescales.",
    "inadequate": "Delays and missing information left the child at risk for several days.",
}
LONG_TEXTS = {
    "missing_agencies_reason": "The school was not invited; no reason recorded. The designated safeguarding lead "
    "sent information by email the next day.",
}


def load(demo) -> None:
    from app.audits import demo_reaudit

    if all(_round_exists(title) for title in (ROUND_1_TITLE, ROUND_2_TITLE, ROUND_3_TITLE, demo_reaudit.TITLE)):
        return
    qa = demo.user(QA)
    rng = random.Random(20260301)
    if not _round_exists(ROUND_1_TITLE):
        _strategy_round(demo, qa, rng)
    if not _round_exists(ROUND_2_TITLE):
        _referrals_round(demo, qa, rng)
    if not _round_exists(ROUND_3_TITLE):
        _conference_round(demo, qa, random.Random(20260601))
    if not _round_exists(demo_reaudit.TITLE):
        demo_reaudit.load_reaudit(demo, qa)


def _round_exists(title: str) -> bool:
    return db.session.execute(sa.select(AuditRound.id).where(AuditRound.title == title)).first() is not None


def _new_round(demo, qa, *, key, title, start, end, due, cases):
    version = latest_version(key)
    if version is None:
        demo.say(f"audit round “{title}” skipped: instrument {key} is not loaded")
        return None
    orgs = [demo.org(slug) for slug, _ in AGENCIES]
    audit_round = services.create_round(
        instrument_version_id=version.id,
        title=title,
        area=None,
        period_start=start,
        period_end=end,
        due_date=due,
        auditor_mode=AuditorMode.self_audit,
        organisation_ids=[o.id for o in orgs],
        actor=qa,
    )
    for reference, age_band, gender, ethnicity, area, _quality in cases:
        services.add_case(
            audit_round, reference=reference, age_band=age_band, gender=gender, ethnicity=ethnicity, area=area, actor=qa
        )
    services.open_round(audit_round, actor=qa)
    return audit_round


def _strategy_round(demo, qa, rng) -> None:
    audit_round = _new_round(
        demo,
        qa,
        key="strategy-discussion",
        title=ROUND_1_TITLE,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        due=date(2026, 4, 30),
        cases=CASES_1,
    )
    if audit_round is None:
        return
    quality = {c[0]: c[5] for c in CASES_1}
    for case in audit_round.cases:
        for assignment in case.assignments:
            _score(demo, assignment, quality[case.reference], rng, submit=True)
    services.start_moderation(audit_round, actor=qa)
    for case in audit_round.cases:
        _moderate(case, quality[case.reference], qa, rng)
    panel_demo.strategy_panel(audit_round, qa, auditor=demo.user(dict(AGENCIES)["riverside-police"]))
    services.close_round(audit_round, actor=qa)
    demo.say(f"audit round “{ROUND_1_TITLE}” (closed, moderated, one live concern escalated and closed)")


def _referrals_round(demo, qa, rng) -> None:
    audit_round = _new_round(
        demo,
        qa,
        key="referral-quality",
        title=ROUND_2_TITLE,
        start=date(2026, 8, 1),
        end=date(2026, 10, 31),
        due=demo.today + timedelta(days=5),
        cases=CASES_2,
    )
    if audit_round is None:
        return
    quality = {c[0]: c[5] for c in CASES_2}
    # (case index, agency slug) -> how far the agency has got: submitted, a draft of some sections, or nothing.
    plan = {
        0: {"riverside-police": "submit", "riverside-health": "submit", "riverside-council": "submit"},
        1: {"riverside-police": "submit", "riverside-health": "draft"},
        2: {"riverside-police": "draft", "riverside-council": "draft"},
        3: {"riverside-health": "submit"},
        4: {"riverside-council": "draft"},
    }
    for index, case in enumerate(audit_round.cases):
        for assignment in case.assignments:
            step = plan.get(index, {}).get(assignment.organisation.slug)
            if step:
                _score(demo, assignment, quality[case.reference], rng, submit=step == "submit")
    demo.say(f"audit round “{ROUND_2_TITLE}” (open, due {audit_round.due_date:%d %B %Y})")


def _conference_round(demo, qa, rng) -> None:
    """Every agency submitted; the panel has moderated two of three cases, changing one agency's own answer."""
    audit_round = _new_round(
        demo,
        qa,
        key="cp-conference",
        title=ROUND_3_TITLE,
        start=date(2026, 5, 1),
        end=date(2026, 7, 31),
        due=date(2026, 8, 31),
        cases=CASES_3,
    )
    if audit_round is None:
        return
    quality = {c[0]: c[5] for c in CASES_3}
    for case in audit_round.cases:
        for assignment in case.assignments:
            _score(demo, assignment, quality[case.reference], rng, submit=True)
    services.start_moderation(audit_round, actor=qa)
    instrument = instrument_of(audit_round)
    for index, case in enumerate(audit_round.cases[:2]):
        changes = {}
        if index == 0:  # the panel finds that one agency's report, which it had said was on time, was late
            own = agency_answers(case, instrument)
            for question in agency_questions(instrument):
                late = next(
                    (org_id for (key, org_id), value in sorted(own.items()) if key == question.key and value != "no"),
                    None,
                )
                if late is not None:
                    changes[(question.key, late)] = ("no", AGENCY_CHANGE_REASON)
                    break
        _moderate(case, quality[case.reference], qa, rng, agency_changes=changes)
    panel_demo.conference_meeting(audit_round, qa)
    demo.say(f"audit round “{ROUND_3_TITLE}” (in moderation, agency questions agreed per agency)")


def _auditor(demo, assignment):
    email = dict(AGENCIES)[assignment.organisation.slug]
    return demo.user(email)


def _rating(question, quality: float, leniency: float, rng) -> str:
    options = [o for o in question.options if not o.excluded]
    excluded = [o for o in question.options if o.excluded]
    if excluded and rng.random() < 0.05:
        return excluded[0].value
    # Best option first: a strong case with a lenient agency tends towards the top of the scale.
    # The rating reached: a case good enough for a rating gets it (so the panel's grades and the criteria agree).
    position = (1 - min(max(quality + leniency + rng.gauss(0, 0.12), 0), 1)) * (len(options) - 1)
    return options[min(int(position + 0.1), len(options) - 1)].value


def _answers(instrument, org_type, reference, quality, leniency, rng, weaker_themes=None) -> dict[str, dict]:
    """One agency's answers. Facts about the case (format, who was invited) are the same for every agency;
    ratings vary with the agency's leniency and chance, as real audits do."""
    answers: dict[str, dict] = {}
    for question in instrument.questions(org_type):
        shown = visibility(instrument, answers, org_type)
        if not shown.get(question.key):
            answers[question.key] = {"value": None, "comment": None, "evidence": None}
            continue
        facts = random.Random(f"{reference}:{question.key}")
        value, comment = None, None
        kind = question.kind
        if kind.is_rating:
            weak = WEAKER_THEMES_SET if weaker_themes is None else weaker_themes
            weaker = WEAKER_THEMES if set(question.themes) & weak else 0
            value = _rating(question, quality - weaker, leniency, rng)
            option = question.option(value)
            if question.overall:
                comment = OVERALL_COMMENTS.get(value, "Overall judgement agreed with the team manager.")
            elif option.meets_standard is False:
                comment = rng.choice(NOT_MET_COMMENTS.get(question.key, GENERIC_NOT_MET))
        elif kind.is_choice and not kind.is_list:
            values = [o.value for o in question.options]
            if set(values) <= {"yes", "no", "not_known"}:
                value = "yes" if facts.random() < 0.3 else "no"
            else:
                value = values[0] if facts.random() < 0.5 else facts.choice(values[:-1] or values)
        elif kind.is_list:
            values = [o.value for o in question.options if o.value != "other"]
            chosen = set(facts.sample(values, k=min(len(values), facts.randint(3, 5))))
            if question.key == "agencies_attended" and "agencies_invited" in answers:
                invited = answers["agencies_invited"]["value"] or []
                chosen = {v for v in invited if facts.random() < 0.8} or set(invited[:1])
            value = [v for v in values if v in chosen]
        elif kind.is_text:
            value = LONG_TEXTS.get(question.key, "Recorded in the case file; see the chronology.")
        if question.comment == "required" and comment is None:
            comment = "See the case file."
        answers[question.key] = {"value": value, "comment": comment, "evidence": None}
    return answers


def _score(demo, assignment, quality: float, rng, *, submit: bool, weaker_themes=None) -> None:
    auditor = _auditor(demo, assignment)
    response = assignment.response
    instrument = instrument_of(assignment.case.round)
    org_type = assignment.organisation.org_type
    leniency = LENIENCY.get(assignment.organisation.slug, 0)
    answers = _answers(instrument, org_type, assignment.case.reference, quality, leniency, rng, weaker_themes)
    sections = instrument.sections_for(org_type)
    if not submit:
        sections = sections[: rng.randint(1, max(1, len(sections) - 2))]
    for section in sections:
        services.save_section(assignment, section.key, answers, lock_version=response.lock_version, actor=auditor)
    if submit:
        services.submit_response(assignment, lock_version=response.lock_version, actor=auditor)


def _moderate(case, quality: float, qa, rng, *, agency_changes=None) -> None:
    """The median rating agreed for each question about the case; each agency's own answer to a question about
    its own work stands, except where `agency_changes` ((question key, organisation id) -> (value, reason))
    changes it."""
    instrument = instrument_of(case.round)
    given: dict[str, list[str]] = {}
    for assignment in case.assignments:
        for key, entry in answers_of(assignment.response, instrument).items():
            if entry["value"] is not None:
                given.setdefault(key, []).append(entry["value"])
    ratings, comments = {}, {}
    for question in instrument.questions():
        if not question.kind.is_rating or question.key not in given or question.about_agency:
            continue
        values = given[question.key]
        scored = sorted(
            (v for v in values if not question.option(v).excluded),
            key=lambda v: [o.value for o in question.options].index(v),
        )
        agreed = scored[len(scored) // 2] if scored else values[0]  # the median rating
        ratings[question.key] = agreed
        if len(set(values)) > 1:
            comments[question.key] = "Panel agreed this rating after discussing the differing records."
    overall = instrument.overall_question
    grade = ratings.pop(overall.key) if overall is not None and overall.key in ratings else None
    if quality >= 0.7:
        strengths = "Prompt, well-attended discussion; clear decisions with named owners."
        improvement = "Record the child's own words and how identity affects risk."
    else:
        strengths = "Police and children's social care shared information quickly."
        improvement = "Invite schools and health visitors; agree timescales for every action."
    agency_ratings: dict[str, dict[int, str]] = {}
    agency_comments: dict[str, dict[int, str]] = {}
    for (key, org_id), (value, reason) in (agency_changes or {}).items():
        agency_ratings.setdefault(key, {})[org_id] = value
        agency_comments.setdefault(key, {})[org_id] = reason
    services.save_moderation(
        case,
        ratings=ratings,
        comments=comments,
        overall_grade=grade,
        strengths=strengths,
        agency_ratings=agency_ratings,
        agency_comments=agency_comments,
        areas_for_improvement=improvement,
        learning="Share the partnership's strategy discussion checklist with all agencies.",
        actor=qa,
    )
