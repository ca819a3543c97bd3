"""Every state change of risk assessments, statements and signatures.

Callers commit once after a service returns, so a signature and the state change it causes are
stored together or not at all. Signed content is never edited: a change after anyone has signed
makes a new version. Each signature is sealed as it is given and each version as it comes into
force (app/statements/seals.py), in the same transaction.

One concept a module: risks (the risk assessment), drafts (drafts and versions, material change), checks (the
quality assurance check before signatures), signing (signatures and coming into force), reads (staff confirming
they have read a statement in force); _common holds the text check they share.
"""

from __future__ import annotations

from app.statements.services.checks import (
    QA_CHECK_SETTING,
    REASONS_MAX,
    approve_statement,
    check_is_on,
    needs_check,
    send_back,
)
from app.statements.services.drafts import (
    DRAFT_CHANGED_MESSAGE,
    REASON_MAX,
    RISKS_KEY,
    StatementIncomplete,
    draft_version,
    make_changes,
    record_material_change,
    refill_risks,
    save_sections,
    send_for_signatures,
    start_statement,
    statement_instrument_version,
)
from app.statements.services.reads import (
    FIRST_NAME_MAX,
    ROLE_MAX,
    confirm_read,
    new_read_code,
)
from app.statements.services.risks import (
    OWNER_MAX,
    RISK_TEXT_MAX,
    add_risk,
    record_no_risks,
    remove_risk,
    update_risk,
)
from app.statements.services.signing import (
    StatementChanged,
    add_months,
    check_can_sign,
    sign_statement,
)

__all__ = [
    "QA_CHECK_SETTING",
    "REASONS_MAX",
    "approve_statement",
    "check_is_on",
    "needs_check",
    "send_back",
    "DRAFT_CHANGED_MESSAGE",
    "FIRST_NAME_MAX",
    "ROLE_MAX",
    "confirm_read",
    "new_read_code",
    "OWNER_MAX",
    "REASON_MAX",
    "RISKS_KEY",
    "RISK_TEXT_MAX",
    "StatementChanged",
    "StatementIncomplete",
    "add_months",
    "add_risk",
    "check_can_sign",
    "draft_version",
    "make_changes",
    "record_material_change",
    "record_no_risks",
    "refill_risks",
    "remove_risk",
    "save_sections",
    "send_for_signatures",
    "sign_statement",
    "start_statement",
    "statement_instrument_version",
    "update_risk",
]
