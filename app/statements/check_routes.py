"""The QA group's pages: statements waiting for their check, and the check itself (approve, or send back with
reasons)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import web
from app.errors import NotFound
from app.permissions import roles_required
from app.statements import bp, checking, queries, services
from app.statements.forms import ConfirmForm, SendBackForm
from app.statements.models import StatementState

CHECKERS = ("admin", "qa")


def _statement(statement_id: int):
    statement = queries.statement_by_id(statement_id)
    if statement is None:
        raise NotFound("No such statement")
    return statement


def _check_page(statement, *, send_back_form=None, approve_form=None):
    return render_template(
        "statements/check.html",
        statement=statement,
        sections=queries.statement_sections(statement),
        approve_form=approve_form or ConfirmForm(),
        send_back_form=send_back_form or SendBackForm(),
        waiting=statement.state == StatementState.awaiting_check
        or (statement.state == StatementState.awaiting_signatures and not statement.text_approved),
    )


@bp.route("/checks")
@roles_required(*CHECKERS)
def checks():
    return render_template(
        "statements/checks.html", statements=checking.statements_to_check(), check_on=checking.check_is_on()
    )


@bp.route("/checks/<int:statement_id>")
@roles_required(*CHECKERS)
def check(statement_id: int):
    return _check_page(_statement(statement_id))


@bp.route("/checks/<int:statement_id>/approve", methods=["POST"])
@roles_required(*CHECKERS)
def approve(statement_id: int):
    statement = _statement(statement_id)
    form = ConfirmForm()
    if form.validate_on_submit() and web.run(form, services.approve_statement, statement, actor=current_user):
        flash(
            f"Version {statement.version_number} of {statement.organisation.name}’s statement is approved. "
            "Its signatories can now sign it.",
            "success",
        )
        return redirect(url_for(".checks"))
    return _check_page(_statement(statement_id), approve_form=form)


@bp.route("/checks/<int:statement_id>/send-back", methods=["POST"])
@roles_required(*CHECKERS)
def send_back(statement_id: int):
    statement = _statement(statement_id)
    form = SendBackForm()
    if form.validate_on_submit() and web.run(
        form, services.send_back, statement, reasons=form.reasons.data, actor=current_user
    ):
        flash(f"{statement.organisation.name}’s statement has been sent back to its lead with your reasons.", "success")
        return redirect(url_for(".checks"))
    return _check_page(_statement(statement_id), send_back_form=form)
