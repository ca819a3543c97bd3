"""Triangulation: each organisation's self-assessed RAG by theme next to how many of its practitioners agree."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import Organisation
from app.extensions import db
from app.questionnaire import theme_titles
from app.selfassessment.models import Campaign
from app.selfassessment.queries.aggregates import ThemeRag, self_assessed_theme_rag
from app.selfassessment.queries.campaign import get_campaign, instrument_of
from app.selfassessment.queries.surveys import SURVEY_OPEN, survey_snapshots


def agreement_threshold() -> int:
    """Self-rated Green on a theme while fewer practitioners than this (%) agree with its statements is flagged."""
    return int(current_app.config["TRIANGULATION_AGREEMENT_THRESHOLD"])


@dataclass(slots=True)
class TriangulationRow:
    organisation_id: int
    organisation_name: str
    org_type: str
    theme: str
    theme_title: str
    self_rag: ThemeRag | None
    status: str  # "open" (survey still open), "none", "fewer" or "shown"
    agree_percent: float | None  # from the frozen, noised snapshot; only when shown
    respondents: int | str  # the organisation's responses as frozen: a noised count, "fewer", "none"; or "open"
    mismatch: bool  # self-rated Green, yet fewer than the threshold of practitioners agree

    @property
    def suppressed(self) -> bool:
        return self.status != "shown"


def shared_themes(campaign: Campaign) -> list[str]:
    """Themes both the self-assessment and the practitioner survey ask about, in self-assessment order."""
    if campaign.survey_version is None:
        return []
    survey_themes = set(campaign.survey_version.parsed.theme_keys)
    return [t for t in instrument_of(campaign).theme_keys if t in survey_themes]


def triangulation(campaign_id: int, theme_rags=None, organisations=None, frozen=None) -> list[TriangulationRow]:
    """Per organisation and theme: self-assessed RAG next to % of its practitioners agreeing, mismatches flagged.
    The one implementation, used by the self-assessment pages and the findings campaign page alike.

    Agreement comes only from the snapshot frozen when the organisation's survey closed (noised, and "fewer" where
    fewer than MIN_CELL_SIZE practitioners answered that theme's statements); a survey still open shows nothing,
    and only a shown figure can raise a mismatch. Organisations with a submitted return or a closed survey.
    `theme_rags(themes)` may supply the self-assessed side (as self_assessed_theme_rag returns it) from ratings the
    caller has already read, `organisations` the campaign's organisations as (id, name, type) rows in order of
    name, and `frozen` its survey_snapshots.
    """
    campaign = get_campaign(campaign_id)
    themes = shared_themes(campaign)
    if not themes:
        return []
    rags = (theme_rags or (lambda wanted: self_assessed_theme_rag(campaign_id, wanted)))(set(themes))
    if frozen is None:
        frozen = survey_snapshots(campaign_id)
    org_ids = {org_id for org_id, _ in rags} | {org_id for org_id in frozen if org_id is not None}
    if not org_ids:
        return []
    known = {row[0] for row in organisations or ()}
    if organisations is not None and org_ids <= known:
        orgs = [row for row in organisations if row[0] in org_ids]
    else:
        orgs = db.session.execute(
            sa.select(Organisation.id, Organisation.name, Organisation.org_type)
            .where(Organisation.id.in_(org_ids))
            .order_by(Organisation.name)
        ).all()
    titles = theme_titles()
    named = [(theme, titles.get(theme, theme)) for theme in themes]
    threshold = agreement_threshold()
    rows = []
    append = rows.append
    for org_id, org_name, org_type in orgs:
        figures = frozen.get(org_id)
        if figures is None:  # still open: nothing shown for any theme
            respondents = status = SURVEY_OPEN
        else:
            respondents = figures["respondents"]
            status = None if isinstance(respondents, int) else respondents  # (None: per theme, below)
        for theme, title in named:
            rag = rags.get((org_id, theme))
            if status is not None:
                append(
                    TriangulationRow(org_id, org_name, org_type, theme, title, rag, status, None, respondents, False)
                )
                continue
            entry = figures["themes"].get(theme) or _NOT_ASKED
            shown = entry["status"] == "shown"
            agree = entry["percent"] if shown else None
            mismatch = bool(
                shown and rag is not None and rag.worst_self == "green" and agree is not None and agree < threshold
            )
            append(
                TriangulationRow(
                    org_id, org_name, org_type, theme, title, rag, entry["status"], agree, respondents, mismatch
                )
            )
    return rows


_NOT_ASKED = {"status": "none", "percent": None}  # a theme the organisation's frozen figures do not have


TRIANGULATION_SHOWS = {
    "mismatches": "Only mismatches with practitioners’ views",
    "amber_red": "Only themes self-assessed Amber or Red",
}


def filter_triangulation(
    rows: list[TriangulationRow], *, org_type: str = "", theme: str = "", show: str = ""
) -> list[TriangulationRow]:
    """The triangulation rows of one organisation type and theme (blank: any), and only the mismatches or only the
    themes self-assessed Amber or Red when `show` says so. Unknown values filter nothing out."""
    if org_type:
        rows = [r for r in rows if r.org_type == org_type]
    if theme:
        rows = [r for r in rows if r.theme == theme]
    if show == "mismatches":
        rows = [r for r in rows if r.mismatch]
    elif show == "amber_red":
        rows = [r for r in rows if r.self_rag is not None and r.self_rag.worst_self in ("amber", "red")]
    return rows
