"""`flask audits tally`: count the answers of rounds from before they were kept counted, or check the counts."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

audits_cli = AppGroup("audits", help="Case audit rounds.")


@audits_cli.command("tally")
@click.option("--check", is_flag=True, help="Compare every round's kept counts with its answers; exit 1 if any differ.")
@click.option("--rebuild", is_flag=True, help="Count every round again from its answers, not only uncounted ones.")
def tally_command(check, rebuild):
    """Count the answers of each round not yet counted (rounds from before the counts were kept), so its findings
    are worked out from the counts. Run once after upgrading; safe to run again."""
    from app.audits import tallies

    if check:
        checked, problems = tallies.check_rounds()
        db.session.rollback()
        for problem in problems:
            click.echo(problem, err=True)
        if problems:
            raise SystemExit(1)
        click.echo(f"{checked} counted rounds match their answers.")
        return
    counted = tallies.count_rounds(rebuild=rebuild)
    click.echo(f"Counted {counted} round{'s' if counted != 1 else ''}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(audits_cli)
