"""Read models for findings. Answers are mostly grouped in SQL (GROUP BY) by the key they were stored under, and
app.findings.figures maps those few rows to current question keys, themes and sections from the instrument
definitions; where a figure needs themes per organisation (contradictions), a small VALUES table built from the
definitions is joined instead. A campaign's figures per organisation and standard or theme are kept per return as
it is submitted or challenged (app.selfassessment.tallies), and read from there. Either way the same reads work
across instrument versions and renamed keys, on SQLite and PostgreSQL.

- common: small SQL building blocks, instruments by kind
- rounds / campaigns: the read models of case audit rounds / self-assessment campaigns
- findings: the findings recorded on a round or campaign
"""

from app.findings.queries.campaigns import (
    COUNTED_RETURN_STATES,
    campaign_answers,
    campaign_participant,
    campaigns_for_key,
    campaigns_with_survey,
    return_areas,
    return_organisations,
    statement_coverage,
    survey_answers,
    visible_campaigns,
)
from app.findings.queries.common import (
    core_rows,
    excluded_count,
    instruments_by_kind,
    mapping_table,
    met,
    scored,
)
from app.findings.queries.findings import findings_for, retest_actions
from app.findings.queries.rounds import (
    PARTICIPANT_ROUND_STATES,
    REPORTED_ROUND_STATES,
    agreed_answer_counts,
    answer_counts,
    kept_round_cases,
    kept_round_tallies,
    moderated_answers,
    round_answers,
    round_cases,
    round_participant,
    round_progress,
    round_tallies,
    rounds_for_key,
    visible_rounds,
)

__all__ = [
    "COUNTED_RETURN_STATES",
    "PARTICIPANT_ROUND_STATES",
    "REPORTED_ROUND_STATES",
    "agreed_answer_counts",
    "answer_counts",
    "campaign_answers",
    "campaign_participant",
    "campaigns_for_key",
    "campaigns_with_survey",
    "core_rows",
    "excluded_count",
    "findings_for",
    "retest_actions",
    "instruments_by_kind",
    "mapping_table",
    "met",
    "moderated_answers",
    "return_areas",
    "return_organisations",
    "round_answers",
    "round_cases",
    "round_participant",
    "round_progress",
    "kept_round_cases",
    "kept_round_tallies",
    "round_tallies",
    "rounds_for_key",
    "scored",
    "statement_coverage",
    "survey_answers",
    "visible_campaigns",
    "visible_rounds",
]
