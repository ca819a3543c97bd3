"""The instrument studio: drafts built and changed in the browser, checked with the engine's rules, previewed,
published as versions, and round-tripped through YAML and the authoring workbook."""

from __future__ import annotations

from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.activity.models import ActivityEvent
from app.questionnaire import catalogue_for_key, latest_version, load_files
from app.studio.models import DraftState, InstrumentDraft
from tests.questionnaire.helpers import CASE_AUDIT, FIXTURES, MINIMAL, write

BASE = "/admin/instruments/studio"


def _draft(db, draft_id: int) -> InstrumentDraft:
    db.session.expire_all()
    return db.session.get(InstrumentDraft, draft_id)


def _new_draft(client, key="missing-episodes-draft", title="Repeat missing episodes", kind="case_audit") -> int:
    response = client.post(f"{BASE}/new", data={"key": key, "title": title, "kind": kind})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _post(client, db, draft_id, path, data=None, **kwargs):
    draft = _draft(db, draft_id)
    payload = {"lock_version": draft.lock_version, **(data or {})}
    return client.post(f"{BASE}/drafts/{draft_id}{path}", data=payload, **kwargs)


def _build_small_audit(client, db) -> int:
    """A three-point custom scale, two sections and a show_if question, made through the pages."""
    draft_id = _new_draft(client)
    assert _post(client, db, draft_id, "/scales/new", {"name": "practice"}).status_code == 302
    for value, label, score, meets, rag in (
        ("in_line", "In line", 2, "yes", "green"),
        ("partly", "Partially in line", 1, "no", "amber"),
        ("not_in_line", "Not in line", 0, "no", "red"),
    ):
        response = _post(
            client,
            db,
            draft_id,
            "/scales/practice/options/new",
            {"label": label, "value": value, "score": score, "meets_standard": meets, "rag": rag},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    assert (
        _post(
            client,
            db,
            draft_id,
            "/scales/practice/options/new",
            {"label": "Not applicable", "value": "na", "excluded": "y"},
        ).status_code
        == 302
    )
    assert (
        _post(client, db, draft_id, "/sections/new", {"title": "The return interview", "key": "interview"}).status_code
        == 302
    )
    response = _post(
        client,
        db,
        draft_id,
        "/sections/0/questions/new/scale",
        {
            "text": "Was a return interview offered within 72 hours?",
            "key": "interview_offered",
            "scale": "practice",
            "required": "y",
            "themes": ["timeliness"],
            "comment": "optional",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert (
        _post(
            client,
            db,
            draft_id,
            "/sections/new",
            {"title": "Planning", "key": "planning", "applies_to": ["police", "local_authority"]},
        ).status_code
        == 302
    )
    response = _post(
        client,
        db,
        draft_id,
        "/sections/1/questions/new/long_text",
        {
            "text": "Why was no interview offered?",
            "key": "why_not",
            "show_if_question": "interview_offered",
            "show_if_values": ["interview_offered=partly", "interview_offered=not_in_line"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return draft_id


def test_a_qa_user_builds_an_instrument_from_nothing(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    definition = _draft(db, draft_id).definition
    assert definition == {
        "key": "missing-episodes-draft",
        "version": 1,
        "kind": "case_audit",
        "title": "Repeat missing episodes",
        "applies_to": ["all"],
        "scales": {
            "practice": [
                {"value": "in_line", "label": "In line", "score": 2, "meets_standard": True, "rag": "green"},
                {"value": "partly", "label": "Partially in line", "score": 1, "meets_standard": False, "rag": "amber"},
                {"value": "not_in_line", "label": "Not in line", "score": 0, "meets_standard": False, "rag": "red"},
                {"value": "na", "label": "Not applicable", "excluded": True},
            ]
        },
        "sections": [
            {
                "key": "interview",
                "title": "The return interview",
                "questions": [
                    {
                        "key": "interview_offered",
                        "type": "scale",
                        "scale": "practice",
                        "text": "Was a return interview offered within 72 hours?",
                        "required": True,
                        "themes": ["timeliness"],
                        "comment": "optional",
                    }
                ],
            },
            {
                "key": "planning",
                "title": "Planning",
                "applies_to": ["police", "local_authority"],
                "questions": [
                    {
                        "key": "why_not",
                        "type": "long_text",
                        "text": "Why was no interview offered?",
                        "required": False,
                        "show_if": {"question": "interview_offered", "in": ["partly", "not_in_line"]},
                    }
                ],
            },
        ],
    }
    page = client.get(f"{BASE}/drafts/{draft_id}").get_data(as_text=True)
    assert "No problems found" in page and "Was a return interview offered within 72 hours?" in page


def test_yes_no_question_is_a_choice_with_yes_and_no(client, login_as, db):
    login_as("admin")
    draft_id = _new_draft(client)
    _post(client, db, draft_id, "/sections/new", {"title": "One", "key": "one"})
    response = _post(
        client,
        db,
        draft_id,
        "/sections/0/questions/new/yes_no",
        {"text": "Was the child seen?", "key": "seen", "required": "y"},
    )
    assert response.status_code == 302
    question = _draft(db, draft_id).definition["sections"][0]["questions"][0]
    assert question["type"] == "choice"
    assert question["options"] == [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]


def test_problems_are_the_engines_and_link_to_where_they_are(client, login_as, db):
    login_as("qa")
    draft_id = _new_draft(client)
    _post(client, db, draft_id, "/sections/new", {"title": "One", "key": "one"})
    _post(client, db, draft_id, "/sections/0/questions/new/text", {"text": "First?", "key": "first"})
    _post(client, db, draft_id, "/sections/0/questions/new/text", {"text": "Second?", "key": "second"})
    definition = _draft(db, draft_id).definition
    definition["sections"][0]["questions"][1]["themes"] = ["no_such_theme"]
    draft = _draft(db, draft_id)
    draft.definition = dict(definition)
    db.session.commit()
    page = client.get(f"{BASE}/drafts/{draft_id}").get_data(as_text=True)
    assert "question &#39;second&#39;: unknown theme &#39;no_such_theme&#39;" in page
    assert f'href="{BASE}/drafts/{draft_id}/sections/0/questions/1#themes"' in page
    response = _post(client, db, draft_id, "/publish", {})
    assert response.status_code == 200
    assert latest_version("missing-episodes-draft") is None


def test_an_empty_section_is_a_problem_linked_to_adding_a_question(client, login_as, db):
    login_as("qa")
    draft_id = _new_draft(client)
    _post(client, db, draft_id, "/sections/new", {"title": "One", "key": "one"})
    page = client.get(f"{BASE}/drafts/{draft_id}").get_data(as_text=True)
    assert "section &#39;one&#39;: &#39;questions&#39; must not be empty" in page
    assert f'href="{BASE}/drafts/{draft_id}/sections/0/questions/new"' in page


def test_a_stale_page_does_not_overwrite_a_newer_save(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    stale = _draft(db, draft_id).lock_version
    # Tab one saves a change.
    assert (
        _post(client, db, draft_id, "/sections/0", {"title": "Return interviews", "key": "interview"}).status_code
        == 302
    )
    # Tab two, opened before that save, sends its own change.
    response = client.post(
        f"{BASE}/drafts/{draft_id}/sections/0",
        data={"lock_version": stale, "title": "Something else", "key": "interview"},
        follow_redirects=True,
    )
    assert "Someone else changed this draft" in response.get_data(as_text=True)
    assert _draft(db, draft_id).definition["sections"][0]["title"] == "Return interviews"
    missing = client.post(f"{BASE}/drafts/{draft_id}/sections/0", data={"title": "Third", "key": "interview"})
    assert missing.status_code == 302
    assert _draft(db, draft_id).definition["sections"][0]["title"] == "Return interviews"


def test_sections_and_questions_move_within_and_between_sections(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    _post(client, db, draft_id, "/sections/1/move", {"direction": "up"})
    assert [s["key"] for s in _draft(db, draft_id).definition["sections"]] == ["planning", "interview"]
    _post(client, db, draft_id, "/sections/0/move", {"direction": "down"})
    _post(client, db, draft_id, "/sections/1/questions/0/move", {"direction": "up"})
    sections = _draft(db, draft_id).definition["sections"]
    assert [q["key"] for q in sections[0]["questions"]] == ["interview_offered", "why_not"]
    assert sections[1]["questions"] == []
    _post(client, db, draft_id, "/sections/0/questions/1/move", {"direction": "down"})
    sections = _draft(db, draft_id).definition["sections"]
    assert [q["key"] for q in sections[1]["questions"]] == ["why_not"]


def test_renaming_a_question_key_follows_show_if(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    response = _post(
        client,
        db,
        draft_id,
        "/sections/0/questions/0",
        {"text": "Was a return interview offered?", "key": "offered", "scale": "practice", "required": "y"},
    )
    assert response.status_code == 302
    why = _draft(db, draft_id).definition["sections"][1]["questions"][0]
    assert why["show_if"]["question"] == "offered"


def test_preview_shows_sections_for_the_type_and_keeps_nothing(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    response = client.get(f"{BASE}/drafts/{draft_id}/preview?org_type=police")
    assert response.headers["Location"].endswith(f"/drafts/{draft_id}/preview/police/sections/interview")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Was a return interview offered within 72 hours?" in page
    response = client.post(
        f"{BASE}/drafts/{draft_id}/preview/police/sections/interview", data={"interview_offered": "partly"}
    )
    assert response.headers["Location"].endswith("/preview/police/sections/planning")
    page = client.get(f"{BASE}/drafts/{draft_id}/preview/police/sections/planning").get_data(as_text=True)
    assert 'data-show-if-question="interview_offered"' in page
    client.post(f"{BASE}/drafts/{draft_id}/preview/police/sections/planning", data={"why_not": "No worker free"})
    check = client.get(f"{BASE}/drafts/{draft_id}/preview/police/check").get_data(as_text=True)
    assert "Partially in line" in check and "No worker free" in check
    # A school is not asked the planning section.
    response = client.post(
        f"{BASE}/drafts/{draft_id}/preview/school/sections/interview", data={"interview_offered": "in_line"}
    )
    assert response.headers["Location"].endswith("/preview/school/check")
    assert client.get(f"{BASE}/drafts/{draft_id}/preview/school/sections/planning").status_code == 404


def test_publishing_stores_the_next_version_and_records_it(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    response = _post(client, db, draft_id, "/publish", {})
    assert response.status_code == 302, response.get_data(as_text=True)
    version = latest_version("missing-episodes-draft")
    assert version.version == 1
    from app.questionnaire import content_hash

    assert version.content_hash == content_hash(version.definition)
    assert _draft(db, draft_id).state == DraftState.published
    events = db.session.execute(sa.select(ActivityEvent).where(ActivityEvent.verb == "instrument.published")).scalars()
    assert any("missing-episodes-draft" in e.summary for e in events)
    # A published draft can no longer change.
    _post(client, db, draft_id, "/sections/0", {"title": "Changed", "key": "interview"})
    assert _draft(db, draft_id).definition["sections"][0]["title"] == "The return interview"
    # The round form offers it.
    login_as("admin")
    page = client.get("/audits/new").get_data(as_text=True)
    assert "Repeat missing episodes (version 1)" in page


def test_a_new_version_shows_its_changes_and_maps_a_renamed_key(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    _post(client, db, draft_id, "/publish", {})
    v1 = latest_version("missing-episodes-draft")
    response = client.post(f"{BASE}/versions/{v1.id}/new-version", data={})
    draft2 = int(response.headers["Location"].split("/")[-1])
    _post(
        client,
        db,
        draft2,
        "/sections/0/questions/0",
        {
            "text": "Was a return interview offered within three days?",
            "key": "interview_within_3_days",
            "scale": "practice",
            "required": "y",
        },
    )
    page = client.get(f"{BASE}/drafts/{draft2}/publish").get_data(as_text=True)
    assert "Questions removed or renamed" in page and "interview_offered" in page
    assert "Questions added" in page and "interview_within_3_days" in page
    response = _post(client, db, draft2, "/publish", {})
    assert response.status_code == 200
    assert "Say whether a new question continues interview_offered" in response.get_data(as_text=True)
    response = _post(client, db, draft2, "/publish", {"continues-interview_offered": "interview_within_3_days"})
    assert response.status_code == 302, response.get_data(as_text=True)
    v2 = latest_version("missing-episodes-draft")
    assert v2.version == 2
    assert v2.definition["renamed"] == {"interview_offered": "interview_within_3_days"}
    assert catalogue_for_key("missing-episodes-draft").canonical("interview_offered") == "interview_within_3_days"
    db.session.expire_all()
    assert latest_version("missing-episodes-draft").id != v1.id and v1.definition.get("renamed") is None
    login_as("admin")
    page = client.get("/audits/new").get_data(as_text=True)
    assert page.index("Repeat missing episodes (version 2)") < page.index("Repeat missing episodes (version 1)")


@pytest.mark.parametrize("role", ["auditor", "org_lead", "signatory"])
def test_other_roles_are_refused(client, login_as, db, role):
    login_as("qa")
    draft_id = _new_draft(client)
    version = latest_version("strategy-discussion")
    login_as(role)
    for url in (
        f"{BASE}/",
        f"{BASE}/new",
        f"{BASE}/upload",
        f"{BASE}/drafts/{draft_id}",
        f"{BASE}/drafts/{draft_id}/details",
        f"{BASE}/drafts/{draft_id}/publish",
        f"{BASE}/drafts/{draft_id}/download.yaml",
        f"{BASE}/versions/{version.id}/download.xlsx",
        f"{BASE}/versions/{version.id}/copy",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            f"{BASE}/drafts/{draft_id}/sections/new", data={"lock_version": 1, "title": "X", "key": "x"}
        ).status_code
        == 403
    )


def test_services_refuse_users_without_a_studio_role(db, make):
    from app.errors import PermissionDenied
    from app.studio import services

    auditor = make.make_user(roles=["auditor"])
    with pytest.raises(PermissionDenied):
        services.start_blank(key="sneaky", title="Sneaky", kind="survey", actor=auditor)


# ---------------------------------------------------------------------------------------------
# Files and workbooks
# ---------------------------------------------------------------------------------------------
def test_yaml_download_validates_and_loads_back_identically(client, login_as, db, runner, tmp_path):
    login_as("qa")
    version = latest_version("strategy-discussion")
    response = client.get(f"{BASE}/versions/{version.id}/download.yaml")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="strategy-discussion-v{version.version}.yaml"'
    )
    path = tmp_path / "strategy-discussion.yaml"
    path.write_bytes(response.data)
    result = runner.invoke(args=["instruments", "validate", str(path)])
    assert result.exit_code == 0, result.output
    from app.questionnaire.loader import check_file

    assert check_file(path).definition == version.definition


def test_yaml_upload_with_mistakes_lists_lines_and_saves_nothing(client, login_as, db):
    login_as("qa")
    text = MINIMAL.replace("key: tiny", "key: tiny-upload").replace("scale: yn", "scale: yesno")
    before = db.session.execute(sa.select(sa.func.count(InstrumentDraft.id))).scalar_one()
    response = client.post(
        f"{BASE}/upload", data={"file": (BytesIO(text.encode()), "tiny.yaml")}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "line 16: question &#39;q1&#39;: unknown scale &#39;yesno&#39;" in page
    assert db.session.execute(sa.select(sa.func.count(InstrumentDraft.id))).scalar_one() == before
    upload = BytesIO(MINIMAL.replace("key: tiny", "key: tiny-upload").encode())
    response = client.post(f"{BASE}/upload", data={"file": (upload, "tiny.yaml")}, content_type="multipart/form-data")
    assert response.status_code == 302
    draft_id = int(response.headers["Location"].split("/")[-1])
    assert _draft(db, draft_id).definition["sections"][0]["questions"][0]["scale"] == "yn"


def test_workbook_round_trip_is_identical(client, login_as, db):
    login_as("qa")
    for key in ("strategy-discussion", "self-assessment", "child-safeguarding-statement"):
        version = latest_version(key)
        if version is None:
            continue
        workbook = client.get(f"{BASE}/versions/{version.id}/download.xlsx").data
        assert set(load_workbook(BytesIO(workbook)).sheetnames) >= {
            "settings",
            "sections",
            "questions",
            "scales",
            "choices",
        }
        response = client.post(
            f"{BASE}/upload", data={"file": (BytesIO(workbook), f"{key}.xlsx")}, content_type="multipart/form-data"
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        draft_id = int(response.headers["Location"].split("/")[-1])
        assert _draft(db, draft_id).definition == version.definition, key


@pytest.mark.parametrize("fixture", [CASE_AUDIT, FIXTURES / "agency-audit.yaml"])
def test_workbook_fixture_round_trip(client, login_as, db, fixture):
    [version] = load_files([fixture])
    login_as("qa")
    workbook = client.get(f"{BASE}/versions/{version.id}/download.xlsx").data
    from app.studio.workbook_reader import from_workbook

    assert from_workbook(workbook) == version.definition


def test_workbook_with_mistakes_names_sheet_row_and_column(client, login_as, db):
    login_as("qa")
    version = latest_version("strategy-discussion")
    book = load_workbook(BytesIO(client.get(f"{BASE}/versions/{version.id}/download.xlsx").data))
    questions = book["questions"]
    headings = [c.value for c in questions[1]]
    questions.cell(row=7, column=headings.index("text") + 1).value = None
    questions.cell(row=3, column=headings.index("type") + 1).value = "essay"
    buffer = BytesIO()
    book.save(buffer)
    response = client.post(
        f"{BASE}/upload", data={"file": (BytesIO(buffer.getvalue()), "edited.xlsx")}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sheet questions, row 7, column text: question" in page and "missing required key &#39;text&#39;" in page
    assert "Sheet questions, row 3, column type:" in page


def test_workbook_never_writes_formulas(client, login_as, db, tmp_path):
    text = MINIMAL.replace("key: tiny", "key: formula-studio").replace(
        "text: Question one?", "text: \"=HYPERLINK('http://x.example')\""
    )
    [version] = load_files([write(tmp_path, text)])
    login_as("qa")
    book = load_workbook(BytesIO(client.get(f"{BASE}/versions/{version.id}/download.xlsx").data))
    headings = [c.value for c in book["questions"][1]]
    cell = book["questions"].cell(row=2, column=headings.index("text") + 1)
    assert cell.value == "=HYPERLINK('http://x.example')"
    assert cell.data_type == "s"


def test_copy_as_a_new_instrument(client, login_as, db):
    login_as("qa")
    version = latest_version("strategy-discussion")
    index = client.get("/admin/instruments/").get_data(as_text=True)
    assert f"{BASE}/versions/{version.id}/new-version" in index and f"{BASE}/versions/{version.id}/copy" in index
    response = client.post(f"{BASE}/versions/{version.id}/copy", data={"key": "strategy-discussion", "title": "Copy"})
    assert "already published" in response.get_data(as_text=True)
    response = client.post(
        f"{BASE}/versions/{version.id}/copy",
        data={"key": "strategy-discussion-short", "title": "Short strategy discussions"},
    )
    draft = _draft(db, int(response.headers["Location"].split("/")[-1]))
    assert draft.definition["key"] == "strategy-discussion-short" and draft.definition["version"] == 1
    assert draft.definition["sections"] == version.definition["sections"]


def test_every_page_of_a_draft_renders(client, login_as, db):
    login_as("admin")
    draft_id = _build_small_audit(client, db)
    _post(client, db, draft_id, "/sections/0/questions/new/choice", {"text": "Who attended?", "key": "who"})
    _post(client, db, draft_id, "/sections/0/questions/1/options/new", {"label": "Police", "value": "police"})
    version = latest_version("strategy-discussion")
    draft = f"{BASE}/drafts/{draft_id}"
    pages = [
        f"{BASE}/",
        f"{BASE}/new",
        f"{BASE}/upload",
        f"{BASE}/versions/{version.id}/new-version",
        f"{BASE}/versions/{version.id}/copy",
        draft,
        f"{draft}/details",
        f"{draft}/sections/new",
        f"{draft}/sections/0",
        f"{draft}/sections/0/delete",
        f"{draft}/sections/0/questions/new",
        f"{draft}/sections/0/questions/0",
        f"{draft}/sections/0/questions/0/delete",
        f"{draft}/sections/0/questions/1/options",
        f"{draft}/sections/0/questions/1/options/new",
        f"{draft}/sections/0/questions/1/options/0",
        f"{draft}/scales/new",
        f"{draft}/scales/practice",
        f"{draft}/scales/practice/options/new",
        f"{draft}/scales/practice/options/0",
        f"{draft}/preview",
        f"{draft}/publish",
        f"{draft}/discard",
        f"{draft}/download.yaml",
        f"{draft}/download.xlsx",
    ]
    pages += [
        f"{draft}/sections/0/questions/new/{qtype}"
        for qtype in ("scale", "choice", "multi_choice", "yes_no", "text", "long_text", "number", "date")
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype == "text/html":
            assert "There is a problem" not in response.get_data(as_text=True), url
    for url in (
        f"{draft}/sections/9",
        f"{draft}/sections/0/questions/9",
        f"{draft}/scales/nope",
        f"{draft}/sections/0/questions/new/essay",
        f"{BASE}/drafts/999999",
    ):
        assert client.get(url).status_code == 404, url


def test_option_rules_and_discarding(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    response = _post(client, db, draft_id, "/scales/practice/options/new", {"label": "Again", "value": "partly"})
    assert "Another answer already has the value partly" in response.get_data(as_text=True)
    response = _post(
        client,
        db,
        draft_id,
        "/scales/practice/options/3",
        {"label": "Not applicable", "value": "na", "excluded": "y", "score": "1"},
    )
    assert "left out of scores" in response.get_data(as_text=True)
    _post(client, db, draft_id, "/scales/practice/options/0/move", {"direction": "down"})
    assert [o["value"] for o in _draft(db, draft_id).definition["scales"]["practice"]][:2] == ["partly", "in_line"]
    response = _post(client, db, draft_id, "/scales/practice/delete")
    assert _draft(db, draft_id).definition["scales"].get("practice")
    response = _post(client, db, draft_id, "/discard")
    assert response.status_code == 302
    assert _draft(db, draft_id) is None


NUMERIC = (
    MINIMAL.replace("key: tiny", "key: numeric-tiny").replace(
        '    - {value: "yes", label: "Yes", score: 1, meets_standard: true, rag: green}\n'
        '    - {value: "no", label: "No", score: 0, meets_standard: false, rag: red}\n',
        '    - {value: 1, label: "Yes", score: 1, meets_standard: true, rag: green}\n'
        '    - {value: 2, label: "No", score: 0, meets_standard: false, rag: red}\n',
    )
    + """      - key: q3
        type: text
        text: Why not?
        show_if: {question: q1, in: [2]}
"""
)


def test_workbook_keeps_numeric_answer_values(app, db, tmp_path):
    from app.questionnaire.loader import check_file
    from app.studio.workbook import to_workbook
    from app.studio.workbook_reader import from_workbook

    definition = check_file(write(tmp_path, NUMERIC)).definition
    assert definition["sections"][0]["questions"][2]["show_if"] == {"question": "q1", "in": [2]}
    assert from_workbook(to_workbook(definition)) == definition


def test_workbook_show_if_mistake_names_its_column(app, db, tmp_path):
    from app.questionnaire.loader import check_file
    from app.studio.authoring import AuthoringProblems
    from app.studio.workbook import to_workbook
    from app.studio.workbook_reader import from_workbook

    definition = check_file(write(tmp_path, NUMERIC)).definition
    book = load_workbook(BytesIO(to_workbook(definition)))
    headings = [c.value for c in book["questions"][1]]
    book["questions"].cell(row=4, column=headings.index("show_if_in") + 1).value = "7"
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(AuthoringProblems) as caught:
        from_workbook(buffer.getvalue())
    assert caught.value.problems == [
        (
            "Sheet questions, row 4, column show_if_in: question 'q3': show_if value '7' is not an answer of 'q1' "
            "(answers: 1, 2, na)"
        )
    ]


def test_a_statement_draft_sets_who_signs_and_when_it_is_reviewed(client, login_as, db):
    login_as("qa")
    draft_id = _new_draft(client, key="short-statement", title="Short statement", kind="statement")
    page = client.get(f"{BASE}/drafts/{draft_id}").get_data(as_text=True)
    assert "a statement instrument needs &#39;signatories&#39;" in page
    response = _post(
        client,
        db,
        draft_id,
        "/details",
        {
            "title": "Short statement",
            "kind": "statement",
            "review_months": "24",
            "signatories": "school: headteacher, chair_of_governors\ndefault: chief_executive",
        },
    )
    assert response.status_code == 302
    definition = _draft(db, draft_id).definition
    assert definition["review_months"] == 24
    assert definition["signatories"] == {
        "school": ["headteacher", "chair_of_governors"],
        "default": ["chief_executive"],
    }
    page = client.get(f"{BASE}/drafts/{draft_id}").get_data(as_text=True)
    assert "needs &#39;signatories&#39;" not in page and "needs &#39;review_months&#39;" not in page
    response = _post(
        client,
        db,
        draft_id,
        "/details",
        {"title": "Short statement", "kind": "statement", "signatories": "headteacher"},
    )
    assert "Write each line as an organisation type" in response.get_data(as_text=True)


def test_changing_the_kind_of_answer_drops_what_it_cannot_have(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    response = client.post(f"{BASE}/drafts/{draft_id}/sections/0/questions/new?qi=0", data={"type": "text"})
    assert response.headers["Location"].endswith(f"/drafts/{draft_id}/sections/0/questions/0?type=text")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="scale"' not in page and 'name="max_length"' in page
    response = _post(
        client,
        db,
        draft_id,
        "/sections/0/questions/0?type=text",
        {"text": "What was offered?", "key": "interview_offered", "max_length": "300"},
    )
    assert response.status_code == 302
    assert _draft(db, draft_id).definition["sections"][0]["questions"][0] == {
        "key": "interview_offered",
        "type": "text",
        "text": "What was offered?",
        "required": False,
        "max_length": 300,
    }
    # The show_if that depended on it is now a problem, linked to the setting to change.
    page = client.get(f"{BASE}/drafts/{draft_id}").get_data(as_text=True)
    assert "show_if depends on &#39;interview_offered&#39;, a text question" in page
    assert f'href="{BASE}/drafts/{draft_id}/sections/1/questions/0#show_if_question"' in page


def test_preview_keeps_answers_short_in_the_session(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    client.post(f"{BASE}/drafts/{draft_id}/preview/police/sections/interview", data={"interview_offered": "partly"})
    client.post(f"{BASE}/drafts/{draft_id}/preview/police/sections/planning", data={"why_not": "x" * 5000})
    with client.session_transaction() as session:
        kept = session[f"studio-preview-{draft_id}"]
    assert kept["interview_offered"]["value"] == "partly"
    assert kept["why_not"]["value"] == "x" * 200 + "…"


def test_publishing_a_draft_overtaken_by_another_version_warns(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    _post(client, db, draft_id, "/publish", {})
    v1 = latest_version("missing-episodes-draft")
    first = int(client.post(f"{BASE}/versions/{v1.id}/new-version").headers["Location"].split("/")[-1])
    second = int(client.post(f"{BASE}/versions/{v1.id}/new-version").headers["Location"].split("/")[-1])
    _post(client, db, first, "/sections/0", {"title": "Return interviews", "key": "interview"})
    assert _post(client, db, first, "/publish", {}).status_code == 302
    _post(
        client,
        db,
        second,
        "/sections/1",
        {"title": "Plans", "key": "planning", "applies_to": ["police", "local_authority"]},
    )
    page = client.get(f"{BASE}/drafts/{second}/publish").get_data(as_text=True)
    assert "version 2 has been published since" in page
    assert "Return interviews" in page  # the change this draft would undo is listed
    assert _post(client, db, second, "/publish", {}).status_code == 302
    assert latest_version("missing-episodes-draft").version == 3


def test_an_upload_cannot_change_the_kind_of_a_published_key(client, login_as, db):
    login_as("qa")
    text = MINIMAL.replace("key: tiny", "key: strategy-discussion").replace("kind: case_audit", "kind: survey")
    response = client.post(
        f"{BASE}/upload", data={"file": (BytesIO(text.encode()), "s.yaml")}, content_type="multipart/form-data"
    )
    assert "already published as a case audit" in response.get_data(as_text=True)


def test_studio_pages_sit_under_instruments_in_the_navigation(client, login_as, db):
    login_as("qa")
    response = client.get(f"{BASE}/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    active_item = page.split("govuk-service-navigation__item--active", 1)[1].split("</li>", 1)[0]
    assert "Instruments" in active_item


def test_a_not_applicable_answer_that_needs_a_reason_is_saved_and_published(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    page = client.get(f"{BASE}/drafts/{draft_id}/scales/practice/options/3").get_data(as_text=True)
    assert "Needs a reason" in page
    response = _post(
        client,
        db,
        draft_id,
        "/scales/practice/options/0",
        {"label": "In line", "value": "in_line", "needs_reason": "y"},
    )
    assert "Only a “not applicable” answer can need a reason" in response.get_data(as_text=True)
    assert "needs_reason" not in _draft(db, draft_id).definition["scales"]["practice"][0]
    response = _post(
        client,
        db,
        draft_id,
        "/scales/practice/options/3",
        {"label": "Not applicable", "value": "na", "excluded": "y", "needs_reason": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _draft(db, draft_id).definition["scales"]["practice"][3] == {
        "value": "na",
        "label": "Not applicable",
        "excluded": True,
        "needs_reason": True,
    }
    assert _post(client, db, draft_id, "/publish", {}).status_code == 302
    version = latest_version("missing-episodes-draft")
    assert version.definition["scales"]["practice"][3]["needs_reason"] is True
    assert version.parsed.question("interview_offered").needs_reason("na")


def test_a_partly_answer_and_how_it_counts_are_saved_and_published(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    response = _post(
        client,
        db,
        draft_id,
        "/scales/practice/options/0",
        {"label": "In line", "value": "in_line", "meets_standard": "yes", "partial": "y"},
    )
    assert "Only an answer that does not meet the standard can count as partly meeting it" in response.get_data(
        as_text=True
    )
    response = _post(
        client,
        db,
        draft_id,
        "/scales/practice/options/1",
        {
            "label": "Partially in line",
            "value": "partly",
            "score": "1",
            "meets_standard": "no",
            "rag": "amber",
            "partial": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _draft(db, draft_id).definition["scales"]["practice"][1]["partial"] is True
    page = client.get(f"{BASE}/drafts/{draft_id}/details").get_data(as_text=True)
    assert "How a “partly” answer counts" in page
    response = _post(
        client,
        db,
        draft_id,
        "/details",
        {"title": "Repeat missing episodes", "kind": "case_audit", "partial_counts_as": "0.5"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _draft(db, draft_id).definition["partial_counts_as"] == 0.5
    assert _post(client, db, draft_id, "/publish", {}).status_code == 302
    version = latest_version("missing-episodes-draft")
    assert version.parsed.partial_counts_as == 0.5
    assert version.parsed.question("interview_offered").option("partly").partial
    response = client.post(f"{BASE}/versions/{version.id}/new-version", data={})
    draft2 = int(response.headers["Location"].split("/")[-1])
    assert "How a “partly” answer counts" not in client.get(f"{BASE}/drafts/{draft2}/publish").get_data(as_text=True)
    _post(
        client,
        db,
        draft2,
        "/details",
        {"title": "Repeat missing episodes", "kind": "case_audit", "partial_counts_as": "0"},
    )
    page = client.get(f"{BASE}/drafts/{draft2}/publish").get_data(as_text=True)
    assert "How a “partly” answer counts" in page  # the publisher sees that the figures will be worked out anew


def test_a_case_audit_question_can_be_about_the_agency_or_the_case(client, login_as, db):
    login_as("qa")
    draft_id = _build_small_audit(client, db)
    page = client.get(f"{BASE}/drafts/{draft_id}/sections/0/questions/0").get_data(as_text=True)
    assert "About the auditing agency’s own work" in page and "About the case as a whole" in page
    fields = {
        "text": "Did your agency offer a return interview within 72 hours?",
        "key": "interview_offered",
        "scale": "practice",
        "required": "y",
        "themes": ["timeliness"],
        "comment": "optional",
    }
    response = _post(client, db, draft_id, "/sections/0/questions/0", {**fields, "about": "agency"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _draft(db, draft_id).definition["sections"][0]["questions"][0]["about"] == "agency"
    assert _post(client, db, draft_id, "/publish", {}).status_code == 302
    assert latest_version("missing-episodes-draft").parsed.question("interview_offered").about_agency
    survey = _new_draft(client, key="staff-survey", title="Staff survey", kind="survey")
    assert _post(client, db, survey, "/sections/new", {"title": "About you", "key": "you"}).status_code == 302
    page = client.get(f"{BASE}/drafts/{survey}/sections/0/questions/new/scale").get_data(as_text=True)
    assert "About the auditing agency’s own work" not in page
