"""Read models for self-assessment pages, and the public read functions other features use.

Public (used by statements and findings):
    has_submitted_return(organisation_id, since_cycle_of_campaign=None) -> bool
    latest_return_for(organisation_id) -> Return | None
    rerated_pairs(campaign_id) (criteria re-rated during the year: rating at submission and current)
    campaigns() / get_campaign(id)
    rag_by_criterion(campaign_id), self_assessed_theme_rag(campaign_id), triangulation(campaign_id) (the one
    triangulation of self-assessment and practitioner survey), partnership_survey_figures(campaign),
    partnership_survey_snapshot(campaign_id)

One concept a module: campaign (lists, board), returns (an organisation's returns, dashboard), return_detail (one
return as a page shows it), ratings (criteria re-rated during the year), aggregates (SQL over submitted returns),
surveys (frozen survey results), theme_agreement (triangulation); _common holds the RAG ranks and return states
they share.
"""

from __future__ import annotations

from app.selfassessment.queries._common import (
    EDITABLE_STATES,
    NEEDS_ACTION,
    OPEN_ACTION_STATUSES,
    RAG_LABELS,
    RAG_RANK,
    RANK_RAG,
    SECTION_STATUS_LABELS,
    SUBMITTED_STATES,
)
from app.selfassessment.queries.aggregates import (
    ThemeRag,
    rag_by_criterion,
    self_assessed_theme_rag,
)
from app.selfassessment.queries.campaign import (
    Board,
    BoardRow,
    campaign_board,
    campaigns,
    get_campaign,
    instrument_of,
    invited_organisations,
    is_overdue,
)
from app.selfassessment.queries.challenges import (
    CHALLENGE_STATUS_LABELS,
    REPLY_LABELS,
    ChallengeItem,
    EventReturnRow,
    challenge_summary,
    event_rows,
    events_for_campaign,
    events_for_return,
    get_event,
    returns_to_add,
)
from app.selfassessment.queries.return_detail import (
    Change,
    CriterionView,
    LinkedAction,
    ReturnView,
    SectionView,
    answer_lineage,
    answer_rows,
    changes_since_last_cycle,
    linked_actions,
    return_problems_for,
    return_view,
)
from app.selfassessment.queries.returns import (
    awaiting_review,
    get_return,
    has_submitted_return,
    latest_return_for,
    open_returns_for_organisation,
    org_lead_emails,
    returns_for_organisation,
)
from app.selfassessment.queries.signoff import (
    SignoffLine,
    can_sign_off_now,
    missing_signatory_accounts,
    needs_signoff,
    signoff_capacities,
    signoff_lines,
    signoff_refusal,
)
from app.selfassessment.queries.surveys import (
    SURVEY_OPEN,
    StatementResult,
    SurveyResults,
    SurveyStatus,
    comparable,
    min_cell_size,
    partnership_survey_figures,
    partnership_survey_snapshot,
    survey_link_by_token,
    survey_link_for,
    survey_respondent_count,
    survey_respondent_counts,
    survey_results,
    survey_snapshots,
    survey_status,
    survey_statuses,
)
from app.selfassessment.queries.ratings import current_ratings, rerated_criteria, rerated_pairs, rerating_problem
from app.selfassessment.queries.theme_agreement import (
    TRIANGULATION_SHOWS,
    TriangulationRow,
    agreement_threshold,
    filter_triangulation,
    shared_themes,
    triangulation,
)

__all__ = [
    "CHALLENGE_STATUS_LABELS",
    "REPLY_LABELS",
    "ChallengeItem",
    "EventReturnRow",
    "challenge_summary",
    "comparable",
    "event_rows",
    "events_for_campaign",
    "events_for_return",
    "get_event",
    "returns_to_add",
    "EDITABLE_STATES",
    "NEEDS_ACTION",
    "OPEN_ACTION_STATUSES",
    "RAG_LABELS",
    "RAG_RANK",
    "RANK_RAG",
    "SECTION_STATUS_LABELS",
    "SUBMITTED_STATES",
    "SURVEY_OPEN",
    "TRIANGULATION_SHOWS",
    "Board",
    "BoardRow",
    "Change",
    "CriterionView",
    "LinkedAction",
    "ReturnView",
    "SectionView",
    "SignoffLine",
    "StatementResult",
    "SurveyResults",
    "SurveyStatus",
    "ThemeRag",
    "TriangulationRow",
    "agreement_threshold",
    "answer_lineage",
    "answer_rows",
    "awaiting_review",
    "campaign_board",
    "campaigns",
    "can_sign_off_now",
    "changes_since_last_cycle",
    "current_ratings",
    "filter_triangulation",
    "get_campaign",
    "get_return",
    "has_submitted_return",
    "instrument_of",
    "invited_organisations",
    "is_overdue",
    "latest_return_for",
    "linked_actions",
    "min_cell_size",
    "missing_signatory_accounts",
    "needs_signoff",
    "open_returns_for_organisation",
    "org_lead_emails",
    "partnership_survey_figures",
    "partnership_survey_snapshot",
    "rerated_criteria",
    "rerated_pairs",
    "rerating_problem",
    "rag_by_criterion",
    "return_problems_for",
    "return_view",
    "returns_for_organisation",
    "self_assessed_theme_rag",
    "shared_themes",
    "signoff_capacities",
    "signoff_lines",
    "signoff_refusal",
    "survey_link_by_token",
    "survey_link_for",
    "survey_respondent_count",
    "survey_respondent_counts",
    "survey_results",
    "survey_snapshots",
    "survey_status",
    "survey_statuses",
    "triangulation",
]
