"""Assurance contradictions: for each organisation and theme, what it rated itself in a self-assessment campaign,
what multi-agency case audits found about its practice, and what its practitioners said; and the lines where they
contradict, each with a plain-English reason. The agenda of a challenge event.

The rules, stated on the page:

- Self-assessment: the organisation's rating of the theme in its submitted (or accepted) return: Green only when it
  rated every criterion of the theme Green (the worst of its ratings, as triangulation reads it).
- Case audits: its agency's answers in moderated cases of rounds in moderation or closed whose audit period ended
  within the partnership's window (a setting, months either side of the return's due date), with the panel's
  agreed rating where it changed the agency's own; the share of scored answers meeting the standard. Rated Green
  while that share is below the audit threshold (a setting) is a contradiction.
- Practitioners: the share agreeing with the theme's statements in the organisation's closed survey, from its
  frozen, noised snapshot (app.selfassessment.queries.triangulation, the one implementation). Rated Green while
  fewer agree than the triangulation threshold (TRIANGULATION_AGREEMENT_THRESHOLD) is a contradiction.
- Small numbers: an audit figure from fewer than MIN_CELL_SIZE cases, or a survey figure from fewer than
  MIN_CELL_SIZE practitioners, is not shown and raises no line ("too few to compare").

Audit figures are summed in SQL (GROUP BY organisation and theme); the survey side reads the stored snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import Organisation
from app.accounts.settings import declare_setting, get_setting
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
    RoundState,
)
from app.extensions import db
from app.findings import queries
from app.findings.queries.common import core_rows, mapping_table
from app.questionnaire import InstrumentModel, InstrumentVersion, all_catalogues, theme_titles
from app.selfassessment import queries as sa_queries
from app.selfassessment.models import Campaign, CampaignState, Return

AUDIT_THRESHOLD_SETTING = "contradiction_audit_threshold"
WINDOW_SETTING = "contradiction_audit_window_months"
AUDITED_STATES = (RoundState.moderation, RoundState.closed)
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}


def declare_settings() -> None:
    """The audit threshold and the window of audits compared with a return; at app start-up."""
    declare_setting(
        AUDIT_THRESHOLD_SETTING,
        label="Assurance contradictions: audited practice threshold (%)",
        hint=(
            "An organisation that rated a theme Green is listed as a contradiction when fewer than this share of its "
            "agency's answers in moderated case audits met the standard on that theme."
        ),
        kind="int",
        default=70,
        minimum=1,
        maximum=100,
    )
    declare_setting(
        WINDOW_SETTING,
        label="Assurance contradictions: case audits compared (months either side of the return's due date)",
        hint="Case audit rounds whose audit period ended within this many months of the return's due date are compared.",
        kind="int",
        default=12,
        minimum=1,
        maximum=60,
    )


@dataclass(frozen=True)
class Rules:
    min_cell_size: int
    audit_threshold: int
    survey_threshold: int
    window_months: int


def rules() -> Rules:
    return Rules(
        min_cell_size=int(current_app.config["MIN_CELL_SIZE"]),
        audit_threshold=int(get_setting(AUDIT_THRESHOLD_SETTING)),
        survey_threshold=int(sa_queries.agreement_threshold()),
        window_months=int(get_setting(WINDOW_SETTING)),
    )


@dataclass(frozen=True)
class Audited:
    """An organisation's audited practice on a theme: None figures when too few cases to show."""

    cases: int
    cases_short: int | None  # cases with at least one scored answer not meeting the standard
    scored: int | None
    met: int | None
    pct: float | None

    @property
    def too_few(self) -> bool:
        return self.pct is None


@dataclass(frozen=True)
class Practitioners:
    status: str  # "shown", "fewer", "none" or "open" (app.selfassessment.queries.triangulation)
    pct: float | None
    respondents: int | None  # the frozen, noised count of the organisation's responses, when shown

    @property
    def too_few(self) -> bool:
        return self.status in ("fewer", "none")


@dataclass
class Line:
    organisation_id: int
    organisation_name: str
    org_type: str
    return_id: int | None
    theme: str
    theme_title: str
    self_rag: str | None
    agreed_rag: str | None
    audited: Audited | None
    practitioners: Practitioners | None
    reasons: list[str] = field(default_factory=list)

    @property
    def contradicts(self) -> bool:
        return bool(self.reasons)


def _shift_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def audited_practice(campaign: Campaign, themes: list[str], window_months: int) -> dict[tuple[int, str], sa.Row]:
    """(organisation id, theme) -> (cases, cases_short, scored, met) of its agency's agreed answers in moderated
    cases of rounds in moderation or closed whose audit period ended within `window_months` of the campaign's due
    date: one grouped query, stored keys mapped to themes per audit tool by a small VALUES table."""
    pairs = [
        (key, stored, theme)
        for key, catalogue in all_catalogues().items()
        if catalogue.kind == "case_audit"
        for stored, theme in catalogue.theme_rows()
        if theme in themes
    ]
    if not pairs:
        return {}
    mapping = mapping_table("contradiction_themes", ("instrument_key", "question_key", "theme"), pairs)
    panel = ModeratedAnswer
    changed = panel.id.is_not(None)
    meets = sa.case((changed, panel.meets_standard), else_=CaseAnswer.meets_standard)
    answers = (
        sa.select(
            Assignment.organisation_id,
            AuditCase.id.label("case_id"),
            InstrumentModel.key.label("instrument_key"),
            CaseAnswer.question_key,
            meets.label("meets_standard"),
        )
        .select_from(CaseAnswer)
        .join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
        .join(Assignment, CaseResponse.assignment_id == Assignment.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .join(Moderation, Moderation.case_id == AuditCase.id)
        .join(AuditRound, AuditCase.round_id == AuditRound.id)
        .join(InstrumentVersion, AuditRound.instrument_version_id == InstrumentVersion.id)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .outerjoin(
            panel,
            sa.and_(
                panel.moderation_id == Moderation.id,
                panel.question_key == CaseAnswer.question_key,
                panel.organisation_id == Assignment.organisation_id,
            ),
        )
        .where(
            CaseResponse.state == ResponseState.submitted,
            AuditRound.state.in_(AUDITED_STATES),
            AuditRound.period_end >= _shift_months(campaign.due_date, -window_months),
            AuditRound.period_end <= _shift_months(campaign.due_date, window_months),
        )
        .subquery("agreed")
    )
    short = sa.case((answers.c.meets_standard == sa.false(), answers.c.case_id), else_=None)
    stmt = (
        sa.select(
            answers.c.organisation_id,
            mapping.c.theme,
            sa.func.count(sa.distinct(answers.c.case_id)).label("cases"),
            sa.func.count(sa.distinct(short)).label("cases_short"),
            sa.func.count(answers.c.meets_standard).label("scored"),
            sa.func.coalesce(sa.func.sum(sa.case((answers.c.meets_standard == sa.true(), 1), else_=0)), 0).label("met"),
        )
        .join(
            mapping,
            sa.and_(
                mapping.c.instrument_key == answers.c.instrument_key,
                mapping.c.question_key == answers.c.question_key,
            ),
        )
        .where(answers.c.meets_standard.is_not(None))
        .group_by(answers.c.organisation_id, mapping.c.theme)
    )
    return {(row.organisation_id, row.theme): row for row in core_rows(stmt)}


def _audited(row, min_size: int) -> Audited | None:
    if row is None:
        return None
    if row.cases < min_size:
        return Audited(cases=row.cases, cases_short=None, scored=None, met=None, pct=None)
    pct = round(100.0 * row.met / row.scored, 1) if row.scored else None
    return Audited(cases=row.cases, cases_short=row.cases_short, scored=row.scored, met=row.met, pct=pct)


def _number(value: float) -> str:
    return f"{value:g}"


def reasons_for(line: Line, rules: Rules) -> list[str]:
    """The plain-English reasons a line contradicts itself (none when it does not)."""
    if line.self_rag != "green":
        return []
    rated = f"Rated Green on ‘{line.theme_title}’"
    reasons = []
    audited = line.audited
    if audited is not None and audited.pct is not None and audited.pct < rules.audit_threshold:
        reasons.append(
            f"{rated}; its practice fell short of the standard in {audited.cases_short} of {audited.cases} audited "
            f"cases ({_number(audited.pct)}% of {audited.scored} audit answers met it; threshold "
            f"{rules.audit_threshold}%)"
        )
    said = line.practitioners
    if said is not None and said.status == "shown" and said.pct is not None and said.pct < rules.survey_threshold:
        of = f" of its {said.respondents} practitioners" if isinstance(said.respondents, int) else ""
        reasons.append(f"{rated}; {_number(said.pct)}%{of} agree (threshold {rules.survey_threshold}%)")
    return reasons


def contradiction_lines(campaign: Campaign, *, organisation_id: int | None = None) -> list[Line]:
    """Every organisation with a submitted (or accepted) return in the campaign, by theme of the self-assessment:
    its own rating, its audited practice and its practitioners' agreement, with the reasons each line
    contradicts. Only `organisation_id`'s lines when given (an organisation reads its own only)."""
    current = rules()
    instrument = sa_queries.instrument_of(campaign)
    themes = list(instrument.theme_keys)
    rags = sa_queries.self_assessed_theme_rag(campaign.id, set(themes))
    if organisation_id is not None:
        rags = {k: v for k, v in rags.items() if k[0] == organisation_id}
    if not rags:
        return []
    audits = audited_practice(campaign, themes, current.window_months)
    survey = {
        (row.organisation_id, row.theme): row
        for row in sa_queries.triangulation(
            campaign.id, theme_rags=lambda wanted: {k: v for k, v in rags.items() if k[1] in wanted}
        )
    }
    org_ids = {org_id for org_id, _ in rags}
    organisations = db.session.execute(
        sa.select(Organisation).where(Organisation.id.in_(org_ids)).order_by(Organisation.name)
    ).scalars()
    returns = dict(
        db.session.execute(
            sa.select(Return.organisation_id, Return.id).where(
                Return.campaign_id == campaign.id, Return.organisation_id.in_(org_ids)
            )
        ).all()
    )
    titles = theme_titles()
    lines = []
    for organisation in organisations:
        for theme in themes:
            rag = rags.get((organisation.id, theme))
            if rag is None:
                continue
            said = survey.get((organisation.id, theme))
            line = Line(
                organisation_id=organisation.id,
                organisation_name=organisation.name,
                org_type=organisation.org_type,
                return_id=returns.get(organisation.id),
                theme=theme,
                theme_title=titles.get(theme, theme),
                self_rag=rag.worst_self,
                agreed_rag=rag.worst_moderated,
                audited=_audited(audits.get((organisation.id, theme)), current.min_cell_size),
                practitioners=Practitioners(
                    status=said.status,
                    pct=said.agree_percent,
                    respondents=said.respondents if isinstance(said.respondents, int) else None,
                )
                if said is not None
                else None,
            )
            line.reasons = reasons_for(line, current)
            lines.append(line)
    return lines


def filter_lines(lines: list[Line], *, org_type: str = "", theme: str = "", show: str = "") -> list[Line]:
    """The lines of one organisation type and theme (blank: any); only contradictions unless `show` is "all"."""
    if org_type:
        lines = [line for line in lines if line.org_type == org_type]
    if theme:
        lines = [line for line in lines if line.theme == theme]
    if show != "all":
        lines = [line for line in lines if line.contradicts]
    return lines


def campaign_choices(organisation_id: int | None) -> list[Campaign]:
    """Campaigns past draft the reader may compare: every one for partnership staff, else those it was invited to."""
    rows = queries.visible_campaigns(organisation_id=organisation_id)
    return [row.Campaign for row in rows if row.Campaign.state != CampaignState.draft]
