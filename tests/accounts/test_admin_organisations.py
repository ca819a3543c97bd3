import sqlalchemy as sa

from app.accounts.models import Organisation
from app.activity.models import ActivityEvent


def _org(db, slug):
    return db.session.execute(sa.select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()


def test_admin_creates_an_organisation(client, login_as, db):
    login_as("admin")
    response = client.post(
        "/admin/organisations/new",
        data={
            "name": "Hillside Academy",
            "slug": "hillside-academy",
            "org_type": "school",
            "areas": "North, South\nCity",
            "active": "y",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/organisations/")
    org = _org(db, "hillside-academy")
    assert org.name == "Hillside Academy" and org.org_type == "school"
    assert org.areas == ["North", "South", "City"] and org.active
    listing = client.get("/admin/organisations/").get_data(as_text=True)
    assert "Hillside Academy" in listing and "hillside-academy" in listing and "School" in listing
    assert db.session.execute(
        sa.select(ActivityEvent).where(
            ActivityEvent.verb == "created",
            ActivityEvent.object_type == "organisation",
            ActivityEvent.object_id == org.id,
        )
    ).scalar_one()


def test_duplicate_short_name_is_refused_with_a_message(client, login_as, make, db):
    make.make_org(slug="taken-name", name="First Organisation")
    login_as("admin")
    response = client.post(
        "/admin/organisations/new",
        data={
            "name": "Second Organisation",
            "slug": "taken-name",
            "org_type": "charity",
            "areas": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "An organisation with the short name “taken-name” already exists" in html
    assert (
        db.session.execute(
            sa.select(sa.func.count()).select_from(Organisation).where(Organisation.name == "Second Organisation")
        ).scalar_one()
        == 0
    )


def test_unknown_organisation_type_is_named_in_the_message(client, login_as, db):
    login_as("admin")
    response = client.post(
        "/admin/organisations/new",
        data={
            "name": "Skool",
            "slug": "skool",
            "org_type": "skool",
            "areas": "",
        },
    )
    assert "Unknown organisation type “skool”" in response.get_data(as_text=True)
    assert _org(db, "skool") is None


def test_bad_short_name_and_missing_name_are_explained(client, login_as):
    login_as("admin")
    html = client.post(
        "/admin/organisations/new", data={"name": "", "slug": "Not A Slug", "org_type": "school"}
    ).get_data(as_text=True)
    assert "Enter the organisation name" in html


def test_admin_edits_and_deactivates_an_organisation(client, login_as, make, db):
    org = make.make_org(name="Old Name", slug="old-name", org_type="charity", areas=["South"])
    db.session.commit()
    login_as("admin")
    form_page = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert "Old Name" in form_page and "South" in form_page
    response = client.post(
        f"/admin/organisations/{org.id}",
        data={"name": "New Name", "slug": "new-name", "org_type": "faith_organisation", "areas": "South; City"},
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.name, org.slug, org.org_type, org.areas, org.active) == (
        "New Name",
        "new-name",
        "faith_organisation",
        ["South", "City"],
        False,
    )
    event = db.session.execute(
        sa.select(ActivityEvent).where(
            ActivityEvent.verb == "updated",
            ActivityEvent.object_id == org.id,
            ActivityEvent.object_type == "organisation",
        )
    ).scalar_one()
    assert "name: Old Name → New Name" in event.summary and "active: yes → no" in event.summary


def test_editing_to_another_organisations_short_name_is_refused(client, login_as, make, db):
    make.make_org(slug="first-org")
    second = make.make_org(slug="second-org")
    db.session.commit()
    login_as("admin")
    html = client.post(
        f"/admin/organisations/{second.id}",
        data={"name": "Second", "slug": "first-org", "org_type": "charity", "areas": "", "active": "y"},
    ).get_data(as_text=True)
    assert "already exists" in html
    db.session.refresh(second)
    assert second.slug == "second-org"


def test_organisation_list_filters_by_type_area_and_status(client, login_as, make, db):
    make.make_org(name="Filter North School", org_type="school", areas=["North"])
    make.make_org(name="Filter Northgate Charity", org_type="charity", areas=["Northgate"])
    make.make_org(name="Filter Closed School", org_type="school", areas=["North"], active=False)
    login_as("admin")

    def names(query):
        html = client.get(f"/admin/organisations/?{query}").get_data(as_text=True)
        return {n for n in ("Filter North School", "Filter Northgate Charity", "Filter Closed School") if n in html}

    assert names("type=school") == {"Filter North School", "Filter Closed School"}
    assert names("area=North") == {"Filter North School", "Filter Closed School"}
    assert names("area=Northgate") == {"Filter Northgate Charity"}
    assert names("type=school&active=active") == {"Filter North School"}
    assert names("active=inactive") == {"Filter Closed School"}


def test_unknown_organisation_is_not_found(client, login_as):
    login_as("admin")
    assert client.get("/admin/organisations/999999").status_code == 404
