"""Page metrics: the app served by gunicorn as production serves it, fifty clients loading pages and saving drafts
back to back and with pauses between pages, each against a bare `SELECT 1` route in the same server (`python -m
bench`; its docstring says what is measured)."""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
from pathlib import Path

from bench.measure import emit

ROOT = Path(__file__).resolve().parents[1]


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
