"""The moderation panel's agreed answers for a case, including the per-agency answers to questions about each
agency's own work."""

from __future__ import annotations

from app.activity import record
from app.audits import tallies
from app.audits.models import (
    AuditCase,
    ModeratedAnswer,
    Moderation,
    ResponseState,
    RoundState,
)
from app.audits.queries import (
    agency_answers,
    agency_questions,
    instrument_of,
    rated_questions,
)
from app.audits.services._common import (
    MODERATION_TEXT_MAX,
    FieldProblems,
    _actor_id,
)
from app.errors import DomainError, InvalidTransition, checked_text
from app.extensions import db
from app.questionnaire import (
    write_answer,
    write_answers,
)
from app.signals import figures_changed
from app.utils import utcnow


# ---------------------------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------------------------
def _answered_keys(case: AuditCase) -> set[str]:
    keys = set()
    for assignment in case.assignments:
        response = assignment.response
        if response is not None and response.state == ResponseState.submitted:
            keys.update(a.question_key for a in response.answers if a.value is not None)
    return keys


AgencyAgreed = dict[tuple[str, int], tuple[str | None, str | None, bool]]


def _agreed_per_agency(
    case: AuditCase, instrument, ratings: dict, comments: dict, problems: list[tuple[str, str]]
) -> AgencyAgreed:
    """The panel's answer for each agency to each question about the agency's own work, where one was posted:
    (question key, organisation id) -> (value, comment, changed), value None where the agency's own answer stands
    without comment. The agency's own answer stands unless the panel changes it, and a change needs a reason."""
    own = agency_answers(case, instrument)
    names = {a.organisation_id: a.organisation.name for a in case.assignments}
    agreed: AgencyAgreed = {}
    for question in agency_questions(instrument):
        for (key, org_id), answer in sorted(own.items(), key=lambda item: names.get(item[0][1], "")):
            if key != question.key or org_id not in (ratings.get(key) or {}):
                continue
            field = f"{key}__{org_id}"
            value = (ratings[key][org_id] or "").strip() or answer
            comment = ((comments.get(key) or {}).get(org_id) or "").strip() or None
            name = names[org_id]
            if question.option(value) is None:
                problems.append((f"rating__{field}", f"Select one of the answers to “{question.text}” for {name}"))
            elif value != answer and comment is None:
                problems.append(
                    (
                        f"comment__{field}",
                        f"Give the reason for changing the answer agreed for {name}: “{question.text}”",
                    )
                )
            if comment is not None and len(comment) > MODERATION_TEXT_MAX:
                problems.append(
                    (
                        f"comment__{field}",
                        (
                            f"The reason for the answer agreed for {name} must be "
                            f"{MODERATION_TEXT_MAX} characters or fewer: “{question.text}”"
                        ),
                    )
                )
            kept = value != answer or comment is not None
            agreed[(key, org_id)] = (value if kept else None, comment, value != answer)
    return agreed


def _page_order(instrument):
    """Sort key putting the moderation page's problems in the order of its fields: questions, then the outcome."""
    order = {q.key: i for i, q in enumerate(instrument.questions())}

    def position(problem: tuple[str, str]) -> int:
        field = problem[0]
        if field.startswith(("rating__", "comment__")):
            return order.get(field.split("__")[1], len(order))
        return len(order) + 1

    return position


def _store_per_agency(moderation: Moderation, instrument, agreed: AgencyAgreed) -> None:
    """A row for each agency whose answer the panel changed or commented on; none where the agency's own answer
    stands without a comment, so it counts with its own answer."""
    existing = {(m.question_key, m.organisation_id): m for m in moderation.answers if m.organisation_id is not None}
    for (key, org_id), (value, comment, _changed) in agreed.items():
        row = existing.get((key, org_id))
        if value is None:
            if row is not None:
                moderation.answers.remove(row)
            continue
        if row is None:
            row = ModeratedAnswer(question_key=key, organisation_id=org_id)
            moderation.answers.append(row)
        write_answer(row, instrument, {"value": value, "comment": comment})


def save_moderation(
    case: AuditCase,
    *,
    ratings: dict[str, str | None],
    comments: dict[str, str | None] | None = None,
    agency_ratings: dict[str, dict[int, str | None]] | None = None,
    agency_comments: dict[str, dict[int, str | None]] | None = None,
    overall_grade: str | None = None,
    strengths=None,
    areas_for_improvement=None,
    learning=None,
    actor=None,
) -> Moderation:
    """The panel's agreed rating per question, agreed overall grade and agreed findings for one case.

    Questions about the case get one agreed rating (`ratings`). Questions about each agency's own work are agreed
    per agency (`agency_ratings`: question key -> organisation id -> value): each agency's own answer stands
    unless the panel changes it, with a reason (`agency_comments`); agencies not given keep what they had.

    Called by partnership staff (admin, qa) while the round is in moderation."""
    audit_round = case.round
    if audit_round.state != RoundState.moderation:
        raise InvalidTransition("Cases can only be moderated while the round is in moderation.")
    instrument = instrument_of(audit_round)
    comments = comments or {}
    answered = _answered_keys(case)
    overall = instrument.overall_question
    problems: list[tuple[str, str]] = []
    agreed: dict[str, tuple[str | None, str | None]] = {}
    for question in rated_questions(instrument):
        if question.overall:
            continue
        value = (ratings.get(question.key) or "").strip() or None
        comment = (comments.get(question.key) or "").strip() or None
        if value is not None and question.option(value) is None:
            problems.append((f"rating__{question.key}", f"Select one of the ratings for “{question.text}”"))
        elif value is None and question.key in answered:
            problems.append((f"rating__{question.key}", f"Select the agreed rating for “{question.text}”"))
        if comment is not None and len(comment) > MODERATION_TEXT_MAX:
            problems.append(
                (
                    f"comment__{question.key}",
                    (f"The comment on “{question.text}” must be {MODERATION_TEXT_MAX} characters or fewer"),
                )
            )
        agreed[question.key] = (value, comment)
    grade = (overall_grade or "").strip() or None
    if overall is not None:
        if grade is None:
            problems.append(("overall_grade", "Select the agreed overall grade"))
        elif overall.option(grade) is None:
            problems.append(("overall_grade", "Select one of the overall grades"))
        agreed[overall.key] = (grade, (comments.get(overall.key) or "").strip() or None)
    elif grade is not None and len(grade) > 64:
        problems.append(("overall_grade", "The overall grade must be 64 characters or fewer"))
    texts = {}
    for name, value, label in (
        ("strengths", strengths, "strengths"),
        ("areas_for_improvement", areas_for_improvement, "areas for improvement"),
        ("learning", learning, "learning"),
    ):
        try:
            texts[name] = checked_text(
                value, field=name, label=f"the agreed {label}", max_length=MODERATION_TEXT_MAX, required=False
            )
        except DomainError as exc:
            problems.append((name, exc.message))
    per_agency = _agreed_per_agency(case, instrument, agency_ratings or {}, agency_comments or {}, problems)
    if problems:
        raise FieldProblems(sorted(problems, key=_page_order(instrument)))

    moderation = case.moderation
    if moderation is None:
        moderation = Moderation(case=case)
        db.session.add(moderation)

    def new_row(key: str) -> ModeratedAnswer:
        row = ModeratedAnswer(question_key=key)
        moderation.answers.append(row)
        return row

    write_answers(
        instrument,
        {key: {"value": value, "comment": comment} for key, (value, comment) in agreed.items()},
        {m.question_key: m for m in moderation.answers if m.organisation_id is None},
        new_row,
    )
    moderation.overall_grade = grade
    moderation.strengths = texts["strengths"]
    moderation.areas_for_improvement = texts["areas_for_improvement"]
    moderation.learning = texts["learning"]
    moderation.moderator_id = _actor_id(actor)
    moderation.moderated_at = utcnow()
    _store_per_agency(moderation, instrument, per_agency)
    case.not_moderated_reason = None
    db.session.flush()
    tallies.case_moderated(case)
    grade_label = overall.option(grade).label if overall is not None and grade else (grade or "none")
    summary = f"Case {case.reference} moderated: agreed overall grade {grade_label}"
    changed = sum(1 for _value, _comment, differs in per_agency.values() if differs)
    if changed:
        summary += f"; {changed} agency answer{'s' if changed != 1 else ''} changed by the panel"
    record("moderated", case, summary, actor=actor)
    figures_changed.send("round", id=case.round_id)
    return moderation
