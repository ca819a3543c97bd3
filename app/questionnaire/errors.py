"""Errors raised by the instrument loader: every problem carries the file and line it was found on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class LoadError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class InstrumentError(Exception):
    """One or more problems in instrument files; `errors` lists them all, in file and line order."""

    def __init__(self, errors: list[LoadError]):
        if not errors:
            raise ValueError("InstrumentError needs at least one LoadError")
        self.errors = sorted(set(errors), key=lambda e: (e.file, e.line, e.message))
        super().__init__("\n".join(str(e) for e in self.errors) or "invalid instrument")
