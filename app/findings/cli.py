"""`flask export round ID -o FILE.xlsx` and `flask export campaign ID -o FILE.xlsx`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.audits.models import AuditRound
from app.extensions import db
from app.findings import export
from app.selfassessment.models import Campaign

export_cli = AppGroup("export", help="Export findings to Excel.")


def _output_path(output: str) -> Path:
    path = Path(output)
    if path.suffix.lower() != ".xlsx":
        raise click.UsageError(f"{output}: the output file must end in .xlsx")
    if path.exists() and path.is_dir():
        raise click.UsageError(f"{output}: is a directory; give a file name ending in .xlsx")
    if not path.parent.exists():
        raise click.UsageError(f"{output}: the folder {path.parent} does not exist")
    return path


def _write(path: Path, write) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as out:
            write(out)
        partial.replace(path)  # a failed export never leaves a half-written workbook behind
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"{path}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _export(model, ident: int, output: str, write, noun: str) -> None:
    path = _output_path(output)
    parent = db.session.get(model, ident)
    if parent is None:
        raise click.ClickException(f"no {noun} with id {ident}")
    _write(path, lambda out: write(parent, out))
    click.echo(f"Wrote {path} ({parent.title})")


@export_cli.command("round")
@click.argument("round_id", type=int)
@click.option("-o", "--output", required=True, help="Workbook to write, e.g. round-1.xlsx")
def export_round(round_id: int, output: str):
    """Write a case audit round's findings workbook."""
    _export(AuditRound, round_id, output, export.round_workbook, "audit round")


@export_cli.command("campaign")
@click.argument("campaign_id", type=int)
@click.option("-o", "--output", required=True, help="Workbook to write, e.g. campaign-1.xlsx")
def export_campaign(campaign_id: int, output: str):
    """Write a self-assessment campaign's findings workbook."""
    _export(Campaign, campaign_id, output, export.campaign_workbook, "self-assessment campaign")


def register_cli(app: Flask) -> None:
    app.cli.add_command(export_cli)
