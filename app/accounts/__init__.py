"""Organisations, users, roles, sign-in, invitations and password reset."""

from flask import Blueprint, current_app, request
from flask_login import current_user

from app.extensions import limiter, login_manager

bp = Blueprint("accounts", __name__)


def _password_account() -> str:
    """Whose password is being checked: the signed-in user's (signing a statement, changing a password), else the
    email address posted to the sign-in form, however it is typed."""
    email = current_user.email if current_user.is_authenticated else request.form.get("email", "")
    return "account:" + (email or "").strip().casefold()


# Every password check (sign-in, statement signing, changing a password) counts in two buckets: one per account
# (LOGIN_RATE_LIMIT), so guessing one account's password is limited everywhere, and a looser one per client address
# (LOGIN_ADDRESS_RATE_LIMIT), so one address cannot try many accounts, while colleagues behind one office address
# are not locked out by one person's mistakes.
_account_limit = limiter.shared_limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    scope="password-check-account",
    key_func=_password_account,
    methods=["POST"],
)
_address_limit = limiter.shared_limit(
    lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"], scope="password-check-address", methods=["POST"]
)


def login_limit(view):
    """Limit a view that checks a password, per account and per client address."""
    return _address_limit(_account_limit(view))


# Emailed-link forms (asking for a reset link, setting a password through a link): a bucket per form.
DEFAULT_ACCOUNT_LINK_RATE_LIMIT = "5 per minute"
link_limit = limiter.limit(
    lambda: current_app.config.get("ACCOUNT_LINK_RATE_LIMIT", DEFAULT_ACCOUNT_LINK_RATE_LIMIT), methods=["POST"]
)


@login_manager.user_loader
def load_user(user_id: str):
    from app.accounts.services import user_for_session

    return user_for_session(user_id)


def init_app(app):
    from app.accounts import services
    from app.accounts.dashboard import admin_panel
    from app.main.dashboard import register_panel_provider
    from app.notifications.outbox import register_composer, register_on_sent

    register_panel_provider(admin_panel)
    register_composer("invitation", services.compose_invitation)
    register_composer("password_reset", services.compose_password_reset)
    register_on_sent("invitation", services.record_invitation_sent)
    register_on_sent("password_reset", services.record_password_reset_sent)


from app.accounts import admin_routes, routes  # noqa: E402,F401
