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
import random
import statistics
import subprocess
import sys
import tempfile
import threading
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


# --- pages through gunicorn -----------------------------------------------------------------------------------------


def served_by(url: str, workers: int | None, threads: int | None) -> tuple[int, int]:
    """The worker processes and threads gunicorn will run: as given, or as gunicorn.conf.py sets them for this
    database (one worker on SQLite)."""
    import runpy
    from unittest import mock

    with mock.patch.dict(os.environ, {"DATABASE_URL": url}):
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return workers or conf["workers"], threads or conf["threads"]


def http_metrics(
    url: str,
    generated,
    users: int,
    requests: int,
    workdir: Path,
    think: float = 1.0,
    workers: int | None = None,
    repeat: int = 3,
    threads: int | None = None,
) -> None:
    from load.__main__ import fill
    from load.client import Client, forms_in, percentile
    from tests.e2e.live import GunicornServer

    server = GunicornServer(
        url, workdir / "gunicorn.log", env={"BENCH_FLOOR_ROUTE": "1"}, workers=workers, threads=threads
    )
    workers, threads = served_by(url, workers, threads)
    server.app_module = "bench.wsgi:app"
    server.start(timeout=300)  # a busy machine can take a minute to import the app
    try:
        # Each virtual auditor works on an open assignment of their own, as in a real round (saves of the same
        # response by several people are the load test's business, not this one's).
        import re

        from bench.generate import PASSWORD

        targets = generated.open_assignment_auditors
        if not targets:
            raise RuntimeError("the generated data has no open assignment to score")
        signed_in: dict[str, Client] = {}
        auditor_clients = []
        for index in range(users):
            assignment, email = targets[index % len(targets)]
            if email not in signed_in:
                signed_in[email] = Client(server.base_url)
                signed_in[email].sign_in(email, PASSWORD)
            client = _clone(signed_in[email], server.base_url)
            task = client.get(f"/audits/tasks/{assignment}")
            found = re.findall(rf'href="(/audits/tasks/{assignment}/sections/[\w-]+)"', task.body)
            if not found:
                raise RuntimeError(f"no scoring section for assignment {assignment} (HTTP {task.status})")
            client.section = found[0]
            auditor_clients.append(client)
        qa = Client(server.base_url)
        qa.sign_in(generated.qa_email, PASSWORD)
        qa_clients = [qa] + [_clone(qa, server.base_url) for _ in range(users - 1)]
        findings = f"/findings/rounds/{generated.typical_round_id}"

        def load(clients, make_request, think: float = 0.0):
            """Every client sends `requests / clients` requests: back to back, or (think > 0) each after a pause
            drawn between half and one and a half times `think` seconds, as a person reads and answers a page;
            the clients start at random moments within the first `think` seconds so they do not arrive together."""
            latencies, pairs, statuses, lock = [], [], {}, threading.Lock()
            per_user = max(1, requests // len(clients))

            def run(client, index):
                pauses = random.Random(index)
                if think:
                    time.sleep(pauses.uniform(0, think))
                for _ in range(per_user):
                    response = make_request(client)
                    with lock:
                        latencies.append(response.seconds)
                        if hasattr(response, "with_page_seconds"):
                            pairs.append(response.with_page_seconds)
                        statuses[response.status] = statuses.get(response.status, 0) + 1
                    if think:
                        time.sleep(pauses.uniform(think / 2, think * 3 / 2))

            for client in clients:  # warm the workers' templates and each user's page in their caches; not measured
                make_request(client)
            threads = [threading.Thread(target=run, args=(c, i)) for i, c in enumerate(clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            pairs_p95 = percentile(pairs, 0.95) * 1000 if pairs else None
            return len(latencies) / elapsed, percentile(latencies, 0.95) * 1000, statuses, len(latencies), pairs_p95

        def floor(c):
            return c.get("/_bench/select1")

        pages = (
            ("scoring_page_get", auditor_clients, lambda c: c.get(c.section)),
            ("draft_save_post", auditor_clients, lambda c: _save(c, c.section, forms_in, fill)),
            ("findings_page_get", qa_clients, lambda c: c.get(findings)),
        )

        def take_turns(think: float = 0.0) -> dict[str, list]:
            """`repeat` runs of the floor and of each page, taking turns: metric (or "floor") -> its runs."""
            runs: dict[str, list] = {"floor": []} | {metric: [] for metric, _clients, _request in pages}
            for _ in range(repeat):
                runs["floor"].append(load(auditor_clients, floor, think))
                for metric, clients, request in pages:
                    runs[metric].append(load(clients, request, think))
            return runs

        # The floor and the pages take turns, `repeat` times, and the medians are reported: on a shared machine one
        # short run of the floor moved by a third from one run to the next.
        runs = take_turns()
        floor_rps, floor_p95, _s, _n, _pairs = _median_run(runs["floor"])
        sizes = {"users": users, "workers": workers, "threads": threads}
        emit(
            "floor_select1_requests_per_second",
            floor_rps,
            "req/s",
            n=_n,
            **sizes,
            runs=[round(r[0], 1) for r in runs["floor"]],
        )
        emit("floor_select1_p95", floor_p95, "ms", n=_n, **sizes, runs=[round(r[1], 1) for r in runs["floor"]])
        for metric, _clients, _request in pages:
            rps, p95, statuses, n, pairs_p95 = _median_run(runs[metric])
            errors = sum(v for k, v in statuses.items() if k >= 500)
            emit(
                f"{metric}_requests_per_second",
                rps,
                "req/s",
                floor_rps,
                n=n,
                **sizes,
                statuses=statuses,
                runs=[round(r[0], 1) for r in runs[metric]],
            )
            emit(
                f"{metric}_p95",
                p95,
                "ms",
                floor_p95,
                n=n,
                **sizes,
                server_errors=errors,
                runs=[round(r[1], 1) for r in runs[metric]],
                **_with_page(pairs_p95),
            )
        if think:
            # The same users pausing between pages as people do: the latency each of them sees. Their p95 rests on
            # the slowest few of each run, so these too take turns with their floor and the medians are reported.
            paced = take_turns(think)
            _rps, paced_floor, _s, _n, _pairs = _median_run(paced["floor"])
            emit(
                "floor_select1_p95_paced",
                paced_floor,
                "ms",
                n=_n,
                **sizes,
                think_seconds=think,
                runs=[round(r[1], 1) for r in paced["floor"]],
            )
            for metric, _clients, _request in pages:
                rps, p95, statuses, n, pairs_p95 = _median_run(paced[metric])
                errors = sum(v for k, v in statuses.items() if k >= 500)
                emit(
                    f"{metric}_p95_paced",
                    p95,
                    "ms",
                    paced_floor,
                    n=n,
                    **sizes,
                    think_seconds=think,
                    requests_per_second=round(rps, 1),
                    server_errors=errors,
                    runs=[round(r[1], 1) for r in paced[metric]],
                    floor_runs=[round(r[1], 1) for r in paced["floor"]],
                    **_with_page(pairs_p95),
                )
    finally:
        server.stop()


def _median_run(runs: list[tuple]) -> tuple:
    """The median throughput and median p95 of repeated runs, with every run's statuses, the requests per run and
    the median p95 of a save with the page load before it (None for other pages)."""
    statuses: dict[int, int] = {}
    for _rps, _p95, counts, _n, _pairs in runs:
        for status, count in counts.items():
            statuses[status] = statuses.get(status, 0) + count
    pairs = [r[4] for r in runs if r[4] is not None]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statuses,
        runs[0][3],
        statistics.median(pairs) if pairs else None,
    )


def _with_page(pairs_p95: float | None) -> dict:
    return {} if pairs_p95 is None else {"with_page_get_p95": round(pairs_p95, 1)}


def _clone(client, base_url):
    from load.client import Client

    twin = Client(base_url)
    twin.cookies = dict(client.cookies)
    return twin


def _save(client, section, forms_in, fill):
    """A draft save exactly as the browser posts it: load the page (its lock version), then save. The POST is timed;
    `with_page_seconds` adds the page load before it."""
    page = client.get(section)
    form = forms_in(page.body)[0]
    response = client.post(section, fill(form, "Benchmark draft text.", "later"))
    response.with_page_seconds = page.seconds + response.seconds
    return response


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
