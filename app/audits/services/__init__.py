"""Every state change of case audits: rounds, case samples, assignments, scoring, moderation, retention."""

from app.audits.services._common import (
    AREA_MAX,
    MODERATION_TEXT_MAX,
    REASON_MAX,
    REFERENCE_MAX,
    STALE_MESSAGE,
    TITLE_MAX,
    FieldProblems,
)
from app.audits.services.cases import (
    CaseDetails,
    add_case,
    check_case_details,
    check_reference,
    import_cases,
    looks_like_name,
    match_vocabulary,
    remove_case,
    set_assignments,
)
from app.audits.services.concerns import close_concern, raise_concern, record_outcome, set_lead_agency
from app.audits.services.longitudinal import earlier_case, link_previous_case, unlink_previous_case
from app.audits.services.meetings import record_meeting, update_meeting
from app.audits.services.moderation import save_moderation
from app.audits.services.retention import purge_case_data
from app.audits.services.rounds import (
    close_round,
    create_round,
    open_round,
    reopen_round,
    start_moderation,
    update_round,
)
from app.audits.services.scoring import (
    SubmitProblems,
    is_editable,
    return_response,
    save_section,
    submit_response,
)

__all__ = [
    "earlier_case",
    "link_previous_case",
    "unlink_previous_case",
    "AREA_MAX",
    "MODERATION_TEXT_MAX",
    "REASON_MAX",
    "REFERENCE_MAX",
    "STALE_MESSAGE",
    "TITLE_MAX",
    "CaseDetails",
    "FieldProblems",
    "SubmitProblems",
    "add_case",
    "check_case_details",
    "check_reference",
    "close_concern",
    "close_round",
    "create_round",
    "import_cases",
    "is_editable",
    "looks_like_name",
    "match_vocabulary",
    "open_round",
    "purge_case_data",
    "raise_concern",
    "record_meeting",
    "record_outcome",
    "remove_case",
    "reopen_round",
    "return_response",
    "save_moderation",
    "save_section",
    "set_assignments",
    "set_lead_agency",
    "start_moderation",
    "submit_response",
    "update_meeting",
    "update_round",
]
