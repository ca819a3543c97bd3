"""`flask jobs worker`: the background worker (RQ on JOBS_REDIS_URL)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs (downloads, email delivery) on RQ.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued, then stop.")
def worker_command(burst):
    """Run background jobs from the queue in JOBS_REDIS_URL until stopped."""
    if not current_app.config.get("JOBS_REDIS_URL"):
        click.echo("Error: JOBS_REDIS_URL is not set; without it jobs run inside the app server.", err=True)
        raise SystemExit(1)
    from app.jobs.worker import run_worker

    run_worker(burst=burst)


@jobs_cli.command("sweep")
def sweep_command():
    """Run the periodic work once: expire prepared downloads kept past JOBS_FILE_RETENTION_HOURS, delete orphaned
    S3 objects, and whatever else the worker sweeps (the outbox). For cron when jobs run without Redis; exits 1 if
    any part failed."""
    from app.jobs.worker import run_sweeps

    failures = run_sweeps(lambda name, outcome: click.echo(f"{name}: {outcome or 'done'}"))
    for failure in failures:
        click.echo(failure, err=True)
    if failures:
        raise SystemExit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
