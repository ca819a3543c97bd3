from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils import utcnow


class OrgType(str, enum.Enum):
    local_authority = "local_authority"
    police = "police"
    health_commissioner = "health_commissioner"
    health_trust = "health_trust"
    gp_practice = "gp_practice"
    school = "school"
    college = "college"
    early_years = "early_years"
    charity = "charity"
    faith_organisation = "faith_organisation"
    social_housing = "social_housing"
    out_of_school_setting = "out_of_school_setting"
    probation = "probation"
    youth_justice = "youth_justice"
    cafcass = "cafcass"
    emergency_service = "emergency_service"
    other = "other"

    @property
    def label(self) -> str:
        return ORG_TYPE_LABELS[self.value]


ORG_TYPE_LABELS = {
    "local_authority": "Local authority",
    "police": "Police",
    "health_commissioner": "Health commissioner",
    "health_trust": "Health trust",
    "gp_practice": "GP practice",
    "school": "School",
    "college": "College",
    "early_years": "Early years",
    "charity": "Charity or voluntary organisation",
    "faith_organisation": "Faith organisation",
    "social_housing": "Social housing provider",
    "out_of_school_setting": "Out-of-school setting",
    "probation": "Probation",
    "youth_justice": "Youth justice",
    "cafcass": "Cafcass",
    "emergency_service": "Emergency service",
    "other": "Other",
}

ORG_TYPES = tuple(t.value for t in OrgType)


class RoleCode(str, enum.Enum):
    admin = "admin"
    qa = "qa"
    auditor = "auditor"
    org_lead = "org_lead"
    signatory = "signatory"


ROLE_LABELS = {
    "admin": "Partnership administrator",
    "qa": "Quality assurance",
    "auditor": "Auditor",
    "org_lead": "Organisation lead",
    "signatory": "Signatory",
}

ROLES = tuple(r.value for r in RoleCode)

SIGNATORY_CAPACITIES = {
    "chief_executive": "Chief executive or equivalent",
    "headteacher": "Headteacher",
    "chair_of_governors": "Chair of governors",
    "chair_of_trustees": "Chair of trustees",
    "principal": "Principal",
    "director": "Director",
}


def _enum_check(column: str, values) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


# Which signatures an organisation's statement needs when its type's rule does not fit (a charity that is also a
# faith organisation, an academy trust...): "as:<org type>" uses that type's rule, "sign:<a>+<b>" names the
# capacities. None (the default) is the organisation's own type's rule. app/accounts/signatories.py applies them.
EXPLICIT_SIGNATORY_RULES = (
    ("chief_executive", "chair_of_trustees"),
    ("headteacher", "chair_of_governors"),
    ("principal", "chair_of_governors"),
    ("chief_executive", "chair_of_governors"),
    ("chief_executive",),
    ("director",),
)
SIGNATORY_RULES = tuple(f"as:{t}" for t in ORG_TYPES) + tuple(
    "sign:" + "+".join(capacities) for capacities in EXPLICIT_SIGNATORY_RULES
)


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        sa.CheckConstraint(_enum_check("org_type", ORG_TYPES), name="org_type_known"),
        sa.CheckConstraint(
            "signatory_rule IS NULL OR " + _enum_check("signatory_rule", SIGNATORY_RULES), name="signatory_rule_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    org_type: Mapped[str] = mapped_column(sa.String(32), index=True)
    # Comma-free list of reporting areas, e.g. ["City", "Hackney"]
    areas: Mapped[list] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # None: the signatures its type needs; otherwise one of SIGNATORY_RULES (app/accounts/signatories.py).
    signatory_rule: Mapped[str | None] = mapped_column(sa.String(64))

    users: Mapped[list["User"]] = relationship(back_populates="organisation")

    @property
    def type_label(self) -> str:
        return ORG_TYPE_LABELS.get(self.org_type, self.org_type)

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (sa.CheckConstraint(_enum_check("role", ROLES), name="role_known"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint(
            "signatory_capacity IS NULL OR " + _enum_check("signatory_capacity", SIGNATORY_CAPACITIES),
            name="signatory_capacity_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    signatory_capacity: Mapped[str | None] = mapped_column(sa.String(32))
    # Bumped on password change or deactivation so existing sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def set_roles(self, roles) -> None:
        wanted = set(roles)
        self.role_rows = [r for r in self.role_rows if r.role in wanted] + [
            UserRole(role=role) for role in sorted(wanted - self.roles)
        ]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def capacity_label(self) -> str:
        return SIGNATORY_CAPACITIES.get(self.signatory_capacity or "", "")

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class AccountToken(db.Model):
    """Single-use record for emailed invitation / password reset links (the link itself is signed and expiring)."""

    __tablename__ = "account_token"
    __table_args__ = (sa.CheckConstraint("purpose IN ('invite', 'reset')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PartnershipSetting(db.Model):
    """One partnership-wide setting that admin changes in the browser (app.accounts.settings declares them)."""

    __tablename__ = "partnership_setting"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)  # JSON, decoded by the setting's kind
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
