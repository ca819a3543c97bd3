"""`flask audits tally`: count the answers of rounds from before they were kept counted, or check the counts."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

from app.tallying import add_tally_command

audits_cli = AppGroup("audits", help="Case audit rounds.")


def _check_all():
    from app.audits import tallies

    return tallies.check_rounds()


def _count_all(*, rebuild: bool) -> int:
    from app.audits import tallies

    return tallies.count_rounds(rebuild=rebuild)


add_tally_command(audits_cli, noun="round", check_all=_check_all, count_all=_count_all)


def register_cli(app: Flask) -> None:
    app.cli.add_command(audits_cli)
