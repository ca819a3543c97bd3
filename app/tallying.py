"""What the round tallies (app/audits/tallies.py) and the campaign tallies (app/selfassessment/tallies.py) share:
adding to kept counts in SQL, reading counts of several kinds in one statement, counting every parent not counted
yet, and the `tally` command each feature's command group carries."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def add_counts(model, rows: list[dict], counts: tuple[str, ...], scope: str) -> None:
    """Adds each row's counts to the row of `model` with the same primary key (written if there is none), in one
    INSERT ... ON CONFLICT DO UPDATE, in key order, so that two transactions adding to the same rows lock them in
    the same order (PostgreSQL) and cannot deadlock. Rows whose first count falls to 0 are removed, within the
    `scope` column's value of the first row (all rows share it)."""
    if not rows:
        return
    table = model.__table__
    keys = [c.name for c in table.primary_key.columns]
    rows = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={count: table.c[count] + stmt.excluded[count] for count in counts},
    )
    db.session.execute(stmt)
    if any(row[counts[0]] < 0 for row in rows):
        db.session.execute(sa.delete(model).where(table.c[scope] == rows[0][scope], table.c[counts[0]] == 0))


def union_part(kind: str, *columns: tuple) -> tuple:
    """The columns of one part of a union that reads kept counts of several kinds in one statement: `kind` as
    text, then each (column or None, its type), cast to that type (PostgreSQL wants each column of a UNION to have
    one type, and a NULL none of its own)."""
    return (
        sa.literal(kind, sa.String()),
        *(sa.cast(sa.null() if column is None else column, column_type) for column, column_type in columns),
    )


def differences(what: str, kept: dict, counted: dict) -> list[str]:
    """A line for each place where the kept counts (`kept`: place -> counts) differ from those counted from the
    answers (`counted`), naming `what` and the place; none when they agree."""
    return [
        f"{what} {place}: kept {kept.get(place)}, counted {counted.get(place)}"
        for place in sorted(set(kept) | set(counted), key=repr)
        if kept.get(place) != counted.get(place)
    ]


def count_each(parents: Iterable, build: Callable, *, rebuild: bool) -> int:
    """Counts whole (`build`) each parent not counted yet (`tallied` false; all of them again: `rebuild`),
    committing after each; how many."""
    counted = 0
    for parent in parents:
        if rebuild or not parent.tallied:
            build(parent)
            db.session.commit()
            counted += 1
    return counted


def add_tally_command(group: AppGroup, *, noun: str, check_all: Callable, count_all: Callable) -> None:
    """`flask <group> tally [--check | --rebuild]`: count the `noun`s not counted yet, check every counted one's
    counts against its answers (`check_all() -> (checked, problems)`; exit 1 on any difference), or count them all
    again (`count_all(rebuild=...) -> counted`)."""

    @group.command("tally")
    @click.option(
        "--check", is_flag=True, help=f"Compare every {noun}'s kept counts with its answers; exit 1 if any differ."
    )
    @click.option(
        "--rebuild", is_flag=True, help=f"Count every {noun} again from its answers, not only uncounted ones."
    )
    def tally_command(check, rebuild):
        """Count the answers of each one not yet counted (from before the counts were kept), so its findings are
        worked out from the counts. Run once after upgrading; safe to run again."""
        if check:
            checked, problems = check_all()
            db.session.rollback()
            for problem in problems:
                click.echo(problem, err=True)
            if problems:
                raise SystemExit(1)
            matches = "matches its" if checked == 1 else "match their"
            click.echo(f"{checked} counted {noun}{'s' if checked != 1 else ''} {matches} answers.")
            return
        counted = count_all(rebuild=rebuild)
        click.echo(f"Counted {counted} {noun}{'s' if counted != 1 else ''}.")
