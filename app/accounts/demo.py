"""Demo data for accounts: one person invited but not yet signed up, so the pending-invitation views have content."""

from __future__ import annotations

from app.accounts import services

PENDING_EMAIL = "deputy@brookside-primary.riverside.example"


def load(demo) -> None:
    if services.get_user_by_email(PENDING_EMAIL) is not None:
        return
    services.create_user(
        email=PENDING_EMAIL,
        name="Dana Brookside-Deputy",
        organisation=demo.org("brookside-primary"),
        roles=["org_lead"],
    )
    demo.say(f"pending invitation for {PENDING_EMAIL}")
