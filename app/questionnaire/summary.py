"""Check your answers: the summary rows of a section's answers, and where each row's Change link goes."""

from __future__ import annotations

from app.questionnaire.answers import answer_parts, display_value, is_blank, visibility
from app.questionnaire.definition import Instrument, Section


def summary_rows(
    instrument: Instrument, section: Section | str, answers: dict | None, org_type: str | None = None
) -> list[dict]:
    """One row per shown question of the section: question, answer text, comment and evidence."""
    if isinstance(section, str):
        section = instrument.section(section)
    shown = visibility(instrument, answers, org_type)
    rows = []
    for question in section.questions:
        if not shown.get(question.key, False):
            continue
        value, comment, evidence = answer_parts(answers, question.key)
        anchor = question.kind.anchor(question.key)
        rows.append(
            {
                "question": question,
                "key": question.key,
                "text": question.text,
                "value": display_value(instrument, question.key, value),
                "answered": not is_blank(value),
                "comment": comment if question.has_comment else None,
                "evidence": evidence if question.evidence != "none" else None,
                "anchor": anchor,
            }
        )
    return rows


def change_link(change_url: str | None, row: dict) -> str | None:
    if not change_url:
        return None
    for placeholder in ("{key}", "%7Bkey%7D"):
        if placeholder in change_url:
            return change_url.replace(placeholder, row["key"])
    return f"{change_url}#{row['anchor']}"
