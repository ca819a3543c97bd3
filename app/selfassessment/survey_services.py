"""Every state change of the practitioner survey: response codes, responses, closing (README, "Practitioner survey
anonymity")."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

import sqlalchemy as sa

from app.activity import record
from app.errors import DomainError, InvalidTransition
from app.extensions import db
from app.questionnaire import write_answers
from app.questionnaire.answers import is_blank
from app.selfassessment import snapshots, survey_tally
from app.selfassessment.models import (
    Campaign,
    CampaignState,
    SurveyAnswer,
    SurveyCode,
    SurveyLink,
    SurveyResponse,
    SurveySnapshot,
)
from app.selfassessment.queries import survey_respondent_count, survey_respondent_counts
from app.signals import figures_changed
from app.utils import today, utcnow

# No 0/O, 1/I/L or 5/S to misread when a code is copied from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
CODE_LENGTH = 12
MAX_CODES = 500
CODE_MISSING = "Enter your response code"
CODE_REFUSED = (
    "This response code is not one we recognise, or it has already been used. Check it, or ask your "
    "safeguarding lead for a new one"
)


class SurveyClosed(DomainError):
    pass


# ---------------------------------------------------------------------------------------------
# Response codes
# ---------------------------------------------------------------------------------------------
def normalise_code(code: str | None) -> str:
    """A response code as typed (any case, spaces or dashes) reduced to its letters and digits."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """A response code in groups of four, as printed for practitioners."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_hash(link: SurveyLink, code: str) -> str:
    """What is stored for a response code: never the code itself, only its hash with the survey link."""
    return hashlib.sha256(f"{link.token}:{normalise_code(code)}".encode()).hexdigest()


def _require_open(link: SurveyLink) -> None:
    campaign = link.campaign
    if link.is_closed or campaign.state != CampaignState.open or campaign.survey_version is None:
        raise SurveyClosed("This survey has closed")


def _lock(link: SurveyLink) -> None:
    """Hold the link's row (and read it afresh) until the transaction ends: two closings of one survey, or a closing
    and the campaign's, cannot both take its snapshot, and no response is written while it is taken."""
    db.session.execute(
        sa.select(SurveyLink)
        .where(SurveyLink.id == link.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def create_response_codes(link: SurveyLink, count: int, *, actor=None) -> list[str]:
    """A batch of one-time codes for the organisation's practitioners, returned once (formatted) and stored only as
    hashes."""
    _require_open(link)
    if not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise DomainError(f"Enter a number of codes between 1 and {MAX_CODES}", field="count")
    codes: list[str] = []
    hashes: set[str] = set()
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        digest = code_hash(link, code)
        if digest not in hashes:
            hashes.add(digest)
            codes.append(format_code(code))
    db.session.add_all(SurveyCode(survey_link_id=link.id, code_hash=digest, spent=False) for digest in hashes)
    db.session.flush()
    record(
        "survey_codes",
        link.campaign,
        f"Created {count} practitioner survey response codes for {link.organisation.name}",
        actor=actor,
    )
    return codes


def _spend_code(link: SurveyLink, code: str | None) -> None:
    """Spend the code in the caller's transaction, or refuse. A concurrent spender of the same code waits on the
    row and then finds it spent."""
    if not normalise_code(code):
        raise DomainError(CODE_MISSING, field="code")
    spent = db.session.execute(
        sa.update(SurveyCode)
        .where(
            SurveyCode.survey_link_id == link.id,
            SurveyCode.code_hash == code_hash(link, code),
            SurveyCode.spent.is_(False),
        )
        .values(spent=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise DomainError(CODE_REFUSED, field="code")


# ---------------------------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------------------------
def record_survey_response(
    link: SurveyLink, answers: dict[str, dict], *, code: str | None, on: date | None = None
) -> SurveyResponse:
    """Store one anonymous response, spending its one-time code: the answers and the date only, nothing linking it
    to the code. No activity event, because its actor and timestamp would say more about the respondent than the
    survey promises to keep. Holds the campaign's row (its survey counts change one response at a time), then
    the link's, so a response cannot land after the survey's results froze."""
    survey_tally.hold(link.campaign)
    _lock(link)
    _require_open(link)
    _spend_code(link, code)
    campaign = link.campaign
    survey = campaign.survey_version.parsed
    response = SurveyResponse(
        survey_link_id=link.id, instrument_version_id=campaign.survey_version_id, submitted_on=on or today()
    )

    def new_row(key: str) -> SurveyAnswer:
        row = SurveyAnswer(question_key=key)
        response.answers.append(row)
        return row

    given = {key: answer for key, answer in answers.items() if not is_blank((answer or {}).get("value"))}
    write_answers(survey, given, {}, new_row)
    db.session.add(response)
    db.session.flush()
    survey_tally.survey_response_recorded(link, response)
    figures_changed.send("campaign", id=campaign.id)
    return response


# ---------------------------------------------------------------------------------------------
# Closing
# ---------------------------------------------------------------------------------------------
def _snapshot(link: SurveyLink) -> SurveySnapshot:
    campaign = link.campaign
    figures = snapshots.compute(campaign.survey_version.parsed, [link.id], link.organisation.org_type)
    snapshot = SurveySnapshot(campaign_id=campaign.id, survey_link_id=link.id, taken_on=today(), figures=figures)
    db.session.add(snapshot)
    return snapshot


def close_survey(link: SurveyLink, *, actor=None) -> SurveySnapshot:
    """Close one organisation's survey for good, once at least MIN_CELL_SIZE practitioners have answered, and
    freeze its results."""
    _lock(link)
    if link.is_closed:
        raise InvalidTransition("This survey has already closed")
    _require_open(link)
    minimum = snapshots.minimum_size()
    if survey_respondent_count(link) < minimum:
        raise InvalidTransition(f"The survey can be closed once at least {minimum} people have answered")
    link.closed_at = utcnow()
    snapshot = _snapshot(link)
    db.session.flush()
    record("survey_closed", link.campaign, f"Closed the practitioner survey of {link.organisation.name}", actor=actor)
    figures_changed.send("campaign", id=link.campaign_id)
    return snapshot


def close_campaign_surveys(campaign: Campaign) -> None:
    """Closing a campaign closes every survey still open (however few answered), and freezes the partnership's
    results once: from the organisations with at least MIN_CELL_SIZE responses, noised like an organisation's."""
    if campaign.survey_version is None:
        return
    links = list(
        db.session.execute(
            sa.select(SurveyLink)
            .where(SurveyLink.campaign_id == campaign.id)
            .order_by(SurveyLink.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalars()
    )
    for link in links:
        if not link.is_closed:
            link.closed_at = utcnow()
            _snapshot(link)
    taken = db.session.execute(
        sa.select(SurveySnapshot.id).where(
            SurveySnapshot.campaign_id == campaign.id, SurveySnapshot.survey_link_id.is_(None)
        )
    ).first()
    if taken is None:
        minimum = snapshots.minimum_size()
        responses = survey_respondent_counts(campaign.id)
        counted = [link.id for link in links if responses.get(link.id, 0) >= minimum]
        figures = snapshots.compute(campaign.survey_version.parsed, counted)
        figures["organisations"] = len(counted)
        db.session.add(SurveySnapshot(campaign_id=campaign.id, survey_link_id=None, taken_on=today(), figures=figures))
    db.session.flush()
    figures_changed.send("campaign", id=campaign.id)
