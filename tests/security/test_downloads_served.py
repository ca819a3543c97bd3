"""Every download link in the product, read to its last byte from the app as gunicorn serves it.

A streamed body can fail after its headers have gone out: the findings CSVs once sent their header row and then
dropped the connection (their generator read ORM objects whose session had ended), and Flask's test client never
noticed. Here one gunicorn server per module serves the demo partnership; demo accounts sign in over HTTP with a
cookie jar, every page they can reach is crawled for download links (links marked `download`, files by extension,
evidence files), and each link is read whole: the length matches Content-Length, workbooks open in openpyxl, CSVs
parse and hold every row the database has, and an uploaded evidence file comes back byte for byte.
"""

from __future__ import annotations

import csv
import http.client
import http.cookiejar
import io
import re
import secrets
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from load.client import forms_in
from tests.e2e.live import DEMO_PASSWORD, GunicornServer, demo_database

pytestmark = pytest.mark.slow

ACCOUNTS = (
    "admin@riverside.example",
    "qa@riverside.example",
    "auditor.police@riverside.example",
    "lead@oakfield-school.riverside.example",
    "head@oakfield-school.riverside.example",
    "lead@youth-trust.riverside.example",
)
LEADS = (
    "lead@oakfield-school.riverside.example",
    "lead@youth-trust.riverside.example",
    "lead@brookside-primary.riverside.example",
    "lead@northgate-college.riverside.example",
    "lead@riverside-homes.riverside.example",
    "lead@st-columbas.riverside.example",
)
FILE_EXTENSIONS = (".csv", ".xlsx", ".pdf", ".docx", ".png", ".jpg", ".json", ".txt", ".sig", ".asc", ".pem", ".zip")
MAX_PAGES = 250
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + secrets.token_hex(2000).encode() + b"\ntrailer<<>>\n%%EOF\n"


@dataclass
class Body:
    status: int
    headers: http.client.HTTPMessage
    data: bytes
    url: str

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


class Browser:
    """One signed-in person: a cookie jar, and bodies read to the end (a dropped connection raises)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None) -> Body:
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return Body(response.status, response.headers, response.read(), response.geturl())

    def get(self, path: str) -> Body:
        return self.open(path)

    def post(self, path: str, fields: list[tuple[str, str]]) -> Body:
        return self.open(path, urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path: str, fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> Body:
        boundary = "----download-test-" + secrets.token_hex(8)
        parts = []
        for name, value in fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: application/pdf\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.open(path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def sign_in(self, email: str) -> "Browser":
        token = forms_in(self.get("/sign-in").text)[0].value("csrf_token") or ""
        page = self.post("/sign-in", [("csrf_token", token), ("email", email), ("password", DEMO_PASSWORD)])
        assert page.status == 200 and "/sign-in" not in page.url, f"sign-in as {email} failed"
        return self


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    directory = tmp_path_factory.mktemp("downloads")
    with demo_database("test_downloads_served", directory) as url:
        server = GunicornServer(
            url, directory / "gunicorn.log", threads=4, env={"UPLOAD_FOLDER": str(directory / "uploads")}
        ).start()
        try:
            yield server, url
        finally:
            server.stop()


@pytest.fixture(scope="module")
def database(served):
    engine = sa.create_engine(served[1])
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def evidence_link(served):
    """An evidence file uploaded by an organisation lead through the self-assessment page, and where it is."""
    server, _ = served
    for email in LEADS:
        browser = Browser(server.base_url).sign_in(email)
        for ret in dict.fromkeys(
            re.findall(r'href="(/self-assessment/returns/\d+)"', browser.get("/self-assessment/my-returns").text)
        ):
            for section in dict.fromkeys(re.findall(rf'href="({ret}/sections/[\w-]+)"', browser.get(ret).text)):
                html = browser.get(section).text
                inputs = re.findall(
                    r'<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"'
                    r'[^>]*type="file"',
                    html,
                )
                forms = forms_in(html)
                if not (inputs and forms):
                    continue
                form = forms[0]
                fields = list(form.fields)
                fields += [(name, form.checked.get(name) or options[0]) for name, options in form.radios.items()]
                fields += [
                    (name, value or ("Evidence described here." if name.endswith("__evidence") else ""))
                    for name, value in form.texts.items()
                ]
                fields.append(("command", "later"))
                field = next(a or b for a, b in inputs)
                browser.post_multipart(section, fields, [(field, "served-evidence.pdf", EVIDENCE)])
                page = browser.get(section).text
                found = re.findall(r'href="(/self-assessment/evidence/\d+)"[^>]*>\s*served-evidence\.pdf', page)
                if found:
                    return email, found[0]
    pytest.fail("could not upload an evidence file through any organisation lead's return")


def _links(html: str) -> tuple[set[str], set[str]]:
    """(pages to follow, download links) among the page's same-site links."""
    pages, downloads = set(), set()
    for tag in re.findall(r"<a\s[^>]*>", html):
        match = re.search(r'href="([^"]+)"', tag)
        if not match:
            continue
        href = match.group(1).replace("&amp;", "&")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
            continue
        if (
            re.search(r"\sdownload(\s|=|>|$)", tag)
            or parts.path.lower().endswith(FILE_EXTENSIONS)
            or "/evidence/" in parts.path
        ):
            downloads.add(parts.path + (f"?{parts.query}" if parts.query else ""))
        else:
            pages.add(parts.path)
    # Files prepared as background jobs: a button posting to the file's address (read by _read_whole).
    for action in re.findall(r'<form\s[^>]*method="post"[^>]*action="([^"]+)"', html):
        parts = urlsplit(action.replace("&amp;", "&"))
        if not parts.netloc and parts.path.lower().endswith(FILE_EXTENSIONS):
            downloads.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages, downloads


def _crawl(browser: Browser) -> set[str]:
    """Download links on every page the signed-in person can reach from the start page (bounded)."""
    seen, queue, downloads = set(), deque(["/", "/statements/"]), set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path in ("/sign-out", "/healthz"):
            continue
        seen.add(path)
        page = browser.get(path)
        if page.status != 200 or "text/html" not in page.headers.get("Content-Type", ""):
            continue
        pages, found = _links(page.text)
        downloads |= found
        queue.extend(sorted(pages - seen))
    return downloads


@pytest.fixture(scope="module")
def download_links(served, evidence_link) -> dict[str, set[str]]:
    server, _ = served
    links = {
        email: _crawl(Browser(server.base_url).sign_in(email))
        for email in dict.fromkeys(ACCOUNTS + (evidence_link[0],))
    }
    links["anonymous"] = _crawl(Browser(server.base_url))
    return links


JOB_FILE = re.compile(r'href="(/downloads/\d+/file)"')
PREPARED_WITHIN_SECONDS = 180


def _prepared(browser: Browser, path: str, offer: Body) -> Body:
    """A file prepared as a background job: press the offer page's button, wait on the job's page until it links
    to the file, and read that."""
    token = forms_in(offer.text)[0].value("csrf_token") or ""
    page = browser.post(path, [("csrf_token", token)])
    assert page.status == 200 and re.search(r"/downloads/\d+$", page.url), f"{path}: no job page ({page.url})"
    deadline = time.monotonic() + PREPARED_WITHIN_SECONDS
    while not JOB_FILE.search(page.text):
        assert "could not be prepared" not in page.text, f"{path}: the job failed"
        assert time.monotonic() < deadline, f"{path}: not prepared within {PREPARED_WITHIN_SECONDS} s"
        time.sleep(1)
        page = browser.get(urlsplit(page.url).path)
    return browser.get(JOB_FILE.search(page.text).group(1))


def _read_whole(browser: Browser, path: str) -> Body:
    body = browser.get(path)  # http.client raises IncompleteRead if the connection drops early
    if body.status == 200 and "text/html" in body.headers.get("Content-Type", ""):
        body = _prepared(browser, path, body)
    assert body.status == 200, f"{path}: HTTP {body.status}"
    assert "attachment" in body.headers.get("Content-Disposition", ""), path
    length = body.headers.get("Content-Length")
    if length is not None:
        assert int(length) == len(body.data), f"{path}: {len(body.data)} of {length} bytes"
    else:
        assert body.headers.get("Transfer-Encoding", "").lower() == "chunked", f"{path}: no length, not chunked"
    return body


def _check_format(path: str, body: Body) -> None:
    name = urlsplit(path).path.lower()
    if name.endswith(".xlsx"):
        workbook = load_workbook(io.BytesIO(body.data), read_only=True)
        assert workbook.sheetnames, path
        workbook.close()
    elif name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(body.data.decode("utf-8"))))
        assert rows and all(len(row) == len(rows[0]) for row in rows), f"{path}: ragged or empty CSV"
    elif name.endswith(".docx"):
        assert Document(io.BytesIO(body.data)).paragraphs, path
    elif name.endswith(".pdf") and name.startswith("/reports/"):
        assert body.data.startswith(b"%PDF-"), path


def test_the_crawl_finds_every_kind_of_download(download_links, evidence_link):
    everything = set().union(*download_links.values())
    expected = [
        r"^/findings/rounds/\d+/responses\.csv$",
        r"^/findings/rounds/\d+/findings\.xlsx$",
        r"^/findings/campaigns/\d+/responses\.csv$",
        r"^/findings/campaigns/\d+/findings\.xlsx$",
        r"^/self-assessment/evidence/\d+$",
        r"^/admin/instruments/versions/\d+/blank\.xlsx$",
        r"^/admin/import/\w+-template\.csv$",
        r"^/reports/rounds/\d+/board-report\.docx$",
        r"^/reports/campaigns/\d+/board-report\.docx$",
    ]
    for pattern in expected:
        assert any(re.match(pattern, link) for link in everything), f"no download link like {pattern}"
    assert evidence_link[1] in download_links[evidence_link[0]]


@pytest.mark.parametrize("account", ACCOUNTS + ("evidence uploader", "anonymous"))
def test_every_download_link_is_served_whole(served, download_links, evidence_link, account):
    server, _ = served
    browser = Browser(server.base_url)
    if account == "evidence uploader":
        account = evidence_link[0]
    if account != "anonymous":
        browser.sign_in(account)
    for path in sorted(download_links[account]):
        if path.startswith("/reports/") and (account != "qa@riverside.example" or path.endswith(".pdf")):
            continue  # each board report is the same for all staff: QA's Word documents are read (PDF: tests/reports)
        _check_format(path, _read_whole(browser, path))


def _submitted_responses(database, round_id: int, organisation_id: int | None = None) -> int:
    sql = (
        "SELECT count(*) FROM case_response r JOIN assignment a ON r.assignment_id = a.id "
        "JOIN audit_case c ON a.case_id = c.id WHERE c.round_id = :round AND r.state = 'submitted'"
    )
    params = {"round": round_id}
    if organisation_id is not None:
        sql += " AND a.organisation_id = :org"
        params["org"] = organisation_id
    with database.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def _counted_returns(database, campaign_id: int, organisation_id: int | None = None) -> int:
    sql = "SELECT count(*) FROM sa_return WHERE campaign_id = :campaign AND state IN ('submitted', 'accepted')"
    params = {"campaign": campaign_id}
    if organisation_id is not None:
        sql += " AND organisation_id = :org"
        params["org"] = organisation_id
    with database.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def _organisation_of(database, email: str) -> int | None:
    with database.connect() as conn:
        return conn.execute(
            sa.text("SELECT organisation_id FROM user_account WHERE email = :e"), {"e": email}
        ).scalar_one()


@pytest.mark.parametrize(
    "account", ["qa@riverside.example", "auditor.police@riverside.example", "lead@oakfield-school.riverside.example"]
)
def test_findings_downloads_hold_every_row_the_database_has(served, database, download_links, account):
    server, _ = served
    browser = Browser(server.base_url).sign_in(account)
    organisation_id = None if account == "qa@riverside.example" else _organisation_of(database, account)
    checked = 0
    for path in sorted(download_links[account]):
        match = re.match(r"^/findings/(rounds|campaigns)/(\d+)/(responses\.csv|findings\.xlsx)$", path)
        if not match:
            continue
        kind, ident, name = match.group(1), int(match.group(2)), match.group(3)
        expected = (
            _submitted_responses(database, ident, organisation_id)
            if kind == "rounds"
            else _counted_returns(database, ident, organisation_id)
        )
        body = _read_whole(browser, path)
        if name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(body.data.decode("utf-8"))))
        else:
            workbook = load_workbook(io.BytesIO(body.data), read_only=True)
            rows = list(workbook["Responses"].iter_rows(values_only=True))
            workbook.close()
        assert len(rows) - 1 == expected, f"{account} {path}: {len(rows) - 1} rows, the database has {expected}"
        checked += 1
    assert checked >= 2, f"{account} saw no findings downloads"


def test_an_uploaded_evidence_file_comes_back_byte_for_byte(served, evidence_link):
    server, _ = served
    email, path = evidence_link
    body = _read_whole(Browser(server.base_url).sign_in(email), path)
    assert body.data == EVIDENCE
    assert body.headers.get("Content-Type", "").startswith("application/pdf")
