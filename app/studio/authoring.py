"""Two views of an instrument definition: a YAML file and an authoring workbook (app.studio.workbook).

Both read back into exactly the definition they were written from. Reading either checks it with the engine's own
rules and reports every problem where the author can find it: "line 12: …" in a file, "Sheet questions, row 7,
column text: …" in a workbook.
"""

from __future__ import annotations

import yaml

from app.questionnaire.loader import InstrumentError, check_text
from app.questionnaire.yamlsource import decode


class AuthoringProblems(Exception):
    """The file or workbook cannot become a draft; `problems` lists every reason, each saying where."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------------------------
def to_yaml(definition: dict) -> str:
    return yaml.safe_dump(definition, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def from_yaml(raw: bytes, name: str = "upload.yaml") -> dict:
    """A valid definition from an uploaded instrument file, or AuthoringProblems as "line N: message"."""
    text, errors = decode(raw, name)
    if text is None:
        raise AuthoringProblems([f"line {e.line}: {e.message}" for e in errors])
    try:
        checked = check_text(text, name)
    except InstrumentError as exc:
        raise AuthoringProblems([f"line {e.line}: {e.message}" for e in exc.errors]) from None
    return checked.definition
