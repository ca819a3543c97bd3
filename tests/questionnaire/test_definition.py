"""The typed instrument definition: round trips, filtering by organisation type, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.accounts.models import ORG_TYPES
from app.questionnaire import ORG_TYPE_CODES, Instrument, validate_file
from app.questionnaire.loader import check_text
from tests.questionnaire.helpers import CASE_AUDIT, SELF_ASSESSMENT, STATEMENT, THEMES

LIBRARY = sorted(p for p in (Path(__file__).parents[2] / "instruments").glob("*.yaml") if p.name != "themes.yaml")


@pytest.mark.parametrize("path", [CASE_AUDIT, SELF_ASSESSMENT, STATEMENT], ids=lambda p: p.name)
def test_round_trip_through_to_dict(path):
    instrument = validate_file(path, themes_file=THEMES)
    assert Instrument.from_dict(instrument.to_dict()) == instrument


@pytest.mark.parametrize("path", [CASE_AUDIT, SELF_ASSESSMENT, STATEMENT], ids=lambda p: p.name)
def test_to_dict_is_itself_a_valid_instrument(path):
    import yaml

    instrument = validate_file(path, themes_file=THEMES)
    again = check_text(yaml.safe_dump(instrument.to_dict(), sort_keys=False), "again.yaml", themes_file=THEMES)
    assert again.instrument == instrument


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_every_library_instrument_validates_and_round_trips(path):
    instrument = validate_file(path)
    assert Instrument.from_dict(instrument.to_dict()) == instrument
    assert instrument.questions()


def test_engine_org_types_match_the_accounts_model():
    assert set(ORG_TYPE_CODES) == set(ORG_TYPES)


def test_lookups():
    instrument = validate_file(CASE_AUDIT, themes_file=THEMES)
    assert instrument.question("timely").section_key == "convening"
    assert instrument.section("details").title == "Details"
    assert instrument.overall_question.key == "overall_judgement"
    timely = instrument.question("timely")
    assert timely.scale.key == "evidence"
    assert [o.value for o in timely.options] == ["yes", "partly", "no", "na"]
    assert timely.required is True and timely.comment == "required_unless_met"
    assert instrument.question("agencies").required is False  # default false for multi_choice
    assert instrument.question("shared").themes == ("information_sharing", "timeliness")
    with pytest.raises(KeyError):
        instrument.question("nope")


def test_sections_for_honours_applies_to():
    instrument = validate_file(SELF_ASSESSMENT, themes_file=THEMES)
    assert [s.key for s in instrument.sections_for(None)] == ["leadership", "schools", "settings"]
    assert [s.key for s in instrument.sections_for("school")] == ["leadership", "schools"]
    assert [s.key for s in instrument.sections_for("charity")] == ["leadership", "settings"]
    assert [s.key for s in instrument.sections_for("police")] == ["leadership"]
    assert [q.key for q in instrument.questions("college")] == ["board_champion", "dsl_in_place"]


def test_statement_signatories():
    instrument = validate_file(STATEMENT, themes_file=THEMES)
    assert instrument.review_months == 24
    assert instrument.signatories_for("school") == ("headteacher", "chair_of_governors")
    assert instrument.signatories_for("charity") == ("chief_executive", "chair_of_trustees")
    assert instrument.signatories_for("police") == ("chief_executive",)
