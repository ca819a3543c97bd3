"""`flask statements verify`: prove no signed statement has been altered since it was signed."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

statements_cli = AppGroup("statements", help="Child Safeguarding Statements.")


def signed_content_problems() -> tuple[int, list[str]]:
    """(number of statements checked, one line per mismatch)."""
    from app.statements.content import content_hash
    from app.statements.models import Statement

    statements = db.session.execute(
        sa.select(Statement).where(Statement.content_hash.is_not(None)).order_by(Statement.id)
    ).scalars().all()
    problems = []
    for statement in statements:
        where = (f"statement {statement.id} ({statement.organisation.name} [{statement.organisation.slug}], "
                 f"version {statement.version_number}, {statement.state.value})")
        recomputed = content_hash(statement)
        if recomputed != statement.content_hash:
            problems.append(f"{where}: content does not match its signed hash "
                            f"(stored {statement.content_hash}, recomputed {recomputed})")
        for signature in statement.signatures:
            if signature.content_hash != statement.content_hash:
                problems.append(f"{where}: signature {signature.id} by {signature.signatory_name} "
                                f"({signature.capacity}) is for different content "
                                f"(signed {signature.content_hash}, statement {statement.content_hash})")
    return len(statements), problems


@statements_cli.command("verify")
def verify_command():
    """Recompute the hash of every signed statement and compare it with the stored and signed hashes."""
    checked, problems = signed_content_problems()
    for problem in problems:
        click.echo(f"MISMATCH {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} mismatch(es) found in {checked} signed statement(s).", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {checked} signed statement(s) checked; every hash matches.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(statements_cli)
