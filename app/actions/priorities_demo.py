"""Demo partnership priorities (one retired): the findings demo loads them first, then tags its actions with them.
Idempotent."""

from __future__ import annotations

from app.actions import priorities

PRIORITIES = ("Hearing the voice of the child", "Safer recruitment and a safe workforce", "Working together")
RETIRED = "Neglect strategy 2023 to 2025"


def load(demo) -> None:
    if priorities.all_priorities():
        return
    admin = demo.users.get("admin@riverside.example")
    for name in PRIORITIES:
        priorities.add_priority(name, actor=admin)
    priorities.retire_priority(priorities.add_priority(RETIRED, actor=admin), actor=admin)
    demo.say("partnership priorities")


def priority_ids(*names: str) -> list[int]:
    """The ids of the demo priorities with these names (for other features' demo actions)."""
    by_name = {p.name: p.id for p in priorities.all_priorities()}
    return [by_name[name] for name in names if name in by_name]
