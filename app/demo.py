"""`flask demo load`: a living demo partnership. Idempotent; refused by production config."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.accounts import services as accounts
from app.accounts.models import Organisation, User
from app.extensions import db
from app.utils import feature_module, today

DEMO_ORGANISATIONS = [
    # name, slug, type, areas
    ("Riverside City Council Children’s Services", "riverside-council", "local_authority", ["North", "South"]),
    ("Riverside Police", "riverside-police", "police", ["North", "South"]),
    ("Riverside Health NHS Trust", "riverside-health", "health_trust", ["North", "South"]),
    ("Oakfield School", "oakfield-school", "school", ["North"]),
    ("Riverside Youth Trust", "youth-trust", "charity", ["South"]),
    ("Brookside Primary School", "brookside-primary", "school", ["South"]),
    ("Northgate College", "northgate-college", "college", ["North"]),
    ("Riverside Homes", "riverside-homes", "social_housing", ["North", "South"]),
    ("St Columba’s Community Church", "st-columbas", "faith_organisation", ["South"]),
    ("Riverside Juniors Football Club", "riverside-juniors-fc", "out_of_school_setting", ["North"]),
    ("Millbrook Medical Practice", "millbrook-practice", "gp_practice", ["South"]),
]

DEMO_USERS = [
    # email, name, org slug, roles, signatory capacity
    ("admin@riverside.example", "Alex Admin", None, ["admin"], None),
    ("qa@riverside.example", "Quinn Assurance", None, ["qa"], None),
    ("auditor.police@riverside.example", "Pat Police-Auditor", "riverside-police", ["auditor"], None),
    ("auditor.health@riverside.example", "Harper Health-Auditor", "riverside-health", ["auditor"], None),
    ("auditor.council@riverside.example", "Casey Council-Auditor", "riverside-council", ["auditor"], None),
    ("lead@oakfield-school.riverside.example", "Morgan Oakfield-Lead", "oakfield-school", ["org_lead"], None),
    ("head@oakfield-school.riverside.example", "Hayden Oakfield-Head", "oakfield-school", ["signatory"], "headteacher"),
    (
        "chair@oakfield-school.riverside.example",
        "Charlie Oakfield-Chair",
        "oakfield-school",
        ["signatory"],
        "chair_of_governors",
    ),
    ("lead@youth-trust.riverside.example", "Jordan Youth-Trust-Lead", "youth-trust", ["org_lead"], None),
    ("ceo@youth-trust.riverside.example", "Robin Youth-Trust-CEO", "youth-trust", ["signatory"], "chief_executive"),
    ("chair@youth-trust.riverside.example", "Sam Youth-Trust-Chair", "youth-trust", ["signatory"], "chair_of_trustees"),
    ("lead@brookside-primary.riverside.example", "Avery Brookside-Lead", "brookside-primary", ["org_lead"], None),
    ("lead@northgate-college.riverside.example", "Riley Northgate-Lead", "northgate-college", ["org_lead"], None),
    ("lead@riverside-homes.riverside.example", "Taylor Homes-Lead", "riverside-homes", ["org_lead"], None),
    ("lead@st-columbas.riverside.example", "Drew Church-Lead", "st-columbas", ["org_lead"], None),
    ("lead@riverside-juniors-fc.riverside.example", "Jamie Football-Lead", "riverside-juniors-fc", ["org_lead"], None),
    ("lead@millbrook-practice.riverside.example", "Rowan Practice-Lead", "millbrook-practice", ["org_lead"], None),
    ("lead@riverside-council.riverside.example", "Sky Council-Lead", "riverside-council", ["org_lead"], None),
    ("lead@riverside-police.riverside.example", "Ellis Police-Lead", "riverside-police", ["org_lead"], None),
    ("lead@riverside-health.riverside.example", "Kai Health-Lead", "riverside-health", ["org_lead"], None),
    # The leaders who sign off each organisation's self-assessment (and sign its statement).
    (
        "ceo@riverside-council.riverside.example",
        "Dana Council-Director",
        "riverside-council",
        ["signatory"],
        "chief_executive",
    ),
    (
        "ceo@riverside-police.riverside.example",
        "Lee Police-Chief",
        "riverside-police",
        ["signatory"],
        "chief_executive",
    ),
    ("ceo@riverside-health.riverside.example", "Nico Health-CEO", "riverside-health", ["signatory"], "chief_executive"),
    (
        "head@brookside-primary.riverside.example",
        "Billie Brookside-Head",
        "brookside-primary",
        ["signatory"],
        "headteacher",
    ),
    (
        "chair@brookside-primary.riverside.example",
        "Frankie Brookside-Chair",
        "brookside-primary",
        ["signatory"],
        "chair_of_governors",
    ),
    (
        "ceo@northgate-college.riverside.example",
        "Reese Northgate-Principal",
        "northgate-college",
        ["signatory"],
        "chief_executive",
    ),
    ("ceo@riverside-homes.riverside.example", "Toni Homes-CEO", "riverside-homes", ["signatory"], "chief_executive"),
    ("ceo@st-columbas.riverside.example", "Father Ash Church-Leader", "st-columbas", ["signatory"], "chief_executive"),
    (
        "chair@st-columbas.riverside.example",
        "Kit Church-Trustee-Chair",
        "st-columbas",
        ["signatory"],
        "chair_of_trustees",
    ),
    (
        "ceo@riverside-juniors-fc.riverside.example",
        "Mo Football-Chair",
        "riverside-juniors-fc",
        ["signatory"],
        "chief_executive",
    ),
    (
        "ceo@millbrook-practice.riverside.example",
        "Dr Vic Practice-Partner",
        "millbrook-practice",
        ["signatory"],
        "chief_executive",
    ),
]

# Features in the order their demo data depends on each other.
DEMO_FEATURES = ("accounts", "audits", "selfassessment", "statements", "findings", "actions", "studio", "briefings")


@dataclass
class Demo:
    password: str
    today: date
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def org(self, slug: str) -> Organisation:
        return self.organisations[slug]

    def user(self, email: str) -> User:
        return self.users[email]

    def say(self, message: str) -> None:
        self.log.append(message)


class DemoRefused(Exception):
    pass


def load_demo() -> Demo:
    if not current_app.config.get("DEMO_ALLOWED"):
        raise DemoRefused("Demo data is disabled in this configuration (production never loads demo data).")
    demo = Demo(password=current_app.config["DEMO_PASSWORD"], today=today())
    for name, slug, org_type, areas in DEMO_ORGANISATIONS:
        org = db.session.execute(sa.select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
        if org is None:
            org = accounts.create_organisation(name=name, slug=slug, org_type=org_type, areas=areas)
            demo.say(f"organisation {slug}")
        demo.organisations[slug] = org
    for email, name, slug, roles, capacity in DEMO_USERS:
        user = accounts.get_user_by_email(email)
        if user is None:
            user = accounts.create_user(
                email=email,
                name=name,
                organisation=demo.organisations.get(slug) if slug else None,
                roles=roles,
                signatory_capacity=capacity,
                password=demo.password,
                check_policy=False,
            )
            demo.say(f"user {email}")
        demo.users[email] = user
    db.session.flush()
    for feature in DEMO_FEATURES:
        module = feature_module(feature, "demo")
        if module is not None:
            module.load(demo)
            db.session.flush()
    return demo


def database_is_empty() -> bool:
    return db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0
