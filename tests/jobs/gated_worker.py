"""`python -m tests.jobs.gated_worker GATE [--burst]`: the app's own worker (what `flask jobs worker` runs) with one
more job kind, `test_gated`, that holds its job running until the file GATE exists, so that a test can kill the
worker in the middle of a job."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app import create_app, jobs


def gated(params, out, progress):
    gate = Path(params["gate"])
    progress(50, "Waiting for the gate")
    while not gate.exists():
        time.sleep(0.1)
    out.write(b"made after the gate opened")
    return "gated.txt", "text/plain"


def main() -> None:
    app = create_app()
    jobs.register_kind("test_gated", gated)
    with app.app_context():
        from app.jobs.worker import run_worker

        run_worker(burst="--burst" in sys.argv[1:])


if __name__ == "__main__":
    main()
