"""Board reports of the demo partnership, downloaded through the app as QA: the Word document reads back with real
headings, header rows and alt text, and holds the same figures as the findings pages; the PDF (where LibreOffice is
installed) has pages and headings; nobody but partnership staff gets one."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from docx import Document
from docx.oxml.ns import qn
from flask import g

from app.audits.models import AuditRound
from app.extensions import db, limiter
from app.findings.models import FINDING_HEADINGS
from app.reports import pdf
from app.selfassessment.models import Campaign
from tests.demo_world import shared_demo
from tests.downloads import prepared_download

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def world(app):
    with shared_demo(app) as world:
        yield world


@pytest.fixture
def client(app, world):
    limiter.reset()
    with world.savepoint():
        yield app.test_client()


def _sign_in(client, world, role: str, organisation: str | None = None) -> None:
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = world.login_id(role, organisation)
        session["_fresh"] = True
    g.pop("_login_user", None)


def _round_1() -> AuditRound:
    return db.session.execute(
        sa.select(AuditRound).where(AuditRound.title.startswith("Strategy discussions"))
    ).scalar_one()


def _campaign_1() -> Campaign:
    """The demo's first campaign: closed, with the QA sub-group's findings and actions."""
    return db.session.execute(sa.select(Campaign).order_by(Campaign.id)).scalars().first()


# --- reading the page and the document ---------------------------------------------------------------------------


class _PageTables(HTMLParser):
    """Each <table>'s rows of cell text by its caption, and each summary list's key -> value."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.summary: dict[str, str] = {}
        self._caption = self._rows = self._cell = self._dt = self._dd = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""
        elif tag == "dt":
            self._dt = ""
        elif tag == "dd" and self._dt is not None:
            self._dd = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[" ".join(self._caption.split())] = self._rows
            self._rows = None
        elif tag == "dd" and self._dd is not None:
            self.summary[" ".join(self._dt.split())] = " ".join(self._dd.split())
            self._dt = self._dd = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data
        elif self._dd is not None:
            self._dd += data
        elif self._dt is not None:
            self._dt += data


def _page(client, url: str) -> _PageTables:
    response = client.get(url)
    assert response.status_code == 200
    parser = _PageTables()
    parser.feed(response.get_data(as_text=True))
    return parser


def _download(client, url: str, mimetype: str) -> bytes:
    """The report as a person gets it: the button posts, the job's page links to the file, read to the last byte."""
    response = prepared_download(client, url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == mimetype
    assert "attachment" in response.headers["Content-Disposition"]
    body = b"".join(response.response)  # read to the last byte
    response.close()
    return body


def _document_tables(document) -> dict[str, list[list[str]]]:
    """Each table's rows of cell text by the caption paragraph written just before it."""
    tables, caption = {}, None
    by_element = {t._tbl: t for t in document.tables}
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            style = child.find(qn("w:pPr"))
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if style is not None and style.find(qn("w:pStyle")) is not None:
                if style.find(qn("w:pStyle")).get(qn("w:val")) == "Caption":
                    caption = text
        elif child.tag == qn("w:tbl") and caption is not None:
            tables.setdefault(caption, [[c.text for c in row.cells] for row in by_element[child].rows])
            caption = None
    return tables


def _headings(document) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for paragraph in document.paragraphs:
        match = re.fullmatch(r"Heading (\d)", paragraph.style.name)
        if match:
            found.setdefault(int(match.group(1)), []).append(paragraph.text)
    return found


def _assert_accessible(document) -> None:
    assert document.tables
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
    assert document.inline_shapes, "the charts are pictures"
    for shape in document.inline_shapes:
        assert shape._inline.docPr.get("descr", "").startswith("Chart: ")


# --- Word ----------------------------------------------------------------------------------------------------------


def test_round_report_holds_the_page_figures_with_headings_header_rows_and_alt_text(client, world):
    _sign_in(client, world, "qa")
    audit_round = _round_1()
    page = _page(client, f"/findings/rounds/{audit_round.id}")
    body = _download(client, f"/reports/rounds/{audit_round.id}/board-report.docx", DOCX)
    document = Document(io.BytesIO(body))

    headings = _headings(document)
    for title in ("Summary figures", "Agreed findings", "By theme", "By agency", "Action plan"):
        assert title in headings[1]
    assert "What changed since the previous round" in headings[1]
    assert set(FINDING_HEADINGS.values()) <= set(headings[2])
    _assert_accessible(document)

    tables = _document_tables(document)
    summary = dict(tables["Summary figures"][1:])
    for key in ("Cases audited", "Agencies", "Responses submitted", "Criteria meeting the standard"):
        assert summary[key] == page.summary[key], key
    for title in (
        "Criteria meeting the standard, by theme",
        "Criteria meeting the standard, by agency",
        "Agreed overall grade of each case",
    ):
        assert tables[f"Data: {title}"] == page.tables[title], title
    assert "How far the agencies agreed" in headings[1]
    agreement = dict(tables["How far the agencies agreed"][1:])
    assert agreement["Agreement between agencies"] == page.summary["Agreement between agencies"]
    assert agreement["Krippendorff’s alpha"] == page.summary["Krippendorff’s alpha"]
    per_question = tables["Agreement between agencies per question"]
    # The page tells a screen reader why an alpha is missing ("–: Cannot be…"); the document says "– (cannot be…)".
    page_rows = [
        [re.sub(r"^–: (.)(.*)$", lambda m: f"– ({m.group(1).lower()}{m.group(2)})", cell) for cell in row]
        for row in page.tables["Agreement between agencies per question"]
    ]
    assert per_question == page_rows
    # The suppressed breakdowns, cell for cell as the page shows them.
    area = tables["Cases audited by area and agreed grade"]
    assert area == page.tables["Cases audited by area and agreed grade"]
    assert any("fewer than" in cell.lower() for row in area for cell in row)

    text = "\n".join(p.text for p in document.paragraphs)
    assert "There is no earlier round of this audit tool to compare." in text
    assert "Riverside Safeguarding Children Partnership" in text


def test_campaign_report_holds_the_page_figures(client, world):
    _sign_in(client, world, "admin")
    campaign = _campaign_1()
    page = _page(client, f"/findings/campaigns/{campaign.id}")
    document = Document(io.BytesIO(_download(client, f"/reports/campaigns/{campaign.id}/board-report.docx", DOCX)))
    _assert_accessible(document)
    tables = _document_tables(document)
    summary = dict(tables["Summary figures"][1:])
    assert summary["Organisations invited"] == page.summary["Organisations invited"]
    assert summary["Returns received"] == page.summary["Returns received"]
    for title in ("Criteria agreed Green, by theme", "Criteria rated Green by organisation type", "Returns by state"):
        assert tables[f"Data: {title}"] == page.tables[title], title
    headings = _headings(document)
    assert {"By organisation type", "Action plan", "What changed since the previous campaign"} <= set(headings[1])
    actions = tables["Actions and their status"]
    assert actions[0] == ["Action", "Finding", "Responsible", "Due", "Status"] and len(actions) > 1


def test_later_campaign_compares_with_the_one_before(client, world):
    _sign_in(client, world, "qa")
    campaign = db.session.execute(sa.select(Campaign).order_by(Campaign.id.desc())).scalars().first()
    earlier = campaign.previous_campaign
    assert earlier is not None
    document = Document(io.BytesIO(_download(client, f"/reports/campaigns/{campaign.id}/board-report.docx", DOCX)))
    comparison = _document_tables(document)[f"{campaign.title} against {earlier.title}"]
    assert comparison[0] == ["Figure", earlier.title, campaign.title, "Change"]
    assert comparison[1][0] == "Returns received"


def test_year_report_has_the_annual_headings_and_every_round_and_campaign_of_the_year(client, world):
    _sign_in(client, world, "qa")
    audit_round = _round_1()
    year = audit_round.period_end.year
    page = client.get(f"/reports/year?year={year}")
    assert page.status_code == 200
    assert audit_round.title in page.get_data(as_text=True)
    document = Document(io.BytesIO(_download(client, f"/reports/years/{year}/board-report.docx", DOCX)))
    headings = _headings(document)
    assert ["Summary", "Impact", "Evidence", "Assurance", "Learning"] == headings[1][:5]
    assert {"Each round and campaign", "Action plan", "What changed since last year"} <= set(headings[1])
    assert audit_round.title in headings[2]
    _assert_accessible(document)
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"({audit_round.title})" in text  # its agreed findings, under the year's headings


def test_a_year_with_nothing_in_it_says_so(client, world):
    _sign_in(client, world, "qa")
    document = Document(io.BytesIO(_download(client, "/reports/years/1995/board-report.docx", DOCX)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "No case audit round or self-assessment campaign falls in 1995." in text


# --- who may have one ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "organisation"),
    [("org_lead", "oakfield-school"), ("org_lead", "riverside-police"), ("auditor", "riverside-police")],
)
def test_organisation_users_get_no_report(client, world, role, organisation):
    audit_round, campaign = _round_1(), _campaign_1()
    _sign_in(client, world, role, organisation)
    for url in (
        f"/reports/rounds/{audit_round.id}/board-report.docx",
        f"/reports/rounds/{audit_round.id}/board-report.pdf",
        f"/reports/campaigns/{campaign.id}/board-report.docx",
        f"/reports/years/{audit_round.period_end.year}/board-report.docx",
        "/reports/year",
    ):
        assert client.get(url).status_code in (403, 404), url
        if url.endswith((".docx", ".pdf")):
            assert client.post(url).status_code in (403, 404), url
    # The findings page they may read offers no board report.
    if role == "auditor":
        body = client.get(f"/findings/rounds/{audit_round.id}").get_data(as_text=True)
        assert "board-report" not in body


def test_missing_round_and_campaign_are_not_found(client, world):
    _sign_in(client, world, "qa")
    assert client.get("/reports/rounds/999999/board-report.docx").status_code == 404
    assert client.get("/reports/campaigns/999999/board-report.docx").status_code == 404
    assert client.get("/reports/years/0/board-report.docx").status_code == 404


def test_findings_pages_offer_the_report_to_staff(client, world):
    _sign_in(client, world, "qa")
    audit_round = _round_1()
    body = client.get(f"/findings/rounds/{audit_round.id}").get_data(as_text=True)
    assert f"/reports/rounds/{audit_round.id}/board-report.docx" in body
    assert "/reports/year" in client.get("/findings/").get_data(as_text=True)


# --- PDF -----------------------------------------------------------------------------------------------------------


def test_without_libreoffice_the_pdf_says_so_and_word_still_works(client, world, monkeypatch):
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    _sign_in(client, world, "qa")
    audit_round = _round_1()
    response = client.get(f"/reports/rounds/{audit_round.id}/board-report.pdf")
    assert response.status_code == 503
    assert "LibreOffice is not installed" in response.get_data(as_text=True)
    page = client.get(f"/findings/rounds/{audit_round.id}").get_data(as_text=True)
    assert "A PDF cannot be made on this server because LibreOffice is not installed" in page
    assert f"/reports/rounds/{audit_round.id}/board-report.pdf" not in page
    _download(client, f"/reports/rounds/{audit_round.id}/board-report.docx", DOCX)


def _pdf_text(body: bytes, tmp_path) -> str:
    if shutil.which("pdftotext"):
        path = tmp_path / "report.pdf"
        path.write_bytes(body)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.mark.skipif(not pdf.available(), reason="LibreOffice (soffice) is not installed: no PDF to check")
def test_round_report_as_pdf_has_pages_and_headings(client, world, tmp_path):
    from pypdf import PdfReader

    _sign_in(client, world, "qa")
    audit_round = _round_1()
    body = _download(client, f"/reports/rounds/{audit_round.id}/board-report.pdf", "application/pdf")
    assert body.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(body)).pages) > 1
    text = " ".join(_pdf_text(body, tmp_path).split())
    for heading in ("Summary figures", "Agreed findings", "Areas for improvement", "By theme", "Action plan"):
        assert heading in text, heading
    assert audit_round.title in text
