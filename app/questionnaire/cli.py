"""`flask instruments validate|load|list`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.questionnaire.errors import InstrumentError

instruments_cli = AppGroup("instruments", help="Validate, load and list instrument files.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(instruments_cli)


def _print_errors(exc: InstrumentError) -> None:
    for error in exc.errors:
        click.echo(str(error), err=True)


@instruments_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, exists=False))
def validate_command(files):
    """Check instrument files (or themes.yaml) without loading them. Exit 1 on any problem."""
    from app.questionnaire.loader import check_file, is_themes_file, validate_themes_file

    failed = False
    for path in files:
        try:
            if is_themes_file(path):
                themes = validate_themes_file(path)
                click.echo(f"{path}: OK ({len(themes)} themes)")
            else:
                checked = check_file(path)
                inst = checked.instrument
                click.echo(
                    f"{path}: OK ({inst.key} version {inst.version}, {inst.kind}, {len(inst.questions())} questions)"
                )
        except InstrumentError as exc:
            failed = True
            _print_errors(exc)
    if failed:
        raise SystemExit(1)


@instruments_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, exists=False))
def load_command(files):
    """Store instrument versions (default: every file in the instruments folder). Idempotent."""
    from app.questionnaire.loader import is_themes_file
    from app.questionnaire.store import default_instrument_files, load_files_with_outcome

    paths = [p for p in files if not is_themes_file(p)] if files else default_instrument_files()
    if not paths:
        click.echo("No instrument files to load.")
        return
    try:
        outcomes = load_files_with_outcome(paths)
    except InstrumentError as exc:
        db.session.rollback()
        _print_errors(exc)
        click.echo("Nothing was loaded.", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    for outcome in outcomes:
        inst = outcome.version.parsed
        state = "loaded" if outcome.created else "unchanged"
        click.echo(f"{outcome.file}: {state} ({inst.key} version {inst.version})")


@instruments_cli.command("list")
def list_command():
    """Show stored instruments: key, versions, kind and number of questions."""
    from app.questionnaire.store import all_instruments

    instruments = all_instruments()
    if not instruments:
        click.echo("No instruments loaded. Run: flask instruments load")
        return
    rows = []
    for model in instruments:
        versions = sorted(v.version for v in model.versions)
        latest = model.latest
        questions = len(latest.parsed.questions()) if latest is not None else 0
        rows.append((model.key, ", ".join(str(v) for v in versions), model.kind, str(questions)))
    headers = ("key", "versions", "kind", "questions")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
