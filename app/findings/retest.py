"""Learning re-tested: an action raised from a case-audit round finding may name the criterion that should improve.
The next round with the same audit tool shows that criterion before and after, and whether the learning is embedded.

The rule, stated on the pages that show it: the learning is embedded when, in the next round with the same audit
tool that has reached moderation (in the order of the periods audited), the share of answers meeting the criterion
is at least the partnership's margin (a setting, percentage points) above the share in the finding's round, or has
reached the strength threshold. A share over fewer answers than the minimum cell size is not shown and not judged.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.accounts.settings import declare_setting, get_setting
from app.actions.models import ActionItem
from app.audits.models import AuditRound, RoundState
from app.errors import DomainError
from app.extensions import db
from app.findings import access, queries
from app.findings.figures import round_catalogue, round_figures
from app.findings.models import Finding
from app.questionnaire import get_version

MARGIN_SETTING = "learning_embedded_margin"
RETESTED_STATES = (RoundState.moderation, RoundState.closed)


def declare_settings() -> None:
    """The margin the learning-embedded rule uses; at app start-up."""
    declare_setting(
        MARGIN_SETTING,
        label="Learning embedded: improvement needed (percentage points)",
        hint=(
            "A criterion named on an action is re-tested in the next round with the same audit tool. The learning "
            "counts as embedded when the share meeting the criterion rose by at least this many percentage points, "
            "or reached the strength threshold."
        ),
        kind="int",
        default=10,
        minimum=1,
        maximum=100,
    )


@dataclass(frozen=True)
class Share:
    """One round's result for the criterion: None figures when too few answers to show (small numbers)."""

    round_id: int
    round_title: str
    openable: bool  # whether the viewer may open that round's findings (and so see its figures)
    pct: float | None
    met: int | None
    partly: int | None
    scored: int | None
    too_few: bool = False


@dataclass(frozen=True)
class Retest:
    action_id: int
    question_key: str
    question_text: str
    before: Share
    after: Share | None  # None: no later round with the same audit tool has reached moderation yet
    margin: int
    threshold: float
    min_cell_size: int

    @property
    def verdict(self) -> str:
        """ "yes", "not_yet", "not_retested" (no later round) or "unknown" (figures too few or not visible)."""
        if self.after is None:
            return "not_retested"
        before, after = self.before.pct, self.after.pct
        if before is None or after is None or not (self.before.openable and self.after.openable):
            return "unknown"
        return "yes" if after >= before + self.margin or after >= self.threshold else "not_yet"

    @property
    def change(self) -> float | None:
        if self.after is None or self.before.pct is None or self.after.pct is None:
            return None
        return round(self.after.pct - self.before.pct, 1)


# --- choosing the criterion ----------------------------------------------------------------------------------


def criterion_choices(audit_round: AuditRound) -> list[tuple[str, str]]:
    """(key, text) of the criteria an action on this round's findings may name: its instrument's scored
    questions, the overall judgement aside."""
    instrument = get_version(audit_round.instrument_version_id).parsed
    catalogue = round_catalogue(audit_round)
    return [(catalogue.canonical(q.key), q.text) for q in instrument.questions() if q.is_scored and not q.overall]


def check_criterion(finding: Finding, question_key) -> str | None:
    """The criterion key to store for an action on `finding`, None when none is named; DomainError when the key is
    not a criterion of the finding's round (or the finding is not a round's)."""
    key = (question_key or "").strip()
    if not key:
        return None
    if finding.round_id is None:
        raise DomainError("Only an action on a case audit finding can name a criterion", field="retest_question_key")
    audit_round = db.session.get(AuditRound, finding.round_id)
    if key not in dict(criterion_choices(audit_round)):
        raise DomainError("Select a criterion of this round’s audit tool", field="retest_question_key")
    return key


# --- before and after ----------------------------------------------------------------------------------------


def next_round(audit_round: AuditRound) -> AuditRound | None:
    """The next round with the same audit tool (any version) that has reached moderation, by period audited."""
    key = round_catalogue(audit_round).key
    later = [
        r
        for r in queries.rounds_for_key(key, states=RETESTED_STATES)
        if (r.period_start, r.id) > (audit_round.period_start, audit_round.id)
    ]
    return later[0] if later else None


def _share(audit_round: AuditRound, stored_key: str, openable: bool, min_size: int) -> Share:
    key = round_catalogue(audit_round).canonical(stored_key)
    row = next((q for q in round_figures(audit_round)["questions"] if q["key"] == key), None)
    scored = row["scored"] if row else 0
    too_few = scored < min_size
    shown = openable and not too_few and row is not None
    return Share(
        round_id=audit_round.id,
        round_title=audit_round.title,
        openable=openable,
        pct=row["pct"] if shown else None,
        met=row["met"] if shown else None,
        partly=row.get("partly", 0) if shown else None,
        scored=scored if shown else None,
        too_few=too_few and openable,
    )


def retest_of(action: ActionItem, openable: set[int] | None = None) -> Retest | None:
    """The before/after of the criterion named on `action` (None when it names none or is not on a round finding).
    `openable`: the round ids whose figures the viewer may see (None: all, as for partnership staff)."""
    if not action.retest_question_key or action.finding_id is None:
        return None
    finding = db.session.get(Finding, action.finding_id)
    if finding is None or finding.round_id is None:
        return None
    before_round = db.session.get(AuditRound, finding.round_id)
    after_round = next_round(before_round)
    min_size = int(current_app.config["MIN_CELL_SIZE"])
    catalogue = round_catalogue(before_round)
    info = catalogue.question_for(action.retest_question_key)

    def may_open(r: AuditRound) -> bool:
        return openable is None or r.id in openable

    return Retest(
        action_id=action.id,
        question_key=action.retest_question_key,
        question_text=info.text if info else action.retest_question_key,
        before=_share(before_round, action.retest_question_key, may_open(before_round), min_size),
        after=_share(after_round, action.retest_question_key, may_open(after_round), min_size) if after_round else None,
        margin=int(get_setting(MARGIN_SETTING)),
        threshold=float(current_app.config["STRENGTH_THRESHOLD"]),
        min_cell_size=min_size,
    )


def retests_shown_in(audit_round: AuditRound, openable: set[int] | None = None) -> list[tuple[ActionItem, Retest]]:
    """The actions on earlier rounds' findings whose criterion this round re-tests (it is their next round).
    `openable` as for retest_of: an earlier round the viewer may not open shows no figures."""
    if audit_round.state not in RETESTED_STATES:
        return []
    key = round_catalogue(audit_round).key
    earlier = [
        r for r in queries.rounds_for_key(key) if (r.period_start, r.id) < (audit_round.period_start, audit_round.id)
    ]
    # Asked even with no earlier round, so the page runs the same queries whichever round it shows.
    actions = queries.retest_actions([r.id for r in earlier])
    result = []
    for action in actions:
        retest = retest_of(action, openable)
        if retest is not None and retest.after is not None and retest.after.round_id == audit_round.id:
            result.append((action, retest))
    return result


# --- how it reads --------------------------------------------------------------------------------------------

VERDICTS = {
    "yes": "Learning embedded: yes",
    "not_yet": "Learning embedded: not yet",
    "not_retested": "Not re-tested yet: no later round with the same audit tool has reached moderation",
    "unknown": "Learning embedded: cannot tell (too few answers to show, or a round you cannot see)",
}


def share_text(share: Share | None, min_cell_size: int) -> str:
    if share is None:
        return "not yet audited"
    if not share.openable:
        return "not shown"
    if share.too_few or share.pct is None:
        return f"fewer than {min_cell_size} answers"
    return f"{share.pct:g}% meeting ({share.met} met, {share.partly} partly, of {share.scored})"


def summary_line(retest: Retest) -> str:
    """One line for the action tracker and the action page: criterion, before, after, verdict."""
    after = (
        f"after ({retest.after.round_title}) {share_text(retest.after, retest.min_cell_size)}"
        if retest.after is not None
        else "after: not yet audited"
    )
    return (
        f"re-tests “{retest.question_text}”: before {share_text(retest.before, retest.min_cell_size)}, {after}. "
        f"{VERDICTS[retest.verdict]}"
    )


def page_context(audit_round: AuditRound, organisation_id: int | None, viewer) -> dict:
    """What the round findings page's "learning re-tested" section needs, for this viewer."""
    openable = None
    if organisation_id is not None:
        key = round_catalogue(audit_round).key
        openable = access.openable_ids(viewer, "round", [r.id for r in queries.rounds_for_key(key)])
    return {
        "retests": retests_shown_in(audit_round, openable),
        "retest_margin": get_setting(MARGIN_SETTING),
        "retest_threshold": float(current_app.config["STRENGTH_THRESHOLD"]),
        "min_cell_size": int(current_app.config["MIN_CELL_SIZE"]),
        "retest_share": share_text,
    }
