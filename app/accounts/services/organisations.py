"""Organisations: checking their fields, creating and updating them (their names and types appear in every
figure, so a change renews them all)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.accounts.models import ORG_TYPES, SIGNATORY_RULES, Organisation
from app.accounts.services._common import (
    NAME_MAX_LENGTH,
    AccountError,
    _apply_changes,
    _raise_first,
)
from app.activity import record
from app.extensions import db
from app.signals import figures_changed, organisation_changed

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


SLUG_MAX_LENGTH = 100


def parse_areas(text: str | list | None) -> list[str]:
    """Areas typed one per line or separated by commas or semicolons, without blanks or repeats."""
    if isinstance(text, (list, tuple)):
        parts = [str(part) for part in text]
    else:
        parts = re.split(r"[,;\n]", text or "")
    areas: list[str] = []
    for part in parts:
        area = " ".join(part.split())
        if area and area.casefold() not in {a.casefold() for a in areas}:
            areas.append(area)
    return areas


def validate_org_fields(name: str, slug: str, org_type: str) -> list[tuple[str, str]]:
    """Every problem with an organisation's name, short name and type, as (field, message); changes
    nothing. The admin form and the CSV import check with it."""
    problems = []
    if not (name or "").strip():
        problems.append(("name", "Enter the organisation name"))
    elif len(name.strip()) > NAME_MAX_LENGTH:
        problems.append(("name", f"Organisation name must be {NAME_MAX_LENGTH} characters or fewer"))
    if len(slug or "") > SLUG_MAX_LENGTH:
        problems.append(("slug", f"Short name must be {SLUG_MAX_LENGTH} characters or fewer"))
    elif not SLUG_RE.match(slug or ""):
        problems.append(("slug", "Short name must use lowercase letters, numbers and hyphens, like oakfield-school"))
    if org_type not in ORG_TYPES:
        problems.append(
            ("org_type", f"Unknown organisation type “{org_type}”" if org_type else "Select the type of organisation")
        )
    return problems


def _signatory_rule(rule: str | None) -> str | None:
    rule = (rule or "").strip() or None
    if rule is not None and rule not in SIGNATORY_RULES:
        raise AccountError(f"Unknown signatory rule “{rule[:64]}”", field="signatory_rule")
    return rule


def _slug_taken(slug: str, *, other_than: int | None = None) -> bool:
    query = sa.select(Organisation.id).where(Organisation.slug == slug)
    if other_than is not None:
        query = query.where(Organisation.id != other_than)
    return db.session.execute(query).first() is not None


def slug_taken_message(slug: str) -> str:
    """The message for a short name another organisation already has; changes nothing."""
    return f"An organisation with the short name “{slug}” already exists"


def create_organisation(
    *,
    name: str,
    slug: str,
    org_type: str,
    areas: list[str] | str | None = None,
    active: bool = True,
    signatory_rule: str | None = None,
    actor=None,
) -> Organisation:
    """Create an organisation (its name and type reach every figure, so all are renewed). Administrators
    only: the admin organisation page and the CSV import (app.accounts.importing). `signatory_rule`: None for its
    type's rule, else one of SIGNATORY_RULES (app/accounts/signatories.py)."""
    slug = (slug or "").strip()
    _raise_first(validate_org_fields(name, slug, org_type))
    rule = _signatory_rule(signatory_rule)
    if _slug_taken(slug):
        raise AccountError(slug_taken_message(slug), field="slug")
    org = Organisation(
        name=name.strip(), slug=slug, org_type=org_type, areas=parse_areas(areas), active=active, signatory_rule=rule
    )
    db.session.add(org)
    db.session.flush()
    record("created", org, f"Created organisation {org.name} ({org.type_label})", actor=actor)
    figures_changed.send("everything")
    _announce(org, actor)
    return org


_KEEP = object()


def update_organisation(
    org: Organisation,
    *,
    name: str,
    slug: str,
    org_type: str,
    areas: list[str] | str | None,
    active: bool,
    signatory_rule=_KEEP,
    actor=None,
) -> list[str]:
    """Change an organisation's name, short name, type, areas, active flag or signatory rule (left as it is when
    not given), returning the changes made. Administrators only, from the admin organisation page."""
    slug = (slug or "").strip()
    _raise_first(validate_org_fields(name, slug, org_type))
    fields = {"name": name.strip(), "slug": slug, "org_type": org_type, "areas": parse_areas(areas), "active": active}
    if signatory_rule is not _KEEP:
        fields["signatory_rule"] = _signatory_rule(signatory_rule)
    if _slug_taken(slug, other_than=org.id):
        raise AccountError(slug_taken_message(slug), field="slug")
    was_type, was_active = org.org_type, org.active
    changes = _apply_changes(org, fields)
    db.session.flush()
    if changes:
        record("updated", org, f"Updated organisation {org.name}: " + "; ".join(changes), actor=actor)
        figures_changed.send("everything")
    if org.active and (org.org_type != was_type or not was_active):
        _announce(org, actor)
    return changes


def _announce(org: Organisation, actor) -> None:
    """Tell the features above (app.signals.organisation_changed) that an organisation is new, back, or of another
    type; what they say back is kept on `org.change_notes` for the page to show."""
    org.change_notes = [note for _, note in organisation_changed.send(org, actor=actor) if note]
