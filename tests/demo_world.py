"""The demo partnership, loaded once for a whole test module, and the real objects the route matrix puts in URLs.

`shared_demo(app)` loads `flask demo load` into one transaction that is rolled back when the module ends; each test
runs in a savepoint of its own (`world.savepoint()`), so a test that changes something leaves the next one the same
world. Add a new kind of object as a SAMPLES entry: a function of the world returning a Sample.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db as _db

ORGANISATION_ROLES = ("auditor", "org_lead", "signatory")
# The organisation a user of each role belongs to when the URL names no object of any organisation.
HOME = {"auditor": "riverside-police", "org_lead": "oakfield-school", "signatory": "oakfield-school"}
ELSEWHERE = "elsewhere-school"  # an extra organisation that owns nothing and takes part in nothing


@dataclass(frozen=True)
class Sample:
    """A real value for one URL argument. `owner` is the slug of the organisation whose object it is (None for
    partnership objects and plain values); `outsider` the slug of one with no claim on it; `table` where it lives."""

    value: object
    owner: str | None = None
    outsider: str | None = None
    table: str | None = None


@dataclass
class World:
    connection: sa.Connection
    samples: dict[str, Sample] = field(default_factory=dict)
    login_ids: dict[tuple[str, str], str] = field(default_factory=dict)  # (role, org slug) -> session user id
    staff_ids: dict[str, str] = field(default_factory=dict)  # admin / qa -> session user id

    def login_id(self, role: str, organisation: str | None) -> str:
        if role in self.staff_ids:
            return self.staff_ids[role]
        return self.login_ids[(role, organisation or HOME[role])]

    @contextmanager
    def savepoint(self):
        nested = self.connection.begin_nested()
        try:
            yield
        finally:
            _db.session.remove()
            if nested.is_active:
                nested.rollback()

    def digest(self, tables: list[str] | None = None, rows: list[tuple[str, int]] = ()) -> tuple:
        """Row counts of every table and the full rows of the named objects: equal digests, nothing changed."""
        tables = tables or [t.name for t in _db.metadata.sorted_tables]
        counts = _db.session.execute(
            sa.text("SELECT " + ", ".join(f"(SELECT count(*) FROM {name})" for name in tables))
        ).one()
        objects = tuple(
            tuple(_db.session.execute(sa.text(f"SELECT * FROM {table} WHERE id = :id"), {"id": ident}).one())
            for table, ident in rows
        )
        return tuple(counts), objects


@contextmanager
def shared_demo(app):
    """The demo partnership plus a few objects in states the demo lacks, for one module; rolled back after."""
    from tests.conftest import _ConnectionBoundSession

    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original_session = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
        )
        try:
            result = app.test_cli_runner().invoke(args=["demo", "load"])
            assert result.exit_code == 0, result.output
            world = World(connection)
            _complete_the_demo(app)
            _make_users(world)
            world.samples = {name: build() for name, build in SAMPLES.items()}
            _db.session.commit()
            _db.session.remove()
            yield world
        finally:
            _db.session.remove()
            _db.session = original_session
            if outer.is_active:
                outer.rollback()
            connection.close()


# --- helpers ---------------------------------------------------------------------------------------------------


def _org(slug: str):
    from app.accounts.models import Organisation

    return _db.session.execute(sa.select(Organisation).where(Organisation.slug == slug)).scalar_one()


def _user(email: str):
    from app.accounts.models import User

    return _db.session.execute(sa.select(User).where(User.email == email)).scalar_one()


def _one(stmt):
    return _db.session.execute(stmt.limit(1)).scalar_one()


def _complete_the_demo(app) -> None:
    """Objects in states the demo does not have: an Oakfield draft statement, a youth trust version awaiting
    signatures, an evidence file on Oakfield's return, and an organisation that takes part in nothing."""
    from app.accounts import services as accounts
    from app.statements import queries, services
    from app.utils import today

    lead = _user("lead@oakfield-school.riverside.example")
    oakfield = _org("oakfield-school")
    services.add_risk(
        oakfield,
        description="Harm during one-to-one music lessons",
        where_when="Peripatetic music lessons in small practice rooms",
        measures_in_place="Rooms have vision panels; lessons are logged",
        further_action=None,
        owner="Designated safeguarding lead",
        review_date=today() + timedelta(days=90),
        actor=lead,
    )
    assert not queries.missing_preconditions(oakfield), queries.missing_preconditions(oakfield)
    services.start_statement(oakfield, actor=lead)

    trust_lead = _user("lead@youth-trust.riverside.example")
    in_force = queries.public_statement(_org("youth-trust").id)
    awaiting = services.make_changes(in_force, actor=trust_lead)
    services.send_for_signatures(awaiting, actor=trust_lead)
    if awaiting.state.value == "awaiting_check":
        services.approve_statement(awaiting, actor=_user("qa@riverside.example"))

    _add_evidence_file(app, oakfield)
    _add_action_evidence_file(app, _org("youth-trust"))
    _add_challenge_reply_file()
    # Of a type the demo campaigns do not invite: an organisation of an invited type added while a campaign is open
    # is given a return in it (app.selfassessment.membership), and this one must take part in nothing.
    accounts.create_organisation(name="Elsewhere School", slug=ELSEWHERE, org_type="other", areas=["North"])
    _db.session.flush()


def _add_action_evidence_file(app, organisation) -> None:
    """An uploaded evidence file (stored through app.uploads) on the first completion of one of the organisation's
    actions."""
    import io

    from werkzeug.datastructures import FileStorage

    from app.actions.models import ActionCompletion, ActionItem
    from app.uploads import save_upload

    completion = _one(
        sa.select(ActionCompletion)
        .join(ActionItem, ActionCompletion.action_id == ActionItem.id)
        .where(ActionItem.owner_organisation_id == organisation.id)
        .order_by(ActionCompletion.id)
    )
    content = b"%PDF-1.4\n% route matrix action evidence\n"
    stored = save_upload(FileStorage(stream=io.BytesIO(content), filename="training-records.pdf"))
    completion.evidence_original_name = stored.original_name
    completion.evidence_stored_name = stored.stored_name
    completion.evidence_content_type = stored.content_type
    completion.evidence_size_bytes = stored.size_bytes
    completion.evidence_sha256 = stored.sha256
    _db.session.flush()


def _add_evidence_file(app, organisation) -> None:
    import io

    from app import filestore
    from app.selfassessment.models import EvidenceFile, Return, ReturnAnswer

    answer = _one(
        sa.select(ReturnAnswer)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .where(Return.organisation_id == organisation.id)
        .order_by(Return.id.desc(), ReturnAnswer.id)
    )
    stored_name = f"{secrets.token_hex(16)}.pdf"
    content = b"%PDF-1.4\n% route matrix evidence\n"
    size, sha256 = filestore.put(stored_name, io.BytesIO(content), content_type="application/pdf")
    _db.session.add(
        EvidenceFile(
            return_answer_id=answer.id,
            original_name="policy.pdf",
            stored_name=stored_name,
            content_type="application/pdf",
            size_bytes=size,
            sha256=sha256,
        )
    )
    _db.session.flush()


def _add_challenge_reply_file() -> None:
    """Riverside Health replies to its challenge again, with a file of evidence (the demo's replies give links)."""
    import io

    from werkzeug.datastructures import FileStorage

    from app.selfassessment import services
    from app.uploads import save_upload

    challenge = _db.session.get(_challenge_model(), _health_challenge())
    ret = challenge.answer.return_
    stored = save_upload(FileStorage(io.BytesIO(b"%PDF-1.4\n% board minutes\n"), filename="board-minutes.pdf"))
    services.reply_to_challenge(
        ret,
        challenge,
        kind="disagree",
        reply_rag=None,
        text="The addendum to the March minutes records the board's discussion.",
        stored_file=stored,
        actor=_user("lead@riverside-health.riverside.example"),
    )
    _db.session.flush()


def _challenge_model():
    from app.selfassessment.models import Challenge

    return Challenge


def _health_challenge():
    from app.selfassessment.models import Challenge, ReturnAnswer

    return _one(
        sa.select(Challenge.id)
        .join(ReturnAnswer, Challenge.return_answer_id == ReturnAnswer.id)
        .where(ReturnAnswer.return_id == _current_return("riverside-health"))
        .order_by(Challenge.id)
    )


def _challenge_event():
    from app.selfassessment.models import ChallengeEvent

    return _one(sa.select(ChallengeEvent.id).order_by(ChallengeEvent.id))


def _make_users(world: World) -> None:
    """A user of every organisation role in every organisation (the demo's own where it has one), so a refusal can
    be tested for a user of the owning organisation in the wrong role as well as for the right role elsewhere."""
    from app.accounts import services as accounts
    from app.accounts.models import Organisation, User

    world.staff_ids = {"admin": _user("admin@riverside.example").get_id(), "qa": _user("qa@riverside.example").get_id()}
    preferred = [
        "auditor.police@riverside.example",
        "lead@oakfield-school.riverside.example",
        "head@oakfield-school.riverside.example",
        "ceo@youth-trust.riverside.example",
    ]
    for organisation in _db.session.execute(sa.select(Organisation).order_by(Organisation.id)).scalars():
        members = sorted(
            _db.session.execute(
                sa.select(User).where(User.organisation_id == organisation.id, User.active.is_(True))
            ).scalars(),
            key=lambda u: (u.email not in preferred, u.email),
        )
        for role in ORGANISATION_ROLES:
            user = next((u for u in members if u.roles == {role} and u.password_hash), None)
            if user is None:
                capacity = "headteacher" if organisation.org_type == "school" else "chief_executive"
                user = accounts.create_user(
                    email=f"{role.replace('_', '-')}.{organisation.slug}@matrix.example",
                    name=f"Matrix {role} {organisation.slug}",
                    organisation=organisation,
                    roles=[role],
                    signatory_capacity=capacity,
                )
            world.login_ids[(role, organisation.slug)] = user.get_id()
    _db.session.flush()


# --- samples: one real value for each kind of URL argument -------------------------------------------------------


def _round(title_start: str):
    from app.audits.models import AuditRound

    return _one(sa.select(AuditRound.id).where(AuditRound.title.startswith(title_start)))


def _round_year(title_start: str) -> int:
    from app.audits.models import AuditRound

    return _one(sa.select(AuditRound.period_end).where(AuditRound.title.startswith(title_start))).year


def _assignment(round_title: str, slug: str, submitted: bool | None = None):
    from app.audits.models import Assignment, AuditCase, AuditRound, CaseResponse, ResponseState

    stmt = (
        sa.select(Assignment.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .join(AuditRound, AuditCase.round_id == AuditRound.id)
        .join(CaseResponse, CaseResponse.assignment_id == Assignment.id)
        .where(AuditRound.title.startswith(round_title), Assignment.organisation_id == _org(slug).id)
        .order_by(AuditCase.reference)
    )
    if submitted is not None:
        stmt = stmt.where((CaseResponse.state == ResponseState.submitted) == submitted)
    return _one(stmt)


def _current_return(slug: str):
    from app.selfassessment.models import Return

    return _one(sa.select(Return.id).where(Return.organisation_id == _org(slug).id).order_by(Return.id.desc()))


def _current_campaign():
    from app.selfassessment.models import Campaign

    return _one(sa.select(Campaign.id).order_by(Campaign.id.desc()))


def _statement(slug: str, state: str):
    from app.statements.models import Statement

    return _one(
        sa.select(Statement.id)
        .where(Statement.organisation_id == _org(slug).id, Statement.state == state)
        .order_by(Statement.id)
    )


def _read_code(slug: str):
    from app.statements.models import Statement

    return _one(sa.select(Statement.read_code).where(Statement.id == _statement(slug, "in_force")))


def _return_section():
    from app.selfassessment.models import Return
    from app.selfassessment.queries import return_view

    view = return_view(_db.session.get(Return, _current_return("oakfield-school")))
    return view.sections[0].section.key


def _challenge_key():
    from app.selfassessment.models import ReturnAnswer

    return _one(
        sa.select(ReturnAnswer.question_key)
        .where(ReturnAnswer.return_id == _current_return("oakfield-school"), ReturnAnswer.rag.is_not(None))
        .order_by(ReturnAnswer.id)
    )


def _audit_section():
    from app.audits.models import Assignment
    from app.audits.queries import response_instrument

    assignment = _db.session.get(Assignment, _assignment("Quality of referrals", "riverside-police", submitted=False))
    return response_instrument(assignment.response).sections_for(assignment.organisation.org_type)[0].key


def _statement_section():
    from app.statements.models import Statement
    from app.statements.queries import instrument_of

    statement = _db.session.get(Statement, _statement("oakfield-school", "draft"))
    return instrument_of(statement).sections_for(statement.organisation.org_type)[0].key


def _action(slug: str):
    from app.actions.models import ActionItem

    return _one(
        sa.select(ActionItem.id).where(ActionItem.owner_organisation_id == _org(slug).id).order_by(ActionItem.id)
    )


def _action_evidence(slug: str):
    from app.actions.models import ActionCompletion, ActionItem

    return _one(
        sa.select(ActionCompletion.id)
        .join(ActionItem, ActionCompletion.action_id == ActionItem.id)
        .where(ActionItem.owner_organisation_id == _org(slug).id, ActionCompletion.evidence_stored_name.is_not(None))
    )


def _partnership_priority():
    from app.actions.models import PartnershipPriority

    return _one(sa.select(PartnershipPriority.id).order_by(PartnershipPriority.id))


def _finding():
    from app.findings.models import Finding

    return _one(sa.select(Finding.id).order_by(Finding.id))


def _briefing(state: str):
    from app.briefings.models import Briefing

    return _one(sa.select(Briefing.id).where(Briefing.state == state).order_by(Briefing.id))


def _risk(slug: str):
    from app.statements.models import Risk, RiskAssessment

    return _one(
        sa.select(Risk.id)
        .join(RiskAssessment, Risk.risk_assessment_id == RiskAssessment.id)
        .where(RiskAssessment.organisation_id == _org(slug).id, Risk.removed_at.is_(None))
        .order_by(Risk.id)
    )


def _evidence_file(slug: str):
    from app.selfassessment.models import EvidenceFile, Return, ReturnAnswer

    return _one(
        sa.select(EvidenceFile.id)
        .join(ReturnAnswer, EvidenceFile.return_answer_id == ReturnAnswer.id)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .where(Return.organisation_id == _org(slug).id)
    )


def _case(round_title: str):
    from app.audits.models import AuditCase, AuditRound

    return _one(
        sa.select(AuditCase.id)
        .join(AuditRound, AuditCase.round_id == AuditRound.id)
        .where(AuditRound.title.startswith(round_title))
        .order_by(AuditCase.reference)
    )


def _meeting():
    from app.audits.panel_models import PanelMeeting

    return _one(sa.select(PanelMeeting.id).order_by(PanelMeeting.id))


def _concern():
    from app.audits.panel_models import LiveConcern

    return _one(sa.select(LiveConcern.id).order_by(LiveConcern.id))


def _version(key: str):
    from app.questionnaire import latest_version

    return latest_version(key).id


def _studio_draft():
    from app.studio.models import DraftState, InstrumentDraft

    return _one(
        sa.select(InstrumentDraft.id).where(
            InstrumentDraft.key == "strategy-discussion", InstrumentDraft.state == DraftState.draft
        )
    )


def _survey_token(slug: str):
    from app.selfassessment.models import SurveyLink

    return _one(
        sa.select(SurveyLink.token).where(
            SurveyLink.organisation_id == _org(slug).id, SurveyLink.campaign_id == _current_campaign()
        )
    )


def _account_token(email: str, purpose: str):
    from app.accounts import tokens

    return tokens.issue_token(_user(email), purpose)


ROUND_1, ROUND_2 = "Strategy discussions", "Quality of referrals"
PENDING_INVITEE = "deputy@brookside-primary.riverside.example"


# Argument name (or a route's own choice of name) -> the sample. Routes name a sample in tests/route_access.py when
# the default for their argument is not the object they need.
def _download():
    from app.jobs.models import BackgroundJob

    return _one(sa.select(BackgroundJob.id).where(BackgroundJob.user_id == _user("qa@riverside.example").id))


SAMPLES = {
    # partnership objects (staff pages): any real one
    "job_id": lambda: Sample(_download(), table="background_job"),
    "round_id": lambda: Sample(
        _round(ROUND_1), owner="riverside-police", outsider="oakfield-school", table="audit_round"
    ),
    "open_round": lambda: Sample(
        _round(ROUND_2), owner="riverside-police", outsider="oakfield-school", table="audit_round"
    ),
    "case_id": lambda: Sample(_case(ROUND_1), table="audit_case"),
    "open_case": lambda: Sample(_case(ROUND_2), table="audit_case"),
    "concern_case": lambda: Sample(
        _case(ROUND_2), owner="riverside-police", outsider="oakfield-school", table="audit_case"
    ),
    "meeting_id": lambda: Sample(_meeting(), table="panel_meeting"),
    # the demo's closed live concern, on a case led by the council (children's social care)
    "concern_id": lambda: Sample(
        _concern(),
        owner="riverside-council",
        outsider="oakfield-school",
        table="live_concern",
    ),
    "campaign_id": lambda: Sample(_current_campaign(), owner="oakfield-school", outsider=ELSEWHERE, table="campaign"),
    "finding_id": lambda: Sample(_finding(), table="finding"),
    # the demo's published briefing was sent to every organisation of the demo (Oakfield has not confirmed yet)
    "briefing_id": lambda: Sample(
        _briefing("published"), owner="oakfield-school", outsider=ELSEWHERE, table="briefing"
    ),
    "draft_briefing": lambda: Sample(_briefing("draft"), table="briefing"),
    "version_id": lambda: Sample(_version("strategy-discussion"), table="instrument_version"),
    "org_id": lambda: Sample(_org("youth-trust").id, table="organisation"),
    "user_id": lambda: Sample(_user("lead@youth-trust.riverside.example").id, table="user_account"),
    "pending_user": lambda: Sample(_user(PENDING_INVITEE).id, table="user_account"),
    # objects of one organisation
    "assignment_id": lambda: Sample(
        _assignment(ROUND_1, "riverside-police"),
        owner="riverside-police",
        outsider="riverside-health",
        table="assignment",
    ),
    # the case behind an assignment, shared by every agency that audited it (other agencies' answers page)
    "audited_case": lambda: Sample(
        _assignment(ROUND_1, "riverside-police"), owner="riverside-police", outsider=ELSEWHERE, table="assignment"
    ),
    "open_assignment": lambda: Sample(
        _assignment(ROUND_2, "riverside-police", submitted=False),
        owner="riverside-police",
        outsider="riverside-health",
        table="assignment",
    ),
    "return_id": lambda: Sample(
        _current_return("oakfield-school"), owner="oakfield-school", outsider="youth-trust", table="sa_return"
    ),
    "open_return": lambda: Sample(
        _current_return("brookside-primary"), owner="brookside-primary", outsider="oakfield-school", table="sa_return"
    ),
    # Millbrook's return waits for its chief executive's sign-off
    "awaiting_return": lambda: Sample(
        _current_return("millbrook-practice"), owner="millbrook-practice", outsider="oakfield-school", table="sa_return"
    ),
    # Riverside Health's return, reviewed at the demo's challenge event, and its challenge (replied, with a file)
    "event_return": lambda: Sample(
        _current_return("riverside-health"), owner="riverside-health", outsider="oakfield-school", table="sa_return"
    ),
    "challenge_id": lambda: Sample(
        _health_challenge(), owner="riverside-health", outsider="oakfield-school", table="challenge"
    ),
    "event_id": lambda: Sample(_challenge_event(), table="challenge_event"),
    "file_id": lambda: Sample(
        _evidence_file("oakfield-school"), owner="oakfield-school", outsider="youth-trust", table="evidence_file"
    ),
    "statement_id": lambda: Sample(
        _statement("youth-trust", "in_force"), owner="youth-trust", outsider="oakfield-school", table="statement"
    ),
    "draft_statement": lambda: Sample(
        _statement("oakfield-school", "draft"), owner="oakfield-school", outsider="youth-trust", table="statement"
    ),
    "awaiting_statement": lambda: Sample(
        _statement("youth-trust", "awaiting_signatures"),
        owner="youth-trust",
        outsider="oakfield-school",
        table="statement",
    ),
    "read_code": lambda: Sample(_read_code("youth-trust")),
    "risk_id": lambda: Sample(_risk("youth-trust"), owner="youth-trust", outsider="oakfield-school", table="risk"),
    "action_id": lambda: Sample(
        _action("youth-trust"), owner="youth-trust", outsider="oakfield-school", table="action_item"
    ),
    "completion_id": lambda: Sample(
        _action_evidence("youth-trust"), owner="youth-trust", outsider="oakfield-school", table="action_completion"
    ),
    "priority_id": lambda: Sample(_partnership_priority(), table="partnership_priority"),
    "organisation_id": lambda: Sample(
        _org("riverside-police").id, owner="riverside-police", outsider="oakfield-school", table="organisation"
    ),
    "draft_id": lambda: Sample(_studio_draft(), table="instrument_draft"),
    # plain values
    "si": lambda: Sample(0),  # the studio draft's first section, whose first question is a choice
    "qi": lambda: Sample(0),
    "oi": lambda: Sample(0),
    "name": lambda: Sample("evidence"),
    "fmt": lambda: Sample("yaml"),
    "qtype": lambda: Sample("scale"),
    "org_type": lambda: Sample("police"),
    "action": lambda: Sample("move"),
    "studio_section": lambda: Sample("convening"),
    "audit_section": lambda: Sample(_audit_section()),
    "return_section": lambda: Sample(_return_section()),
    "statement_section": lambda: Sample(_statement_section()),
    "question_key": lambda: Sample(_challenge_key()),
    "round_action": lambda: Sample("moderation"),
    "instrument_key": lambda: Sample("strategy-discussion"),
    "theme_key": lambda: Sample("information_sharing"),
    "kind": lambda: Sample("users"),
    "year": lambda: Sample(_round_year(ROUND_1)),
    "slug": lambda: Sample("youth-trust"),
    "filename": lambda: Sample("print.js"),
    "govuk_file": lambda: Sample("govuk/govuk-frontend.min.css"),
    "survey_token": lambda: Sample(_survey_token("riverside-police")),  # still open in the demo
    "invitation_token": lambda: Sample(_account_token(PENDING_INVITEE, "invite")),
    "reset_token": lambda: Sample(_account_token("lead@youth-trust.riverside.example", "reset")),
}
