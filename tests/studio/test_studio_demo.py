"""`flask demo load` leaves a studio draft to look at: the next version of the strategy discussion audit, one question reworded."""

import sqlalchemy as sa

from app.questionnaire import latest_version

from app.studio.models import InstrumentDraft


def test_demo_load_creates_one_studio_draft(runner, db, client, login_as):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    drafts = db.session.execute(sa.select(InstrumentDraft)).scalars().all()
    assert len(drafts) == 1
    draft = drafts[0]
    assert (
        draft.key == "strategy-discussion"
        and draft.definition["version"] == latest_version("strategy-discussion").version + 1
    )
    login_as("qa")
    page = client.get(f"/admin/instruments/studio/drafts/{draft.id}/publish").get_data(as_text=True)
    assert "Question <code>convened_promptly</code> changed" in page
    assert "the same day where the child may be at immediate risk?" in page
    assert "Required" not in page  # only the wording changed
    runner.invoke(args=["demo", "load"])
    assert db.session.execute(sa.select(sa.func.count(InstrumentDraft.id))).scalar_one() == 1
    draft_page = client.get(f"/admin/instruments/studio/drafts/{draft.id}").get_data(as_text=True)
    assert "value na; not applicable" in draft_page  # a "not applicable" answer has no score to show
    assert "score ;" not in draft_page
