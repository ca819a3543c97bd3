"""Small SQL building blocks the findings read models share, and the instruments by kind."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.questionnaire import InstrumentModel
from app.questionnaire.storage import excluded_count, met, scored  # noqa: F401 (shared by the findings queries)

# --- small SQL building blocks -------------------------------------------------------------------------------


def core_rows(stmt) -> list[sa.Row]:
    """Plain rows of a column-only statement, in the session's transaction but without the ORM's per-row
    processing, which costs more than the query itself when a figure reads every answer."""
    return db.session.connection().execute(stmt).all()


def mapping_table(name: str, columns: tuple[str, ...], rows) -> sa.Subquery:
    """A literal lookup table (VALUES) to join answers to, e.g. (stored question key, section, theme).

    Text values are bound parameters; int values (e.g. the index of a figure in a list the caller keeps) are
    written into the statement as numbers, so joining and grouping on them compares small integers, and
    PostgreSQL can hash the groups instead of sorting wide text keys."""
    rows = list(rows) or [tuple(None for _ in columns)]
    binds = []
    tuples = []
    for i, row in enumerate(rows):
        names = []
        for j, value in enumerate(row):
            if isinstance(value, int) and not isinstance(value, bool):
                names.append(str(int(value)))
                continue
            param = f"{name}_{i}_{j}"
            binds.append(sa.bindparam(param, value, type_=sa.String))
            names.append(f"CAST(:{param} AS VARCHAR(200))")
        tuples.append("(" + ", ".join(names) + ")")
    selected = ", ".join(f"column{j + 1} AS {column}" for j, column in enumerate(columns))
    text = sa.text(f"SELECT {selected} FROM (VALUES {', '.join(tuples)}) AS {name}_values").bindparams(*binds)
    kinds = [sa.Integer if isinstance(value, int) and not isinstance(value, bool) else sa.String for value in rows[0]]
    return text.columns(*(sa.column(c, kind) for c, kind in zip(columns, kinds))).subquery(name)


# --- instruments ---------------------------------------------------------------------------------------------


def instruments_by_kind() -> dict[str, list[InstrumentModel]]:
    rows = db.session.execute(sa.select(InstrumentModel).order_by(InstrumentModel.title)).scalars()
    grouped: dict[str, list[InstrumentModel]] = {}
    for model in rows:
        grouped.setdefault(model.kind, []).append(model)
    return grouped
