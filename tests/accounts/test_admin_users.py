import sqlalchemy as sa

from app.accounts.models import User
from app.activity.models import ActivityEvent
from tests.accounts.helpers import link_path, sign_in_other_browser, user_form


def _user(db, email):
    return db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()


def test_admin_adds_a_user_who_receives_a_working_invitation(client, login_as, make, db, smtp_server):
    org = make.make_org(name="Invite School", org_type="school")
    db.session.commit()
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data=user_form(
            email="Head.Teacher@Test.Example",
            name="Hana Head",
            organisation=str(org.id),
            roles=["signatory", "org_lead"],
            signatory_capacity="headteacher",
        ),
    )
    assert response.status_code == 302
    user = _user(db, "head.teacher@test.example")
    assert user.roles == {"signatory", "org_lead"} and user.signatory_capacity == "headteacher"
    assert user.organisation_id == org.id and user.password_hash is None
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "an invitation queued for head.teacher@test.example" in detail
    assert "Invitation pending" in detail

    [body] = smtp_server.bodies_to("head.teacher@test.example")
    assert "Hana Head" in body and "Invite School" in body
    anonymous = client.application.test_client()
    path = link_path(body)
    assert "Set your password" in anonymous.get(path).get_data(as_text=True)
    response = anonymous.post(path, data={"password": "plum-kettle-orbit-42", "confirm": "plum-kettle-orbit-42"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    signed_in = anonymous.post(
        "/sign-in", data={"email": "head.teacher@test.example", "password": "plum-kettle-orbit-42"}
    )
    assert signed_in.headers["Location"].endswith("/tasks")


def test_the_activity_log_shows_a_user_created_through_the_admin_page(client, login_as, smtp_server):
    admin = login_as("admin")
    client.post("/admin/users/new", data=user_form(email="logged.user@test.example", roles=["qa"]))
    html = client.get("/admin/activity/").get_data(as_text=True)
    assert "Created user logged.user@test.example" in html
    assert "Queued an invitation to logged.user@test.example" in html
    assert admin.email in html


def test_duplicate_email_is_refused_whatever_its_case(client, login_as, make, db):
    make.make_user(roles=["qa"], email="existing.person@test.example")
    db.session.commit()
    login_as("admin")
    response = client.post("/admin/users/new", data=user_form(email="Existing.PERSON@test.example"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "A user with the email address existing.person@test.example already exists" in html
    assert (
        db.session.execute(
            sa.select(sa.func.count()).select_from(User).where(User.email == "existing.person@test.example")
        ).scalar_one()
        == 1
    )


def test_signatory_needs_a_capacity_and_an_organisation(client, login_as, make, db):
    login_as("admin")
    html = client.post("/admin/users/new", data=user_form(roles=["signatory"])).get_data(as_text=True)
    assert "Select the capacity in which this person signs statements" in html
    html = client.post("/admin/users/new", data=user_form(roles=["auditor"])).get_data(as_text=True)
    assert "Select the organisation this person works for" in html
    html = client.post("/admin/users/new", data=user_form(roles=[])).get_data(as_text=True)
    assert "Select at least one role" in html
    html = client.post("/admin/users/new", data=user_form(email="not-an-email")).get_data(as_text=True)
    assert "Enter an email address in the correct format" in html
    assert _user(db, "new.person@test.example") is None


def test_capacity_is_dropped_when_the_person_is_not_a_signatory(client, login_as, make, db, smtp_server):
    org = make.make_org()
    db.session.commit()
    login_as("admin")
    client.post(
        "/admin/users/new",
        data=user_form(organisation=str(org.id), roles=["org_lead"], signatory_capacity="chief_executive"),
    )
    assert _user(db, "new.person@test.example").signatory_capacity is None


def test_user_form_reveals_capacity_under_the_signatory_checkbox(client, login_as):
    login_as("admin")
    html = client.get("/admin/users/new").get_data(as_text=True)
    assert 'data-aria-controls="conditional-roles-5"' in html
    assert 'id="conditional-roles-5"' in html and 'name="signatory_capacity"' in html


def test_admin_edits_a_user(client, login_as, make, db):
    org = make.make_org()
    user = make.make_user(roles=["qa"], email="edit.me@test.example", name="Edit Me")
    db.session.commit()
    login_as("admin")
    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert "edit.me@test.example" in page and 'value="qa" checked' in page
    response = client.post(
        f"/admin/users/{user.id}/edit",
        data=user_form(
            email="Edited@test.example", name="Edited Person", organisation=str(org.id), roles=["auditor", "qa"]
        ),
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.email, user.name, user.organisation_id, user.roles) == (
        "edited@test.example",
        "Edited Person",
        org.id,
        {"auditor", "qa"},
    )
    event = db.session.execute(
        sa.select(ActivityEvent).where(
            ActivityEvent.verb == "updated",
            ActivityEvent.object_id == user.id,
            ActivityEvent.object_type == "user_account",
        )
    ).scalar_one()
    assert (
        "roles: qa → auditor, qa" in event.summary
        and "email: edit.me@test.example → edited@test.example" in event.summary
    )


def test_admin_cannot_remove_their_own_admin_role_or_deactivate_themselves(client, login_as, db):
    admin = login_as("admin")
    html = client.post(
        f"/admin/users/{admin.id}/edit", data=user_form(email=admin.email, name=admin.name, roles=["qa"])
    ).get_data(as_text=True)
    assert "You cannot remove your own administrator role" in html
    html = client.post(f"/admin/users/{admin.id}/deactivate").get_data(as_text=True)
    assert "You cannot deactivate your own account" in html
    db.session.refresh(admin)
    assert admin.active and admin.roles == {"admin"}


def test_deactivating_a_user_ends_their_live_session(app, client, login_as, make, db):
    user = make.make_user(roles=["qa"], email="soon.gone@test.example")
    db.session.commit()
    their_browser = sign_in_other_browser(app, user)
    assert their_browser.get("/tasks").status_code == 200

    login_as("admin")
    confirm = client.get(f"/admin/users/{user.id}/deactivate").get_data(as_text=True)
    assert "Are you sure you want to deactivate" in confirm
    response = client.post(f"/admin/users/{user.id}/deactivate")
    assert response.status_code == 302
    assert "account has been deactivated" in client.get(response.headers["Location"]).get_data(as_text=True)

    response = their_browser.get("/tasks")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    db.session.refresh(user)
    assert not user.active


def test_reactivated_user_can_sign_in_again(client, login_as, make, db):
    from tests.factories import PASSWORD

    user = make.make_user(roles=["qa"], email="back.again@test.example", active=False)
    db.session.commit()
    login_as("admin")
    assert "Reactivate account" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert client.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": "back.again@test.example", "password": PASSWORD})
    assert response.headers["Location"].endswith("/tasks")


def test_when_mail_is_down_the_invitation_waits_and_goes_out_when_mail_is_back(app, client, login_as, db, smtp_down):
    from app.notifications.models import OutboxMessage
    from app.notifications.outbox import deliver_pending
    from tests.smtp import SMTPServer

    login_as("admin")
    response = client.post("/admin/users/new", data=user_form(email="unlucky@test.example"), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "an invitation queued for unlucky@test.example" in html and "could not be sent" not in html
    user = _user(db, "unlucky@test.example")
    assert (
        db.session.execute(
            sa.select(ActivityEvent).where(ActivityEvent.verb == "invited", ActivityEvent.object_id == user.id)
        ).first()
        is not None
    )
    report = deliver_pending()
    assert [d.outcome for d in report.deliveries] == ["retrying"]
    [queued] = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "unlucky@test.example")
    ).scalars()
    assert queued.state == "pending" and queued.attempts == 1 and "Could not send email" in queued.last_error

    server = SMTPServer(app)  # the mail server comes back, and the retry falls due
    server.controller.start()
    try:
        app.config.update(MAIL_PORT=server.port)
        queued.next_attempt_at = queued.created_at
        db.session.commit()
        [body] = server.bodies_to("unlucky@test.example")
    finally:
        server.controller.stop()
    assert app.test_client().get(link_path(body)).status_code == 200


def test_without_a_mail_server_the_invitation_is_still_queued(app, client, login_as, db, monkeypatch):
    from app.notifications.models import OutboxMessage

    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    login_as("admin")
    html = client.post("/admin/users/new", data=user_form(email="nomail@test.example"), follow_redirects=True).get_data(
        as_text=True
    )
    assert "an invitation queued for nomail@test.example" in html
    assert (
        db.session.execute(
            sa.select(OutboxMessage.state).where(OutboxMessage.recipient == "nomail@test.example")
        ).scalar_one()
        == "pending"
    )


def test_resending_an_invitation_replaces_the_old_link(app, client, login_as, db, smtp_server):
    login_as("admin")
    client.post("/admin/users/new", data=user_form(email="twice@test.example"))
    user = _user(db, "twice@test.example")
    response = client.post(f"/admin/users/{user.id}/resend-invitation", follow_redirects=True)
    assert "A new invitation has been queued for twice@test.example" in response.get_data(as_text=True)
    first, second = (link_path(body) for body in smtp_server.bodies_to("twice@test.example"))
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 410
    assert anonymous.get(second).status_code == 200


def test_users_list_filters_and_searches(client, login_as, make, db):
    org = make.make_org(name="List Org")
    make.make_user(roles=["auditor"], organisation=org, email="alpha.auditor@test.example", name="Alpha Auditor")
    make.make_user(roles=["qa"], email="bravo.qa@test.example", name="Bravo Quality")
    make.make_user(roles=["qa"], email="charlie.gone@test.example", name="Charlie Gone", active=False)
    login_as("admin")

    def emails(query):
        html = client.get(f"/admin/users/?{query}").get_data(as_text=True)
        return {e for e in ("alpha.auditor", "bravo.qa", "charlie.gone") if f"{e}@test.example" in html}

    assert emails(f"organisation={org.id}") == {"alpha.auditor"}
    assert emails("role=qa") == {"bravo.qa", "charlie.gone"}
    assert emails("status=deactivated") == {"charlie.gone"}
    assert emails("q=BRAVO") == {"bravo.qa"}
    assert emails("q=auditor@test") == {"alpha.auditor"}


def test_admin_dashboard_panel_counts_organisations_users_and_invitations(client, login_as, make, db):
    login_as("admin")
    html = client.get("/tasks").get_data(as_text=True)
    assert "Organisations and users" in html and "pending invitation" in html
    assert "/admin/users/?status=invited" in html


def test_other_roles_do_not_see_the_admin_panel(client, login_as):
    login_as("qa")
    assert "Organisations and users" not in client.get("/tasks").get_data(as_text=True)
