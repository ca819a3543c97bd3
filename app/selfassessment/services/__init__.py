"""Every state change of campaigns, returns and challenges (the practitioner survey's are in
app.selfassessment.survey_services).

One concept a module: campaigns (create, open with carry forward, close, and an organisation invited while one is
open), due_dates (the campaign's due date and one organisation's extension), returns (save a section, submit, and
the partnership's review: challenge, return to the organisation, accept) and ratings (a criterion re-rated during
the year).
"""

from __future__ import annotations

from app.selfassessment.services.campaigns import (
    CYCLE_RE,
    close_campaign,
    create_campaign,
    cycle_problem,
    invite_organisation,
    open_campaign,
    previous_campaign_for,
)
from app.selfassessment.services.due_dates import change_due_date, extend_return, remove_extension
from app.selfassessment.services.ratings import rerate_criterion
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
    "change_due_date",
    "close_campaign",
    "create_campaign",
    "cycle_problem",
    "extend_return",
    "invite_organisation",
    "open_campaign",
    "previous_campaign_for",
    "question_label",
    "remove_extension",
    "rerate_criterion",
    "require_editable",
    "return_to_organisation",
    "save_section",
    "submit_return",
]
