"""Staff and volunteers confirming they have read their organisation's statement in force, on its short link.

Nothing identifying is asked: a first name and a role, both optional, and the confirmation itself. No address,
email, IP or browser detail is kept. Each version has its own link code, so a new version starts a new count.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from app.errors import DomainError
from app.extensions import db
from app.statements.models import ReadConfirmation, Statement
from app.statements.services._common import _text
from app.utils import utcnow

# No 0/o, 1/l/i: the code may be typed from a printed poster.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 10
FIRST_NAME_MAX = 50
ROLE_MAX = 80
CONFIRM_MESSAGE = "Confirm that you have read the statement"


def new_read_code() -> str:
    """A fresh random link code (about 50 bits), unused by any statement; changes nothing."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = db.session.execute(sa.select(Statement.id).where(Statement.read_code == code)).first()
        if taken is None:
            return code


def confirm_read(statement: Statement, *, confirmed: bool, first_name=None, role=None) -> ReadConfirmation:
    """Count one person as having read this statement, with the first name and role they chose to give (both
    optional). Anyone holding the statement's short link, signed in or not; only a statement on public display."""
    if not statement.is_public:
        raise DomainError("This statement is no longer in force.")
    if not confirmed:
        raise DomainError(CONFIRM_MESSAGE, field="confirmed")
    confirmation = ReadConfirmation(
        statement_id=statement.id,
        first_name=_text(
            first_name, field="first_name", label="your first name", max_length=FIRST_NAME_MAX, required=False
        ),
        role=_text(role, field="role", label="your role", max_length=ROLE_MAX, required=False),
        read_at=utcnow(),
    )
    db.session.add(confirmation)
    db.session.flush()
    # No activity event, as for a survey response: the log names the signed-in user, and readers stay unnamed.
    return confirmation
