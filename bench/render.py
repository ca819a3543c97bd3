"""How long heavy pages take to render in process, one request at a time, with and without the template caches.

    python -m bench.render --database-url sqlite:///…/bench.sqlite3 [--runs 30]

The database is one `python -m bench` has filled (any scale). Each page is fetched by the Flask test client
under each variant in turn, round after round, so the machine's drift falls on every variant alike, and timed in
CPU time of the requesting thread (the database is SQLite in the same thread, or PostgreSQL's wait is left out),
so that other work on the machine does not count; the median and the least of each page and variant are printed
as a JSON line, and a variant whose page differs by a byte from the first variant's is reported as an error.
Variants: `as_served` (the app's configuration), `no_fragment_cache` (`fragment(...)` draws every time),
`fragments_for_charts_only` (the campaign page's triangulation table drawn every time) and `jinja_own_globals`
(templates' globals as Jinja makes them, instead of app.templating.AppEnvironment's).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import statistics
import sys
import time

from jinja2 import Environment
from markupsafe import escape


def drawn_every_time(_key, render, *args):
    return escape(render(*args))


def variants(database_url: str) -> dict:
    """Variant name: an app of its own (each app has its own Jinja environment and caches)."""
    from app import create_app

    def make(change=None):
        app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url, FINDINGS_RATE_LIMIT="1000000 per minute")
        if change is not None:
            change(app.jinja_env)
        return app

    def no_fragment_cache(env):
        env.globals["fragment"] = drawn_every_time

    def charts_only(env):
        kept = env.globals["fragment"]
        env.globals["fragment"] = lambda key, render, *args: (
            drawn_every_time(key, render, *args) if key[0] == "triangulation" else kept(key, render, *args)
        )

    def jinja_globals(env):
        env.make_globals = functools.partial(Environment.make_globals, env)

    return {
        "as_served": make(),
        "no_fragment_cache": make(no_fragment_cache),
        "fragments_for_charts_only": make(charts_only),
        "jinja_own_globals": make(jinja_globals),
    }


def same_page(body: bytes) -> bytes:
    """The page without what differs on every request (the CSP nonce, the CSRF token)."""
    return re.sub(rb'(nonce|value)="[A-Za-z0-9_.\-+/=]{20,}"', rb'\1="-"', body)


def pages(app, generated) -> dict[str, tuple[str, str]]:
    """Page name: (signed-in user's email, path)."""
    client = signed_in(app, generated.open_assignment_auditors[0][1])
    assignment = generated.open_assignment_auditors[0][0]
    task = client.get(f"/audits/tasks/{assignment}").get_data(as_text=True)
    section = re.findall(rf'href="(/audits/tasks/{assignment}/sections/[\w-]+)"', task)[0]
    return {
        "campaign_findings_page": (generated.qa_email, f"/findings/campaigns/{generated.largest_campaign_id}"),
        "round_findings_page": (generated.qa_email, f"/findings/rounds/{generated.typical_round_id}"),
        "scoring_page": (generated.open_assignment_auditors[0][1], section),
    }


def signed_in(app, email: str):
    import sqlalchemy as sa

    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        user = db.session.execute(sa.select(User).filter_by(email=email)).scalar_one()
        user_id = user.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database `python -m bench` has filled")
    parser.add_argument("--runs", type=int, default=30, help="rounds of every page under every variant")
    args = parser.parse_args(argv)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)

    from bench.generate import describe

    found = variants(args.database_url)
    first_app = next(iter(found.values()))
    with first_app.app_context():
        generated = describe()
    clients = {}
    for page, (email, path) in pages(first_app, generated).items():
        timings = {name: [] for name in found}
        bodies = {}
        for run in range(args.runs + 1):
            for name, app in found.items():
                client = clients.get((name, email)) or clients.setdefault((name, email), signed_in(app, email))
                started = time.thread_time()
                response = client.get(path)
                elapsed = time.thread_time() - started
                if response.status_code != 200:
                    raise SystemExit(f"{page} under {name}: HTTP {response.status_code}")
                if run == 0:  # each variant's first request fills its caches: not measured
                    bodies[name] = same_page(response.get_data())
                else:
                    timings[name].append(elapsed)
        first = next(iter(bodies.values()))
        for name, times in timings.items():
            line = {
                "page": page,
                "variant": name,
                "median_ms": round(statistics.median(times) * 1000, 2),
                "min_ms": round(min(times) * 1000, 2),
                "n": len(times),
                "bytes": len(bodies[name]),
            }
            if bodies[name] != first:
                line["error"] = "page differs from the first variant's"
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
