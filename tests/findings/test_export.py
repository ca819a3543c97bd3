"""Excel and CSV exports: sheets, headers, text never run as a formula, the same numbers as the page, the CLI."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import pytest

from openpyxl import load_workbook

from tests.findings.conftest import INJECTION
from tests.findings.test_round_findings import text_of
from tests.downloads import prepared_download

ROUND_SHEETS = ["Summary", "Themes", "Questions", "Responses", "Labels", "Agreed", "Actions"]


def workbook_of(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data))


def rows_of(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def summary_value(sheet, label):
    return next(row[1] for row in sheet.iter_rows(values_only=True) if row and row[0] == label)


def test_round_workbook_sheets_and_headers(client, login_as, small_round):
    login_as("qa")
    wb = workbook_of(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx"))
    assert wb.sheetnames == ROUND_SHEETS
    responses = wb["Responses"]
    header = rows_of(responses)[0]
    assert header[:8] == [
        "Response",
        "Case reference",
        "Agency",
        "Case area",
        "Age band",
        "Gender",
        "Ethnic group",
        "Submitted",
    ]
    assert "convened_promptly" in header and "right_agencies_involved__comment" in header
    assert responses.freeze_panes == "C2"
    assert responses.auto_filter.ref.startswith("A1:")
    assert wb["Themes"].freeze_panes == "A2"
    assert len(rows_of(responses)) == 1 + 4  # four submitted responses; the draft is left out
    labels = {(row[0], row[2]): row[3] for row in rows_of(wb["Labels"])[1:]}
    assert labels[("convened_promptly", "partly")] == "Partly"
    assert labels[("Age band", "5_9")] == "5 to 9"


def test_each_response_row_holds_only_its_own_answers(client, login_as, db, small_round):
    """A response that is not submitted (here one returned to its agency, between two submitted ones) is left out,
    and its answers land in no other row."""
    from app.audits.models import ResponseState

    returned = next(a.response for a in small_round.cases[1].assignments if a.organisation_id == small_round.police.id)
    returned.state, returned.submitted_at = ResponseState.returned, None
    returned.returned_reason = "Please add the date of the discussion."
    db.session.commit()
    login_as("qa")
    rows = rows_of(
        workbook_of(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx"))["Responses"]
    )
    header, body = rows[0], rows[1:]
    by_response = {row[0]: dict(zip(header, row)) for row in body}
    assert returned.id not in by_response and len(body) == 3
    assert [
        (r["Case reference"], r["Agency"], r["convened_promptly"], r["right_agencies_involved"])
        for r in sorted(by_response.values(), key=lambda r: r["Response"])
    ] == [
        ("CR-100001", "Riverside Test Police", "yes", "partly"),
        ("CR-100001", "Riverside Test Health", "no", "yes"),
        ("CR-100003", "Riverside Test Health", "partly", "yes"),
    ]


def test_user_text_that_looks_like_a_formula_is_written_as_text(client, login_as, small_round):
    login_as("qa")
    wb = workbook_of(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx"))
    sheet = wb["Responses"]
    header = rows_of(sheet)[0]
    column = header.index("right_agencies_involved__comment") + 1
    cells = [row[column - 1] for row in sheet.iter_rows(min_row=2)]
    injected = [c for c in cells if c.value == INJECTION]
    assert len(injected) == 1
    assert injected[0].data_type == "s"
    # nowhere in the workbook is there a formula
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_multi_choice_answers_are_written_as_codes(client, login_as, small_round):
    login_as("qa")
    wb = workbook_of(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx"))
    rows = rows_of(wb["Responses"])
    column = rows[0].index("agencies_invited")
    assert "police;gp" in [row[column] for row in rows[1:]]


def test_workbook_numbers_are_the_page_numbers(client, login_as, small_round):
    login_as("qa")
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    wb = workbook_of(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx"))
    summary = wb["Summary"]
    assert summary_value(summary, "Criteria meeting the standard") == 4
    assert summary_value(summary, "Criteria answered (excluding not applicable)") == 7
    assert summary_value(summary, "% of criteria meeting the standard") == 57.1
    assert "57.1% (4 of 7 criteria" in page
    for row in rows_of(wb["Themes"])[1:]:
        key, title, scored, met, pct = row[:5]
        if scored:
            assert f"{title} {pct:g}% ({met} of {scored})" in page
    questions = [r for r in rows_of(wb["Questions"])[1:] if r[0] == "convened_promptly"]
    assert {r[3]: r[6] for r in questions} == {"yes": 2, "partly": 1, "no": 1, "na": 0}
    assert questions[0][11] == 50.0
    agreed = rows_of(wb["Agreed"])
    assert [r[0] for r in agreed[1:]] == ["CR-100001", "CR-100002"]
    assert agreed[1][2] == "Good" and agreed[2][2] == "Inadequate"


def test_csv_of_responses(client, login_as, small_round):
    login_as("qa")
    response = client.get(f"/findings/rounds/{small_round.round.id}/responses.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][1] == "Case reference" and len(rows) == 5
    column = rows[0].index("right_agencies_involved__comment")
    assert "'" + INJECTION in [row[column] for row in rows[1:]]


def test_export_cli_writes_the_same_workbook(runner, small_round, tmp_path):
    out = tmp_path / "round.xlsx"
    result = runner.invoke(args=["export", "round", str(small_round.round.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ROUND_SHEETS
    assert summary_value(wb["Summary"], "% of criteria meeting the standard") == 57.1


def test_export_cli_explains_bad_input(runner, small_round, tmp_path):
    missing = runner.invoke(args=["export", "round", "999999", "-o", str(tmp_path / "x.xlsx")])
    assert missing.exit_code != 0 and "no audit round with id 999999" in missing.output
    assert not (tmp_path / "x.xlsx").exists()
    wrong = runner.invoke(args=["export", "round", str(small_round.round.id), "-o", str(tmp_path / "x.csv")])
    assert wrong.exit_code != 0 and "must end in .xlsx" in wrong.output
    nowhere = runner.invoke(args=["export", "campaign", "1", "-o", str(tmp_path / "no" / "x.xlsx")])
    assert nowhere.exit_code != 0 and "does not exist" in nowhere.output


def test_campaign_workbook(client, login_as, small_campaign, runner, tmp_path):
    login_as("qa")
    wb = workbook_of(prepared_download(client, f"/findings/campaigns/{small_campaign.campaign.id}/findings.xlsx"))
    assert wb.sheetnames == [
        "Summary",
        "Themes",
        "Questions",
        "Responses",
        "Labels",
        "Agreed",
        "Returns",
        "Matrix",
        "Actions",
    ]
    matrix = rows_of(wb["Matrix"])
    assert matrix[0][0] == "Organisation"
    school = next(r for r in matrix if r[0] == "Test Oakfield School")
    charity = next(r for r in matrix if r[0] == "Test Youth Charity")
    assert school[1:3] == ["Amber", "Green"] and charity[1:3] == ["Red", "Amber"]
    fills = {
        c.value: c.fill.fgColor.rgb
        for c in next(r for r in wb["Matrix"].iter_rows(min_row=2) if r[0].value == "Test Oakfield School")[1:3]
    }
    assert fills["Amber"].endswith("FCD6C3") and fills["Green"].endswith("CCE2D8")
    returns = rows_of(wb["Returns"])
    assert len(returns) == 1 + 6  # two counted returns, three criteria each
    assert "Test Northgate College" not in [r[0] for r in returns]
    agreed = rows_of(wb["Agreed"])
    assert agreed[1][:4] == ["Test Oakfield School", "s11_1_senior_lead", "Green", "Amber"]
    assert summary_value(wb["Summary"], "% of returns received") == 66.7
    out = tmp_path / "campaign.xlsx"
    result = runner.invoke(args=["export", "campaign", str(small_campaign.campaign.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames == wb.sheetnames


def test_organisation_leads_export_only_their_own_organisation(client, login_as, make, small_round):
    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    wb = workbook_of(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx"))
    everything = " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    assert "Riverside Test Health" not in everything
    agencies = {row[2] for row in rows_of(wb["Responses"])[1:]}
    assert agencies == {"Riverside Test Police"}
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/findings/rounds/{small_round.round.id}/responses.csv").get_data(as_text=True))
        )
    )
    assert {row[2] for row in rows[1:]} == {"Riverside Test Police"}
    assert re.search(r"police", rows[1][2], re.I)


def test_organisation_lead_campaign_export_is_their_own(client, login_as, make, small_campaign):
    login_as(make.make_user(roles=["org_lead"], organisation=small_campaign.school))
    wb = workbook_of(prepared_download(client, f"/findings/campaigns/{small_campaign.campaign.id}/findings.xlsx"))
    everything = " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    assert "Test Youth Charity" not in everything and "Test Northgate College" not in everything
    assert {row[0] for row in rows_of(wb["Returns"])[1:]} == {"Test Oakfield School"}
    matrix = rows_of(wb["Matrix"])
    assert matrix[1][:3] == ["Test Oakfield School", "Amber", "Green"]


def test_libreoffice_reads_the_same_numbers_and_plain_text(client, login_as, small_round, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    login_as("qa")
    path = tmp_path / "round.xlsx"
    path.write_bytes(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx").data)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    summary = list(csv.reader((tmp_path / "round-Summary.csv").open(encoding="utf-8")))
    assert ["% of criteria meeting the standard", "57.1"] == summary[
        [r[0] for r in summary].index("% of criteria meeting the standard")
    ][:2]
    responses = list(csv.reader((tmp_path / "round-Responses.csv").open(encoding="utf-8")))
    column = responses[0].index("right_agencies_involved__comment")
    assert INJECTION in [row[column] for row in responses[1:]]
