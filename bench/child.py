"""Exports in a process of their own, so their peak memory (ru_maxrss) is their own.

    python -m bench.child export round|campaign ID OUT.xlsx   the product's export
    python -m bench.child bare IN.xlsx OUT.xlsx               bare openpyxl write-only of the same cells
    python -m bench.child board-report YEAR OUT.docx          the year's board report (Word)
    python -m bench.child bare-docx IN.docx OUT.docx          bare python-docx of the same text, tables and pictures
A board report is written twice (first_seconds computes any figures not yet kept; seconds reuses them), with
tracemalloc's peak of Python allocations as peak_traced_mb beside the process's peak RSS.
    python -m bench.child job round|campaign ID                the export as a background job: enqueue → file ready
Each is written RUNS times and timed as a running server would serve it: `seconds` is the median, and
`first_seconds` the first run, which also parses the instrument and compiles the statements.
Prints one JSON object: seconds, first_seconds, peak_rss_mb, cells.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time

RUNS = 3


def peak_rss_mb() -> float:
    """This process's own high-water mark. ru_maxrss would carry the parent's peak across fork+exec, so read
    VmHWM (reset by exec) where Linux provides it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_cells(path: str) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    cells = sum(
        1
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    workbook.close()
    return cells


def timed_runs(write) -> dict:
    """`write()` RUNS times: the median seconds, and the first run's."""
    seconds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        write()
        seconds.append(time.perf_counter() - started)
    return {"seconds": statistics.median(seconds), "first_seconds": seconds[0]}


def export(kind: str, parent_id: int, out: str) -> dict:
    from app import create_app
    from app.extensions import db
    from app.findings import export as findings_export

    app = create_app()
    with app.app_context():
        if kind == "round":
            from app.audits.models import AuditRound

            parent, write = db.session.get(AuditRound, parent_id), findings_export.round_workbook
        else:
            from app.selfassessment.models import Campaign

            parent, write = db.session.get(Campaign, parent_id), findings_export.campaign_workbook

        def write_file():
            with open(out, "wb") as handle:
                write(parent, handle)

        timings = timed_runs(write_file)
        rss = peak_rss_mb()
    return {**timings, "peak_rss_mb": rss, "cells": count_cells(out)}


def bare(source: str, out: str) -> dict:
    from openpyxl import Workbook, load_workbook

    workbook = load_workbook(source, read_only=True)
    sheets = [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]) for sheet in workbook.worksheets]
    workbook.close()

    def write_file():
        target = Workbook(write_only=True)
        for title, rows in sheets:
            sheet = target.create_sheet(title)
            for row in rows:
                sheet.append(row)
        target.save(out)

    return {
        **timed_runs(write_file),
        "peak_rss_mb": peak_rss_mb(),
        "cells": sum(1 for _, rows in sheets for row in rows for v in row if v is not None),
    }


def _traced(write) -> dict:
    """`write()` twice: the second run's seconds, the first's, and the peak of Python allocations over both."""
    import tracemalloc

    tracemalloc.start()
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        write()
        seconds.append(time.perf_counter() - started)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds[-1], "first_seconds": seconds[0], "peak_traced_mb": peak / 2**20}


def board_report(year: int, out: str) -> dict:
    from app import create_app
    from app.reports.builder import write_board_report
    from app.reports.scope import Scope, periods_in_year

    app = create_app()
    with app.app_context():

        def write_file():
            with open(out, "wb") as handle:
                write_board_report(Scope("year", year), "docx", handle)

        result = _traced(write_file)
        periods = len(periods_in_year(year))
    return {**result, "peak_rss_mb": peak_rss_mb(), "periods": periods}


def bare_docx(source: str, out: str) -> dict:
    """The same paragraphs, tables and pictures written by python-docx with nothing computed."""
    import io

    from docx import Document

    document = Document(source)
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    pictures = [part.blob for part in document.part.package.parts if part.content_type == "image/png"]

    def write_file():
        target = Document()
        for text in paragraphs:
            target.add_paragraph(text)
        for rows in tables:
            table = target.add_table(rows=0, cols=len(rows[0]) if rows else 1)
            for row in rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
        for blob in pictures:
            target.add_picture(io.BytesIO(blob))
        target.save(out)

    return {**_traced(write_file), "peak_rss_mb": peak_rss_mb()}


def job(kind: str, parent_id: int) -> dict:
    """The export as users get it: a job asked for and dispatched as the download button does, timed until its
    file is stored and the job is done. In this process's threads (no JOBS_REDIS_URL), or by a real RQ worker
    (`flask jobs worker`, started here before the clock, stopped after)."""
    import os
    import signal
    import subprocess

    import sqlalchemy as sa

    from app import create_app, jobs
    from app.accounts.models import User
    from app.extensions import db
    from app.jobs.models import BackgroundJob

    app = create_app()
    worker = None
    with app.app_context():
        user = db.session.execute(sa.select(User).order_by(User.id).limit(1)).scalar_one()
        rq = bool(app.config.get("JOBS_REDIS_URL"))
        if rq:
            from rq import Worker

            worker = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            while not any(w.pid == worker.pid for w in Worker.all(connection=jobs.queue.connection())):
                time.sleep(0.1)
        kind_name, key = ("round_findings", "round_id") if kind == "round" else ("campaign_findings", "campaign_id")

        def run_job():
            job = jobs.request_download(user, kind_name, {key: parent_id, "organisation_id": None}, title="Benchmark")
            db.session.commit()
            job_id = job.id
            jobs.dispatch(job_id)
            while True:
                db.session.commit()
                status = db.session.execute(
                    sa.select(BackgroundJob.status).where(BackgroundJob.id == job_id)
                ).scalar_one()
                if status == "done":
                    return
                if status == "failed":
                    raise RuntimeError(f"background job {job_id} failed")
                time.sleep(0.02)

        try:
            timings = timed_runs(run_job)
        finally:
            if worker is not None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
    return {**timings, "mode": "rq" if rq else "in-process"}


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "export":
        result = export(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif command == "board-report":
        result = board_report(int(sys.argv[2]), sys.argv[3])
    elif command == "bare-docx":
        result = bare_docx(sys.argv[2], sys.argv[3])
    elif command == "job":
        result = job(sys.argv[2], int(sys.argv[3]))
    else:
        result = bare(sys.argv[2], sys.argv[3])
    print(json.dumps(result))
