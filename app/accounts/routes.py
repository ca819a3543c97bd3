import functools

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app import web
from app.accounts import bp, link_limit, login_limit
from app.accounts import services, tokens
from app.accounts.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from app.extensions import db
from app.security import is_safe_next

LOGIN_FAILED = "Enter a correct email address and password. Both may be case-sensitive."

# How a refused link is answered: tampered or unknown links are "not found"; expired and spent ones are "gone".
LINK_PROBLEM_STATUS = {"invalid": 404, "expired": 410, "used": 410}


@bp.route("/sign-in", methods=["GET", "POST"])
@login_limit
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            next_url = request.args.get("next")
            session.clear()  # a fresh session on sign-in prevents session fixation
            login_user(user)
            session.permanent = True
            services.record_login(user)
            db.session.commit()
            return redirect(next_url if is_safe_next(next_url) else url_for("main.dashboard"))
        failed = True
    return render_template("accounts/login.html", form=form, failed=failed, failed_message=LOGIN_FAILED)


@bp.route("/sign-out", methods=["POST"])
@login_required
def logout():
    services.sign_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@link_limit
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account, so the page cannot reveal who has one.
        return render_template("accounts/forgot_password_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


def _set_password_through_link(token: str, purpose: str, template: str):
    try:
        user = services.user_for_link(token, purpose)
    except tokens.TokenProblem as problem:
        return _link_problem(problem)
    form = NewPasswordForm()
    if form.validate_on_submit():
        changed = web.attempt(services.set_password_from_link, token, purpose, form.password.data)
        if isinstance(changed.error, tokens.TokenProblem):
            return _link_problem(changed.error)
        if changed.error:
            web.show_error(form, changed.error, fallback=web.FIRST_FIELD)
        else:
            logout_user()  # whoever was signed in on this browser, the account owner now signs in afresh
            session.clear()
            flash("Your password has been set. Sign in with your email address and new password.", "success")
            return redirect(url_for("accounts.login"))
    return render_template(template, form=form, user=user)


def _link_problem(problem: tokens.TokenProblem):
    return render_template("accounts/link_problem.html", problem=problem), LINK_PROBLEM_STATUS[problem.reason]


def _not_stored(view):
    """A page reached through an emailed link carries the link's token in its address: no cache may keep it."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@link_limit
@_not_stored
def invitation(token):
    return _set_password_through_link(token, tokens.INVITE, "accounts/invitation.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@link_limit
@_not_stored
def reset_password(token):
    return _set_password_through_link(token, tokens.RESET, "accounts/reset_password.html")


@bp.route("/account")
@login_required
def my_account():
    return render_template("accounts/my_account.html", user=current_user)


@bp.route("/account/change-password", methods=["GET", "POST"])
@login_required
@login_limit
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if web.run(
            form,
            services.change_password,
            user,
            current_password=form.current_password.data,
            new_password=form.password.data,
            fallback=web.FIRST_FIELD,
        ):
            login_user(user)  # this session carries on; every other session of the account has ended
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("accounts.my_account"))
    return render_template("accounts/change_password.html", form=form)
