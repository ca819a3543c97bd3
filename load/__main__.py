"""Bounded load test: concurrent auditors saving case-audit drafts, then submitting.

    python -m load --users 50 --requests 2000 --time-cap 120 --base-url http://127.0.0.1:5000

Loopback only. Every virtual user signs in as one of the demo auditors, opens a section of one of that
auditor's open assignments, and saves it again and again ("Save and come back later") with the lock version the
page gave it, so many saves race on the same response. Afterwards every open assignment is completed and
submitted. The run passes when there were no 5xx answers and no lost updates:
  * every accepted save was based on a different lock version of its response (two accepted saves of the same
    version would mean one silently overwrote the other),
  * the text now saved in each section is the text of the last accepted save to it, and
  * every refused save was told so with the conflict message.
Prints one JSON summary and exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from load.client import Client, Form, forms_in, links, percentile

DEMO_AUDITORS = (
    "auditor.police@riverside.example",
    "auditor.health@riverside.example",
    "auditor.council@riverside.example",
)
CONFLICT_TEXT = "Your changes have not been saved"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Save:
    assignment: int
    section: str
    base_version: int
    marker: str
    outcome: str  # accepted | conflict | invalid | error
    status: int
    seconds: float


@dataclass
class Results:
    saves: list[Save] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, response) -> None:
        with self.lock:
            self.latencies.append(response.seconds)
            self.statuses[response.status] += 1


def fill(form: Form, marker: str, action: str) -> list[tuple[str, str]]:
    """What a careful auditor sends: every question answered (best option), every text box holding `marker`."""
    data = list(form.fields)
    for name, options in form.radios.items():
        data.append((name, form.checked.get(name) or options[0]))
    for name, options in form.checkboxes.items():
        chosen = [value for value, checked in options if checked] or [options[0][0]]
        data.extend((name, value) for value in chosen)
    for name in form.texts:
        if name.endswith("-day"):
            data.append((name, "5"))
        elif name.endswith("-month"):
            data.append((name, "11"))
        elif name.endswith("-year"):
            data.append((name, "2025"))
        else:
            data.append((name, marker))
    data.append(("action", action))
    return data


def text_values(form: Form) -> set[str]:
    return {v for k, v in form.texts.items() if not re.search(r"-(day|month|year)$", k)}


def discover(base_url: str, password: str) -> dict[str, list[tuple[int, list[str]]]]:
    """Each auditor's editable assignments and their section paths, found through the pages themselves."""
    found = {}
    for email in DEMO_AUDITORS:
        client = Client(base_url)
        client.sign_in(email, password)
        tasks = client.get("/audits/tasks")
        assignments = []
        for href in links(tasks.body, r"/audits/tasks/\d+"):
            assignment = int(href.rsplit("/", 1)[1])
            page = client.get(href)
            sections = links(page.body, rf"/audits/tasks/{assignment}/sections/[\w-]+")
            if sections and "submitted" not in client.get(sections[0]).location:
                assignments.append((assignment, sections))
        client.close()
        if assignments:
            found[email] = assignments
    return found


def worker(index: int, args, plan, budget, deadline, results: Results) -> None:
    rng = random.Random(index)
    email = list(plan)[index % len(plan)]
    client = Client(args.base_url)
    try:
        client.sign_in(email, args.password)
    except Exception as exc:  # noqa: BLE001 - reported, the run fails
        results.errors.append(f"user {index}: {exc}")
        return
    count = 0
    while time.monotonic() < deadline and budget.take():
        assignment, sections = rng.choice(plan[email])
        path = rng.choice(sections)
        page = client.get(path)
        results.note(page)
        if page.status >= 500:
            results.errors.append(f"GET {path}: HTTP {page.status}")
            continue
        if page.status != 200:
            continue  # already submitted by the final phase of another run
        form = forms_in(page.body)[0]
        count += 1
        marker = f"load-u{index}-n{count}"
        base = int(form.value("lock_version") or 0)
        if not budget.take():
            break
        response = client.post(path, fill(form, marker, "later"))
        results.note(response)
        if response.status == 302:
            outcome = "accepted"
        elif response.status == 200 and CONFLICT_TEXT in response.body:
            outcome = "conflict"
        elif response.status >= 500:
            outcome = "error"
            results.errors.append(f"POST {path}: HTTP {response.status}")
        else:
            outcome = "invalid"
        with results.lock:
            results.saves.append(
                Save(assignment, path.rsplit("/", 1)[1], base, marker, outcome, response.status, response.seconds)
            )
    client.close()


class Budget:
    def __init__(self, total: int):
        self.left = total
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def verify(args, plan, results: Results) -> list[str]:
    problems = []
    accepted = defaultdict(list)
    for save in results.saves:
        if save.outcome == "accepted":
            accepted[save.assignment].append(save)
    for assignment, saves in accepted.items():
        versions = [s.base_version for s in saves]
        duplicates = sorted({v for v in versions if versions.count(v) > 1})
        if duplicates:
            problems.append(
                f"assignment {assignment}: lost update, several saves accepted from lock version(s) {duplicates}"
            )
    for email, assignments in plan.items():
        client = Client(args.base_url)
        client.sign_in(email, args.password)
        for assignment, sections in assignments:
            for path in sections:
                section = path.rsplit("/", 1)[1]
                mine = [s for s in accepted[assignment] if s.section == section]
                if not mine:
                    continue
                last = max(mine, key=lambda s: s.base_version)
                page = client.get(path)
                saved = (text_values(forms_in(page.body)[0]) if page.status == 200 else set()) - {""}
                if saved and saved != {last.marker}:
                    problems.append(f"{path}: shows {sorted(saved)}, but the last accepted save was {last.marker}")
        client.close()
    return problems


def submit_all(args, plan, results: Results) -> tuple[int, list[str]]:
    """Complete and submit every assignment the run touched, as its auditor would."""
    submitted, problems = 0, []
    for email, assignments in plan.items():
        client = Client(args.base_url)
        client.sign_in(email, args.password)
        for assignment, sections in assignments:
            for path in sections:
                page = client.get(path)
                results.note(page)
                if page.status != 200:
                    continue
                form = forms_in(page.body)[0]
                saved = client.post(path, fill(form, f"final-{assignment}", "continue"))
                results.note(saved)
                if saved.status != 302:
                    problems.append(f"{path}: completing the section answered HTTP {saved.status}")
            check_path = f"/audits/tasks/{assignment}/check"
            page = client.get(check_path)
            results.note(page)
            forms = forms_in(page.body) if page.status == 200 else []
            if not forms:
                continue
            response = client.post(check_path, forms[-1].fields)
            results.note(response)
            if response.status == 302 and "submitted" in response.location:
                submitted += 1
            else:
                problems.append(f"{check_path}: submitting answered HTTP {response.status}")
        client.close()
    return submitted, problems


def run(args) -> dict:
    host = urlsplit(args.base_url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"Error: load runs only against this machine (loopback), not {host}")
    plan = discover(args.base_url, args.password)
    if not plan:
        raise SystemExit("Error: no auditor has an open assignment to save (load the demo data: flask demo load)")
    results = Results()
    budget = Budget(args.requests)
    started = time.monotonic()
    deadline = started + args.time_cap
    threads = [
        threading.Thread(target=worker, args=(i, args, plan, budget, deadline, results), daemon=True)
        for i in range(args.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 120))
    elapsed = time.monotonic() - started
    problems = verify(args, plan, results)
    submitted, submit_problems = (0, []) if args.no_submit else submit_all(args, plan, results)
    problems += submit_problems
    server_errors = sum(n for status, n in results.statuses.items() if status >= 500)
    outcomes = defaultdict(int)
    for save in results.saves:
        outcomes[save.outcome] += 1
    if server_errors:
        problems.append(f"{server_errors} responses were 5xx")
    if outcomes.get("invalid"):
        problems.append(f"{outcomes['invalid']} saves were neither accepted nor told about a conflict")
    problems += results.errors[:20]
    return {
        "users": args.users,
        "requests": len(results.latencies),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(results.latencies) / elapsed, 1) if elapsed else None,
        "p50_ms": _ms(percentile(results.latencies, 0.50)),
        "p95_ms": _ms(percentile(results.latencies, 0.95)),
        "max_ms": _ms(max(results.latencies, default=None)),
        "saves_accepted": outcomes.get("accepted", 0),
        "saves_refused_with_conflict_message": outcomes.get("conflict", 0),
        "saves_other": outcomes.get("invalid", 0) + outcomes.get("error", 0),
        "assignments": sum(len(a) for a in plan.values()),
        "submitted": submitted,
        "status_counts": dict(sorted(results.statuses.items())),
        "server_errors": server_errors,
        "lost_updates": sum(1 for p in problems if "lost update" in p or "last accepted save" in p),
        "ok": not problems,
        "problems": problems,
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users (default 50)")
    parser.add_argument("--requests", type=int, default=2000, help="stop after this many requests (default 2000)")
    parser.add_argument("--time-cap", type=float, default=120, help="stop after this many seconds (default 120)")
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--password", default="demo-password", help="the demo accounts' password")
    parser.add_argument("--no-submit", action="store_true", help="only save drafts; leave assignments open")
    args = parser.parse_args(argv)
    summary = run(args)
    print(json.dumps(summary, indent=2))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
