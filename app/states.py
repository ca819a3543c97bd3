"""Lifecycle state machines shared by features: an Enum plus the moves it allows."""

from __future__ import annotations

import enum

import sqlalchemy as sa

from app.errors import InvalidTransition


class Lifecycle(str, enum.Enum):
    """Subclasses define TRANSITIONS = {state_value: {allowed next values}} after the class body."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    def can_move_to(self, new: "Lifecycle") -> bool:
        return new.value in type(self).transitions().get(self.value, set())

    def check_move(self, new: "Lifecycle") -> "Lifecycle":
        if not self.can_move_to(new):
            raise InvalidTransition(f"Cannot change from “{self.label.lower()}” to “{new.label.lower()}”.")
        return new

    @classmethod
    def transitions(cls) -> dict[str, set[str]]:
        return getattr(cls, "_transitions", {})


def state_column_type(enum_cls, name: str) -> sa.Enum:
    """Store an enum as a short string with a named CHECK constraint (portable across SQLite and PostgreSQL)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=32,
        create_constraint=True,
        name=name,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def at_most_one_not_null(*columns: str) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NOT NULL THEN 1 ELSE 0 END)" for c in columns) + " <= 1"


def exactly_one_not_null(*columns: str) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NOT NULL THEN 1 ELSE 0 END)" for c in columns) + " = 1"
