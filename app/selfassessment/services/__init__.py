"""Every state change of campaigns, returns and challenges (the practitioner survey's are in
app.selfassessment.survey_services).

One concept a module: campaigns (create, open with carry forward, close) and returns (save a section, submit, and
the partnership's review: challenge, return to the organisation, accept).
"""

from __future__ import annotations

from app.selfassessment.services.campaigns import (
    CYCLE_RE,
    close_campaign,
    create_campaign,
    cycle_problem,
    open_campaign,
    previous_campaign_for,
)
from app.selfassessment.services.returns import (
    CONFLICT_MESSAGE,
    DECLARATION_FIELDS,
    SUBMITTED_OR_REVIEWED,
    NewAction,
    ReturnIncomplete,
    SaveResult,
    SectionSave,
    accept_return,
    challenge_answer,
    question_label,
    require_editable,
    return_to_organisation,
    save_section,
    submit_return,
)

__all__ = [
    "CONFLICT_MESSAGE",
    "CYCLE_RE",
    "DECLARATION_FIELDS",
    "SUBMITTED_OR_REVIEWED",
    "NewAction",
    "ReturnIncomplete",
    "SaveResult",
    "SectionSave",
    "accept_return",
    "challenge_answer",
    "close_campaign",
    "create_campaign",
    "cycle_problem",
    "open_campaign",
    "previous_campaign_for",
    "question_label",
    "require_editable",
    "return_to_organisation",
    "save_section",
    "submit_return",
]
