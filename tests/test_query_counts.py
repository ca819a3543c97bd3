"""No N+1 on list and detail pages: the number of SQL statements a page runs does not grow with the
number of rows it shows. Data sets of the benchmark's shape (bench/generate.py) are generated into the test's
transaction; each page is counted warm (per-process caches filled), small against large."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa
from flask import url_for

from bench.generate import SCALES, generate

SMALL = replace(
    SCALES["tiny"], name="small", organisations=5, agencies=3, rounds=2, cases=2, survey_responses=5, growth=2
)
LARGE = replace(SMALL, name="large", organisations=12, cases=4, growth=3)


# Pages whose length follows the number of rows in the whole service.
LIST_PAGES = [
    "audits.rounds",
    "main.dashboard",
    "selfassessment.campaigns",
    "findings.index",
    "actions.tracker",
    "accounts.organisations",
    "accounts.users",
    "activity.index",
    "statements.admin_register",
    "statements.public_register",
    "questionnaire.index",
]
# Pages about one round / campaign, whose length follows that object's rows.
ROUND_PAGES = [
    "audits.round",
    "audits.disagreements",
    "findings.round_findings",
    "findings.round_export",
    "findings.round_csv",
]
CAMPAIGN_PAGES = [
    "selfassessment.campaign",
    "selfassessment.triangulation",
    "findings.campaign_findings",
    "findings.campaign_export",
    "findings.campaign_csv",
]


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def page(self, client, url: str) -> int:
        client.get(url)  # warm: parsed instrument definitions and other per-process caches
        self.count = 0
        sa.event.listen(self.engine, "before_cursor_execute", self)
        try:
            response = client.get(url)
        finally:
            sa.event.remove(self.engine, "before_cursor_execute", self)
        assert response.status_code == 200, (url, response.status_code)
        return self.count


def _url(app, endpoint: str, **values) -> str:
    """A page that cannot be built (renamed or removed) fails the test: rename it here rather than lose the check."""
    with app.test_request_context():
        return url_for(endpoint, **values)


@pytest.fixture
def counter(db, login_as, make):
    login_as(make.make_user(roles=["admin", "qa"]))
    return QueryCounter(db.engine)


@pytest.mark.parametrize("endpoint", LIST_PAGES)
def test_list_page_runs_the_same_queries_with_more_rows(app, client, counter, endpoint):
    generate(SMALL, label="qsmall")
    url = _url(app, endpoint)
    before = counter.page(client, url)
    generate(LARGE, label="qlarge", seed=7)
    after = counter.page(client, url)
    assert after <= before, f"{url}: {before} queries with fewer rows, {after} with more"


@pytest.mark.parametrize("endpoint", ROUND_PAGES)
def test_round_page_runs_the_same_queries_for_a_bigger_round(app, client, counter, endpoint):
    data = generate(LARGE, label="qlarge")
    typical = counter.page(client, _url(app, endpoint, round_id=data.typical_round_id))
    largest = counter.page(client, _url(app, endpoint, round_id=data.largest_round_id))
    assert largest <= typical, (
        f"{endpoint}: {typical} queries for {LARGE.cases} cases, {largest} for {LARGE.cases * LARGE.growth}"
    )


@pytest.mark.parametrize("endpoint", CAMPAIGN_PAGES)
def test_campaign_page_runs_the_same_queries_for_a_bigger_campaign(app, client, counter, endpoint):
    small = generate(SMALL, label="qsmall")
    large = generate(LARGE, label="qlarge", seed=7)
    few = counter.page(client, _url(app, endpoint, campaign_id=small.largest_campaign_id))
    many = counter.page(client, _url(app, endpoint, campaign_id=large.largest_campaign_id))
    assert many <= few, f"{endpoint}: {few} queries for {SMALL.organisations} returns, {many} for {LARGE.organisations}"


# --- detail pages ----------------------------------------------------------------------------------------------
# Data sets where each object of the larger has more rows of its own: more agencies per case, more cases per
# auditor, more rounds and cycles per organisation. An organisation's page shows its last three rounds and two
# campaigns, so both sets have at least that many.
DETAIL_SMALL = replace(SMALL, name="dsmall", rounds=3, cycles=2)
DETAIL_LARGE = replace(LARGE, name="detail", agencies=5, rounds=5, cycles=3)
THEME = "information_sharing"


def _first(stmt):
    from app.extensions import db

    return db.session.execute(stmt.limit(1)).scalar_one()


def _objects(label: str, data) -> dict:
    """Ids of one of each kind of object in a generated data set, and its people."""
    from app.accounts.models import User
    from app.audits.models import Assignment, AuditCase
    from app.selfassessment.models import Return

    case_id = _first(sa.select(AuditCase.id).where(AuditCase.round_id == data.typical_round_id).order_by(AuditCase.id))
    a_return = _first(sa.select(Return).where(Return.campaign_id == data.largest_campaign_id).order_by(Return.id))
    return {
        "case_id": case_id,
        "assignment_id": _first(sa.select(Assignment.id).where(Assignment.case_id == case_id).order_by(Assignment.id)),
        "return_id": a_return.id,
        "member_id": a_return.organisation_id,
        "agency_id": _first(
            sa.select(Assignment.organisation_id)
            .where(Assignment.case_id == case_id)
            .order_by(Assignment.organisation_id)
        ),
        "auditor": _first(sa.select(User).where(User.email == f"auditor1@{label}.example")),
        "lead": _first(sa.select(User).where(User.email == f"lead1@{label}.example")),
    }


# (endpoint, who views it, which of the object's ids go in the URL)
DETAIL_PAGES = [
    ("audits.case", "staff", {"case_id": "case_id"}),
    ("audits.response", "staff", {"assignment_id": "assignment_id"}),
    ("selfassessment.review", "staff", {"return_id": "return_id"}),
    ("findings.organisation", "staff", {"organisation_id": "agency_id"}),
    ("findings.organisation", "staff", {"organisation_id": "member_id"}),
    ("findings.organisation", "lead", {"organisation_id": "member_id"}),
    ("audits.my_tasks", "auditor", {}),
    ("selfassessment.my_returns", "lead", {}),
]


@pytest.mark.parametrize(
    "endpoint,viewer,params", DETAIL_PAGES, ids=[f"{e}-{v}-{'-'.join(p.values()) or 'own'}" for e, v, p in DETAIL_PAGES]
)
def test_detail_page_runs_the_same_queries_for_an_object_with_more_rows(
    app, client, db, login_as, make, endpoint, viewer, params
):
    staff = make.make_user(roles=["admin", "qa"])
    counts = []
    for label, scale, seed in (("qsmall", DETAIL_SMALL, 20261121), ("qlarge", DETAIL_LARGE, 7)):
        objects = _objects(label, generate(scale, label=label, seed=seed))
        login_as(staff if viewer == "staff" else objects[viewer])
        url = _url(app, endpoint, **{name: objects[key] for name, key in params.items()})
        counts.append(QueryCounter(db.engine).page(client, url))
    assert counts[1] <= counts[0], f"{endpoint}: {counts[0]} queries for the smaller object, {counts[1]} for the larger"


# Pages about one instrument or theme across the whole service.
KEYED_PAGES = [
    ("findings.trends", {"key": "strategy-discussion"}),
    ("findings.trends", {"key": "self-assessment"}),
    ("findings.trends", {"key": "practitioner-survey"}),
    ("findings.theme", {"key": THEME}),
]


@pytest.mark.parametrize("endpoint,values", KEYED_PAGES, ids=[f"{e}-{v['key']}" for e, v in KEYED_PAGES])
def test_trend_and_theme_pages_run_the_same_queries_with_more_periods(app, client, counter, endpoint, values):
    generate(SMALL, label="qsmall")
    url = _url(app, endpoint, **values)
    before = counter.page(client, url)
    generate(DETAIL_LARGE, label="qlarge", seed=7)
    after = counter.page(client, url)
    assert after <= before, f"{url}: {before} queries with fewer periods, {after} with more"
