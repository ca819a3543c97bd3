"""Sections and their questions: keys, what each question type takes, ranges, about, overall and themes."""

from __future__ import annotations

from app.questionnaire.definition import option_value
from app.questionnaire.loader._common import (
    _dict_items,
    _is_number,
    _option_key,
    _QuestionInfo,
    _str,
    _suggest,
)
from app.questionnaire.types import names_text, question_type, type_names

RESERVED_QUESTION_KEYS = {"csrf_token"}


class _QuestionChecks:
    """Rules on each section and question, in file order; part of the definition checker."""

    def _check_sections(self, kind: str | None, scale_values: dict[str, list[str]], all_keys: set[str]) -> None:
        scales = self.data.get("scales") if isinstance(self.data.get("scales"), dict) else {}
        section_lines: dict[str, str] = {}
        earlier: dict[str, _QuestionInfo] = {}
        overall_line: str | None = None
        for si, section in _dict_items(self.data.get("sections")):
            spath = ("sections", si)
            skey = _str(section.get("key"))
            if skey is not None:
                line = self.at(spath + ("key",))
                if skey in section_lines:
                    self.error(spath + ("key",), f"duplicate section key '{skey}' (first on {section_lines[skey]})")
                else:
                    section_lines[skey] = line
            self._check_org_types(spath + ("applies_to",), "applies_to")
            for qi, q in _dict_items(section.get("questions")):
                qpath = spath + ("questions", qi)
                qkey = _str(q.get("key"))
                label = f"question '{qkey}'" if qkey else f"section {si + 1} question {qi + 1}"
                qtype = q.get("type") if q.get("type") in type_names() else None
                qkind = question_type(qtype) if qtype is not None else None
                option_values: list[str] | None = None

                if qkey is not None:
                    if qkey in earlier:
                        self.error(qpath + ("key",), f"duplicate question key '{qkey}' (first on {earlier[qkey].line})")
                    if "__" in qkey:
                        self.error(
                            qpath + ("key",),
                            f"{label}: keys may not contain a double underscore (it is used "
                            "for comment and evidence fields)",
                        )
                    if qkey in RESERVED_QUESTION_KEYS:
                        self.error(qpath + ("key",), f"{label}: '{qkey}' is reserved; choose another key")

                if qkind is not None and qkind.takes_scale:
                    if "options" in q:
                        self.error(
                            qpath + ("options",),
                            f"{label}: a scale question takes its answers from 'scale', so 'options' is not allowed",
                        )
                    scale_name = q.get("scale")
                    if "scale" not in q:
                        self.error(
                            qpath,
                            f"{label}: a scale question needs 'scale' naming one of the scales"
                            + (f" ({', '.join(scales)})" if scales else ""),
                            at_value=True,
                        )
                    elif isinstance(scale_name, str):
                        if scale_name not in scales:
                            known = (
                                f"; defined scales: {', '.join(scales)}" if scales else "; this file defines no scales"
                            )
                            self.error(
                                qpath + ("scale",),
                                f"{label}: unknown scale '{scale_name}'{_suggest(scale_name, scales)}{known}",
                            )
                        else:
                            option_values = scale_values.get(scale_name, [])
                            if kind == "self_assessment":
                                missing = [
                                    option_value(o.get("value"))
                                    for _, o in _dict_items(scales[scale_name])
                                    if not o.get("excluded")
                                    and not o.get("rag")
                                    and _option_key(o.get("value")) is not None
                                ]
                                if missing:
                                    self.error(
                                        qpath + ("scale",),
                                        f"{label}: a self-assessment criterion needs a "
                                        "scale with 'rag' on every option, but scale "
                                        f"'{scale_name}' has none for {', '.join(missing)}",
                                    )
                                    self._report_scale_without_rag(scale_name, scales[scale_name])
                elif qkind is not None and qkind.takes_options:
                    if "scale" in q:
                        self.error(
                            qpath + ("scale",),
                            f"{label}: 'scale' is only for type: scale questions; a "
                            f"{qtype} question lists its 'options'",
                        )
                    if "options" not in q:
                        self.error(qpath, f"{label}: a {qtype} question needs 'options'", at_value=True)
                    else:
                        option_values = self._check_option_list(qpath + ("options",), label)
                elif qtype is not None:
                    for key in ("scale", "options"):
                        if key in q:
                            self.error(qpath + (key,), f"{label}: '{key}' cannot be used on a {qtype} question")

                if qkind is not None:
                    if "max_length" in q and not qkind.takes_max_length:
                        self.error(
                            qpath + ("max_length",),
                            f"{label}: 'max_length' is only for "
                            f"{names_text(type_names(takes_max_length=True), 'and')} questions",
                        )
                    for key in ("min", "max"):
                        if key in q and not qkind.takes_range:
                            self.error(
                                qpath + (key,),
                                f"{label}: '{key}' is only for "
                                f"{names_text(type_names(takes_range=True), 'and')} questions",
                            )
                    if q.get("comment") == "required_unless_met" and not qkind.is_scored:
                        self.error(
                            qpath + ("comment",),
                            f"{label}: comment: required_unless_met needs a "
                            f"{names_text(type_names(is_scored=True), 'or')} question",
                        )
                low, high = q.get("min"), q.get("max")
                if _is_number(low) and _is_number(high) and low > high:
                    self.error(qpath + ("min",), f"{label}: 'min' ({low}) is greater than 'max' ({high})")

                if "about" in q and kind != "case_audit":
                    self.error(qpath + ("about",), f"{label}: 'about' is only for case audit questions")
                elif q.get("about") == "agency" and q.get("overall") is True:
                    self.error(qpath + ("about",), f"{label}: the overall judgement is about the case, not one agency")

                if q.get("overall") is True:
                    if overall_line is not None:
                        self.error(
                            qpath + ("overall",),
                            f"{label}: only one question may have overall: true (the first is on {overall_line})",
                        )
                    else:
                        overall_line = self.at(qpath + ("overall",))
                    if qkind is not None and not qkind.is_scored:
                        self.error(
                            qpath + ("overall",),
                            f"{label}: the overall judgement must be a "
                            f"{names_text(type_names(is_scored=True), 'or')} question",
                        )

                themes = q.get("themes")
                if self.theme_keys is not None and isinstance(themes, list):
                    for ti, theme in enumerate(themes):
                        if isinstance(theme, str) and theme not in self.theme_keys:
                            self.error(
                                qpath + ("themes", ti),
                                f"{label}: unknown theme "
                                f"'{theme}'{_suggest(theme, self.theme_keys)}; themes "
                                "are defined in themes.yaml",
                                at_value=True,
                            )

                self._check_show_if(q, qpath, qkey, label, earlier, all_keys)

                if qkey is not None and qkey not in earlier:
                    earlier[qkey] = _QuestionInfo(qkey, qtype, option_values, self.at(qpath + ("key",)))
