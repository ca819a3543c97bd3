"""Every state change to organisations and users.

One concept a module: passwords (policy, sign-in, sessions), organisations, users (roles, deactivation), links
(emailed invitations and password resets), codes (spreadsheet text to codes, for the CSV import in
app.accounts.importing); _common holds the error, limits and helpers they share.
"""

from __future__ import annotations

from app.accounts.services._common import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    AccountError,
    get_user_by_email,
    normalise_email,
)
from app.accounts.services.codes import (
    capacity_from_text,
    org_type_from_text,
    role_from_text,
)
from app.accounts.services.links import (
    RESET_EMAILS_PER_HOUR,
    compose_invitation,
    compose_password_reset,
    describe_duration,
    invitation_email,
    latest_invitation_sent_at,
    log,
    queue_invitation,
    record_invitation_sent,
    record_password_reset_sent,
    request_password_reset,
    reset_email,
    set_password_from_link,
    user_for_link,
)
from app.accounts.services.organisations import (
    SLUG_MAX_LENGTH,
    SLUG_RE,
    create_organisation,
    parse_areas,
    slug_taken_message,
    update_organisation,
    validate_org_fields,
)
from app.accounts.services.passwords import (
    MIN_PASSWORD_LENGTH,
    authenticate,
    change_password,
    common_passwords,
    confirm_password,
    hash_password,
    password_problems,
    record_login,
    set_password,
    sign_out,
    user_for_session,
)
from app.accounts.services.users import (
    EMAIL_RE,
    ORGANISATION_ROLES,
    create_user,
    deactivate_user,
    email_taken_message,
    organisation_problems,
    reactivate_user,
    update_user,
    validate_user_fields,
)

__all__ = [
    "EMAIL_MAX_LENGTH",
    "EMAIL_RE",
    "MIN_PASSWORD_LENGTH",
    "NAME_MAX_LENGTH",
    "ORGANISATION_ROLES",
    "RESET_EMAILS_PER_HOUR",
    "SLUG_MAX_LENGTH",
    "SLUG_RE",
    "AccountError",
    "authenticate",
    "capacity_from_text",
    "change_password",
    "common_passwords",
    "compose_invitation",
    "confirm_password",
    "compose_password_reset",
    "create_organisation",
    "create_user",
    "deactivate_user",
    "describe_duration",
    "email_taken_message",
    "get_user_by_email",
    "hash_password",
    "invitation_email",
    "latest_invitation_sent_at",
    "log",
    "normalise_email",
    "org_type_from_text",
    "organisation_problems",
    "parse_areas",
    "password_problems",
    "queue_invitation",
    "reactivate_user",
    "record_invitation_sent",
    "record_login",
    "record_password_reset_sent",
    "request_password_reset",
    "reset_email",
    "role_from_text",
    "set_password",
    "set_password_from_link",
    "sign_out",
    "slug_taken_message",
    "update_organisation",
    "update_user",
    "user_for_link",
    "user_for_session",
    "validate_org_fields",
    "validate_user_fields",
]
