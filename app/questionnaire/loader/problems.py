"""A broken rule placed by its path in the definition, and how a message names an earlier occurrence."""

from __future__ import annotations

from dataclasses import dataclass

from app.questionnaire.yamlsource import SourceMap


@dataclass(frozen=True)
class Problem:
    """One broken rule, placed by its path in the definition (("sections", 0, "questions", 2, "text")).

    `at_value` places it, in a file, on the line of the value at `path` rather than of its key."""

    path: tuple
    message: str
    at_value: bool = False

    @property
    def section_index(self) -> int | None:
        return (
            self.path[1]
            if len(self.path) >= 2 and self.path[0] == "sections" and isinstance(self.path[1], int)
            else None
        )

    @property
    def question_index(self) -> int | None:
        if (
            self.section_index is not None
            and len(self.path) >= 4
            and self.path[2] == "questions"
            and isinstance(self.path[3], int)
        ):
            return self.path[3]
        return None

    @property
    def field(self) -> str | None:
        """The first named field below the section, question, scale option or instrument the problem is on."""
        if self.question_index is not None:
            rest = self.path[4:]
        elif self.section_index is not None:
            rest = self.path[2:]
        elif len(self.path) >= 2 and self.path[0] == "scales":
            rest = self.path[3:] if len(self.path) >= 3 and isinstance(self.path[2], int) else ()
        else:
            rest = self.path
        return next((part for part in rest if isinstance(part, str)), None)


class _LineLocator:
    """Names an earlier occurrence by its line in the file ("first on line 12")."""

    def __init__(self, lines: SourceMap):
        self.lines = lines

    def at(self, path: tuple) -> str:
        return f"line {self.lines.line(path)}"


class _PathLocator:
    """Names an earlier occurrence by where it is in the definition ("first on section 2, question 3")."""

    def at(self, path: tuple) -> str:
        if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
            return f"section {path[1] + 1}, question {path[3] + 1}"
        if len(path) >= 2 and path[0] == "sections":
            return f"section {path[1] + 1}"
        if len(path) >= 3 and path[0] == "scales" and isinstance(path[2], int):
            return f"option {path[2] + 1}"
        if len(path) >= 5 and path[3] == "options":
            return f"option {path[4] + 1}"
        return "the instrument"
