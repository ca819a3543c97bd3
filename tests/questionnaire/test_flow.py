"""The engine's section flow: section order, where a save leads, and the version rule every save follows."""

from __future__ import annotations

import pytest

from app.errors import StaleEdit
from app.questionnaire import (
    SectionFlow,
    check_version,
    from_check,
    latest_version,
    return_marker,
)


def _urls(step) -> str:
    return step.url(section=lambda key: f"/s/{key}", end="/check", task_list="/tasks")


def test_sections_follow_the_instrument_for_the_organisation_type(db):
    instrument = latest_version("strategy-discussion").parsed
    flow = SectionFlow.of(instrument, "police")
    assert list(flow.keys) == [s.key for s in instrument.sections_for("police")]
    assert flow.number(flow.keys[0]) == 1 and len(flow) == len(flow.keys)
    assert flow.after(flow.keys[0]) == flow.keys[1] and flow.after(flow.keys[-1]) is None


def test_where_a_save_leads():
    flow = SectionFlow(["a", "b", "c"])
    assert _urls(flow.after_save("a")) == "/s/b"
    assert _urls(flow.after_save("c")) == "/check"
    assert _urls(flow.after_save("a", action="later", valid=False, return_to="check")) == "/tasks"
    assert _urls(flow.after_save("a", return_to="check")) == "/check"
    assert flow.after_save("a", return_to="check", valid=False).stays
    assert _urls(flow.after_save("a", return_to="https://evil.example")) == "/s/b"
    with pytest.raises(KeyError):
        flow.after_save("z")


def test_only_the_known_marker_is_kept_and_change_links_carry_it():
    assert return_marker("check") == "check"
    for forged in (None, "", "CHECK", "https://evil.example", "//evil.example", "/check"):
        assert return_marker(forged) is None
    assert from_check("/s/a") == "/s/a?return_to=check"
    assert from_check("/s/a?org_type=police") == "/s/a?org_type=police&return_to=check"


@pytest.mark.parametrize("posted", [None, "", " ", "abc", "1.0", "-3", True, "²"])
def test_a_missing_or_malformed_version_is_stale(posted):
    with pytest.raises(StaleEdit):
        check_version(posted, 3)


def test_versions_are_counters_or_fingerprints():
    check_version("3", 3)
    check_version(3, 3)
    check_version("ab12", "ab12")
    for posted, current in (("2", 3), (4, 3), ("ab13", "ab12"), ("", "ab12"), (None, "ab12"), (3, "3")):
        with pytest.raises(StaleEdit) as raised:
            check_version(posted, current, "Changed meanwhile")
        assert raised.value.message == "Changed meanwhile"


def test_a_one_page_questionnaire_ends_once_saved():
    assert _urls(SectionFlow(["a", "b"]).after_all()) == "/check"
