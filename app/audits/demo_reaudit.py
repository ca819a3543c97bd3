"""Demo: the spring strategy discussion round re-audited in the summer. Invitations to schools and GPs improved
after the checklist (the learning re-tested on the findings page is embedded), the child's voice not yet; and one
child audited in spring is audited again, the case linked to the earlier one (a longitudinal audit)."""

from __future__ import annotations

import random
from datetime import date

from app.audits import services
from app.audits.demo import _moderate, _new_round, _score

TITLE = "Re-audit: strategy discussions – summer 2026"
CASES = [
    # reference, age band, gender, ethnicity, area, quality of practice (0 weak … 1 strong)
    ("CR-000104", "1_4", "male", "mixed", "South", 0.6),  # the same child as in the spring round
    ("CR-000401", "5_9", "female", "white", "North", 0.7),
    ("CR-000402", "10_15", "male", "asian", "South", 0.55),
    ("CR-000403", "under_1", "female", "black", "North", 0.75),
]
# Recording the child's voice is still weak; inviting the right agencies no longer is.
STILL_WEAKER = {"voice_of_child"}


def load_reaudit(demo, qa) -> None:
    rng = random.Random(20260901)
    audit_round = _new_round(
        demo,
        qa,
        key="strategy-discussion",
        title=TITLE,
        start=date(2026, 5, 1),
        end=date(2026, 7, 31),
        due=date(2026, 8, 31),
        cases=CASES,
    )
    if audit_round is None:
        return
    quality = {c[0]: c[5] for c in CASES}
    for case in audit_round.cases:
        for assignment in case.assignments:
            _score(demo, assignment, quality[case.reference], rng, submit=True, weaker_themes=STILL_WEAKER)
    services.start_moderation(audit_round, actor=qa)
    for case in audit_round.cases:
        _moderate(case, quality[case.reference], qa, rng)
    services.close_round(audit_round, actor=qa)
    followed = next(c for c in audit_round.cases if c.reference == CASES[0][0])
    previous = services.link_previous_case(followed, reference=followed.reference, actor=qa)
    demo.say(f"audit round “{TITLE}” (closed; case {followed.reference} follows the child from {previous.round.title})")
