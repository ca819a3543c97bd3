"""`flask mail deliver`: the worker that sends the outbox, once or in a loop beside gunicorn."""

from __future__ import annotations

import logging
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db

mail_cli = AppGroup("mail", help="The outbox of emails waiting to be sent.")
log = logging.getLogger(__name__)


def register_cli(app: Flask) -> None:
    app.cli.add_command(mail_cli)


def _echo_report(report) -> None:
    for d in report.deliveries:
        if d.outcome == "sent":
            click.echo(f"sent {d.kind} {d.message_id} to {d.recipient}: {d.subject}")
        elif d.outcome == "dropped":
            click.echo(f"dropped {d.kind} {d.message_id}: {d.detail}")
        elif d.outcome == "retrying":
            click.echo(
                f"NOT SENT {d.kind} {d.message_id} to {d.recipient}: {d.detail} "
                f"(will retry at {d.retry_at:%Y-%m-%d %H:%M:%S} UTC)",
                err=True,
            )
        else:
            click.echo(f"FAILED {d.kind} {d.message_id} to {d.recipient}: {d.detail} (gave up)", err=True)


@mail_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering, checking the outbox every --interval seconds.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between looks at the outbox when looping.",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(min=1),
    default=None,
    help="Tries per message before it is marked failed (default MAIL_MAX_ATTEMPTS, 5).",
)
def deliver_command(loop, interval, max_attempts):
    """Send the emails waiting in the outbox; failed sends are retried later with a growing wait."""
    from app.notifications.outbox import MailNotConfigured, deliver_pending, pending_count

    if not loop:
        try:
            report = deliver_pending(max_attempts=max_attempts)
        except MailNotConfigured as exc:
            click.echo(f"Error: {exc}; {pending_count()} message(s) wait in the outbox.", err=True)
            raise SystemExit(1) from None
        _echo_report(report)
        click.echo(f"{len(report.sent)} sent, {len(report.problems)} not sent.")
        if report.problems:
            raise SystemExit(1)
        return
    click.echo(f"Delivering the outbox every {interval:g}s (Ctrl-C to stop).")
    try:
        _deliver_forever(interval, max_attempts)
    except KeyboardInterrupt:
        click.echo("Mail delivery stopped.")


def _deliver_forever(interval: float, max_attempts: int | None) -> None:
    from app.notifications.outbox import deliver_pending

    warned = False
    while True:
        try:
            if not current_app.config.get("MAIL_SERVER"):
                if not warned:
                    log.warning("MAIL_SERVER is not set: emails wait in the outbox until it is")
                    warned = True
            else:
                _echo_report(deliver_pending(max_attempts=max_attempts))
        except Exception:  # a database outage must not end the worker; the next pass tries again
            log.exception("mail delivery pass failed")
            db.session.rollback()
        finally:
            db.session.remove()
        time.sleep(interval)
