"""Building upload files for import tests."""

from __future__ import annotations

import io

from openpyxl import Workbook


def xlsx_bytes(rows: list[list]) -> bytes:
    """A workbook whose first sheet holds `rows`, as an uploaded .xlsx file would."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
