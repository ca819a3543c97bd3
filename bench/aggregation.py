"""Findings aggregation against its floor: one raw SQL GROUP BY over the same answers."""

from __future__ import annotations

import statistics
import time

import sqlalchemy as sa

from bench.measure import emit, median_seconds

ROUND_FLOOR_SQL = sa.text("""
    SELECT ca.question_key, ca.value, count(*) AS answers,
           sum(CASE WHEN ca.meets_standard THEN 1 ELSE 0 END) AS meeting,
           sum(CASE WHEN ca.excluded THEN 1 ELSE 0 END) AS excluded, avg(ca.score) AS mean_score
    FROM case_answer ca
    JOIN case_response cr ON cr.id = ca.response_id
    JOIN assignment a ON a.id = cr.assignment_id
    JOIN audit_case c ON c.id = a.case_id
    WHERE c.round_id = :parent AND cr.state = 'submitted'
    GROUP BY ca.question_key, ca.value
""")

# A campaign's findings read its returns' criteria and its practitioner-survey answers, so its floor groups both
# in one statement. (Returns alone are reported too, as "return_answers_floor".)
CAMPAIGN_RETURNS_SQL = """
    SELECT ra.question_key AS question_key, ra.rag AS rag, ra.meets_standard AS meets_standard, ra.score AS score
    FROM return_answer ra
    JOIN sa_return r ON r.id = ra.return_id
    WHERE r.campaign_id = :parent AND r.state IN ('submitted', 'accepted')
"""
CAMPAIGN_SURVEY_SQL = """
    SELECT sa.question_key, sa.value, sa.meets_standard, sa.score
    FROM survey_answer sa
    JOIN survey_response sr ON sr.id = sa.survey_response_id
    JOIN survey_link sl ON sl.id = sr.survey_link_id
    WHERE sl.campaign_id = :parent
"""
_FLOOR_GROUP = """
    SELECT question_key, rag, count(*) AS answers, sum(CASE WHEN meets_standard THEN 1 ELSE 0 END) AS meeting,
           avg(score) AS mean_score
    FROM ({answers}) AS answers
    GROUP BY question_key, rag
"""
CAMPAIGN_FLOOR_SQL = sa.text(_FLOOR_GROUP.format(answers=CAMPAIGN_RETURNS_SQL + " UNION ALL " + CAMPAIGN_SURVEY_SQL))
RETURNS_FLOOR_SQL = sa.text(_FLOOR_GROUP.format(answers=CAMPAIGN_RETURNS_SQL))
# Assurance contradictions read every agency's answers in moderated cases, per organisation.
CONTRADICTIONS_FLOOR_SQL = sa.text("""
    SELECT a.organisation_id, ca.question_key, count(DISTINCT c.id) AS cases, count(ca.meets_standard) AS scored,
           sum(CASE WHEN ca.meets_standard THEN 1 ELSE 0 END) AS meeting
    FROM case_answer ca
    JOIN case_response cr ON cr.id = ca.response_id
    JOIN assignment a ON a.id = cr.assignment_id
    JOIN audit_case c ON c.id = a.case_id
    JOIN moderation m ON m.case_id = c.id
    WHERE cr.state = 'submitted' AND ca.meets_standard IS NOT NULL
    GROUP BY a.organisation_id, ca.question_key
""")


def aggregation(
    db, name: str, floor_sql, parent_id: int, figures_fn, compute_fn, count_sql: str, parts=None, **extra_floors
):
    """Two metrics against the same floor: `name`, the figures as the findings pages get them (kept between
    requests once computed, after checking nothing they depend on has changed), and `name_recompute`, computing
    them from the answers, as the first request after a change does. The recompute and the floor take turns, and
    the medians are reported: on a shared machine a short run of either moves by a third from one run to the next.

    `parts`: {label: callable} of figure families inside the recompute, timed the same way and reported on the
    recompute's line as `<label>_ms`, so a run shows where the recompute's time goes."""

    def floor(sql=floor_sql):
        db.session.execute(sql, {"parent": parent_id}).all()
        db.session.rollback()

    def timed(fn):
        def run():
            db.session.expire_all()
            fn()
            db.session.rollback()  # end the read transaction, as each request does

        run()  # warm caches (parsed instrument definitions, kept figures) as a running server would have them
        return run

    floor()
    n = db.session.execute(sa.text(count_sql), {"parent": parent_id}).scalar_one()
    extra = {label: round(median_seconds(lambda sql=sql: floor(sql)) * 1000, 4) for label, sql in extra_floors.items()}
    runs = {"floor": floor, "recompute": timed(compute_fn)} | {label: timed(fn) for label, fn in (parts or {}).items()}
    medians = _taking_turns(runs)
    floor_ms = medians.pop("floor")
    recompute_ms = medians.pop("recompute")
    shares = {f"{label}_ms": round(ms, 3) for label, ms in medians.items()}
    emit(f"{name}_recompute", recompute_ms, "ms", floor_ms, n=n, **extra, **shares)
    return emit(name, median_seconds(timed(figures_fn)) * 1000, "ms", floor_ms, n=n, **extra)


def _taking_turns(runs: dict, turns: int = 11) -> dict[str, float]:
    """The median milliseconds of each callable, run in turn `turns` times."""
    timings: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(turns):
        for label, fn in runs.items():
            started = time.perf_counter()
            fn()
            timings[label].append((time.perf_counter() - started) * 1000)
    return {label: statistics.median(values) for label, values in timings.items()}
