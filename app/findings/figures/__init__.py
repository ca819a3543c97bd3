"""Figures for the findings pages and exports, assembled from the grouped rows of app.findings.queries.

Every figure is a plain JSON-friendly dict so the same numbers feed the page, the charts, the
workbook and the snapshot kept when a round's case-level data is purged.

- tallies: the counting helpers (per question, per theme, percentages, proposals, spread)
- rounds: case audit round figures and their suppressed breakdown tables
- agreement: how far a round's agencies agreed (the audit round page's figures, for findings and the board report)
- campaigns: self-assessment campaign figures; survey: their practitioner survey figures
- trends: one instrument over time, one theme across instruments
- organisations: an organisation's own results against the partnership's
- visibility: what a reader outside partnership staff may see of any of these
"""

from app.findings.figures.agreement import round_agreement_figures
from app.findings.figures.campaigns import (
    campaign_catalogue,
    campaign_figures,
    campaign_snapshot,
)
from app.findings.figures.organisations import organisation_figures
from app.findings.figures.rounds import (
    breakdown_table,
    round_catalogue,
    round_figures,
    round_snapshot,
)
from app.findings.figures.survey import survey_figures, survey_partnership
from app.findings.figures.tallies import (
    RAG_LABELS,
    RAGS,
    pct,
    proposals,
    question_rows,
    settings,
    spread,
    theme_rows,
)
from app.findings.figures.trends import theme_description, theme_figures, trend_figures
from app.findings.figures.visibility import (
    HIDDEN_FROM_ORGANISATIONS,
    own_view,
    without_small_spreads,
)

__all__ = [
    "HIDDEN_FROM_ORGANISATIONS",
    "RAGS",
    "RAG_LABELS",
    "breakdown_table",
    "campaign_catalogue",
    "campaign_figures",
    "campaign_snapshot",
    "organisation_figures",
    "own_view",
    "pct",
    "proposals",
    "question_rows",
    "round_agreement_figures",
    "round_catalogue",
    "round_figures",
    "round_snapshot",
    "settings",
    "spread",
    "survey_figures",
    "survey_partnership",
    "theme_description",
    "theme_figures",
    "theme_rows",
    "trend_figures",
    "without_small_spreads",
]
