"""Rater agreement, checked against hand computations (Krippendorff 2011 and a worked coincidence matrix)."""

from __future__ import annotations

import math
import re

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.audits import agreement, services
from tests.audits.factories import complete_answers, make_round, moderate, score

NAN = math.nan


def _ratings(matrix):
    """{unit: {rater: value}} from rows of raters × columns of units (NaN = missing)."""
    units = {}
    for rater, row in enumerate(matrix):
        for unit, value in enumerate(row):
            units.setdefault(unit, {})[rater] = None if isinstance(value, float) and math.isnan(value) else value
    return units


def test_ordinal_alpha_matches_krippendorffs_published_example():
    # Krippendorff (2011) "Computing Krippendorff's alpha-reliability", 4 observers × 12 units with
    # missing values: alpha ordinal = 0.815 (nominal 0.743, interval 0.849).
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
    assert agreement.alpha_ordinal(_ratings(data)) == pytest.approx(0.815, abs=0.0005)
    # Unit 12 has a single rating, so 11 units are pairable.
    assert agreement.agreement(_ratings(data)).units == 11


def test_small_example_by_hand():
    # Three agencies, three cases, ratings 0–2 (case 3: the third agency said "not applicable").
    #   case 1: 2 2 2   case 2: 2 1 2   case 3: 0 0 –
    # Pairs: case 1 three agree, case 2 one of three, case 3 one of one: 5 of 7 = 71.43%.
    # Coincidences: o22 = 3 + 1, o12 = o21 = 1, o00 = 2; n0 = 2, n1 = 1, n2 = 5, n = 8.
    # Ordinal δ²: (0,1) = 1.5² = 2.25, (1,2) = 3² = 9, (0,2) = (8 − 3.5)² = 20.25.
    # Do = (1 × 9 + 1 × 9) / 8 = 2.25; De = 2 × (2×1×2.25 + 2×5×20.25 + 1×5×9) / (8 × 7) = 9.
    # alpha = 1 − 2.25 / 9 = 0.75.
    ratings = {1: {"A": 2, "B": 2, "C": 2}, 2: {"A": 2, "B": 1, "C": 2}, 3: {"A": 0, "B": 0, "C": None}}
    figures = agreement.agreement(ratings)
    assert figures.percent == pytest.approx(100 * 5 / 7)
    assert figures.alpha == pytest.approx(0.75)
    assert (figures.units, figures.pairs) == (3, 7)

    drift = agreement.drift(ratings, {1: 2, 2: 2, 3: 0})
    assert (drift["A"].compared, drift["A"].differed) == (3, 0)
    assert (drift["B"].compared, drift["B"].differed, round(drift["B"].percent, 1)) == (3, 1, 33.3)
    assert (drift["C"].compared, drift["C"].differed) == (2, 0)


def test_undefined_alpha_is_reported_as_such():
    same = {1: {"A": 2, "B": 2}, 2: {"A": 1, "B": 1}}
    assert agreement.agreement(same).alpha == 1.0
    unanimous = agreement.agreement({1: {"A": 2, "B": 2}, 2: {"A": 2, "B": 2}})
    assert unanimous.percent == 100.0 and unanimous.alpha is None
    assert unanimous.alpha_note == "Cannot be calculated: every rating was the same"
    alone = agreement.agreement({1: {"A": 2, "B": None}})
    assert (alone.percent, alone.alpha, alone.units) == (None, None, 0)
    assert alone.alpha_note == "Not enough cases rated by two or more agencies"


# Rounds of up to 12 units rated by up to 5 agencies on a scale of up to 4 points (None: missing or not applicable).
_rounds = st.integers(min_value=1, max_value=4).flatmap(
    lambda points: st.lists(
        st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=points - 1)), min_size=5, max_size=5),
        min_size=1,
        max_size=12,
    )
)


@settings(max_examples=300, deadline=None)
@given(_rounds)
def test_alpha_and_percentages_match_the_krippendorff_package_and_pairs_counted_one_by_one(units):
    """Alpha is worked out from a tally of the units' multisets of ratings; here it is checked against the
    `krippendorff` package, which builds the coincidence matrix unit by unit, and the percentage against every
    pair of ratings compared one by one."""
    ratings = {u: {rater: value for rater, value in enumerate(row)} for u, row in enumerate(units)}
    figures = agreement.agreement(ratings)

    pairable = [[v for v in row if v is not None] for row in units]
    pairable = [values for values in pairable if len(values) >= 2]
    pairs = [(a, b) for values in pairable for i, a in enumerate(values) for b in values[i + 1 :]]
    assert (figures.units, figures.pairs) == (len(pairable), len(pairs))
    assert figures.percent == (100.0 * sum(a == b for a, b in pairs) / len(pairs) if pairs else None)

    if len({v for values in pairable for v in values}) < 2:
        assert figures.alpha is None
        return
    matrix = np.array([[np.nan if v is None else v for v in row] for row in units], dtype=float).T
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")
    assert figures.alpha == pytest.approx(expected, abs=1e-9)


def test_a_tally_entry_of_one_rating_counts_for_nothing():
    from collections import Counter

    alone = agreement.agreement_of(Counter({(1.0,): 3}))
    assert (alone.percent, alone.alpha, alone.units, alone.pairs) == (None, None, 0, 0)
    both = Counter({(1.0,): 3, (1.0, 2.0): 1, (2.0, 2.0): 1})
    assert agreement.agreement_of(both) == agreement.agreement_of(both - Counter({(1.0,): 3}))


def test_a_rounds_pooled_tally_is_the_sum_of_its_questions():
    first = {1: {"A": 2, "B": 1}, 2: {"A": 0, "B": 0, "C": 0}}
    second = {1: {"A": 2, "B": 2, "C": None}, 2: {"A": 1, "B": 2}}
    pooled = {(q, u): by for q, units in (("q1", first), ("q2", second)) for u, by in units.items()}
    assert agreement.tally(first) + agreement.tally(second) == agreement.tally(pooled)
    assert agreement.agreement_of(agreement.tally(first) + agreement.tally(second)) == agreement.agreement(pooled)


def _figure(page_text: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', page_text).group(1).strip()


def test_round_page_shows_figures_matching_a_hand_computation(client, login_as, db):
    """The small example above, on the "convened promptly" criterion (Yes 2, Partly 1, No 0)."""
    setup = make_round(references=("CR-000101", "CR-000102", "CR-000103"))
    police, health, council = (setup.auditors[k] for k in ("police", "health", "council"))
    plan = {  # case -> (police, health, council) rating of convened_promptly; every other criterion "yes"
        0: ("yes", "yes", "yes"),
        1: ("yes", "partly", "yes"),
        2: ("no", "no", "na"),
    }
    for case_index, values in plan.items():
        for org, auditor, value in zip(("police", "health", "council"), (police, health, council), values):
            score(setup.assignment(case_index, org), complete_answers(convened_promptly=value), actor=auditor)
    services.start_moderation(setup.round, actor=setup.qa)
    for case_index, agreed in ((0, "yes"), (1, "yes"), (2, "no")):
        moderate(setup.round.cases[case_index], actor=setup.qa, convened_promptly=agreed)
    db.session.commit()
    login_as(setup.qa)
    page = client.get(f"/audits/{setup.round.id}").text

    assert _figure(page, "convened_promptly-percent") == "71.4%"
    assert _figure(page, "convened_promptly-alpha") == "0.750"
    assert _figure(page, "convened_promptly-n") == "3"
    # Every agency answered "yes" to the other criteria: full agreement, alpha undefined.
    assert _figure(page, "identity_considered-percent") == "100.0%"
    assert _figure(page, "identity_considered-alpha").startswith("–")
    # Round: 9 criteria × 3 cases (the two hidden by show_if are unanswered). Besides the example, 24 units
    # where three agencies gave 2: 72 more agreeing pairs → 77 of 79 = 97.47%. Coincidences o22 = 76,
    # o12 = o21 = 1, o00 = 2; n = 80 (n0 2, n1 1, n2 77). δ²(1,2) = 39² = 1521, δ²(0,1) = 2.25,
    # δ²(0,2) = 40.5² = 1640.25; Do = 2 × 1521 / 80 = 38.025; De = 2 × (4.5 + 252598.5 + 117117) / (80 × 79)
    # = 117; alpha = 1 − 38.025 / 117 = 0.675.
    assert _figure(page, "round-percent") == "97.5%"
    assert _figure(page, "round-alpha") == "0.675"
    assert _figure(page, "round-n") == "3"
    # Drift over the 10 rated questions (incl. overall) of 3 cases: health differed once in 30 ratings;
    # council's "not applicable" is missing, so 29 compared and none differed.
    assert _figure(page, f"drift-{setup.orgs['health'].slug}") == "3.3%"
    assert _figure(page, f"drift-{setup.orgs['council'].slug}") == "0.0%"
    assert _figure(page, f"drift-{setup.orgs['police'].slug}") == "0.0%"
    assert ">29<" in page.replace(" ", "")


def test_the_round_page_keeps_its_agreement_until_an_answer_it_rests_on_changes(client, login_as, db):
    """The round page states the agreement on every visit: it is worked out once and kept while the round's figures
    token holds, so a second visit reads no answer, and a submission (which renews the token) shows at once."""
    from tests.findings.test_figures_kept import _statement_texts

    setup = make_round(references=("CR-000111", "CR-000112"))
    police, health = setup.auditors["police"], setup.auditors["health"]
    score(setup.assignment(0, "police"), complete_answers(convened_promptly="yes"), actor=police)
    score(setup.assignment(0, "health"), complete_answers(convened_promptly="yes"), actor=health)
    score(setup.assignment(1, "police"), complete_answers(convened_promptly="yes"), actor=police)
    db.session.commit()
    login_as(setup.qa)
    assert _figure(client.get(f"/audits/{setup.round.id}").text, "convened_promptly-percent") == "100.0%"
    texts = _statement_texts(db, lambda: client.get(f"/audits/{setup.round.id}"))
    # (the page's progress still asks which responses have any answer; the ratings are not read)
    agreement_read = ("case_answer.question_key", "moderated_answer", "case_agreement_unit", "case_drift")
    assert texts and not [t for t in texts if any(read in t for read in agreement_read)], texts

    score(setup.assignment(1, "health"), complete_answers(convened_promptly="no"), actor=health)
    db.session.commit()
    assert _figure(client.get(f"/audits/{setup.round.id}").text, "convened_promptly-percent") == "50.0%"


def test_alpha_is_shown_to_three_places_with_a_half_rounded_up():
    """Eight cases, two agencies: alpha is exactly 0.3125, which reads 0.313 (Python's own "%.3f" gives 0.312),
    and the few last bits a calculation may leave either side of it do not change that."""
    from app.utils import alpha_text

    ratings = {
        0: {"A": 2, "B": 0},
        1: {"A": 2, "B": 2},
        2: {"A": 2, "B": None},
        3: {"A": 1, "B": None},
        4: {"A": 0, "B": 0},
        5: {"A": 1, "B": 1},
        6: {"A": 0, "B": 1},
        7: {"A": 1, "B": 2},
    }
    assert agreement.agreement(ratings).alpha == pytest.approx(0.3125, abs=1e-12)
    assert [alpha_text(v) for v in (0.3125, 0.3125000000000001, 0.31249999999999994)] == ["0.313"] * 3
    assert (alpha_text(0.3124), alpha_text(-0.0625), alpha_text(1.0), alpha_text(None)) == (
        "0.312",
        "-0.063",
        "1.000",
        "–",
    )
