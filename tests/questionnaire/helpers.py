"""Shared bits for the questionnaire engine's tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
THEMES = FIXTURES / "themes.yaml"
CASE_AUDIT = FIXTURES / "case-audit.yaml"
SELF_ASSESSMENT = FIXTURES / "self-assessment.yaml"
STATEMENT = FIXTURES / "statement.yaml"

# A minimal valid instrument; tests append or edit lines and check the reported line numbers.
MINIMAL = """\
key: tiny
version: 1
kind: case_audit
title: Tiny instrument
scales:
  yn:
    - {value: "yes", label: "Yes", score: 1, meets_standard: true, rag: green}
    - {value: "no", label: "No", score: 0, meets_standard: false, rag: red}
    - {value: na, label: Not applicable, excluded: true}
sections:
  - key: first
    title: First
    questions:
      - key: q1
        type: scale
        scale: yn
        text: Question one?
        themes: [timeliness]
      - key: q2
        type: choice
        text: Question two?
        options:
          - {value: a, label: A}
          - {value: b, label: B}
"""


def write(tmp_path: Path, text: str, name: str = "instrument.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
