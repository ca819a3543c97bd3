"""Bulk import: every row is checked first; one bad row means nothing is imported."""

import sqlalchemy as sa

from app.accounts.models import Organisation, User
from app.activity.models import ActivityEvent
from tests.accounts.helpers import csv_upload, link_path, xlsx_upload

ORG_HEADINGS = ["name", "slug", "type", "areas"]
USER_HEADINGS = ["email", "name", "organisation", "roles", "signatory_capacity"]


def _post(client, kind, upload):
    return client.post("/admin/import", data={"kind": kind, "file": upload}, content_type="multipart/form-data")


def _count(db, model, *conditions):
    return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*conditions)).scalar_one()


def test_organisations_import_from_csv(client, login_as, db):
    login_as("admin")
    response = _post(
        client,
        "organisations",
        csv_upload(
            [
                ORG_HEADINGS,
                ["Maple Primary School", "maple-primary", "school", "North; South"],
                ["Harbour Sailing Club", "harbour-sailing", "Out-of-school setting", "South"],
                ["", "", "", ""],
                ["Eastfield Housing", "eastfield-housing", "social_housing", ""],
            ],
            "organisations.csv",
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Import complete" in html and "3 organisations imported" in html
    maple = db.session.execute(sa.select(Organisation).where(Organisation.slug == "maple-primary")).scalar_one()
    assert maple.areas == ["North", "South"] and maple.org_type == "school"
    harbour = db.session.execute(sa.select(Organisation).where(Organisation.slug == "harbour-sailing")).scalar_one()
    assert harbour.org_type == "out_of_school_setting"
    assert db.session.execute(
        sa.select(ActivityEvent).where(
            ActivityEvent.verb == "imported", ActivityEvent.summary.contains("3 organisations")
        )
    ).scalar_one()


def test_users_import_from_xlsx_sends_invitations(app, client, login_as, make, db, smtp_server):
    make.make_org(slug="import-school", org_type="school")
    db.session.commit()
    login_as("admin")
    response = _post(
        client,
        "users",
        xlsx_upload(
            [
                ["Email", "Name", "Organisation slug", "Roles", "Signatory capacity"],
                ["Head@Import.Example", "Harriet Head", "import-school", "signatory; org_lead", "Headteacher"],
                ["qa.person@import.example", "Quentin QA", None, "qa", None],
            ],
            "users.xlsx",
        ),
    )
    html = response.get_data(as_text=True)
    assert "2 users imported" in html and "2 invitations queued" in html
    head = db.session.execute(sa.select(User).where(User.email == "head@import.example")).scalar_one()
    assert head.roles == {"signatory", "org_lead"} and head.signatory_capacity == "headteacher"
    assert head.organisation.slug == "import-school"
    [body] = smtp_server.bodies_to("head@import.example")
    browser = app.test_client()
    assert browser.get(link_path(body)).status_code == 200


def test_one_bad_row_means_nothing_is_imported(client, login_as, db):
    login_as("admin")
    response = _post(
        client,
        "organisations",
        csv_upload(
            [
                ORG_HEADINGS,
                ["Good One", "good-one", "school", "North"],
                ["Good Two", "good-two", "charity", "South"],
                ["Bad Three", "bad-three", "skool", "North"],
                ["Good Four", "good-four", "police", ""],
            ]
        ),
    )
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and "nothing has been imported" in html
    assert "Row 4: Unknown organisation type “skool”" in html
    assert _count(db, Organisation, Organisation.slug.in_(["good-one", "good-two", "bad-three", "good-four"])) == 0
    assert _count(db, ActivityEvent, ActivityEvent.verb == "imported") == 0


def test_every_row_problem_is_reported(client, login_as, make, db):
    make.make_org(slug="already-here")
    db.session.commit()
    login_as("admin")
    html = _post(
        client,
        "organisations",
        csv_upload(
            [
                ORG_HEADINGS,
                ["Already", "already-here", "school", ""],
                ["", "Bad Slug", "school", ""],
                ["Twin A", "twin", "charity", ""],
                ["Twin B", "twin", "charity", ""],
            ]
        ),
    ).get_data(as_text=True)
    assert "Row 2: An organisation with the short name “already-here” already exists" in html
    assert "Row 3: Enter the organisation name" in html
    assert "Row 3: Short name must use lowercase letters" in html
    assert "Row 5: Short name “twin” is also on row 4" in html


def test_user_rows_are_checked_against_the_file_and_the_database(client, login_as, make, db):
    make.make_user(roles=["qa"], email="exists@test.example")
    make.make_org(slug="real-org")
    db.session.commit()
    login_as("admin")
    html = _post(
        client,
        "users",
        csv_upload(
            [
                USER_HEADINGS,
                ["EXISTS@test.example", "Existing", "", "qa", ""],
                ["new.one@test.example", "New One", "no-such-org", "auditor", ""],
                ["new.two@test.example", "New Two", "real-org", "wizard", ""],
                ["New.One@test.example", "Repeat", "", "qa", ""],
                ["signer@test.example", "Signer", "real-org", "signatory", ""],
                ["not-an-email", "Nobody", "", "qa", ""],
                ["roleless@test.example", "No Role", "", "", ""],
            ]
        ),
    ).get_data(as_text=True)
    assert "Row 2: A user with the email address exists@test.example already exists" in html
    assert "Row 3: No organisation has the short name “no-such-org”" in html
    assert "Row 4: Unknown role “wizard”" in html
    assert "Row 5: Email address “new.one@test.example” is also on row 3" in html
    assert "Row 6: Select the capacity in which this person signs statements" in html
    assert "Row 7: Enter an email address in the correct format" in html
    assert "Row 8: Enter at least one role" in html
    assert _count(db, User, User.email.in_(["new.one@test.example", "signer@test.example"])) == 0


def test_file_level_problems_are_explained(client, login_as, db):
    login_as("admin")
    html = _post(client, "organisations", csv_upload([["name", "slug", "colour"], ["A", "a", "red"]])).get_data(
        as_text=True
    )
    assert "The file must have a column headed “type”" in html
    assert "Column “colour” is not recognised. Use the columns: name, slug, type, areas" in html
    html = _post(client, "organisations", csv_upload([ORG_HEADINGS])).get_data(as_text=True)
    assert "The file has headings but no rows to import" in html
    html = _post(client, "organisations", csv_upload([], "empty.csv")).get_data(as_text=True)
    assert "The selected file is empty" in html
    html = _post(client, "users", (__import__("io").BytesIO(b"not a zip"), "broken.xlsx")).get_data(as_text=True)
    assert "could not be opened as an Excel workbook" in html
    html = _post(client, "users", (__import__("io").BytesIO(b"a,b"), "notes.txt")).get_data(as_text=True)
    assert "The selected file must be a CSV (.csv) or Excel (.xlsx) file" in html
    html = client.post("/admin/import", data={"kind": "users"}, content_type="multipart/form-data").get_data(
        as_text=True
    )
    assert "Select a CSV or Excel file" in html


def test_invitations_are_queued_with_the_import_even_when_mail_is_down(client, login_as, db, smtp_down):
    from app.notifications.models import OutboxMessage

    login_as("admin")
    html = _post(client, "users", csv_upload([USER_HEADINGS, ["later@test.example", "Later", "", "qa", ""]])).get_data(
        as_text=True
    )
    assert "1 user imported" in html and "1 invitation queued" in html
    assert _count(db, User, User.email == "later@test.example") == 1
    assert (
        _count(
            db,
            OutboxMessage,
            OutboxMessage.recipient == "later@test.example",
            OutboxMessage.kind == "invitation",
            OutboxMessage.state == "pending",
        )
        == 1
    )


def test_templates_download_with_headings(client, login_as):
    login_as("admin")
    response = client.get("/admin/import/users-template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).strip() == ",".join(USER_HEADINGS)
    assert client.get("/admin/import/organisations-template.csv").get_data(as_text=True).strip() == ",".join(
        ORG_HEADINGS
    )
    assert client.get("/admin/import/widgets-template.csv").status_code == 404


def test_the_import_page_explains_the_columns(client, login_as):
    login_as("admin")
    html = client.get("/admin/import").get_data(as_text=True)
    assert "Download the users template" in html and "out_of_school_setting" in html
