"""Practitioner survey results as they are frozen when a survey closes (README, "Practitioner survey anonymity").

An organisation's results are computed once, when its survey closes, and stored; nothing per organisation is ever
computed from the live responses for anyone to see. Every count in them has two-sided geometric noise added
(the discrete Laplace mechanism: P(k) is proportional to exp(-epsilon·|k|), from `secrets`), drawn once and
clamped at 0, so that viewing the same results again cannot average it away. Percentages are worked out from the
noised counts. Whether a figure is shown at all is decided by the true counts: a statement, a theme or an option
answered by fewer than MIN_CELL_SIZE practitioners shows "fewer", none at all "none"; a shown count is never below
MIN_CELL_SIZE.

Each response adds one to one option count of each statement, so the option counts of a statement, released
with noise of parameter epsilon, give epsilon-differential privacy for that statement; theme percentages are
sums of those same noised counts (post-processing, no further cost).
"""

from __future__ import annotations

import math
import secrets
from collections import defaultdict
from typing import Callable

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.questionnaire import Instrument
from app.selfassessment.models import SurveyAnswer, SurveyResponse

FEWER = "fewer"  # answered by fewer than the minimum: no figure
NONE = "none"  # answered by no one
SHOWN = "shown"

_random = secrets.SystemRandom()


def _geometric(alpha: float) -> int:
    """Failures before the first success, success probability 1 - alpha: P(G >= k) = alpha**k."""
    u = 1.0 - _random.random()  # in (0, 1]
    return int(math.floor(math.log(u) / math.log(alpha)))


def geometric_noise(epsilon: float) -> int:
    """Two-sided geometric noise: the difference of two geometric variables, P(k) ∝ exp(-epsilon·|k|)."""
    alpha = math.exp(-epsilon)
    return _geometric(alpha) - _geometric(alpha)


def noise_epsilon() -> float:
    return float(current_app.config["SURVEY_NOISE_EPSILON"])


def minimum_size() -> int:
    return int(current_app.config.get("MIN_CELL_SIZE", 5))


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _status(true_count: int, minimum: int) -> str:
    return NONE if true_count == 0 else FEWER if true_count < minimum else SHOWN


def _share_status(true_count: int, noised_total: int, minimum: int) -> str:
    """Whether a percentage may be shown: as _status, except that noise which took every count it would divide to
    zero leaves no percentage to show, so the figure reads as "fewer" (decided from the noised total, which is
    released anyway, so it tells no one more)."""
    status = _status(true_count, minimum)
    return FEWER if status == SHOWN and noised_total <= 0 else status


def _cell(noised: int, true_count: int, minimum: int) -> int | str:
    """A count as it may be shown: "fewer" (or "none") below the minimum, and never a number below it."""
    status = _status(true_count, minimum)
    return max(noised, minimum) if status == SHOWN else FEWER


def theme_map(pairs: list[tuple[str, str]]) -> sa.Subquery:
    """(question_key, theme) rows to join answers to: a UNION ALL of literal rows, portable, where SQLite rejects
    VALUES with a column list alias."""
    return sa.union_all(
        *(
            sa.select(sa.literal(key, sa.String).label("question_key"), sa.literal(theme, sa.String).label("theme"))
            for key, theme in pairs
        )
    ).subquery("theme_map")


def _theme_respondents(link_ids: list[int], theme_questions: dict[str, list[str]]) -> dict[str, int]:
    """theme -> practitioners (true count) who gave an agree or disagree answer on at least one of its statements,
    in one query: each response's answers are grouped once, with a 1/0 per theme saying whether it answered one
    of the theme's statements, and the 1s are summed per theme (cheaper than a distinct count per theme over the
    answers joined to a theme map, which read each answer once per theme of its statement)."""
    result = dict.fromkeys(theme_questions, 0)
    themes = [theme for theme, keys in theme_questions.items() if keys]
    if not link_ids or not themes:
        return result
    per_response = (
        sa.select(
            *(
                sa.func.max(sa.case((SurveyAnswer.question_key.in_(theme_questions[theme]), 1), else_=0)).label(
                    f"theme_{i}"
                )
                for i, theme in enumerate(themes)
            )
        )
        .join(SurveyResponse, SurveyAnswer.survey_response_id == SurveyResponse.id)
        .where(SurveyResponse.survey_link_id.in_(link_ids), SurveyAnswer.meets_standard.is_not(None))
        .group_by(SurveyAnswer.survey_response_id)
        .subquery("per_response")
    )
    totals = db.session.execute(sa.select(*(sa.func.coalesce(sa.func.sum(c), 0) for c in per_response.c))).one()
    result.update({theme: int(n) for theme, n in zip(themes, totals)})
    return result


def answer_counts(link_ids) -> dict[str, dict[str, int]]:
    """question key -> stored value -> answers, over the responses to these survey links (none: {})."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if not link_ids:
        return counts
    # The responses as a subquery rather than a join: SQLite then reads only their answers, by index, where with
    # the join it scanned every answer in question order (a third slower); PostgreSQL plans both alike.
    responses = sa.select(SurveyResponse.id).where(SurveyResponse.survey_link_id.in_(link_ids))
    rows = db.session.execute(
        sa.select(SurveyAnswer.question_key, SurveyAnswer.value, sa.func.count())
        .where(SurveyAnswer.survey_response_id.in_(responses), SurveyAnswer.value.is_not(None))
        .group_by(SurveyAnswer.question_key, SurveyAnswer.value)
    ).all()
    for key, value, n in rows:
        counts[key][value] = n
    return counts


def compute(
    survey: Instrument,
    link_ids: list[int],
    org_type: str | None = None,
    *,
    exact: bool = False,
    noise: Callable[[float], int] | None = None,
    respondents: int | None = None,
    answers: dict[str, dict[str, int]] | None = None,
) -> dict:
    """The results of the responses to these survey links: noised and suppressed as described above, or, with
    `exact`, the true counts (partnership figures for partnership staff only). `respondents`: the links' responses,
    and `answers`: their answer_counts, when the caller has them already."""
    minimum = minimum_size()
    epsilon = noise_epsilon()
    draw = (lambda: 0) if exact else (lambda: (noise or geometric_noise)(epsilon))

    def noised(count: int) -> int:
        return max(0, count + draw())

    link_ids = sorted(link_ids)
    if respondents is None:
        respondents = (
            db.session.execute(
                sa.select(sa.func.count(SurveyResponse.id)).where(SurveyResponse.survey_link_id.in_(link_ids))
            ).scalar_one()
            if link_ids
            else 0
        )
    counts = answer_counts(link_ids) if answers is None else answers

    statements: dict[str, dict] = {}
    agreeing: dict[str, int] = {}
    scored: dict[str, int] = {}
    most: dict[str, int] = defaultdict(int)  # theme -> the most true agree/disagree answers to one of its statements
    theme_questions: dict[str, list[str]] = defaultdict(list)
    for question in survey.questions(org_type):
        if not question.is_scored:
            continue
        true = counts.get(question.key, {})
        noisy = {o.value: noised(true.get(o.value, 0)) for o in question.options}
        is_scored = {o.value: o.meets_standard is not None and not o.excluded for o in question.options}
        true_scored = sum(true.get(v, 0) for v, yes in is_scored.items() if yes)
        agreeing[question.key] = sum(noisy[o.value] for o in question.options if o.meets_standard)
        scored[question.key] = sum(noisy[v] for v, yes in is_scored.items() if yes)
        status = _share_status(true_scored, scored[question.key], minimum)
        statements[question.key] = {
            "status": status,
            "percent": percent(agreeing[question.key], scored[question.key]) if status == SHOWN else None,
            "answers": _cell(scored[question.key], true_scored, minimum) if status == SHOWN else FEWER,
            "options": {o.value: _cell(noisy[o.value], true.get(o.value, 0), minimum) for o in question.options},
        }
        for theme in question.themes:
            theme_questions[theme].append(question.key)
            most[theme] = max(most[theme], true_scored)

    # Whether a theme is shown depends on how many practitioners answered one of its statements. Each answered a
    # statement once, so that is at least the most answers to one statement: enough to decide, unless that is
    # above zero and below the minimum; only then are the practitioners counted.
    undecided = {theme: keys for theme, keys in theme_questions.items() if 0 < most[theme] < minimum}
    counted = _theme_respondents(link_ids, undecided)
    themes: dict[str, dict] = {}
    for theme, keys in theme_questions.items():
        met = sum(agreeing[k] for k in keys)
        total = sum(scored[k] for k in keys)
        status = _share_status(counted.get(theme, most[theme]), total, minimum)
        entry = {"status": status, "percent": percent(met, total) if status == SHOWN else None}
        if exact:
            entry.update(agreeing=met, scored=total)
        themes[theme] = entry
    return {
        "minimum": minimum,
        "epsilon": None if exact else epsilon,
        "exact": exact,
        "respondents": respondents
        if exact
        else _cell(noised(respondents), respondents, minimum)
        if respondents
        else NONE,
        "statements": statements,
        "themes": themes,
    }
