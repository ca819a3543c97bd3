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
    check_declaration,
    mark_submitted,
    question_label,
    require_editable,
    return_to_organisation,
    save_section,
    submit_return,
)
from app.selfassessment.services.challenges import (
    accept_reply,
    add_returns_to_event,
    challenge_answer,
    create_event,
    reply_to_challenge,
)
from app.selfassessment.services.signoff import (
    no_account_message,
    send_for_signoff,
    sign_off_return,
    withdraw_from_signoff,
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
    "accept_reply",
    "accept_return",
    "add_returns_to_event",
    "challenge_answer",
    "change_due_date",
    "check_declaration",
    "close_campaign",
    "create_event",
    "create_campaign",
    "cycle_problem",
    "extend_return",
    "invite_organisation",
    "open_campaign",
    "previous_campaign_for",
    "question_label",
    "remove_extension",
    "rerate_criterion",
    "mark_submitted",
    "no_account_message",
    "open_campaign",
    "previous_campaign_for",
    "question_label",
    "reply_to_challenge",
    "require_editable",
    "return_to_organisation",
    "save_section",
    "send_for_signoff",
    "sign_off_return",
    "submit_return",
    "withdraw_from_signoff",
]
