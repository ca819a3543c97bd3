"""Command-line interface. Feature packages add theirs through `register_cli(app)` in their cli module."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.errors import DomainError
from app.extensions import db
from app.utils import feature_module

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo partnership data.")
reminders_cli = AppGroup("reminders", help="Email reminders.")
data_cli = AppGroup("data", help="Data protection and retention.")

CLI_FEATURES = ("jobs", "questionnaire", "audits", "selfassessment", "statements", "findings", "notifications")


def register(app: Flask) -> None:
    from app.filestore_move import files_cli

    for group in (users_cli, demo_cli, reminders_cli, data_cli, files_cli):
        app.cli.add_command(group)
    for feature in CLI_FEATURES:
        module = feature_module(feature, "cli")
        if module is not None:
            module.register_cli(app)


def fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="admin, qa, auditor, org_lead or signatory (repeat for several).",
)
@click.option("--organisation", "org_slug", default=None, help="Organisation short name (slug).")
@click.option("--capacity", default=None, help="Signatory capacity, e.g. headteacher.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email, name, roles, org_slug, capacity, password):
    """Create a user with a password."""
    import sqlalchemy as sa

    from app.accounts import services
    from app.accounts.models import Organisation

    org = None
    if org_slug:
        org = db.session.execute(sa.select(Organisation).where(Organisation.slug == org_slug)).scalar_one_or_none()
        if org is None:
            fail(f"no organisation with short name {org_slug!r}")
    try:
        user = services.create_user(
            email=email, name=name, organisation=org, roles=roles, password=password, signatory_capacity=capacity
        )
    except DomainError as exc:
        db.session.rollback()
        fail(exc.message)
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))})")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users yet.")
def demo_load_command(if_empty):
    """Load the demo partnership (idempotent)."""
    from app.demo import DemoRefused, database_is_empty, load_demo

    if not current_app.config.get("DEMO_ALLOWED"):
        fail("demo data is disabled in this configuration (production never loads demo data)")
    if if_empty and not database_is_empty():
        click.echo("Database already has users; demo data not loaded.")
        print_demo_accounts()
        return
    try:
        demo = load_demo()
    except (DemoRefused, DomainError) as exc:
        db.session.rollback()
        fail(str(exc))
    db.session.commit()
    click.echo(f"Demo data loaded: {len(demo.log)} new item(s)." if demo.log else "Demo data already loaded.")
    print_demo_accounts()


def print_demo_accounts() -> None:
    from app.demo import DEMO_USERS

    click.echo("")
    click.echo("Demo accounts (password: %s):" % current_app.config["DEMO_PASSWORD"])
    for email, _name, _slug, roles, _capacity in DEMO_USERS[:11]:
        click.echo(f"  {email:48} {', '.join(roles)}")


@demo_cli.command("accounts")
def demo_accounts_command():
    """Print the demo accounts."""
    print_demo_accounts()


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Print what would be queued; queue nothing.")
def reminders_send_command(dry_run):
    """Queue an email for every reminder that is due, at most once per rule; `flask mail deliver` sends them."""
    from app.notifications.services import queue_reminders

    report = queue_reminders(dry_run=dry_run)
    for item in report.pending:
        click.echo(f"would send {item.kind} to {item.recipient}: {item.subject}")
    for item in report.queued:
        click.echo(f"queued {item.kind} to {item.recipient}: {item.subject}")
    if dry_run:
        click.echo(f"{len(report.pending)} reminder(s) due (dry run: nothing queued or sent).")
    else:
        click.echo(f"{len(report.queued)} reminder(s) queued; `flask mail deliver` sends them.")


@data_cli.command("purge")
@click.option(
    "--older-than",
    "years",
    type=click.IntRange(min=1),
    required=True,
    help="Remove case-level data of rounds closed more than this many years ago.",
)
@click.option("--dry-run", is_flag=True)
def data_purge_command(years, dry_run):
    """Remove case-level answers and case attributes of old closed rounds; keep findings and actions."""
    from app.audits.services import purge_case_data
    from app.utils import utcnow

    cutoff = utcnow() - timedelta(days=365 * years)
    summary = purge_case_data(closed_before=cutoff, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: would purge {summary}")
    else:
        db.session.commit()
        click.echo(f"Purged {summary}")
