"""Cross-organisation access: a user of another organisation, in every non-staff role, gets
403 or 404 for every route that takes the id of an object belonging to some organisation - case responses,
returns, evidence files, statement drafts, risks, actions - for every such object in the demo partnership."""

from __future__ import annotations

import pytest

from tests.security.urls import url_for_rule

OWNED_OBJECTS = {
    "assignment_id": "SELECT a.id FROM assignment a",
    "return_id": "SELECT r.id FROM sa_return r",
    "file_id": "SELECT f.id FROM evidence_file f",
    "statement_id": "SELECT s.id FROM statement s",
    "risk_id": "SELECT r.id FROM risk r",
    "action_id": "SELECT a.id FROM action_item a",
    "organisation_id": "SELECT o.id FROM organisation o",
}
ROLE_ORG_TYPES = {"auditor": "police", "org_lead": "charity", "signatory": "school"}


def _targets(app, db):
    import sqlalchemy as sa

    targets = []
    for rule in app.url_map.iter_rules():
        owned = [arg for arg in rule.arguments if arg in OWNED_OBJECTS]
        if len(owned) != 1:
            continue
        ids = db.session.execute(sa.text(OWNED_OBJECTS[owned[0]] + " ORDER BY 1")).scalars().all()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for object_id in ids:
                targets.append((rule, method, owned[0], object_id))
    return targets


@pytest.mark.parametrize("role", sorted(ROLE_ORG_TYPES))
def test_other_organisations_objects_answer_403_or_404(app, client, demo, make, login_as, role):
    # The demo partnership's objects, listed before the outsider joins: an organisation added while a campaign is
    # open is given a return of its own, which it may of course open.
    targets = _targets(app, demo)
    outsider_org = make.make_org(org_type=ROLE_ORG_TYPES[role], slug=f"outsider-{role.replace('_', '-')}")
    user = make.make_user(roles=[role], organisation=outsider_org)
    login_as(user)
    assert targets, "the demo data has objects to attack"
    leaked = []
    with app.test_request_context():
        urls = [
            (rule, method, arg, object_id, url_for_rule(rule, {arg: object_id}))
            for rule, method, arg, object_id in targets
        ]
    assert all(url for *_target, url in urls), [rule.rule for rule, _m, _a, _i, url in urls if not url]
    for rule, method, arg, object_id, url in urls:
        if arg == "organisation_id" and object_id == outsider_org.id:
            continue
        response = client.open(url, method=method)
        if response.status_code not in (403, 404):
            leaked.append(f"{method} {url} -> {response.status_code}")
    assert not leaked, f"{role} of another organisation reached:\n" + "\n".join(leaked)


def test_the_attack_covers_every_kind_of_owned_object(app, demo):
    kinds = {arg for rule, _m, arg, _i in _targets(app, demo)}
    for expected in ("assignment_id", "return_id", "statement_id", "action_id"):
        assert expected in kinds, f"no route or no demo object for {expected}"
