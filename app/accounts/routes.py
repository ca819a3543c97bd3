from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp, login_limit
from app.accounts import services
from app.accounts.forms import LoginForm
from app.extensions import db
from app.security import is_safe_next

LOGIN_FAILED = "Enter a correct email address and password. Both may be case-sensitive."


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
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.login"))
