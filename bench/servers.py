"""Two app servers behind nginx against one, at a small size: the same signed-in auditors load their scoring pages
back to back through the proxy, first with one gunicorn behind it, then with two (each served as gunicorn.conf.py
serves, on the same PostgreSQL database), taking turns `repeat` times. The metric is the two servers' throughput
with the one server's as its floor, so `ratio` is what the second server adds on this machine (on one machine
both servers share its cores, so this shows that nothing is lost in between, not how far more machines scale).

Needs nginx (Debian's package) and PostgreSQL: two servers on one SQLite file is not a deployment; without either
the metric is reported as skipped."""

from __future__ import annotations

import re
import secrets
import shutil
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa


def _nginx() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _start_nginx(workdir: Path, ports: list[int]):
    from tests.e2e.live import free_port
    from tests.load.test_two_servers import NGINX_CONF

    port = free_port()
    upstreams = "".join(f"        server 127.0.0.1:{p};\n" for p in ports)
    conf = NGINX_CONF.format(dir=workdir, port=port, port_a=ports[0], port_b=ports[-1])
    conf = re.sub(r"upstream app \{\{?[^}]*\}", "upstream app {\n" + upstreams + "    }", conf)
    (workdir / "nginx.conf").write_text(conf)
    process = subprocess.Popen(
        [_nginx(), "-c", str(workdir / "nginx.conf"), "-p", str(workdir)], stderr=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2):
                return process, base_url
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                raise RuntimeError("nginx did not start") from None
            time.sleep(0.2)


def _throughput(base_url: str, sessions: list[tuple[dict, str]], requests: int) -> tuple[float, int]:
    """Requests per second with every client sending back to back, and the 5xx answers."""
    from load.client import Client

    errors, lock = [0], threading.Lock()
    per_client = max(1, requests // len(sessions))

    def run(cookies, section):
        client = Client(base_url)
        client.cookies = dict(cookies)
        for _ in range(per_client):
            response = client.get(section)
            if response.status >= 500:
                with lock:
                    errors[0] += 1

    threads = [threading.Thread(target=run, args=session) for session in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_client * len(sessions) / (time.perf_counter() - started), errors[0]


def two_server_metrics(url: str, generated, users: int, requests: int, workdir: Path, emit, repeat: int = 3):
    metric = "two_servers_scoring_page_requests_per_second"
    if sa.engine.make_url(url).get_backend_name() != "postgresql":
        return emit(metric, None, "req/s", skipped="two app servers need PostgreSQL")
    if _nginx() is None:
        return emit(metric, None, "req/s", skipped="nginx is not installed")
    from bench.generate import PASSWORD
    from load.client import Client
    from tests.e2e.live import GunicornServer

    env = {"SECRET_KEY": secrets.token_urlsafe(40), "PROXY_FIX_X_FOR": "1", "PROXY_FIX_X_PROTO": "1"}
    servers = [
        GunicornServer(url, workdir / f"gunicorn-{name}.log", workers=None, threads=None, env=env) for name in "ab"
    ]
    processes = []
    try:
        for server in servers:
            server.start(timeout=300)  # a busy machine can take a minute to import the app
        setups = {}
        for count in (1, 2):
            folder = workdir / f"nginx-{count}"
            folder.mkdir(exist_ok=True)
            process, base_url = _start_nginx(folder, [s.port for s in servers[:count]])
            processes.append(process)
            setups[count] = base_url
        sessions, signed_in = [], {}
        for index in range(users):
            assignment, email = generated.open_assignment_auditors[index % len(generated.open_assignment_auditors)]
            if email not in signed_in:
                client = Client(setups[2])
                client.sign_in(email, PASSWORD)
                signed_in[email] = client.cookies
            page = Client(setups[2])
            page.cookies = dict(signed_in[email])
            found = re.findall(
                rf'href="(/audits/tasks/{assignment}/sections/[\w-]+)"', page.get(f"/audits/tasks/{assignment}").body
            )
            if not found:
                raise RuntimeError(f"no scoring section for assignment {assignment}")
            sessions.append((signed_in[email], found[0]))
        runs: dict[int, list] = {1: [], 2: []}
        _throughput(setups[2], sessions, len(sessions))  # warm both servers' workers; not measured
        for _ in range(repeat):
            for count in (1, 2):
                runs[count].append(_throughput(setups[count], sessions, requests))
        one = statistics.median(r[0] for r in runs[1])
        two = statistics.median(r[0] for r in runs[2])
        return emit(
            metric,
            two,
            "req/s",
            one,
            n=requests,
            users=len(sessions),
            server_errors=sum(r[1] for r in runs[1] + runs[2]),
            runs=[round(r[0], 1) for r in runs[2]],
            floor_runs=[round(r[0], 1) for r in runs[1]],
        )
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        for server in servers:
            server.stop()
