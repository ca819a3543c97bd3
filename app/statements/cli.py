"""`flask statements verify`: prove no signed statement has been altered since it was signed and sealed."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

statements_cli = AppGroup("statements", help="Child Safeguarding Statements.")


@statements_cli.command("verify")
def verify_command():
    """Check every signed statement: its content hash, the Ed25519 seals of the statement and of each signature
    against the configured public keys (payloads rebuilt from the database), and the seal chain."""
    from app.statements.verification import verify_all

    report = verify_all()
    for problem in report.problems:
        click.echo(problem, err=True)
    if report.problems:
        click.echo(
            f"{len(report.problems)} problem(s) found in {report.statements} signed statement(s) and the "
            f"seal chain of {report.events} event(s).",
            err=True,
        )
        raise SystemExit(1)
    click.echo(
        f"OK: {report.statements} signed statement(s) checked; every hash matches; every seal "
        f"({report.signatures} signature(s), the statements in force or superseded) verifies under the "
        f"configured public keys; the seal chain of {report.events} event(s) is intact"
        + (f" (head {report.head})." if report.head else ".")
    )


@statements_cli.command("seal-existing")
def seal_existing_command():
    """Seal statements signed before seals existed (once, after upgrading). Refuses if any no longer matches its
    SHA-256."""
    from app.extensions import db
    from app.statements.seals import seal_existing

    sealed, problems = seal_existing()
    if problems:
        db.session.rollback()
        for problem in problems:
            click.echo(problem, err=True)
        click.echo("Nothing was sealed.", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"Sealed {sealed} statement(s) signed before seals existed.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(statements_cli)
