"""Read models for self-assessment pages, and the public read functions other features use.

Public (used by statements and findings):
    has_submitted_return(organisation_id, since_cycle_of_campaign=None) -> bool
    latest_return_for(organisation_id) -> Return | None
    campaigns() / get_campaign(id)
    rag_by_criterion(campaign_id), self_assessed_theme_rag(campaign_id), triangulation(campaign_id) (the one
    triangulation of self-assessment and practitioner survey), partnership_survey_figures(campaign),
    partnership_survey_snapshot(campaign_id)
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation, User, UserRole
from app.actions.models import ActionItem
from app.actions.queries import actions_for
from app.errors import get_or_404
from app.extensions import db
from app.questionnaire import (
    AnswerProblem,
    Instrument,
    Question,
    Section,
    read_answers,
    theme_titles,
)
from app.selfassessment import snapshots
from app.selfassessment.models import (
    Campaign,
    CampaignState,
    Challenge,
    EvidenceFile,
    Return,
    ReturnAnswer,
    ReturnState,
    SurveyLink,
    SurveyResponse,
    SurveySnapshot,
    campaign_org_type,
)
from app.utils import today

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
RAG_RANK = {"green": 1, "amber": 2, "red": 3}
RANK_RAG = {rank: rag for rag, rank in RAG_RANK.items()}
NEEDS_ACTION = ("amber", "red")
SUBMITTED_STATES = (ReturnState.submitted, ReturnState.accepted)
EDITABLE_STATES = (ReturnState.not_started, ReturnState.in_progress, ReturnState.returned)
OPEN_ACTION_STATUSES = ("not_started", "in_progress")
SECTION_STATUS_LABELS = {
    "not_started": "Not yet started",
    "in_progress": "In progress",
    "to_reconfirm": "To re-confirm",
    "completed": "Completed",
}


# ---------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------
def campaigns() -> list[Campaign]:
    return list(db.session.execute(
        sa.select(Campaign).order_by(Campaign.cycle.desc(), Campaign.id.desc())
    ).scalars())


def get_campaign(campaign_id: int) -> Campaign:
    return get_or_404(Campaign, campaign_id, "campaign")


def instrument_of(campaign: Campaign) -> Instrument:
    return campaign.instrument_version.parsed


def invited_organisations(campaign: Campaign) -> list[Organisation]:
    return list(db.session.execute(
        sa.select(Organisation)
        .join(campaign_org_type, campaign_org_type.c.org_type == Organisation.org_type)
        .where(campaign_org_type.c.campaign_id == campaign.id, Organisation.active.is_(True))
        .order_by(Organisation.name)
    ).scalars())


def is_overdue(ret: Return, on: date | None = None) -> bool:
    return ret.state in EDITABLE_STATES and ret.campaign.due_date < (on or today())


@dataclass
class BoardRow:
    organisation: Organisation
    ret: Return | None
    overdue: bool
    survey: "SurveyStatus | None"


@dataclass
class Board:
    rows: list[BoardRow]
    by_state: dict[str, int]
    by_type: dict[str, dict[str, int]]  # org type -> state -> count


def campaign_board(campaign: Campaign, on: date | None = None) -> Board:
    """Every invited organisation with its return state, overdue flag and survey status (open or closed, and
    whether it may be closed: never a live count of responses); counts by state and type."""
    on = on or today()
    surveys = survey_statuses(campaign.id)
    returns = list(db.session.execute(
        sa.select(Return).join(Organisation, Return.organisation_id == Organisation.id)
        .where(Return.campaign_id == campaign.id)
        .options(selectinload(Return.organisation))
        .order_by(Organisation.name)
    ).scalars())
    rows = [BoardRow(organisation=r.organisation, ret=r, overdue=is_overdue(r, on),
                     survey=surveys.get(r.organisation_id)) for r in returns]
    if campaign.state == CampaignState.draft:
        rows = [BoardRow(organisation=org, ret=None, overdue=False, survey=None)
                for org in invited_organisations(campaign)]
    counts = db.session.execute(
        sa.select(Organisation.org_type, Return.state, sa.func.count())
        .join(Organisation, Return.organisation_id == Organisation.id)
        .where(Return.campaign_id == campaign.id)
        .group_by(Organisation.org_type, Return.state)
    ).all()
    by_state = {state.value: 0 for state in ReturnState}
    by_type: dict[str, dict[str, int]] = {}
    for org_type, state, n in counts:
        by_state[state.value] += n
        by_type.setdefault(org_type, {s.value: 0 for s in ReturnState})[state.value] += n
    return Board(rows=rows, by_state=by_state, by_type=dict(sorted(by_type.items())))


# ---------------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------------
def get_return(return_id: int) -> Return:
    return get_or_404(Return, return_id, "return")


def returns_for_organisation(organisation_id: int) -> list[Return]:
    return list(db.session.execute(
        sa.select(Return).join(Campaign, Return.campaign_id == Campaign.id)
        .where(Return.organisation_id == organisation_id, Campaign.state != CampaignState.draft)
        .options(selectinload(Return.campaign))
        .order_by(Campaign.cycle.desc(), Campaign.id.desc())
    ).scalars())


def latest_return_for(organisation_id: int) -> Return | None:
    """The organisation's return in its most recent campaign (by cycle), whatever its state."""
    return db.session.execute(
        sa.select(Return).join(Campaign, Return.campaign_id == Campaign.id)
        .where(Return.organisation_id == organisation_id, Campaign.state != CampaignState.draft)
        .order_by(Campaign.cycle.desc(), Campaign.id.desc()).limit(1)
    ).scalar_one_or_none()


def has_submitted_return(organisation_id: int, since_cycle_of_campaign: int | None = None) -> bool:
    """True when the organisation has a submitted or accepted return in the current or the previous cycle.

    The current cycle is that of campaign `since_cycle_of_campaign` when given, otherwise the latest cycle of any
    open or closed campaign.
    """
    if since_cycle_of_campaign is not None:
        current = db.session.execute(
            sa.select(Campaign.cycle).where(Campaign.id == since_cycle_of_campaign)
        ).scalar_one_or_none()
    else:
        current = db.session.execute(
            sa.select(sa.func.max(Campaign.cycle)).where(Campaign.state != CampaignState.draft)
        ).scalar_one_or_none()
    if current is None:
        return False
    previous = db.session.execute(
        sa.select(sa.func.max(Campaign.cycle))
        .where(Campaign.state != CampaignState.draft, Campaign.cycle < current)
    ).scalar_one_or_none()
    cycles = [c for c in (current, previous) if c is not None]
    return db.session.execute(
        sa.select(Return.id).join(Campaign, Return.campaign_id == Campaign.id)
        .where(Return.organisation_id == organisation_id, Return.state.in_(SUBMITTED_STATES),
               Campaign.cycle.in_(cycles))
        .limit(1)
    ).first() is not None


def org_lead_emails(organisation_ids) -> dict[int, list[str]]:
    rows = db.session.execute(
        sa.select(User.organisation_id, User.email).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id.in_(list(organisation_ids)), User.active.is_(True), UserRole.role == "org_lead")
        .order_by(User.email)
    ).all()
    result: dict[int, list[str]] = defaultdict(list)
    for org_id, email in rows:
        result[org_id].append(email)
    return result


# ---------------------------------------------------------------------------------------------
# One return, criterion by criterion
# ---------------------------------------------------------------------------------------------
@dataclass
class LinkedAction:
    action: ActionItem
    carried: bool   # linked to this criterion's answer in an earlier cycle

    @property
    def is_open(self) -> bool:
        return _status_value(self.action) in OPEN_ACTION_STATUSES


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
    return list(db.session.execute(
        sa.select(ReturnAnswer).where(ReturnAnswer.return_id == ret.id)
        .options(selectinload(ReturnAnswer.files), selectinload(ReturnAnswer.challenge),
                 selectinload(ReturnAnswer.carried_from))
    ).scalars())


def answer_lineage(rows: list[ReturnAnswer]) -> dict[int, str]:
    """Answer id -> question key, for these answers and every earlier-cycle answer they were carried from."""
    owner: dict[int, str] = {row.id: row.question_key for row in rows}
    frontier = {row.carried_from_id: row.question_key for row in rows
                if row.carried_from_id is not None and row.carried_from_id not in owner}
    while frontier:
        owner.update(frontier)
        earlier = db.session.execute(
            sa.select(ReturnAnswer.id, ReturnAnswer.carried_from_id)
            .where(ReturnAnswer.id.in_(list(frontier)), ReturnAnswer.carried_from_id.is_not(None))
        ).all()
        frontier = {carried_from: frontier[answer_id] for answer_id, carried_from in earlier
                    if carried_from not in owner}
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
    from app.selfassessment.checks import return_problems, section_status

    campaign = ret.campaign
    instrument = instrument_of(campaign)
    org_type = ret.organisation.org_type
    rows = answer_rows(ret)
    by_key = {row.question_key: row for row in rows}
    actions = linked_actions(rows)
    answers = read_answers(instrument, rows)
    sections = []
    for section in instrument.sections_for(org_type):
        criteria = [CriterionView(question=q, answer=by_key.get(q.key), value=answers.get(q.key, {}).get("value"),
                                  actions=actions.get(q.key, [])) for q in section.questions]
        sections.append(SectionView(section=section, criteria=criteria))
    view = ReturnView(ret=ret, campaign=campaign, instrument=instrument, org_type=org_type, sections=sections,
                      answers=answers, problems=[])
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
                changes.append(Change(criterion.question, section_view.section, None, criterion.rag,
                                      evidence_edited=False, reconfirmed=True))
                continue
            changes.append(Change(
                question=criterion.question, section=section_view.section, previous_rag=previous.rag,
                current_rag=answer.rag,
                evidence_edited=(previous.evidence or "").strip() != (answer.evidence or "").strip(),
                reconfirmed=answer.reconfirmed,
            ))
    return changes


# ---------------------------------------------------------------------------------------------
# Aggregates (SQL) used by the campaign pages and by findings
# ---------------------------------------------------------------------------------------------
def _rank(column):
    return sa.case(*((column == rag, rank) for rag, rank in RAG_RANK.items()), else_=None)


def rag_by_criterion(campaign_id: int) -> dict[str, dict[str, dict[str, int]]]:
    """question_key -> {"self": {rag: n}, "moderated": {rag: n}} over submitted and accepted returns."""
    moderated = sa.func.coalesce(Challenge.moderated_rag, ReturnAnswer.rag)
    base = (sa.select(ReturnAnswer.question_key).join(Return, ReturnAnswer.return_id == Return.id)
            .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
            .where(Return.campaign_id == campaign_id, Return.state.in_(SUBMITTED_STATES),
                   ReturnAnswer.rag.is_not(None)))
    result: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: {"self": {}, "moderated": {}})
    for kind, column in (("self", ReturnAnswer.rag), ("moderated", moderated)):
        rows = db.session.execute(
            base.add_columns(column.label("rag"), sa.func.count().label("n"))
            .group_by(ReturnAnswer.question_key, column)
        ).all()
        for key, rag, n in rows:
            result[key][kind][rag] = n
    return dict(result)


def survey_respondent_counts(campaign_id: int) -> dict[int, int]:
    """survey link id -> responses so far (true counts: for deciding what may be closed and shown, never shown)."""
    rows = db.session.execute(
        sa.select(SurveyResponse.survey_link_id, sa.func.count(SurveyResponse.id))
        .join(SurveyLink, SurveyResponse.survey_link_id == SurveyLink.id)
        .where(SurveyLink.campaign_id == campaign_id)
        .group_by(SurveyResponse.survey_link_id)
    ).all()
    return {link_id: n for link_id, n in rows}


def survey_respondent_count(link: SurveyLink) -> int:
    return db.session.execute(
        sa.select(sa.func.count(SurveyResponse.id)).where(SurveyResponse.survey_link_id == link.id)
    ).scalar_one()


def _theme_map(instrument: Instrument, themes: set[str] | None = None):
    pairs = [(q.key, t) for q in instrument.questions() for t in q.themes if themes is None or t in themes]
    return snapshots.theme_map(pairs) if pairs else None


def min_cell_size() -> int:
    return int(current_app.config.get("MIN_CELL_SIZE", 5))


def agreement_threshold() -> int:
    """Self-rated Green on a theme while fewer practitioners than this (%) agree with its statements is flagged."""
    return int(current_app.config["TRIANGULATION_AGREEMENT_THRESHOLD"])


@dataclass
class ThemeRag:
    worst_self: str | None
    worst_moderated: str | None
    counts: dict[str, int]


def self_assessed_theme_rag(campaign_id: int, themes: set[str] | None = None) -> dict[tuple[int, str], ThemeRag]:
    """(organisation id, theme) -> the worst self-assessed and moderated RAG of the criteria tagged with the theme,
    and the count of each self-assessed RAG, over submitted and accepted returns."""
    campaign = get_campaign(campaign_id)
    mapping = _theme_map(instrument_of(campaign), themes)
    if mapping is None:
        return {}
    moderated = sa.func.coalesce(Challenge.moderated_rag, ReturnAnswer.rag)
    rows = db.session.execute(
        sa.select(
            Return.organisation_id, mapping.c.theme,
            sa.func.max(_rank(ReturnAnswer.rag)), sa.func.max(_rank(moderated)),
            *(sa.func.sum(sa.case((ReturnAnswer.rag == rag, 1), else_=0)) for rag in RAG_RANK),
        )
        .select_from(ReturnAnswer)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .join(mapping, mapping.c.question_key == ReturnAnswer.question_key)
        .where(Return.campaign_id == campaign_id, Return.state.in_(SUBMITTED_STATES),
               ReturnAnswer.rag.is_not(None))
        .group_by(Return.organisation_id, mapping.c.theme)
    ).all()
    result = {}
    for org_id, theme, worst_self, worst_moderated, *counts in rows:
        result[(org_id, theme)] = ThemeRag(
            worst_self=RANK_RAG.get(worst_self), worst_moderated=RANK_RAG.get(worst_moderated),
            counts={rag: int(n or 0) for rag, n in zip(RAG_RANK, counts)},
        )
    return result


# ---------------------------------------------------------------------------------------------
# Practitioner survey results: only ever from the snapshot frozen when a survey closed (app.selfassessment.snapshots)
# ---------------------------------------------------------------------------------------------
SURVEY_OPEN = "open"   # the survey is still taking answers: nothing is shown for the organisation yet


def survey_link_for(campaign_id: int, organisation_id: int) -> SurveyLink | None:
    return db.session.execute(
        sa.select(SurveyLink).where(SurveyLink.campaign_id == campaign_id,
                                    SurveyLink.organisation_id == organisation_id)
    ).scalar_one_or_none()


def survey_link_by_token(token: str) -> SurveyLink | None:
    if not token or len(token) > 64:
        return None
    return db.session.execute(sa.select(SurveyLink).where(SurveyLink.token == token)).scalar_one_or_none()


def survey_snapshots(campaign_id: int) -> dict[int | None, dict]:
    """organisation id (None for the partnership) -> the figures frozen when its survey (the campaign) closed."""
    rows = db.session.execute(
        sa.select(SurveyLink.organisation_id, SurveySnapshot.figures)
        .select_from(SurveySnapshot)
        .outerjoin(SurveyLink, SurveySnapshot.survey_link_id == SurveyLink.id)
        .where(SurveySnapshot.campaign_id == campaign_id)
    ).all()
    return {org_id: figures for org_id, figures in rows}


def partnership_survey_snapshot(campaign_id: int) -> dict | None:
    """The partnership's survey results frozen when the campaign closed, for organisations to compare themselves
    with: None while the campaign is open, or when fewer than two organisations had enough responses (it would be
    one organisation's results again)."""
    figures = db.session.execute(
        sa.select(SurveySnapshot.figures).where(SurveySnapshot.campaign_id == campaign_id,
                                                SurveySnapshot.survey_link_id.is_(None))
    ).scalar_one_or_none()
    return figures if figures is not None and figures.get("organisations", 0) >= 2 else None


def partnership_survey_figures(campaign: Campaign) -> dict | None:
    """Exact partnership figures, now, from the organisations with at least MIN_CELL_SIZE responses: for
    partnership staff only (organisations see the snapshot frozen when the campaign closed)."""
    if campaign.survey_version is None:
        return None
    minimum = min_cell_size()
    counted = [link_id for link_id, n in survey_respondent_counts(campaign.id).items() if n >= minimum]
    figures = snapshots.compute(campaign.survey_version.parsed, counted, exact=True)
    figures["organisations"] = len(counted)
    return figures


@dataclass
class SurveyStatus:
    link: SurveyLink | None
    enough: bool          # open, with at least MIN_CELL_SIZE responses: it may be closed
    minimum: int

    @property
    def closed(self) -> bool:
        return self.link is not None and self.link.is_closed


def survey_status(link: SurveyLink | None) -> SurveyStatus:
    minimum = min_cell_size()
    enough = link is not None and not link.is_closed and survey_respondent_count(link) >= minimum
    return SurveyStatus(link=link, enough=enough, minimum=minimum)


def survey_statuses(campaign_id: int) -> dict[int, SurveyStatus]:
    """organisation id -> its survey's status, in two queries."""
    minimum = min_cell_size()
    counts = survey_respondent_counts(campaign_id)
    links = db.session.execute(sa.select(SurveyLink).where(SurveyLink.campaign_id == campaign_id)).scalars()
    return {link.organisation_id: SurveyStatus(link=link, minimum=minimum,
                                               enough=not link.is_closed and counts.get(link.id, 0) >= minimum)
            for link in links}


@dataclass
class StatementResult:
    question: Question
    status: str                     # "shown", "fewer", "none"
    percent: float | None           # from noised counts
    answers: int | str              # agree or disagree answers: a count, "fewer" or "none"
    dont_know: int | str
    partnership_percent: float | None = None


@dataclass
class SurveyResults:
    link: SurveyLink | None
    status: SurveyStatus | None
    minimum: int
    respondents: int | str | None = None  # from the snapshot: a noised count, "fewer" or "none"
    statements: list[StatementResult] = field(default_factory=list)
    partnership: dict | None = None

    @property
    def closed(self) -> bool:
        return self.link is not None and self.link.is_closed

    @property
    def shown(self) -> bool:
        return self.closed and isinstance(self.respondents, int)


def survey_results(campaign: Campaign, organisation_id: int) -> SurveyResults:
    """One organisation's survey results, statement by statement, from the snapshot frozen when its survey closed;
    nothing while it is open."""
    link = survey_link_for(campaign.id, organisation_id)
    if link is None or campaign.survey_version is None:
        return SurveyResults(link=None, status=None, minimum=min_cell_size())
    status = survey_status(link)
    if not link.is_closed:
        return SurveyResults(link=link, status=status, minimum=status.minimum)
    figures = survey_snapshots(campaign.id).get(organisation_id) or {}
    partnership = partnership_survey_snapshot(campaign.id)
    minimum = figures.get("minimum", status.minimum)
    statements = []
    if isinstance(figures.get("respondents"), int):
        survey = campaign.survey_version.parsed
        for question in survey.questions(link.organisation.org_type):
            entry = figures["statements"].get(question.key)
            if entry is None:
                continue
            dont_know = [o.value for o in question.options if o.excluded]
            theirs = (partnership or {}).get("statements", {}).get(question.key) or {}
            statements.append(StatementResult(
                question=question, status=entry["status"], percent=entry["percent"], answers=entry["answers"],
                dont_know=entry["options"].get(dont_know[0], "none") if dont_know else "none",
                partnership_percent=theirs.get("percent")))
    return SurveyResults(link=link, status=status, minimum=minimum, respondents=figures.get("respondents"),
                         statements=statements, partnership=partnership)


@dataclass
class TriangulationRow:
    organisation_id: int
    organisation_name: str
    org_type: str
    theme: str
    theme_title: str
    self_rag: ThemeRag | None
    status: str                 # "open" (survey still open), "none", "fewer" or "shown"
    agree_percent: float | None  # from the frozen, noised snapshot; only when shown
    respondents: int | str      # the organisation's responses as frozen: a noised count, "fewer", "none"; or "open"
    mismatch: bool              # self-rated Green, yet fewer than the threshold of practitioners agree

    @property
    def suppressed(self) -> bool:
        return self.status != "shown"


def shared_themes(campaign: Campaign) -> list[str]:
    """Themes both the self-assessment and the practitioner survey ask about, in self-assessment order."""
    if campaign.survey_version is None:
        return []
    survey_themes = set(campaign.survey_version.parsed.theme_keys)
    return [t for t in instrument_of(campaign).theme_keys if t in survey_themes]


def triangulation(campaign_id: int) -> list[TriangulationRow]:
    """Per organisation and theme: self-assessed RAG next to % of its practitioners agreeing, mismatches flagged.
    The one implementation, used by the self-assessment pages and the findings campaign page alike.

    Agreement comes only from the snapshot frozen when the organisation's survey closed (noised, and "fewer" where
    fewer than MIN_CELL_SIZE practitioners answered that theme's statements); a survey still open shows nothing,
    and only a shown figure can raise a mismatch. Organisations with a submitted return or a closed survey.
    """
    campaign = get_campaign(campaign_id)
    themes = shared_themes(campaign)
    if not themes:
        return []
    rags = self_assessed_theme_rag(campaign_id, set(themes))
    frozen = survey_snapshots(campaign_id)
    org_ids = {org_id for org_id, _ in rags} | {org_id for org_id in frozen if org_id is not None}
    if not org_ids:
        return []
    orgs = db.session.execute(
        sa.select(Organisation).where(Organisation.id.in_(org_ids)).order_by(Organisation.name)
    ).scalars()
    titles = theme_titles()
    threshold = agreement_threshold()
    rows = []
    for org in orgs:
        figures = frozen.get(org.id)
        respondents = SURVEY_OPEN if figures is None else figures["respondents"]
        for theme in themes:
            rag = rags.get((org.id, theme))
            if figures is None:
                status, agree = SURVEY_OPEN, None
            elif not isinstance(respondents, int):
                status, agree = respondents, None
            else:
                entry = figures["themes"].get(theme) or {"status": "none", "percent": None}
                status, agree = entry["status"], entry["percent"]
            mismatch = bool(status == "shown" and rag is not None and rag.worst_self == "green"
                            and agree is not None and agree < threshold)
            rows.append(TriangulationRow(org.id, org.name, org.org_type, theme, titles.get(theme, theme), rag, status,
                                         agree if status == "shown" else None, respondents, mismatch))
    return rows


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------
def open_returns_for_organisation(organisation_id: int) -> list[Return]:
    return list(db.session.execute(
        sa.select(Return).join(Campaign, Return.campaign_id == Campaign.id)
        .where(Return.organisation_id == organisation_id, Campaign.state == CampaignState.open)
        .options(selectinload(Return.campaign))
        .order_by(Campaign.due_date)
    ).scalars())


def awaiting_review() -> list[tuple[Campaign, int]]:
    rows = db.session.execute(
        sa.select(Campaign, sa.func.count(Return.id))
        .join(Return, Return.campaign_id == Campaign.id)
        .where(Campaign.state == CampaignState.open, Return.state == ReturnState.submitted)
        .group_by(Campaign.id).order_by(Campaign.due_date)
    ).all()
    return [(campaign, n) for campaign, n in rows]
