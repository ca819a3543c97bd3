"""Bulk import of organisations or users from a CSV or Excel file: every row is checked before anything is saved."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa

from app.accounts import services
from app.accounts.models import Organisation, User
from app.activity import record
from app.errors import DomainError
from app.extensions import db
from app.tabular import Column, TableRejected, read_table

MAX_ROWS = 5000

ORGANISATION_COLUMNS = ("name", "slug", "type", "areas")
USER_COLUMNS = ("email", "name", "organisation", "roles", "signatory_capacity")
OPTIONAL_COLUMNS = {"areas", "signatory_capacity"}

# Headings people naturally write, mapped to the column they mean.
HEADING_ALIASES = {
    "short_name": "slug",
    "organisation_type": "type",
    "org_type": "type",
    "organisation_slug": "organisation",
    "organisation_short_name": "organisation",
    "org": "organisation",
    "role": "roles",
    "capacity": "signatory_capacity",
    "email_address": "email",
    "full_name": "name",
    "area": "areas",
}

# Which file column a service's field problem belongs to.
FIELD_COLUMNS = {
    "org_type": "type",
    "signatory_capacity": "signatory_capacity",
    "roles": "roles",
    "organisation": "organisation",
}


@dataclass(frozen=True)
class RowError:
    row: int | None  # spreadsheet row number (the heading is row 1); None for a problem with the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}" if self.row else self.message


class ImportRejected(DomainError):
    """Nothing was imported; `errors` says what to fix, row by row."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s) found: nothing has been imported", field="file")
        self.errors = errors


@dataclass
class ImportResult:
    kind: str
    created: list = field(default_factory=list)


@dataclass(frozen=True)
class ImportKind:
    key: str
    noun: str
    object_type: str
    columns: tuple[str, ...]
    check: Callable[[list[tuple[int, dict]]], tuple[list[dict], list[RowError]]]
    create: Callable


def template_csv(kind: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(KINDS[kind].columns)
    return buffer.getvalue()


# --- reading -----------------------------------------------------------------------------------------------------


def _columns(keys: tuple[str, ...]) -> tuple[Column, ...]:
    return tuple(
        Column(
            key,
            key,
            tuple(alias for alias, target in HEADING_ALIASES.items() if target == key),
            required=key not in OPTIONAL_COLUMNS,
        )
        for key in keys
    )


def read_rows(filename: str, data: bytes, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(row number, {column: text}) for each non-blank row after the heading row."""
    try:
        rows = read_table(filename, data, _columns(columns), max_rows=MAX_ROWS)
    except TableRejected as rejected:
        raise ImportRejected([RowError(None, None, problem) for problem in rejected.problems]) from None
    if not rows:
        raise ImportRejected([RowError(None, None, "The file has headings but no rows to import")])
    return [(row.number, row.values) for row in rows]


# --- checking ----------------------------------------------------------------------------------------------------


def _field_errors(number: int, problems: list[tuple[str, str]]) -> list[RowError]:
    return [RowError(number, FIELD_COLUMNS.get(f, f), message) for f, message in problems]


def _duplicate_errors(
    rows: list[tuple[int, dict]],
    column: str,
    normalise: Callable[[str], str],
    label: str,
    existing: set[str],
    exists_message: Callable[[str], str],
) -> list[RowError]:
    """Values repeated within the file, and values already in the database."""
    errors, first_seen = [], {}
    for number, values in rows:
        value = normalise(values[column])
        if not value:
            continue
        if value in first_seen:
            errors.append(RowError(number, column, f"{label} “{value}” is also on row {first_seen[value]}"))
            continue
        first_seen[value] = number
        if value in existing:
            errors.append(RowError(number, column, exists_message(value)))
    return errors


def _existing(column, values: set[str]) -> set[str]:
    if not values:
        return set()
    return set(db.session.execute(sa.select(column).where(column.in_(sorted(values)))).scalars())


def check_organisations(rows: list[tuple[int, dict]]) -> tuple[list[dict], list[RowError]]:
    prepared, errors = [], []
    for number, values in rows:
        org_type = services.org_type_from_text(values["type"]) or values["type"]
        problems = _field_errors(number, services.validate_org_fields(values["name"], values["slug"], org_type))
        errors.extend(problems)
        prepared.append(
            {
                "name": values["name"],
                "slug": values["slug"],
                "org_type": org_type,
                "areas": services.parse_areas(values["areas"]),
            }
        )
    slugs = {v["slug"] for _, v in rows if v["slug"]}
    errors.extend(
        _duplicate_errors(
            rows, "slug", str.strip, "Short name", _existing(Organisation.slug, slugs), services.slug_taken_message
        )
    )
    return prepared, errors


def _roles_from_text(text: str) -> tuple[list[str], list[str]]:
    known, unknown = [], []
    for part in re.split(r"[;,]", text or ""):
        if part.strip():
            role = services.role_from_text(part)
            (known if role else unknown).append(role or part.strip())
    return known, unknown


def check_users(rows: list[tuple[int, dict]]) -> tuple[list[dict], list[RowError]]:
    slugs = {v["organisation"] for _, v in rows if v["organisation"]}
    organisations = (
        {
            org.slug: org
            for org in db.session.execute(sa.select(Organisation).where(Organisation.slug.in_(sorted(slugs)))).scalars()
        }
        if slugs
        else {}
    )
    prepared, errors = [], []
    for number, values in rows:
        roles, unknown_roles = _roles_from_text(values["roles"])
        capacity_text = values["signatory_capacity"]
        capacity = services.capacity_from_text(capacity_text) or capacity_text or None
        problems = services.validate_user_fields(values["email"], values["name"], roles + unknown_roles, capacity)
        if not roles and not unknown_roles:
            problems.append(("roles", "Enter at least one role"))
        organisation = None
        slug = values["organisation"]
        if slug:
            organisation = organisations.get(slug)
            if organisation is None:
                problems.append(("organisation", f"No organisation has the short name “{slug}”"))
            elif not organisation.active:
                problems.append(("organisation", f"Organisation “{slug}” is deactivated"))
        else:
            problems.extend(services.organisation_problems(roles, None))
        errors.extend(_field_errors(number, problems))
        prepared.append(
            {
                "email": values["email"],
                "name": values["name"],
                "organisation": organisation,
                "roles": roles,
                "signatory_capacity": capacity,
            }
        )
    emails = {services.normalise_email(v["email"]) for _, v in rows if v["email"]}
    errors.extend(
        _duplicate_errors(
            rows,
            "email",
            services.normalise_email,
            "Email address",
            _existing(User.email, emails),
            services.email_taken_message,
        )
    )
    return prepared, errors


KINDS = {
    "organisations": ImportKind(
        "organisations",
        "organisation",
        Organisation.__tablename__,
        ORGANISATION_COLUMNS,
        check_organisations,
        services.create_organisation,
    ),
    "users": ImportKind("users", "user", User.__tablename__, USER_COLUMNS, check_users, services.create_user),
}


def import_file(kind: str, filename: str, data: bytes, *, actor=None) -> ImportResult:
    """Create every row of the file, or nothing: ImportRejected lists each problem by row."""
    spec = KINDS[kind]
    rows = read_rows(filename, data, spec.columns)
    prepared, errors = spec.check(rows)
    if errors:
        raise ImportRejected(
            sorted(errors, key=lambda e: (e.row or 0, spec.columns.index(e.column) if e.column in spec.columns else 99))
        )
    result = ImportResult(kind=kind)
    with db.session.begin_nested():
        for values in prepared:
            result.created.append(spec.create(**values, actor=actor))
        record(
            "imported",
            None,
            f"Imported {len(result.created)} {spec.noun}s from {filename}",
            actor=actor,
            object_type=spec.object_type,
        )
    return result


def invite_imported(users: list[User], *, actor=None) -> list[User]:
    """Queue an invitation for each imported account, in the transaction that saves them."""
    for user in users:
        services.queue_invitation(user, actor=actor)
    return users
