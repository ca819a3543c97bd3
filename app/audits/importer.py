"""Reading a case sample from .csv or .xlsx: rows of raw values keyed by field, with row numbers for messages."""

from __future__ import annotations

from app.tabular import Column, Row, TableRejected, read_table

MAX_ROWS = 2000

# Accepted column headings (compared ignoring case, spaces and punctuation).
COLUMNS = (
    Column("reference", "Case reference", ("reference", "case ref", "case id", "case number"), required=True),
    Column("age_band", "Age band", ("age", "age group")),
    Column("gender", "Gender", ("sex",)),
    Column("ethnicity", "Ethnicity group", ("ethnicity", "ethnic group", "ethnicity (ons 2021)")),
    Column("area", "Area", ("locality",)),
    Column("lead_agency", "Lead agency", ("lead organisation", "lead agency organisation")),
)
COLUMN_TITLES = {column.key: column.title for column in COLUMNS}

# Nothing was imported; `problems` lists every reason, most with a row number.
ImportFailed = TableRejected


def _refuse_names(heading: str) -> str | None:
    if "name" in heading.lower():
        return (
            f"Column “{heading}”: remove this column. Case audits use pseudonymised case references only, never names"
        )
    return None


def read_rows(filename: str, content: bytes) -> list[Row]:
    rows = read_table(filename, content, COLUMNS, max_rows=MAX_ROWS, unknown_heading=_refuse_names)
    problems = [f"Row {row.number}: there is a value in a column without a heading" for row in rows if row.unheaded]
    if problems:
        raise ImportFailed(problems)
    return rows
