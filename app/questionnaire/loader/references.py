"""Rules on keys that name other questions: show_if and renamed."""

from __future__ import annotations

from app.questionnaire.loader._common import _option_key, _QuestionInfo, _str, _suggest
from app.questionnaire.types import names_text, question_type, type_names


class _ReferenceChecks:
    """show_if may depend only on an earlier choice question; renamed maps old keys onto existing ones."""

    def _check_show_if(
        self, q: dict, qpath: tuple, qkey: str | None, label: str, earlier: dict[str, _QuestionInfo], all_keys: set[str]
    ) -> None:
        show_if = q.get("show_if")
        if not isinstance(show_if, dict):
            return
        target = _str(show_if.get("question"))
        path = qpath + ("show_if", "question")
        if target is None:
            return
        if target == qkey:
            self.error(path, f"{label}: show_if refers to the question itself")
            return
        if target not in earlier:
            if target in all_keys:
                self.error(
                    path,
                    f"{label}: show_if refers to question '{target}', which comes later; show_if may "
                    "only depend on an earlier question",
                )
            else:
                self.error(path, f"{label}: show_if refers to unknown question '{target}'{_suggest(target, earlier)}")
            return
        info = earlier[target]
        if info.type is not None and not question_type(info.type).is_choice:
            self.error(
                path,
                f"{label}: show_if depends on '{target}', a {info.type} question; it must depend on a "
                f"{names_text(type_names(is_choice=True), 'or')} question",
            )
            return
        values = show_if.get("in")
        if info.option_values is None or not isinstance(values, list):
            return
        for i, value in enumerate(values):
            key = _option_key(value)
            if key is not None and key not in info.option_values:
                self.error(
                    qpath + ("show_if", "in", i),
                    f"{label}: show_if value '{key}' is not an answer of '{target}' (answers: {', '.join(info.option_values)})",
                    at_value=True,
                )

    def _check_renamed(self, all_keys: set[str]) -> None:
        renamed = self.data.get("renamed")
        if not isinstance(renamed, dict):
            return
        targets: dict[str, str] = {}
        for old, new in renamed.items():
            path = ("renamed", old)
            if not isinstance(new, str):
                continue
            if old == new:
                self.error(path, f"renamed: '{old}' is renamed to itself")
                continue
            if new not in all_keys:
                self.error(
                    path,
                    f"renamed: '{old}' is renamed to '{new}', but there is no question '{new}'{_suggest(new, all_keys)}",
                )
            if old in all_keys:
                self.error(path, f"renamed: '{old}' is renamed, but a question with key '{old}' still exists")
            if new in targets:
                self.error(path, f"renamed: '{old}' and '{targets[new]}' are both renamed to '{new}'")
            targets.setdefault(new, old)
