"""CSV downloads of the responses, written a row at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

from app.findings.export.cells import clean
from app.utils import csv_safe

# --- CSV -----------------------------------------------------------------------------------------------------


def csv_lines(rows: Iterator[list]) -> Iterator[str]:
    """CSV text, a row at a time; text a spreadsheet could run as a formula is neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(
            [
                ""
                if v is None
                else csv_safe(clean(v))
                if isinstance(v, str)
                else v.isoformat()
                if isinstance(v, (date, datetime))
                else v
                for v in row
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
