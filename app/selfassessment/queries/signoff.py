"""Sign-off of returns: which leaders must sign a return off before it is submitted, who has, and who can."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import User
from app.accounts.signatories import capacity_label, is_signatory_of, required_capacities, signatory_users
from app.selfassessment.models import Return, ReturnSignoff, ReturnState
from app.selfassessment.queries.campaign import instrument_of


SENT_STATES = (ReturnState.awaiting_signoff, ReturnState.submitted, ReturnState.accepted)


def signoff_capacities(ret: Return) -> tuple[str, ...]:
    """Who must sign off this return: fixed on the return once it is sent for sign-off (and kept after it is
    submitted), otherwise what its instrument asks of the organisation's type (empty: the lead submits it)."""
    if ret.state in SENT_STATES:
        return tuple(ret.signoff_capacities or ())
    return required_capacities(ret.organisation, instrument_of(ret.campaign))


def needs_signoff(ret: Return) -> bool:
    return bool(signoff_capacities(ret))


@dataclass
class SignoffLine:
    capacity: str
    signoff: ReturnSignoff | None
    accounts: list[User]

    @property
    def label(self) -> str:
        return capacity_label(self.capacity)


def signoff_lines(ret: Return) -> list[SignoffLine]:
    """One line for each capacity that must sign: its sign-off if given, and the accounts that could give it."""
    by_capacity = {s.capacity: s for s in ret.signoffs}
    users = signatory_users(ret.organisation_id)
    return [
        SignoffLine(
            capacity=c,
            signoff=by_capacity.get(c),
            accounts=[u for u in users if u.signatory_capacity == c],
        )
        for c in signoff_capacities(ret)
    ]


def missing_signatory_accounts(ret: Return) -> list[str]:
    """Capacities that must sign off this return but that no active signatory account of the organisation holds."""
    return [line.capacity for line in signoff_lines(ret) if not line.accounts]


def signoff_refusal(ret: Return, user) -> str | None:
    """Why this user may not sign off this return at all (403), or None. State is checked by the service."""
    if not is_signatory_of(user, ret.organisation_id):
        return "Only your organisation’s signatories can sign off its self-assessment."
    if user.signatory_capacity not in signoff_capacities(ret):
        return "This self-assessment does not need a sign-off in your capacity."
    return None


def can_sign_off_now(ret: Return, user) -> bool:
    return (
        ret.state == ReturnState.awaiting_signoff
        and signoff_refusal(ret, user) is None
        and user.signatory_capacity in ret.missing_capacities
    )
