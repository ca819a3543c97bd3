"""Partnership settings: declared by features, edited by admin on one page, read with their kind."""

import pytest
import sqlalchemy as sa

from app.accounts import settings
from app.accounts.models import PartnershipSetting
from app.activity.models import ActivityEvent


@pytest.fixture
def declared(app):
    """Three settings of different kinds, declared for the test and removed after it. The features' own settings
    are set aside meanwhile, so the page holds only these three."""
    features = dict(settings._declared)
    settings._declared.clear()
    keys = []

    def declare(key, **kwargs):
        settings.declare_setting(key, **kwargs)
        keys.append(key)

    declare(
        "test_days",
        label="Days before escalating",
        hint="Counted from the due date.",
        kind="int",
        default=14,
        minimum=1,
        maximum=365,
    )
    declare("test_check", label="QA checks drafts", hint="Before publication.", kind="bool", default=True)
    declare("test_people", label="Executive members", hint="They are told.", kind="emails", default=[])
    yield
    for key in keys:
        settings._declared.pop(key, None)
    settings._declared.update(features)


def test_unsaved_settings_read_as_their_defaults(app, db, declared):
    assert settings.get_setting("test_days") == 14
    assert settings.get_setting("test_check") is True
    assert settings.get_setting("test_people") == []


def test_admin_changes_settings_and_each_change_is_recorded(client, login_as, db, declared):
    login_as("admin")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Days before escalating" in page and "Executive members" in page and 'value="14"' in page
    response = client.post(
        "/admin/settings",
        data={
            "test_days": "21",
            "test_check": "no",
            "test_people": "Chair@Example.org\nchair@example.org, ceo@example.org",
        },
    )
    assert response.status_code == 302
    assert settings.get_setting("test_days") == 21
    assert settings.get_setting("test_check") is False
    assert settings.get_setting("test_people") == ["Chair@example.org", "ceo@example.org"]
    summaries = (
        db.session.execute(sa.select(ActivityEvent.summary).where(ActivityEvent.verb == "setting_changed"))
        .scalars()
        .all()
    )
    assert sorted(summaries) == [
        "Setting changed: Days before escalating",
        "Setting changed: Executive members",
        "Setting changed: QA checks drafts",
    ]
    assert "Settings saved" in client.get("/admin/settings").get_data(as_text=True)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"test_days": "soon"}, "Days before escalating must be a whole number"),
        ({"test_days": "0"}, "Days before escalating must be 1 or more"),
        ({"test_people": "not an address"}, "is not an email address"),
        ({"test_check": ""}, "Select yes or no for ‘QA checks drafts’"),
    ],
)
def test_a_bad_value_is_explained_and_nothing_is_saved(client, login_as, db, declared, data, message):
    login_as("admin")
    form = {"test_days": "30", "test_check": "yes", "test_people": "ceo@example.org", **data}
    response = client.post("/admin/settings", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html and message in html
    assert db.session.execute(sa.select(sa.func.count()).select_from(PartnershipSetting)).scalar() == 0


@pytest.mark.parametrize("role", ["qa", "org_lead", "auditor", "signatory"])
def test_only_admin_sees_or_changes_settings(client, login_as, db, declared, role):
    login_as(role)
    assert client.get("/admin/settings").status_code == 403
    assert client.post("/admin/settings", data={"test_days": "2"}).status_code == 403
    assert settings.get_setting("test_days") == 14
