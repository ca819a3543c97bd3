"""Small-number suppression for breakdown tables.

Primary: any count below the minimum cell size is hidden ("fewer than 5"), zero included, so a
blank cannot be told apart from a small count.

Secondary: a table shows row and column totals, so a single hidden cell in a line could be worked
out by subtracting the cells shown from the total. Whenever the hidden cells of a line (a row with
its total, a column with its total, or the row totals with the grand total) add up to less than
the minimum, or are the only hidden cell, the next smallest shown cell of that line is hidden too,
repeating until no line gives anything away.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Cell:
    count: int
    suppressed: bool = False

    @property
    def shown(self) -> int | None:
        return None if self.suppressed else self.count


def _protect_line(cells: list[Cell], total: Cell, min_size: int) -> bool:
    """Hide more cells of one line if its hidden cells could be recovered from the total. True if changed."""
    if total.suppressed:
        return False
    changed = False
    while True:
        hidden = [c for c in cells if c.suppressed]
        if not hidden:
            return changed
        shown = sorted((c for c in cells if not c.suppressed), key=lambda c: c.count)
        if not shown:
            return changed
        if len(hidden) >= 2 and sum(c.count for c in hidden) >= min_size:
            return changed
        shown[0].suppressed = True
        changed = True


def suppress(matrix: list[list[int]], min_size: int) -> tuple[list[list[Cell]], list[Cell], list[Cell], Cell]:
    """Suppress a table of counts with row totals, column totals and a grand total.

    Returns (cells, row_totals, column_totals, grand_total), each Cell knowing whether it is hidden.
    """
    cells = [[Cell(v, v < min_size) for v in row] for row in matrix]
    n_cols = len(matrix[0]) if matrix else 0
    row_totals = [Cell(sum(row), sum(row) < min_size) for row in matrix]
    col_totals = [Cell(sum(row[j] for row in matrix), sum(row[j] for row in matrix) < min_size) for j in range(n_cols)]
    grand_value = sum(sum(row) for row in matrix)
    grand = Cell(grand_value, grand_value < min_size)

    changed = True
    while changed:
        changed = False
        for i, row in enumerate(cells):
            changed |= _protect_line(row, row_totals[i], min_size)
        for j in range(n_cols):
            changed |= _protect_line([row[j] for row in cells], col_totals[j], min_size)
        changed |= _protect_line(row_totals, grand, min_size)
        changed |= _protect_line(col_totals, grand, min_size)
        # A hidden total must not be recoverable from its own shown cells either.
        for i, row in enumerate(cells):
            if row_totals[i].suppressed and row and not any(c.suppressed for c in row):
                min(row, key=lambda c: c.count).suppressed = True
                changed = True
        for j in range(n_cols):
            column = [row[j] for row in cells]
            if col_totals[j].suppressed and column and not any(c.suppressed for c in column):
                min(column, key=lambda c: c.count).suppressed = True
                changed = True
    return cells, row_totals, col_totals, grand
