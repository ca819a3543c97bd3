"""Excel and CSV exports of a round's or a campaign's findings.

Workbooks are write-only and row-level sheets are fed from server-side cursors (yield_per), so memory
stays flat however many answers there are. Aggregated sheets come from the same figures as the page.
Text typed by users is always written as a text cell, never as a formula.

- cells: cell values and styles, the Sheet writer, streaming rows
- sheets: the labels, responses, actions and findings sheets every workbook has
- rounds / campaigns: the workbook of a case audit round / a self-assessment campaign and their response rows
- agreed: the agreed-grades sheets of a round's workbook
- csv_text: the responses as CSV text
"""

from app.findings.export.campaigns import (
    campaign_response_rows,
    campaign_workbook,
    coverage_items,
)
from app.findings.export.cells import XLSX_MIMETYPE
from app.findings.export.csv_text import csv_lines
from app.findings.export.rounds import round_response_rows, round_workbook

__all__ = [
    "XLSX_MIMETYPE",
    "campaign_response_rows",
    "campaign_workbook",
    "coverage_items",
    "csv_lines",
    "round_response_rows",
    "round_workbook",
]
