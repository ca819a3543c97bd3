"""Deterministic synthetic data at a named scale, bulk-inserted into the real tables.

Rows have exactly the shape the services write: answers carry the score / meets_standard / excluded / rag that
the engine's `score_answer` gives for their value, so aggregation and exports do the same work as on real data.
Primary keys are assigned here (then PostgreSQL sequences are moved past them) so one seed always gives the
same database.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from app.extensions import db

ORG_PREFIX = "bench-org-"  # the default label's organisations
PASSWORD = "bench-password-2026"
AGENCY_TYPES = (
    "local_authority",
    "police",
    "health_trust",
    "health_commissioner",
    "gp_practice",
    "probation",
    "youth_justice",
)
RETURN_TYPES = (
    "school",
    "school",
    "school",
    "college",
    "early_years",
    "charity",
    "charity",
    "faith_organisation",
    "out_of_school_setting",
    "social_housing",
    "gp_practice",
)
CHUNK = 5000
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Scale:
    name: str
    organisations: int  # organisations completing self-assessments
    agencies: int  # statutory agencies auditing cases (each case is audited by all of them)
    cycles: int  # self-assessment campaigns, one per year
    rounds: int  # case audit rounds
    cases: int  # cases per round
    survey_responses: int  # practitioner-survey responses per organisation, latest campaign
    growth: int = 10  # the largest round has this many times the cases, to see how exports grow


SCALES = {
    "tiny": Scale("tiny", organisations=6, agencies=3, cycles=1, rounds=2, cases=3, survey_responses=5, growth=3),
    "partnership": Scale(
        "partnership", organisations=50, agencies=5, cycles=3, rounds=12, cases=20, survey_responses=6
    ),
    "national": Scale("national", organisations=500, agencies=5, cycles=10, rounds=200, cases=40, survey_responses=5),
}


@dataclass
class Generated:
    largest_round_id: int
    typical_round_id: int
    open_round_id: int
    largest_campaign_id: int
    auditor_email: str
    qa_email: str
    open_assignment_ids: list[int]
    open_assignment_auditors: list[tuple[int, str]]  # (assignment id, its auditor's email)
    counts: dict[str, int]


class Ids:
    """Next free primary key per table, so related rows can be written in bulk without round trips."""

    def __init__(self):
        self._next: dict[str, int] = {}

    def take(self, table: sa.Table) -> int:
        name = table.name
        if name not in self._next:
            current = db.session.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
            self._next[name] = current + 1
        value = self._next[name]
        self._next[name] += 1
        return value


class Writer:
    def __init__(self):
        self.pending: dict[sa.Table, list[dict]] = {}
        self.counts: dict[str, int] = {}
        self.order: list[sa.Table] = list(db.metadata.sorted_tables)  # parents before children

    def add(self, table: sa.Table, row: dict) -> None:
        rows = self.pending.setdefault(table, [])
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush(upto=table)

    def flush(self, upto: sa.Table | None = None) -> None:
        """Write pending rows, parents first, up to and including `upto`'s table."""
        for table in self.order:
            rows = self.pending.get(table)
            if rows:
                db.session.execute(table.insert(), rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
                self.pending[table] = []
            if table is upto:
                break


def _tables():
    from app.accounts.models import Organisation, User, UserRole
    from app.audits.models import (
        Assignment,
        AuditCase,
        AuditRound,
        CaseAnswer,
        CaseResponse,
        ModeratedAnswer,
        Moderation,
        round_organisation,
    )
    from app.selfassessment.models import (
        Campaign,
        Challenge,
        Return,
        ReturnAnswer,
        SurveyAnswer,
        SurveyLink,
        SurveyResponse,
        campaign_org_type,
    )

    models = dict(
        organisation=Organisation,
        user_account=User,
        user_role=UserRole,
        audit_round=AuditRound,
        audit_case=AuditCase,
        assignment=Assignment,
        case_response=CaseResponse,
        case_answer=CaseAnswer,
        moderation=Moderation,
        moderated_answer=ModeratedAnswer,
        campaign=Campaign,
        sa_return=Return,
        return_answer=ReturnAnswer,
        challenge=Challenge,
        survey_link=SurveyLink,
        survey_response=SurveyResponse,
        survey_answer=SurveyAnswer,
    )
    tables = {name: model.__table__ for name, model in models.items()}
    tables["round_organisation"] = round_organisation
    tables["campaign_org_type"] = campaign_org_type
    return tables


def already_generated() -> bool:
    from app.accounts.models import Organisation

    return (
        db.session.execute(sa.select(Organisation.id).where(Organisation.slug.startswith(ORG_PREFIX)).limit(1)).first()
        is not None
    )


def _answer_value(rng: random.Random, question) -> str | None:
    """A plausible answer: mostly good practice, some partial, a few failures and not-applicables."""
    if question.type == "scale":
        options = question.scale.options
        weights = [6, 3, 2, 1, 1, 1][: len(options)]
        return rng.choices([o.value for o in options], weights=weights)[0]
    if question.type == "choice":
        return rng.choice(question.options).value
    if question.type == "multi_choice":
        picked = rng.sample([o.value for o in question.options], k=rng.randint(1, min(3, len(question.options))))
        return json.dumps(sorted(picked))
    if question.type in ("text", "long_text"):
        return rng.choice(
            [
                "Recorded clearly in the case file.",
                "Partly recorded; the rationale was missing.",
                "=SUM(A1:A9) looked like a formula but is text.",
                "Not recorded.",
            ]
        )
    if question.type == "number":
        return str(rng.randint(int(question.min or 0), int(question.max or 10)))
    if question.type == "date":
        return (date(2025, 1, 1) + timedelta(days=rng.randint(0, 364))).isoformat()
    return None


def _scored(instrument, question, value) -> dict:
    from app.questionnaire import score_answer

    result = score_answer(instrument, question.key, value)
    return {
        "score": result.score,
        "meets_standard": result.meets_standard,
        "excluded": bool(result.excluded),
        "rag": result.rag,
    }


def generate(scale: Scale, *, seed: int = 20261121, label: str = "bench") -> Generated:
    """`label` namespaces the generated names, so several data sets can share one database."""
    from app.accounts.services import hash_password
    from app.audits.models import AGE_BANDS, ETHNICITIES, GENDERS, AuditorMode, ResponseState, RoundState
    from app.questionnaire import latest_version
    from app.selfassessment.models import CampaignState, ReturnState

    rng = random.Random(seed)
    title = label.title()
    t = _tables()
    ids = Ids()
    out = Writer()
    password_hash = hash_password(PASSWORD)
    audit_version = latest_version("strategy-discussion")
    sa_version = latest_version("self-assessment")
    survey_version = latest_version("practitioner-survey")
    if not (audit_version and sa_version and survey_version):
        raise RuntimeError("load the instrument library first (flask instruments load)")
    audit_instrument, sa_instrument, survey_instrument = (
        audit_version.parsed,
        sa_version.parsed,
        survey_version.parsed,
    )
    audit_questions = [q for s in audit_instrument.sections for q in s.questions]
    survey_questions = [q for s in survey_instrument.sections for q in s.questions]

    def user(email, name, org_id, roles):
        user_id = ids.take(t["user_account"])
        out.add(
            t["user_account"],
            dict(
                id=user_id,
                email=email,
                name=name,
                organisation_id=org_id,
                password_hash=password_hash,
                active=True,
                session_version=1,
                created_at=EPOCH,
            ),
        )
        for role in roles:
            out.add(t["user_role"], dict(user_id=user_id, role=role))
        return user_id

    def organisation(n, org_type):
        org_id = ids.take(t["organisation"])
        out.add(
            t["organisation"],
            dict(
                id=org_id,
                name=f"{title} Organisation {n:04d}",
                slug=f"{label}-org-{n:04d}",
                org_type=org_type,
                areas=[rng.choice(["North", "South", "East", "West"])],
                active=True,
                created_at=EPOCH,
            ),
        )
        return org_id

    qa_id = user(f"qa@{label}.example", f"{title} QA", None, ["qa"])
    user(f"admin@{label}.example", f"{title} Admin", None, ["admin"])
    agencies = []  # (org id, auditor user id)
    for n in range(scale.agencies):
        org_id = organisation(n + 1, AGENCY_TYPES[n % len(AGENCY_TYPES)])
        agencies.append(
            (org_id, user(f"auditor{n + 1}@{label}.example", f"{title} Auditor {n + 1}", org_id, ["auditor"]))
        )
    members = []  # (org id, org type)
    for n in range(scale.organisations):
        org_type = RETURN_TYPES[n % len(RETURN_TYPES)]
        org_id = organisation(scale.agencies + n + 1, org_type)
        user(f"lead{n + 1}@{label}.example", f"{title} Lead {n + 1}", org_id, ["org_lead"])
        members.append((org_id, org_type))
    out.flush()

    # --- case audits -----------------------------------------------------------------------------------------
    round_ids, open_assignments = [], []
    reference = 0
    sizes = [scale.cases] * scale.rounds + [scale.cases * scale.growth]
    for index, cases in enumerate(sizes):
        is_open = index == scale.rounds - 1  # the last ordinary round is still open: the scoring page's data
        round_id = ids.take(t["audit_round"])
        round_ids.append(round_id)
        start = date(2016, 1, 1) + timedelta(days=30 * index)
        out.add(
            t["audit_round"],
            dict(
                id=round_id,
                instrument_version_id=audit_version.id,
                title=f"{title} round {index + 1}",
                area=None,
                period_start=start,
                period_end=start + timedelta(days=90),
                due_date=start + timedelta(days=120),
                state=RoundState.open if is_open else RoundState.closed,
                auditor_mode=AuditorMode.self_audit,
                created_by_id=qa_id,
                created_at=EPOCH,
                opened_at=EPOCH,
                closed_at=None if is_open else EPOCH + timedelta(days=index),
            ),
        )
        for org_id, _auditor in agencies:
            out.add(t["round_organisation"], dict(round_id=round_id, organisation_id=org_id))
        for _ in range(cases):
            reference += 1
            case_id = ids.take(t["audit_case"])
            out.add(
                t["audit_case"],
                dict(
                    id=case_id,
                    round_id=round_id,
                    reference=f"BN-{reference:06d}",
                    age_band=rng.choice(list(AGE_BANDS)),
                    gender=rng.choice(list(GENDERS)),
                    ethnicity=rng.choice(list(ETHNICITIES)),
                    area=rng.choice(["North", "South"]),
                ),
            )
            for org_id, auditor_id in agencies:
                assignment_id = ids.take(t["assignment"])
                out.add(
                    t["assignment"],
                    dict(id=assignment_id, case_id=case_id, organisation_id=org_id, auditor_id=auditor_id),
                )
                response_id = ids.take(t["case_response"])
                submitted = not is_open or rng.random() < 0.5
                out.add(
                    t["case_response"],
                    dict(
                        id=response_id,
                        assignment_id=assignment_id,
                        instrument_version_id=audit_version.id,
                        state=ResponseState.submitted if submitted else ResponseState.draft,
                        lock_version=1,
                        submitted_at=EPOCH if submitted else None,
                        submitted_by_id=auditor_id if submitted else None,
                        updated_at=EPOCH,
                        updated_by_id=auditor_id,
                    ),
                )
                if is_open and not submitted:
                    open_assignments.append(assignment_id)
                for question in audit_questions:
                    value = _answer_value(rng, question)
                    out.add(
                        t["case_answer"],
                        dict(
                            id=ids.take(t["case_answer"]),
                            response_id=response_id,
                            question_key=question.key,
                            value=value,
                            comment=None,
                            **_scored(audit_instrument, question, value),
                        ),
                    )
            if not is_open:
                moderation_id = ids.take(t["moderation"])
                out.add(
                    t["moderation"],
                    dict(
                        id=moderation_id,
                        case_id=case_id,
                        overall_grade=rng.choice(["good", "requires_improvement"]),
                        strengths="Timely multi-agency response.",
                        areas_for_improvement="Record the child's views.",
                        learning="Invite the GP.",
                        moderator_id=qa_id,
                        moderated_at=EPOCH,
                    ),
                )
                for question in audit_questions:
                    if question.type != "scale":
                        continue
                    value = _answer_value(rng, question)
                    scored = _scored(audit_instrument, question, value)
                    out.add(
                        t["moderated_answer"],
                        dict(
                            id=ids.take(t["moderated_answer"]),
                            moderation_id=moderation_id,
                            question_key=question.key,
                            value=value,
                            score=scored["score"],
                            meets_standard=scored["meets_standard"],
                            excluded=scored["excluded"],
                        ),
                    )
    out.flush()

    # --- self-assessment campaigns ---------------------------------------------------------------------------
    campaign_ids = []
    previous = None
    for cycle in range(scale.cycles):
        year = 2026 - scale.cycles + cycle
        campaign_id = ids.take(t["campaign"])
        campaign_ids.append(campaign_id)
        latest = cycle == scale.cycles - 1
        out.add(
            t["campaign"],
            dict(
                id=campaign_id,
                instrument_version_id=sa_version.id,
                survey_version_id=survey_version.id,
                title=f"{title} self-assessment {year}-{(year + 1) % 100:02d}",
                cycle=f"{year}-{(year + 1) % 100:02d}" + ("" if label == "bench" else f"-{label}"[:9]),
                due_date=date(year, 12, 1),
                state=CampaignState.open if latest else CampaignState.closed,
                previous_campaign_id=previous,
                created_by_id=qa_id,
                created_at=EPOCH,
                opened_at=EPOCH,
                closed_at=None if latest else EPOCH,
            ),
        )
        previous = campaign_id
        for org_type in sorted({org_type for _, org_type in members}):
            out.add(t["campaign_org_type"], dict(campaign_id=campaign_id, org_type=org_type))
        for org_id, org_type in members:
            return_id = ids.take(t["sa_return"])
            state = rng.choice([ReturnState.submitted, ReturnState.accepted, ReturnState.accepted])
            out.add(
                t["sa_return"],
                dict(
                    id=return_id,
                    campaign_id=campaign_id,
                    organisation_id=org_id,
                    state=state,
                    lock_version=1,
                    submitted_at=EPOCH,
                    declaration_name=f"{title} Lead",
                    updated_at=EPOCH,
                ),
            )
            for section in sa_instrument.sections_for(org_type):
                for question in section.questions:
                    value = _answer_value(rng, question)
                    answer_id = ids.take(t["return_answer"])
                    out.add(
                        t["return_answer"],
                        dict(
                            id=answer_id,
                            return_id=return_id,
                            question_key=question.key,
                            value=value,
                            evidence="Policy reviewed by governors; training log kept."
                            if question.type == "scale"
                            else None,
                            comment=None,
                            reconfirmed=True,
                            **_scored(sa_instrument, question, value),
                        ),
                    )
                    if rng.random() < 0.05:
                        out.add(
                            t["challenge"],
                            dict(
                                id=ids.take(t["challenge"]),
                                return_answer_id=answer_id,
                                moderated_rag=rng.choice(["amber", "red"]),
                                comment="Evidence does not show this is embedded.",
                                challenged_by_id=qa_id,
                                challenged_at=EPOCH,
                            ),
                        )
            link_id = ids.take(t["survey_link"])
            out.add(
                t["survey_link"],
                dict(
                    id=link_id,
                    campaign_id=campaign_id,
                    organisation_id=org_id,
                    token=f"{label}{campaign_id:04d}x{org_id:06d}{rng.getrandbits(64):016x}",
                    created_at=EPOCH,
                ),
            )
            for _ in range(scale.survey_responses if latest else 0):
                response_id = ids.take(t["survey_response"])
                out.add(
                    t["survey_response"],
                    dict(
                        id=response_id,
                        survey_link_id=link_id,
                        instrument_version_id=survey_version.id,
                        submitted_on=date(year, 10, 1),
                    ),
                )
                for question in survey_questions:
                    value = _answer_value(rng, question)
                    scored = _scored(survey_instrument, question, value)
                    out.add(
                        t["survey_answer"],
                        dict(
                            id=ids.take(t["survey_answer"]),
                            survey_response_id=response_id,
                            question_key=question.key,
                            value=value,
                            score=scored["score"],
                            meets_standard=scored["meets_standard"],
                            excluded=scored["excluded"],
                        ),
                    )
    out.flush()
    _advance_sequences(t.values())
    db.session.commit()
    # The services keep each round's answers and each return's figures counted as they are submitted
    # (app/audits/tallies.py, app/selfassessment/tallies.py); answers inserted in bulk are counted here, once.
    from app.audits.tallies import count_rounds
    from app.selfassessment.tallies import count_campaigns

    count_rounds(rebuild=True)
    count_campaigns(rebuild=True)
    # Planner statistics, as a production database has them (autovacuum; SQLite's ANALYZE): without them
    # PostgreSQL plans the bulk-loaded tables as if they were empty.
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return describe(label)


def _advance_sequences(tables) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c:
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def describe(label: str = "bench") -> Generated:
    """What the benchmark measures, found in an already generated database."""
    from app.audits.models import Assignment, AuditCase, AuditRound, CaseAnswer, CaseResponse, ResponseState, RoundState
    from app.selfassessment.models import Campaign, Return, ReturnAnswer

    t = _tables()
    case_counts = db.session.execute(
        sa.select(AuditRound.id, AuditRound.state, sa.func.count(AuditCase.id))
        .join(AuditCase, AuditCase.round_id == AuditRound.id)
        .where(AuditRound.title.startswith(f"{label.title()} round"))
        .group_by(AuditRound.id, AuditRound.state)
        .order_by(AuditRound.id)
    ).all()
    largest = max(case_counts, key=lambda row: (row[2], row[0]))
    typical = next(row for row in case_counts if row[1] == RoundState.closed and row[0] != largest[0])
    open_round = next(row for row in case_counts if row[1] == RoundState.open)
    from app.accounts.models import User

    open_rows = db.session.execute(
        sa.select(Assignment.id, User.email)
        .join(AuditCase)
        .join(CaseResponse, CaseResponse.assignment_id == Assignment.id)
        .join(User, User.id == Assignment.auditor_id)
        .where(AuditCase.round_id == open_round[0], CaseResponse.state == ResponseState.draft)
        .order_by(Assignment.id)
    ).all()
    open_assignments = [row[0] for row in open_rows]
    answers_per_campaign = db.session.execute(
        sa.select(Campaign.id, sa.func.count(ReturnAnswer.id))
        .join(Return, Return.campaign_id == Campaign.id)
        .join(ReturnAnswer, ReturnAnswer.return_id == Return.id)
        .where(Campaign.title.startswith(f"{label.title()} self-assessment"))
        .group_by(Campaign.id)
        .order_by(Campaign.id)
    ).all()
    largest_campaign = max(answers_per_campaign, key=lambda row: (row[1], row[0]))
    counts = {
        name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for name, table in t.items()
    }
    counts["case_answer_total"] = db.session.execute(sa.select(sa.func.count(CaseAnswer.id))).scalar_one()
    auditor = open_rows[0][1] if open_rows else f"auditor1@{label}.example"
    return Generated(
        largest_round_id=largest[0],
        typical_round_id=typical[0],
        open_round_id=open_round[0],
        largest_campaign_id=largest_campaign[0],
        auditor_email=auditor,
        qa_email=f"qa@{label}.example",
        open_assignment_ids=list(open_assignments),
        open_assignment_auditors=[(row[0], row[1]) for row in open_rows],
        counts=counts,
    )
