"""An organisation added, re-activated or whose type changed while a campaign is open gets its return: app.accounts
sends `organisation_changed` and this starts the return (app.selfassessment.services.invite_organisation)."""

from __future__ import annotations

from app.selfassessment.services.campaigns import invite_organisation
from app.signals import organisation_changed


def _on_organisation_changed(org, actor=None, **_):
    notes = invite_organisation(org, actor=actor)
    return " ".join(notes) if notes else None


def register() -> None:
    organisation_changed.connect(_on_organisation_changed, weak=False)
