"""Small numbers: no count below MIN_CELL_SIZE is shown, or can be worked out from the totals."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from app.audits.models import RoundState
from app.findings.suppression import suppress
from tests.findings import factories as f
from tests.findings.test_round_findings import text_of


def _round_with_age_bands(make, bands: dict[str, int]):
    police = make.make_org(org_type="police")
    rnd = f.make_round(organisations=[police], state=RoundState.closed)
    for band, n in bands.items():
        for _ in range(n):
            case = f.add_case(rnd, age_band=band, gender="female", ethnicity="white", area="North")
            f.add_response(case, police, {"convened_promptly": "yes", "overall_judgement": "good"})
    return rnd


def _age_rows(page: str) -> dict[str, list[str]]:
    section = page.split("Cases audited by age band and agreed grade")[1].split(" Gender ")[0]
    section = section.split("All cases Criteria meeting the standard")[1]
    rows = {}
    for label in ("Under 1", "1 to 4", "5 to 9", "10 to 15", "Total"):
        value = r"(?:fewer than 5|hidden|\d+|–|[\d.]+%)"
        match = re.search(re.escape(label) + rf" ({value}(?: {value})*)", section)
        if match:
            rows[label] = re.findall(r"fewer than 5|hidden|[\d.]+%|\d+|–", match.group(1))
    return rows


def test_a_single_small_group_is_protected_from_subtraction(client, login_as, make, db):
    rnd = _round_with_age_bands(make, {"5_9": 6, "10_15": 5, "under_1": 1})
    db.session.commit()
    login_as("qa")
    rows = _age_rows(text_of(client.get(f"/findings/rounds/{rnd.id}")))
    # one column ("Not yet agreed") plus the row total and the percentage
    assert rows["Under 1"][:2] == ["fewer than 5", "fewer than 5"]
    # 12 - 6 would reveal the 1 if 10-to-15's 5 were shown, so it is hidden too
    assert rows["10 to 15"][:2] == ["hidden", "hidden"]
    assert rows["5 to 9"][:2] == ["6", "6"]
    assert rows["Total"][:2] == ["12", "12"]
    assert rows["Under 1"][2] == "–" and rows["10 to 15"][2] == "–"


def test_groups_at_the_threshold_are_shown(client, login_as, make, db):
    rnd = _round_with_age_bands(make, {"5_9": 5, "10_15": 7})
    db.session.commit()
    login_as("qa")
    rows = _age_rows(text_of(client.get(f"/findings/rounds/{rnd.id}")))
    assert rows["5 to 9"][:2] == ["5", "5"]
    assert rows["10 to 15"][:2] == ["7", "7"]
    assert rows["Total"][:2] == ["12", "12"]


def test_suppressed_groups_are_left_out_of_the_chart(client, login_as, make, db):
    rnd = _round_with_age_bands(make, {"5_9": 6, "10_15": 5, "under_1": 1})
    db.session.commit()
    login_as("qa")
    html = client.get(f"/findings/rounds/{rnd.id}").get_data(as_text=True)
    chart = re.search(r'id="chart-breakdown-age-band" data-figure="([^"]*)"', html).group(1)
    assert "5 to 9" in chart and "Under 1" not in chart and "10 to 15" not in chart


def _recoverable(cells, row_totals, col_totals, grand, min_size):
    """Any hidden cell below the minimum whose value follows from one line's total and shown cells."""
    lines = [(row, row_totals[i]) for i, row in enumerate(cells)]
    lines += [([row[j] for row in cells], col_totals[j]) for j in range(len(col_totals))]
    lines += [(row_totals, grand), (col_totals, grand)]
    for line, total in lines:
        if total.suppressed:
            continue
        hidden = [c for c in line if c.suppressed]
        if len(hidden) == 1 or (hidden and sum(c.count for c in hidden) < min_size):
            return True
    return False


matrices = st.integers(min_value=1, max_value=5).flatmap(
    lambda cols: st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=cols, max_size=cols), min_size=1, max_size=6
    )
)


@settings(max_examples=300, deadline=None)
@given(matrices, st.integers(min_value=2, max_value=10))
def test_no_small_count_is_shown_or_recoverable_from_a_total(matrix, min_size):
    cells, row_totals, col_totals, grand = suppress(matrix, min_size)
    everything = [c for row in cells for c in row] + row_totals + col_totals + [grand]
    assert all(c.suppressed for c in everything if c.count < min_size)
    assert not _recoverable(cells, row_totals, col_totals, grand, min_size)
    # a hidden total is never the plain sum of shown cells
    for i, row in enumerate(cells):
        assert not (row_totals[i].suppressed and all(not c.suppressed for c in row))
