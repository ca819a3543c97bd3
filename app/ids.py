"""Numbers in addresses (row ids, page numbers) kept within what the database can hold.

Row ids are integers of 32 bits in PostgreSQL (2,147,483,647 at most). A larger number in an address would reach
the database and fail there as a server error: SQLite cannot bind one past 64 bits, and PostgreSQL refuses one
past its column's range. Such a number names no row, so in a path the route does not match (404), and in the query
string it reads as absent.
"""

from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a whole number no larger than MAX_ID unless the route says otherwise."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed)


def number_arg(name: str, default: int | None = None) -> int | None:
    """The whole number in the query string's `name`; `default` when it is missing, not a number, or beyond what
    any row id can be."""
    value = request.args.get(name, type=int)
    return value if value is not None and abs(value) <= MAX_ID else default
