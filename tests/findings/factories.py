"""Findings test data, built straight on the models so these tests don't depend on other features' services.

Case references are pseudonymous (CR-000123) and every organisation is fictional.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from datetime import date, timedelta

from app.audits import tallies
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
    RoundState,
)
from app.extensions import db
import sqlalchemy as sa

from app.questionnaire import InstrumentVersion, latest_version, score_answer
from app.selfassessment import survey_tally
from app.selfassessment import tallies as return_tallies
from app.selfassessment.models import (
    Campaign,
    CampaignState,
    Challenge,
    Return,
    ReturnAnswer,
    ReturnState,
    SurveyAnswer,
    SurveyLink,
    SurveyResponse,
)
from app.utils import utcnow

_seq = itertools.count(1)


def _stored(value):
    return json.dumps(value) if isinstance(value, (list, tuple)) else value


STRATEGY_V1 = Path(__file__).parent / "fixtures" / "strategy-discussion-v1.yaml"


def strategy_v1() -> InstrumentVersion:
    """Version 1 of the strategy discussion audit, where a "Partly" answer is not a band of its own and counts as
    not meeting the standard: the hand computations of these tests (see conftest.small_round) are made with it."""
    from app.questionnaire import load_files

    stored = db.session.execute(
        sa.select(InstrumentVersion).where(
            InstrumentVersion.version == 1,
            InstrumentVersion.instrument_id == latest_version("strategy-discussion").instrument_id,
        )
    ).scalar_one_or_none()
    return stored or load_files([STRATEGY_V1])[0]


def make_round(
    *,
    organisations,
    key="strategy-discussion",
    version=None,
    state=RoundState.closed,
    title=None,
    period_start=date(2025, 1, 1),
) -> AuditRound:
    if version is None and key == "strategy-discussion":
        version = strategy_v1()
    version = version or latest_version(key)
    rnd = AuditRound(
        instrument_version_id=version.id,
        title=title or f"Round {next(_seq)}",
        area="North",
        period_start=period_start,
        period_end=period_start + timedelta(days=90),
        due_date=period_start + timedelta(days=120),
        state=state,
    )
    rnd.organisations = list(organisations)
    db.session.add(rnd)
    db.session.flush()
    return rnd


def add_case(rnd, *, reference=None, age_band=None, gender=None, ethnicity=None, area=None) -> AuditCase:
    case = AuditCase(
        round=rnd,
        reference=reference or f"CR-{next(_seq):06d}",
        age_band=age_band,
        gender=gender,
        ethnicity=ethnicity,
        area=area,
    )
    db.session.add(case)
    db.session.flush()
    return case


def add_response(
    case, organisation, answers: dict, *, comments: dict | None = None, state=ResponseState.submitted, version=None
) -> CaseResponse:
    """answers: {question_key: value}; scoring is denormalised exactly as the audits feature stores it."""
    version = version or db.session.get(InstrumentVersion, case.round.instrument_version_id)
    instrument = version.parsed
    assignment = Assignment(case=case, organisation_id=organisation.id)
    response = CaseResponse(
        assignment=assignment,
        instrument_version_id=version.id,
        state=state,
        submitted_at=utcnow() if state == ResponseState.submitted else None,
    )
    db.session.add_all([assignment, response])
    for key, value in answers.items():
        result = score_answer(instrument, key, value)
        response.answers.append(
            CaseAnswer(
                question_key=key,
                value=_stored(value),
                score=result.score,
                meets_standard=result.meets_standard,
                excluded=result.excluded,
                rag=result.rag,
                comment=(comments or {}).get(key),
            )
        )
    db.session.flush()
    if state == ResponseState.submitted:
        tallies.response_submitted(response)  # as submit_response counts it
    return response


def assign(case, organisation) -> Assignment:
    assignment = Assignment(case=case, organisation_id=organisation.id)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def moderate(case, *, grade, answers: dict | None = None) -> Moderation:
    instrument = db.session.get(InstrumentVersion, case.round.instrument_version_id).parsed
    moderation = Moderation(case=case, overall_grade=grade, strengths="Clear record of the discussion.")
    for key, value in (answers or {}).items():
        result = score_answer(instrument, key, value)
        moderation.answers.append(
            ModeratedAnswer(
                question_key=key,
                value=value,
                score=result.score,
                meets_standard=result.meets_standard,
                excluded=result.excluded,
            )
        )
    db.session.add(moderation)
    db.session.flush()
    tallies.case_moderated(case)  # as save_moderation counts it
    return moderation


def make_campaign(
    *, key="self-assessment", survey_key="practitioner-survey", cycle="2025-26", state=CampaignState.open, title=None
) -> Campaign:
    campaign = Campaign(
        instrument_version_id=latest_version(key).id,
        survey_version_id=latest_version(survey_key).id if survey_key else None,
        title=title or f"Self-assessment {cycle}",
        cycle=cycle,
        due_date=date(2026, 3, 31),
        state=state,
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def add_return(
    campaign, organisation, answers: dict, *, state=ReturnState.submitted, evidence: dict | None = None
) -> Return:
    instrument = db.session.get(InstrumentVersion, campaign.instrument_version_id).parsed
    ret = Return(
        campaign=campaign,
        organisation_id=organisation.id,
        state=state,
        submitted_at=utcnow() if state in (ReturnState.submitted, ReturnState.accepted) else None,
    )
    db.session.add(ret)
    for key, value in answers.items():
        result = score_answer(instrument, key, value)
        ret.answers.append(
            ReturnAnswer(
                question_key=key,
                value=value,
                score=result.score,
                meets_standard=result.meets_standard,
                excluded=result.excluded,
                rag=result.rag,
                evidence=(evidence or {}).get(key, "Policy reviewed."),
            )
        )
    db.session.flush()
    return_tallies.return_changed(ret)  # as the services do when a return is submitted
    return ret


def challenge(ret, question_key, moderated_rag, comment="Evidence does not support this rating.") -> Challenge:
    answer = next(a for a in ret.answers if a.question_key == question_key)
    item = Challenge(return_answer_id=answer.id, moderated_rag=moderated_rag, comment=comment)
    db.session.add(item)
    db.session.flush()
    return_tallies.return_changed(ret)  # as the challenge services do
    return item


def add_survey_responses(campaign, organisation, answer_sets: list[dict]) -> SurveyLink:
    link = db.session.execute(
        sa.select(SurveyLink).where(
            SurveyLink.campaign_id == campaign.id, SurveyLink.organisation_id == organisation.id
        )
    ).scalar_one_or_none()
    if link is None:
        link = SurveyLink(campaign_id=campaign.id, organisation_id=organisation.id, token=f"tok{next(_seq):08d}")
        db.session.add(link)
        db.session.flush()
    instrument = db.session.get(InstrumentVersion, campaign.survey_version_id).parsed
    for answers in answer_sets:
        response = SurveyResponse(
            survey_link_id=link.id, instrument_version_id=campaign.survey_version_id, submitted_on=date(2025, 11, 1)
        )
        for key, value in answers.items():
            result = score_answer(instrument, key, value)
            response.answers.append(
                SurveyAnswer(
                    question_key=key,
                    value=value,
                    score=result.score,
                    meets_standard=result.meets_standard,
                    excluded=result.excluded,
                )
            )
        db.session.add(response)
        db.session.flush()
        survey_tally.survey_response_recorded(link, response)  # as the survey service does
    return link
