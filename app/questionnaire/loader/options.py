"""Scales and option lists: duplicate values, the flags on each option, rag for self-assessment scales."""

from __future__ import annotations

from typing import Any

from app.questionnaire.loader._common import _dict_items, _get, _option_key


class _OptionChecks:
    """Rules on scales and options; part of the definition checker."""

    def _check_scales(self) -> dict[str, list[str]]:
        scales = self.data.get("scales")
        result: dict[str, list[str]] = {}
        if not isinstance(scales, dict):
            return result
        for name, options in scales.items():
            values: dict[str, str] = {}
            for i, option in _dict_items(options):
                path = ("scales", name, i)
                value = _option_key(option.get("value"))
                if value is not None:
                    where = self.at(path + ("value",))
                    if value in values:
                        self.error(
                            path + ("value",),
                            f"scale '{name}': duplicate option value '{value}' (first on {values[value]})",
                        )
                    else:
                        values[value] = where
                self._check_option_flags(option, path, f"scale '{name}' option {i + 1}")
            result[name] = list(values)
        return result

    def _check_option_list(self, path: tuple, label: str) -> list[str]:
        options = _get(self.data, path)
        values: dict[str, str] = {}
        for i, option in _dict_items(options):
            value = _option_key(option.get("value"))
            if value is None:
                continue
            where = self.at(path + (i, "value"))
            if value in values:
                self.error(path + (i, "value"), f"{label}: duplicate option value '{value}' (first on {values[value]})")
            else:
                values[value] = where
            self._check_option_flags(option, path + (i,), f"{label} option {i + 1}")
        return list(values)

    def _check_option_flags(self, option: dict, path: tuple, label: str) -> None:
        """Rules tying an option's flags together: what "not applicable" allows and needs."""
        if option.get("excluded") is True:
            clash = [k for k in ("score", "meets_standard", "rag") if k in option]
            if clash:
                self.error(
                    path, f"{label}: an excluded (not applicable) option cannot have {', '.join(clash)}", at_value=True
                )
        elif option.get("needs_reason") is True:
            self.error(
                path + ("needs_reason",),
                f"{label}: needs_reason is only allowed on an excluded (not applicable) option",
            )
        if option.get("partial") is True:
            if option.get("excluded") is True:
                self.error(path + ("partial",), f"{label}: an excluded (not applicable) option cannot be partial")
            elif option.get("meets_standard") is not False:
                self.error(
                    path + ("partial",),
                    f"{label}: a partial option must have meets_standard: false (it partly meets the standard)",
                )

    def _report_scale_without_rag(self, name: str, options: Any) -> None:
        if name in self.rag_reported:
            return
        self.rag_reported.add(name)
        for i, option in _dict_items(options):
            value = _option_key(option.get("value"))
            if value is not None and not option.get("excluded") and not option.get("rag"):
                self.error(
                    ("scales", name, i),
                    f"scale '{name}' option '{value}' has no rag (green, amber or red), "
                    f"which self-assessment criteria need",
                    at_value=True,
                )
