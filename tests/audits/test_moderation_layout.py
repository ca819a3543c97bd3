"""The case moderation page a panel works through in a meeting: grouped by the instrument's sections, a summary of
the questions the agencies disagree on at the top with jump links, agreed questions folded away, and nothing the
panel entered lost when the page comes back with a problem."""

from __future__ import annotations

import re

from app.audits import services
from app.audits.queries import instrument_of
from tests.audits.factories import complete_answers, make_round, score

# Police and council rate every criterion "yes"; health differs on two, in two sections.
HEALTH_DIFFERS = {"convened_promptly": "partly", "clear_next_steps": "no"}


def _case_in_moderation(db):
    setup = make_round()
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    score(setup.assignment(0, "health"), complete_answers(**HEALTH_DIFFERS), actor=setup.auditors["health"])
    score(setup.assignment(0, "council"), complete_answers(), actor=setup.auditors["council"])
    services.start_moderation(setup.round, actor=setup.qa)
    db.session.commit()
    return setup


def _summary(page: str) -> str:
    start = page.index('data-summary="disagreements"')
    return page[start : page.index("</table>", start)]


def _fold(page: str, key: str) -> str | None:
    """'open' or 'folded' for an agreed question's answers, None where they are not folded at all."""
    match = re.search(rf'<details class="[^"]*" data-fold="{key}"( open)?>', page)
    if match is None:
        return None
    return "open" if match.group(1) else "folded"


def test_summary_lists_exactly_the_disagreeing_questions_with_counts_and_jump_links(client, login_as, db):
    setup = _case_in_moderation(db)
    login_as(setup.qa)
    page = client.get(f"/audits/cases/{setup.round.cases[0].id}/moderate").text

    summary = _summary(page)
    assert re.findall(r'data-question="(\w+)"', summary) == ["convened_promptly", "clear_next_steps"]
    convened = summary[summary.index('data-question="convened_promptly"') : summary.index('data-question="clear')]
    assert "Yes: 2 agencies" in convened and "Partly: 1 agency" in convened
    assert "Not agreed yet" in convened  # nothing agreed while the agencies differ
    for key in ("convened_promptly", "clear_next_steps"):
        assert f'href="#question-{key}"' in summary
        assert f'id="question-{key}"' in page
        assert _fold(page, key) is None, "a disagreement is shown in full"
    # Agreed questions are folded away, with their agreed rating already chosen.
    assert _fold(page, "identity_considered") == "folded"
    assert _fold(page, "minutes_circulated") == "folded"
    assert re.search(r'name="rating__identity_considered" type="radio" value="yes" checked', page)


def test_questions_are_grouped_under_their_sections_with_contents_links(client, login_as, db):
    setup = _case_in_moderation(db)
    login_as(setup.qa)
    page = client.get(f"/audits/cases/{setup.round.cases[0].id}/moderate").text
    instrument = instrument_of(setup.round)

    headings = [page.index(f'id="section-{s.key}"') for s in instrument.sections]
    assert headings == sorted(headings)
    for position, section in enumerate(instrument.sections):
        assert f'href="#section-{section.key}"' in page
        end = headings[position + 1] if position + 1 < len(headings) else page.index('id="outcome"')
        for question in section.questions:
            if f'id="question-{question.key}"' in page:
                assert headings[position] < page.index(f'id="question-{question.key}"') < end
    contents = page[page.index('id="contents-title"') : page.index("</nav>", page.index('id="contents-title"'))]
    assert re.search(r'href="#section-convening">[^<]+</a> \(1 disagreement\)', contents)
    assert re.search(r'href="#section-decisions">[^<]+</a> \(1 disagreement\)', contents)
    assert not re.search(r'href="#section-information">[^<]+</a> \(', contents)


def test_nothing_the_panel_entered_is_lost_when_the_page_comes_back_with_problems(client, login_as, db):
    setup = _case_in_moderation(db)
    case = setup.round.cases[0]
    login_as(setup.qa)
    # The panel agrees one disagreement, changes an agreed question with a comment, writes the outcome, but leaves
    # the other disagreement and one agreed question without a rating.
    form = {f"rating__{q}": "yes" for q in complete_answers() if q not in ("identity_considered",)}
    form.update(
        {
            "rating__convened_promptly": "partly",
            "comment__convened_promptly": "Health's record shows the delay; agreed Partly.",
            "rating__information_provided_promptly": "partly",
            "comment__information_provided_promptly": "Minutes arrived late to two agencies.",
            "overall_grade": "requires_improvement",
            "strengths": "Clear record of who attended.",
            "areas_for_improvement": "Circulate minutes within a day.",
            "learning": "Use the escalation protocol earlier.",
        }
    )
    del form["rating__clear_next_steps"]
    response = client.post(f"/audits/cases/{case.id}/moderate", data=form)

    assert response.status_code == 200
    page = response.text
    assert "There is a problem" in page
    assert 'href="#rating__clear_next_steps"' in page and 'href="#rating__identity_considered"' in page
    assert case.moderation is None, "nothing was saved"
    for key, value in (
        ("convened_promptly", "partly"),
        ("information_provided_promptly", "partly"),
        ("minutes_circulated", "yes"),
        ("overall_grade", "requires_improvement"),
    ):
        name = key if key == "overall_grade" else f"rating__{key}"
        assert re.search(rf'name="{name}" type="radio" value="{value}" checked', page), key
    for text in (
        "Health&#39;s record shows the delay; agreed Partly.",
        "Minutes arrived late to two agencies.",
        "Clear record of who attended.",
        "Circulate minutes within a day.",
        "Use the escalation protocol earlier.",
    ):
        assert text in page, text
    # The agreed question with a problem, and the one the panel changed, are unfolded; the others stay folded.
    assert _fold(page, "identity_considered") == "open"
    assert _fold(page, "information_provided_promptly") == "open"
    assert _fold(page, "minutes_circulated") == "folded"
