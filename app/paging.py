"""One way to page a list: the page asked for in the address, and one page of a query's rows."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.ids import MAX_ID, number_arg

PAGE_SIZE = 50


@dataclass
class Page:
    items: list
    total: int
    page: int
    page_size: int = PAGE_SIZE

    @property
    def last_page(self) -> int:
        return max((self.total - 1) // self.page_size + 1, 1)


def page_arg(name: str = "page") -> int:
    """The page number asked for in the query string: 1 when it is missing, not a number, or below 1."""
    return min(max(number_arg(name, 1), 1), MAX_ID)


def page_of(rows: list, page: int, page_size: int | None = None) -> Page:
    """One page of a list already in memory (a page past the end shows the last); PAGE_SIZE rows unless told."""
    page_size = page_size or PAGE_SIZE
    last = max((len(rows) - 1) // page_size + 1, 1)
    page = min(max(page, 1), last)
    return Page(items=rows[(page - 1) * page_size : page * page_size], total=len(rows), page=page, page_size=page_size)


def paginate(query: sa.Select, page: int, page_size: int = PAGE_SIZE) -> Page:
    """One page of the query's rows (page numbers start at 1), and how many rows there are in all."""
    page = max(page, 1)
    total = db.session.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    items = db.session.execute(query.limit(page_size).offset((page - 1) * page_size)).scalars().all()
    return Page(items=list(items), total=total, page=page, page_size=page_size)
