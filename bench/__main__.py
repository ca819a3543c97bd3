"""Benchmarks at a named scale.

    python -m bench --scale tiny|partnership|national [--database-url URL] [--users 50] [--requests 400]
                    [--think 1.0] [--workers N] [--threads N] [--repeat 3]

Generates deterministic synthetic data (bench/generate.py) into the database - an empty one you name, or by
default a temporary SQLite file - then prints one JSON object per line:
    {"metric", "value", "unit", "floor", "ratio", "n"}
where `floor` is the same work done bare in the same run: one raw SQL GROUP BY for aggregation, a bare openpyxl
write-only workbook of the same cells for exports, and bare python-docx of the same text, tables and pictures for
the year's board report (each export written three times in a process of its own: the median,
with the first, cold run as `first_seconds`), and a bare Flask route doing `SELECT 1` in the same gunicorn for
pages. Pages are measured twice: with every client sending back to back (throughput, and the latency of a
saturated server; `--repeat` runs taking turns with the floor, medians reported), and with each pausing about
`--think` seconds between pages (`*_p95_paced`: the latency that many people working at once see; these take
turns with their own paced floor `--repeat` times too, medians reported), served as
production serves them (gunicorn.conf.py: one worker per core on PostgreSQL, one on SQLite, 2 threads each) unless
`--workers`/`--threads` say otherwise. A draft save is timed as its POST; each client loads the page before every
save, as the browser does after the save's redirect, and the pair's p95 is reported beside it. Evidence files are
uploaded and downloaded through the app's checks and database storage against the bare file system
(bench/files.py), and, with the page metrics on PostgreSQL and nginx installed, two app servers behind nginx are
measured against one (bench/servers.py). A metric whose
feature fails prints "value": null and an "error". No thresholds are asserted here; bench/RESULTS.md records runs
against the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.aggregation import (
    CAMPAIGN_FLOOR_SQL,
    CAMPAIGN_RETURNS_SQL,
    CAMPAIGN_SURVEY_SQL,
    CONTRADICTIONS_FLOOR_SQL,
    RETURNS_FLOOR_SQL,
    ROUND_FLOOR_SQL,
    aggregation,
)
from bench.measure import emit, guarded, median_seconds
from bench.pages import http_metrics

ROOT = Path(__file__).resolve().parents[1]


# --- exports (each in a child process so peak memory is its own) --------------------------------------------------


def child(args: list[str], url: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.child", *args],
        check=False,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "APP_CONFIG": "development"},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "child failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def export_metrics(kind: str, parent_id: int, url: str, workdir: Path, label: str) -> dict:
    out = workdir / f"{kind}-{parent_id}.xlsx"
    real = child(["export", kind, str(parent_id), str(out)], url)
    bare = child(["bare", str(out), str(workdir / f"bare-{kind}-{parent_id}.xlsx")], url)
    emit(
        f"export_{label}_seconds",
        real["seconds"],
        "s",
        bare["seconds"],
        n=real["cells"],
        first_seconds=round(real["first_seconds"], 4),
        floor_first_seconds=round(bare["first_seconds"], 4),
    )
    emit(f"export_{label}_peak_rss", real["peak_rss_mb"], "MB", bare["peak_rss_mb"], n=real["cells"])
    return {**real, "floor_seconds": bare["seconds"]}


# --- main ----------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from bench.generate import SCALES

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="partnership")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="an empty database to fill (default: a temporary SQLite file)",
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent clients for the page metrics")
    parser.add_argument("--requests", type=int, default=None, help="requests per page metric (default by scale)")
    parser.add_argument("--skip-http", action="store_true", help="leave out the gunicorn page metrics")
    parser.add_argument("--skip-exports", action="store_true", help="leave out the Excel export metrics")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="page runs, back to back and paced, each taking turns with its floor; medians are reported (default 3)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn worker processes for the page metrics (default: gunicorn.conf.py's, one "
        "per core on PostgreSQL, as production runs, one on SQLite)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per gunicorn worker (default: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause in seconds between one user's pages for the *_p95_paced metrics "
        "(0 leaves them out; the other page metrics send back to back)",
    )
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    requests = args.requests or {"tiny": 20, "partnership": 500, "national": 1000}[scale.name]
    users = min(args.users, 4) if scale.name == "tiny" else args.users

    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{scale.name}-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    from config import normalise_database_url

    url = normalise_database_url(url)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.questionnaire import load_files
    from app.questionnaire.store import default_instrument_files
    from bench.generate import already_generated, describe, generate

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        load_files(default_instrument_files())
        db.session.commit()
        emit(
            "environment",
            None,
            "",
            database=sa.engine.make_url(url).get_backend_name(),
            scale=scale.name,
            python=sys.version.split()[0],
            cpus=os.cpu_count(),
        )
        if already_generated():
            from app.audits.tallies import count_rounds
            from app.selfassessment.tallies import count_campaigns

            # what `flask audits tally` and `flask campaigns tally` do once after upgrading a database from before
            # the counts
            count_rounds()
            count_campaigns()
            generated = describe()
        else:
            if db.session.execute(sa.text("SELECT count(*) FROM user_account")).scalar_one():
                print("Error: the database already has users; give bench an empty database", file=sys.stderr)
                return 1
            started = time.perf_counter()
            generated = generate(scale)
            emit(
                "generate_seconds",
                time.perf_counter() - started,
                "s",
                n=generated.counts["case_answer"]
                + generated.counts["return_answer"]
                + generated.counts["survey_answer"],
            )
        emit("rows", None, "", n=generated.counts)

        from app.audits.models import AuditRound
        from app.selfassessment.models import Campaign

        @guarded("round_findings_aggregation", "ms")
        def round_aggregation():
            from app.audits.queries import agreement_snapshot
            from app.findings import figures

            audit_round = db.session.get(AuditRound, generated.largest_round_id)
            return aggregation(
                db,
                "round_findings_aggregation",
                ROUND_FLOOR_SQL,
                audit_round.id,
                lambda: figures.round_figures(db.session.get(AuditRound, generated.largest_round_id)),
                lambda: figures.round_snapshot(db.session.get(AuditRound, generated.largest_round_id)),
                "SELECT count(*) FROM case_answer ca JOIN case_response cr ON cr.id = ca.response_id "
                "JOIN assignment a ON a.id = cr.assignment_id JOIN audit_case c ON c.id = a.case_id "
                "WHERE c.round_id = :parent",
                # the agreement between agencies, one of the recompute's figure families
                parts={"agreement": lambda: agreement_snapshot(db.session.get(AuditRound, generated.largest_round_id))},
            )

        @guarded("campaign_findings_aggregation", "ms")
        def campaign_aggregation():
            from app.findings import figures

            return aggregation(
                db,
                "campaign_findings_aggregation",
                CAMPAIGN_FLOOR_SQL,
                generated.largest_campaign_id,
                lambda: figures.campaign_figures(db.session.get(Campaign, generated.largest_campaign_id)),
                lambda: figures.campaign_snapshot(db.session.get(Campaign, generated.largest_campaign_id)),
                f"SELECT count(*) FROM ({CAMPAIGN_RETURNS_SQL} UNION ALL {CAMPAIGN_SURVEY_SQL}) AS a",
                return_answers_floor=RETURNS_FLOOR_SQL,
            )

        @guarded("contradictions", "ms")
        def contradictions_metric():
            from app.findings import contradictions

            def lines():
                contradictions.contradiction_lines(db.session.get(Campaign, generated.largest_campaign_id))
                db.session.rollback()

            def floor():
                db.session.execute(CONTRADICTIONS_FLOOR_SQL).all()
                db.session.rollback()

            lines()
            floor()
            n = db.session.execute(
                sa.text("SELECT count(*) FROM case_answer ca JOIN case_response cr ON cr.id = ca.response_id")
            ).scalar_one()
            return emit("contradictions", median_seconds(lines) * 1000, "ms", median_seconds(floor) * 1000, n=n)

        round_aggregation()
        campaign_aggregation()
        contradictions_metric()
        report_year = db.session.get(AuditRound, generated.largest_round_id).period_end.year
        db.session.remove()
        from bench.files import file_metrics

        guarded("evidence_files", "MB/s")(file_metrics)(app, db, workdir, emit)
        db.session.remove()

    @guarded("export_round", "s")
    def round_exports():
        large = export_metrics("round", generated.largest_round_id, url, workdir, "round")
        typical = child(["export", "round", str(generated.typical_round_id), str(workdir / "typical-round.xlsx")], url)
        emit(
            "export_round_peak_rss_growth",
            large["peak_rss_mb"] / typical["peak_rss_mb"],
            "ratio",
            n={"typical_cells": typical["cells"], "largest_cells": large["cells"]},
        )

    @guarded("export_campaign", "s")
    def campaign_exports():
        real = export_metrics("campaign", generated.largest_campaign_id, url, workdir, "campaign")
        # What a user waits for: the export as a background job, from the button's enqueue to the file stored and
        # the job done, against the bare workbook floor (JOBS_REDIS_URL set: a real RQ worker; else in-process).
        job = child(["job", "campaign", str(generated.largest_campaign_id)], url)
        emit(
            "job_campaign_export_latency_seconds",
            job["seconds"],
            "s",
            real["floor_seconds"],
            n=real["cells"],
            mode=job["mode"],
            export_seconds=round(real["seconds"], 4),
            first_seconds=round(job["first_seconds"], 4),
        )

    @guarded("board_report_year", "s")
    def board_report():
        out = workdir / f"board-report-{report_year}.docx"
        real = child(["board-report", str(report_year), str(out)], url)
        bare = child(["bare-docx", str(out), str(workdir / "bare-board-report.docx")], url)
        extra = {"year": report_year, "first_seconds": round(real["first_seconds"], 4)}
        emit("board_report_year_seconds", real["seconds"], "s", bare["seconds"], n=real["periods"], **extra)
        emit("board_report_year_peak_traced", real["peak_traced_mb"], "MB", bare["peak_traced_mb"], n=real["periods"])
        emit("board_report_year_peak_rss", real["peak_rss_mb"], "MB", bare["peak_rss_mb"], n=real["periods"])

    if not args.skip_exports:
        round_exports()
        campaign_exports()
        board_report()
    if not args.skip_http:
        guarded("pages", "req/s")(http_metrics)(
            url, generated, users, requests, workdir, args.think, args.workers, args.repeat, args.threads
        )
        from bench.servers import two_server_metrics

        # A small size: half the users and requests of the page metrics.
        guarded("two_servers", "req/s")(two_server_metrics)(
            url, generated, max(1, users // 2), max(1, requests // 2), workdir, emit, args.repeat
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
