"""`python -m bench --scale tiny` works end to end. No timing assertions: CI only proves it runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.e2e.live import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

EXPECTED = {
    "round_findings_aggregation",
    "campaign_findings_aggregation",
    "round_findings_aggregation_recompute",
    "campaign_findings_aggregation_recompute",
    "export_round_seconds",
    "export_round_peak_rss",
    "export_round_peak_rss_growth",
    "export_campaign_seconds",
    "export_campaign_peak_rss",
    "job_campaign_export_latency_seconds",
    "floor_select1_requests_per_second",
    "floor_select1_p95",
    "scoring_page_get_requests_per_second",
    "scoring_page_get_p95",
    "draft_save_post_requests_per_second",
    "draft_save_post_p95",
    "findings_page_get_requests_per_second",
    "findings_page_get_p95",
    "floor_select1_p95_paced",
    "scoring_page_get_p95_paced",
    "draft_save_post_p95_paced",
    "findings_page_get_p95_paced",
}


def test_tiny_benchmark_prints_every_metric_as_json_lines(tmp_path):
    # Two workers: the pages must be served alike by more than one process.
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "tiny", "--think", "0.2", "--workers", "2", "--threads", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    for row in rows:
        assert {"metric", "value", "unit", "floor", "ratio", "n"} <= set(row), row
    by_name = {row["metric"]: row for row in rows}
    assert EXPECTED <= set(by_name), sorted(EXPECTED - set(by_name))
    broken = {name: by_name[name].get("error") for name in EXPECTED if by_name[name]["value"] is None}
    assert not broken, broken
    assert (by_name["scoring_page_get_p95"]["workers"], by_name["scoring_page_get_p95"]["threads"]) == (2, 3)
    # A save is timed as its POST; with the page load before it, it can only take longer.
    for name in ("draft_save_post_p95", "draft_save_post_p95_paced"):
        assert by_name[name]["with_page_get_p95"] >= by_name[name]["value"], by_name[name]
    assert "with_page_get_p95" not in by_name["scoring_page_get_p95"]
    for name in (
        "round_findings_aggregation",
        "campaign_findings_aggregation",
        "round_findings_aggregation_recompute",
        "export_round_seconds",
    ):
        assert by_name[name]["floor"] is not None and by_name[name]["n"] > 0

    # The round's recompute says how much of it is the agreement between agencies, which it includes.
    recompute = by_name["round_findings_aggregation_recompute"]
    assert 0 < recompute["agreement_ms"] < recompute["value"], recompute


def test_generation_is_deterministic(tmp_path):
    script = (
        "import json, sys\n"
        "from flask_migrate import upgrade\n"
        "from app import create_app\n"
        "from app.extensions import db\n"
        "from app.questionnaire import load_files\n"
        "from app.questionnaire.store import default_instrument_files\n"
        "from bench.generate import SCALES, generate\n"
        "import sqlalchemy as sa\n"
        "app = create_app('development', SQLALCHEMY_DATABASE_URI=sys.argv[1])\n"
        "with app.app_context():\n"
        "    upgrade(); load_files(default_instrument_files()); db.session.commit()\n"
        "    generate(SCALES['tiny'])\n"
        "    rows = db.session.execute(sa.text('SELECT response_id, question_key, value, score, rag FROM case_answer "
        "ORDER BY id')).all()\n"
        "    print(json.dumps([list(r) for r in rows]))\n"
    )
    outputs = []
    for name in ("a", "b"):
        run = subprocess.run(
            [sys.executable, "-c", script, f"sqlite:///{tmp_path / name}.sqlite3"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        outputs.append(run.stdout.strip().splitlines()[-1])
    assert outputs[0] == outputs[1]
