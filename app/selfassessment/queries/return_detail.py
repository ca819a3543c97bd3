"""One return as its pages show it: sections, criteria, linked actions (with their lineage across cycles),
problems, and what changed since last cycle."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.actions.models import ActionItem
from app.actions.queries import actions_for, is_overdue
from app.extensions import db
from app.utils import today
from app.questionnaire import AnswerProblem, Instrument, Question, Section, read_answers
from app.selfassessment.checks import return_problems, section_status
from app.selfassessment.models import (
    Campaign,
    Challenge,
    CriterionRating,
    EvidenceFile,
    Return,
    ReturnAnswer,
)
from app.selfassessment.queries._common import (
    NEEDS_ACTION,
    OPEN_ACTION_STATUSES,
    RAG_RANK,
    SECTION_STATUS_LABELS,
)
from app.selfassessment.queries.campaign import instrument_of


@dataclass
class LinkedAction:
    action: ActionItem
    carried: bool  # linked to this criterion's answer in an earlier cycle

    @property
    def is_open(self) -> bool:
        return _status_value(self.action) in OPEN_ACTION_STATUSES

    @property
    def overdue(self) -> bool:
        """Open past its due date (app.actions' rule): shown with the red Overdue tag on check answers."""
        return is_overdue(self.action, today())


def _status_value(action) -> str:
    status = getattr(action, "status", None)
    return getattr(status, "value", status) or ""


@dataclass
class CriterionView:
    question: Question
    answer: ReturnAnswer | None
    value: str | None = None
    actions: list[LinkedAction] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def rag(self) -> str | None:
        return self.answer.rag if self.answer is not None else None

    @property
    def evidence(self) -> str | None:
        return self.answer.evidence if self.answer is not None else None

    @property
    def files(self) -> list[EvidenceFile]:
        return list(self.answer.files) if self.answer is not None else []

    @property
    def challenge(self) -> Challenge | None:
        return self.answer.challenge if self.answer is not None else None

    @property
    def carried(self) -> bool:
        return self.answer is not None and self.answer.carried_from_id is not None

    @property
    def current_rating(self) -> CriterionRating | None:
        """The latest re-rating during the year (the rating at submission is `rag`), or None."""
        return self.answer.ratings[-1] if self.answer is not None and self.answer.ratings else None

    @property
    def to_reconfirm(self) -> bool:
        return self.answer is not None and not self.answer.reconfirmed

    @property
    def needs_action(self) -> bool:
        return self.rag in NEEDS_ACTION

    @property
    def counting_actions(self) -> list[LinkedAction]:
        """This cycle's actions, and actions carried from earlier cycles that are still open."""
        return [a for a in self.actions if not a.carried or a.is_open]

    @property
    def shown_actions(self) -> list[LinkedAction]:
        return self.counting_actions


@dataclass
class SectionView:
    section: Section
    criteria: list[CriterionView]
    status: str = "not_started"

    @property
    def status_label(self) -> str:
        return SECTION_STATUS_LABELS[self.status]

    @property
    def challenged(self) -> list[CriterionView]:
        """Criteria the partnership challenged whose challenge it has not yet accepted as answered."""
        return [c for c in self.criteria if c.challenge is not None and c.challenge.status != "accepted"]


@dataclass
class ReturnView:
    ret: Return
    campaign: Campaign
    instrument: Instrument
    org_type: str
    sections: list[SectionView]
    answers: dict[str, dict]
    problems: list[AnswerProblem]

    def section(self, key: str) -> SectionView | None:
        return next((s for s in self.sections if s.section.key == key), None)

    def criterion(self, key: str) -> CriterionView | None:
        return next((c for s in self.sections for c in s.criteria if c.key == key), None)

    @property
    def completed_sections(self) -> int:
        return sum(1 for s in self.sections if s.status == "completed")

    @property
    def carried_pending(self) -> int:
        return sum(1 for s in self.sections for c in s.criteria if c.to_reconfirm)


def answer_rows(ret: Return) -> list[ReturnAnswer]:
    return list(
        db.session.execute(
            sa.select(ReturnAnswer)
            .where(ReturnAnswer.return_id == ret.id)
            .options(
                selectinload(ReturnAnswer.files),
                selectinload(ReturnAnswer.challenge),
                selectinload(ReturnAnswer.carried_from),
                selectinload(ReturnAnswer.ratings),
            )
        ).scalars()
    )


def answer_lineage(rows: list[ReturnAnswer]) -> dict[int, str]:
    """Answer id -> question key, for these answers and every earlier-cycle answer they were carried from."""
    owner: dict[int, str] = {row.id: row.question_key for row in rows}
    frontier = {
        row.carried_from_id: row.question_key
        for row in rows
        if row.carried_from_id is not None and row.carried_from_id not in owner
    }
    while frontier:
        owner.update(frontier)
        earlier = db.session.execute(
            sa.select(ReturnAnswer.id, ReturnAnswer.carried_from_id).where(
                ReturnAnswer.id.in_(list(frontier)), ReturnAnswer.carried_from_id.is_not(None)
            )
        ).all()
        frontier = {
            carried_from: frontier[answer_id] for answer_id, carried_from in earlier if carried_from not in owner
        }
    return owner


def linked_actions(rows: list[ReturnAnswer]) -> dict[str, list[LinkedAction]]:
    lineage = answer_lineage(rows)
    if not lineage:
        return {}
    current_ids = {row.id for row in rows}
    result: dict[str, list[LinkedAction]] = defaultdict(list)
    for action in actions_for(return_answer_ids=list(lineage)):
        key = lineage.get(action.return_answer_id)
        if key is not None:
            result[key].append(LinkedAction(action=action, carried=action.return_answer_id not in current_ids))
    return result


def return_view(ret: Return) -> ReturnView:
    campaign = ret.campaign
    instrument = instrument_of(campaign)
    org_type = ret.organisation.org_type
    rows = answer_rows(ret)
    by_key = {row.question_key: row for row in rows}
    actions = linked_actions(rows)
    answers = read_answers(instrument, rows)
    sections = []
    for section in instrument.sections_for(org_type):
        criteria = [
            CriterionView(
                question=q,
                answer=by_key.get(q.key),
                value=answers.get(q.key, {}).get("value"),
                actions=actions.get(q.key, []),
            )
            for q in section.questions
        ]
        sections.append(SectionView(section=section, criteria=criteria))
    view = ReturnView(
        ret=ret,
        campaign=campaign,
        instrument=instrument,
        org_type=org_type,
        sections=sections,
        answers=answers,
        problems=[],
    )
    view.problems = return_problems(view)
    for section_view in sections:
        section_view.status = section_status(view, section_view)
    return view


def return_problems_for(ret: Return) -> list[AnswerProblem]:
    return return_view(ret).problems


# ---------------------------------------------------------------------------------------------
# Changed since last cycle
# ---------------------------------------------------------------------------------------------
@dataclass
class Change:
    question: Question
    section: Section
    previous_rag: str | None
    current_rag: str | None
    evidence_edited: bool
    reconfirmed: bool

    @property
    def direction(self) -> str:
        if self.previous_rag is None or self.current_rag is None:
            return "new" if self.previous_rag is None else "removed"
        delta = RAG_RANK[self.previous_rag] - RAG_RANK[self.current_rag]
        return "up" if delta > 0 else "down" if delta < 0 else "same"

    @property
    def changed(self) -> bool:
        return self.direction != "same" or self.evidence_edited


def changes_since_last_cycle(view: ReturnView) -> list[Change]:
    changes = []
    for section_view in view.sections:
        for criterion in section_view.criteria:
            answer = criterion.answer
            previous = answer.carried_from if answer is not None else None
            if previous is None:
                if criterion.rag is None:
                    continue
                changes.append(
                    Change(
                        criterion.question,
                        section_view.section,
                        None,
                        criterion.rag,
                        evidence_edited=False,
                        reconfirmed=True,
                    )
                )
                continue
            changes.append(
                Change(
                    question=criterion.question,
                    section=section_view.section,
                    previous_rag=previous.rag,
                    current_rag=answer.rag,
                    evidence_edited=(previous.evidence or "").strip() != (answer.evidence or "").strip(),
                    reconfirmed=answer.reconfirmed,
                )
            )
    return changes
