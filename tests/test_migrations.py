"""The schema built by the migrations matches the models exactly (no drift), CHECK constraints included, and every
migration can be undone: downgrade to base then upgrade again, on a database of its own (a temporary SQLite file on
the SQLite pass, a separate PostgreSQL database on the PostgreSQL pass)."""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from app.extensions import db as _db
from tests.e2e.live import create_database, drop_database


def _drift(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, _db.metadata)


def _model_check_constraints() -> dict[str, set[str]]:
    """Named CHECK constraints of the models, by table, as the naming convention names them in the database."""
    expected: dict[str, set[str]] = {}
    for table in _db.metadata.sorted_tables:
        names = set()
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint):
                assert constraint.name, f"{table.name}: every CHECK constraint is named ({constraint.sqltext})"
                names.add(str(constraint.name))  # a conv(): the naming convention already applied
        expected[table.name] = names
    return expected


def _database_check_constraints(connection) -> dict[str, set[str]]:
    inspector = sa.inspect(connection)
    found = {}
    for table in _db.metadata.sorted_tables:
        constraints = inspector.get_check_constraints(table.name)
        unnamed = [c["sqltext"] for c in constraints if not c.get("name")]
        assert not unnamed, f"{table.name} has unnamed CHECK constraints: {unnamed}"
        found[table.name] = {c["name"] for c in constraints}
    return found


def _check_constraint_drift(connection) -> list[str]:
    expected, found = _model_check_constraints(), _database_check_constraints(connection)
    problems = []
    for table in sorted(expected):
        for name in sorted(expected[table] - found[table]):
            problems.append(f"{table}: the models have CHECK {name}, the migrated database does not")
        for name in sorted(found[table] - expected[table]):
            problems.append(f"{table}: the migrated database has CHECK {name}, the models do not")
    return problems


def test_models_and_migrations_do_not_drift(app, db):
    with _db.engine.connect() as connection:
        diff = _drift(connection)
    assert diff == [], f"Models and migrations differ; write a migration: {diff}"


def test_check_constraints_do_not_drift(app, db):
    """compare_metadata ignores CHECK constraints; compare them by name (after the naming convention)."""
    with _db.engine.connect() as connection:
        problems = _check_constraint_drift(connection)
        assert sum(len(v) for v in _database_check_constraints(connection).values()) >= 20
    assert not problems, "\n".join(problems)


def test_the_check_constraint_comparison_sees_a_missing_constraint(app, db):
    """The comparison itself works: a model constraint the database lacks is reported."""
    table = _db.metadata.tables["audit_round"]
    extra = sa.CheckConstraint("period_start IS NOT NULL", name="start_known")
    table.append_constraint(extra)
    try:
        with _db.engine.connect() as connection:
            problems = _check_constraint_drift(connection)
    finally:
        table.constraints.discard(extra)
    assert problems == ["audit_round: the models have CHECK ck_audit_round_start_known, the migrated database does not"]


def _roundtrip_database_name() -> str:
    """A database of this test's own, named after the pass's database so parallel runs never share one."""
    base = os.environ.get("TEST_DATABASE_URL")
    stem = make_url(base).database if base and base.startswith("postgres") else "test"
    return f"{stem}_migrations_roundtrip"


def test_downgrade_to_base_then_upgrade_again(app, tmp_path):
    from flask_migrate import downgrade, upgrade

    from app import create_app

    url = create_database(_roundtrip_database_name(), tmp_path)
    try:
        other = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
        with other.app_context():
            engine = _db.engine
            upgrade()
            downgrade(revision="base")
            with engine.connect() as connection:
                left = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
                if engine.dialect.name == "postgresql":
                    left |= {
                        f"function {name}"
                        for name in connection.execute(
                            sa.text(
                                "SELECT proname FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace "
                                "WHERE nspname = 'public'"
                            )
                        ).scalars()
                    }
                    left |= {
                        f"type {name}"
                        for name in connection.execute(
                            sa.text(
                                "SELECT typname FROM pg_type JOIN pg_namespace n ON n.oid = typnamespace "
                                "WHERE nspname = 'public' AND typtype = 'e'"
                            )
                        ).scalars()
                    }
            assert not left, f"downgrade to base left behind: {sorted(left)}"
            upgrade()
            with engine.connect() as connection:
                assert _drift(connection) == []
                assert _check_constraint_drift(connection) == []
            engine.dispose()
    finally:
        drop_database(url)


def test_migrations_are_a_single_linear_history(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        script = ScriptDirectory.from_config(config)
        assert len(script.get_heads()) == 1
