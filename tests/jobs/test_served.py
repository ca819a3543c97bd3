"""The download flow as `make run` serves it: gunicorn with no Redis, so the job runs in a thread of the server
after the request that asked for it; the page refreshes until the link appears, and the file is the whole
workbook."""

from __future__ import annotations

import io
import re
import time
import urllib.request

import pytest
from openpyxl import load_workbook

from load.client import Client, forms_in
from tests.e2e.live import DEMO_PASSWORD, GunicornServer, demo_database

pytestmark = pytest.mark.slow


def test_the_export_is_prepared_in_a_thread_of_the_server(tmp_path):
    with demo_database("test_jobs_served", tmp_path) as url:
        server = GunicornServer(url, tmp_path / "gunicorn.log").start()
        try:
            client = Client(server.base_url)
            client.sign_in("qa@riverside.example", DEMO_PASSWORD)
            page = client.get("/findings/campaigns/1")
            [form] = [f for f in forms_in(page.body) if f.action.endswith("/findings.xlsx")]
            started = client.post(client.path_of(form.action), dict(form.fields))
            assert started.status == 302, started.body
            status_path = client.path_of(started.location)
            assert re.fullmatch(r"/downloads/\d+", status_path)
            deadline = time.monotonic() + 120
            while True:
                status = client.get(status_path)
                assert status.status == 200
                if "Your download is ready" in status.body:
                    break
                assert '<meta http-equiv="refresh"' in status.body
                assert time.monotonic() < deadline, server.log_tail()
                time.sleep(0.5)
            link = re.search(r'href="(/downloads/\d+/file)"', status.body).group(1)
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            request = urllib.request.Request(server.base_url + link, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=60) as response:
                data = response.read()  # to the last byte
                assert response.status == 200
                assert int(response.headers["Content-Length"]) == len(data)
            assert "Summary" in load_workbook(io.BytesIO(data)).sheetnames
        finally:
            server.stop()
