"""`flask campaigns tally`: count the returns and survey answers of campaigns from before they were kept counted,
or check the counts."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

from app.tallying import add_tally_command

campaigns_cli = AppGroup("campaigns", help="Self-assessment campaigns.")


def _check_all():
    from app.selfassessment import tallies

    return tallies.check_campaigns()


def _count_all(*, rebuild: bool) -> int:
    from app.selfassessment import tallies

    return tallies.count_campaigns(rebuild=rebuild)


add_tally_command(campaigns_cli, noun="campaign", check_all=_check_all, count_all=_count_all)


def register_cli(app: Flask) -> None:
    app.cli.add_command(campaigns_cli)
