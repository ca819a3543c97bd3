"""'Your tasks' case audit panel: the count in its sentence and the rows of its table are the same tasks."""

from __future__ import annotations

import re

from tests.audits.factories import complete_answers, make_round, score


def _panel_rows(page_text: str) -> list[str]:
    table = page_text.split("Case audits to do", 1)[1].split("</table>", 1)[0]
    return re.findall(r"CR-\d{6}", table)


def test_the_count_matches_the_table_when_some_are_already_submitted(client, login_as, db):
    setup = make_round(references=("CR-000201", "CR-000202", "CR-000203"))
    auditor = setup.auditors["police"]
    score(setup.assignment(0, "police"), complete_answers(), actor=auditor)
    login_as(auditor)
    page = client.get("/tasks").text
    assert "You have 2 case audits to finish and submit" in page
    assert _panel_rows(page) == ["CR-000202", "CR-000203"]
    assert "All your case audits" in page  # the submitted one is still reachable there


def test_all_submitted_says_so_and_lists_nothing_to_do(client, login_as, db):
    setup = make_round(references=("CR-000211",))
    auditor = setup.auditors["health"]
    score(setup.assignment(0, "health"), complete_answers(), actor=auditor)
    login_as(auditor)
    page = client.get("/tasks").text
    assert "You have submitted all your case audits" in page
    assert "Case audits to do" not in page
