"""Organisations, users, roles, sign-in, invitations and password reset."""
from flask import Blueprint, current_app

from app.extensions import limiter, login_manager

bp = Blueprint("accounts", __name__)

# One bucket for every password check (sign-in, statement signing) so guessing is limited everywhere.
login_limit = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], scope="password-check",
                                   methods=["POST"])


@login_manager.user_loader
def load_user(user_id: str):
    from app.accounts.services import user_for_session

    return user_for_session(user_id)


from app.accounts import routes  # noqa: E402,F401
