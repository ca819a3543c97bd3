"""Journey 4: QA opens a round's findings, reads a chart's data table, and downloads the Excel file and the board
report, each prepared in the background: the button leads to "Your download is being prepared", which refreshes
itself until the link to the file appears."""

from __future__ import annotations

import re

from docx import Document
from openpyxl import load_workbook

from tests.e2e.downloads import prepared_download


def test_qa_reads_round_findings_chart_data_and_downloads_excel(visitor, tmp_path):
    visitor.sign_in("qa@riverside.example")
    visitor.goto("/findings/")
    round_links = visitor.page.locator("a[href^='/findings/rounds/']")
    assert round_links.count(), "the findings page lists the audit rounds"
    visitor.click(round_links.first)
    assert re.search(r"/findings/rounds/\d+$", visitor.path())

    details = visitor.page.locator("details.govuk-details").filter(has_text="Show the data in this chart").first
    table = details.locator("table")
    assert not table.is_visible(), "the data table starts folded away"
    details.locator("summary").click()
    assert table.is_visible(), "the summary opens the chart's data table"
    assert table.locator("tbody tr").count() > 0
    if visitor.javascript:
        visitor.a11y.checked.discard(re.sub(r"/\d+", "/{id}", visitor.page.url))
        visitor.arrived()  # the page again with the table open

    findings_page = visitor.path()
    path = prepared_download(visitor, "Download findings (Excel)", tmp_path)
    assert path.suffix == ".xlsx"
    workbook = load_workbook(path, read_only=True)
    assert len(workbook.sheetnames) >= 2
    assert sum(1 for sheet in workbook.worksheets for _ in sheet.iter_rows()) > 10

    visitor.goto(findings_page)
    path = prepared_download(visitor, "Prepare board report (Word)", tmp_path)
    assert path.name.endswith("-board-report.docx")
    headings = [p.text for p in Document(path).paragraphs if p.style.name.startswith("Heading")]
    assert {"Summary figures", "How far the agencies agreed", "Agreed findings"} <= set(headings), headings
