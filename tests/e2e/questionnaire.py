"""Answering questionnaire pages in the browser the way a person would: every visible question, in page order."""

from __future__ import annotations

import re
from datetime import date

NAMES_JS = "els => [...new Set(els.map(e => e.name))]"


def _check(locator) -> None:
    try:
        locator.check(timeout=3000)
    except Exception:  # noqa: BLE001 - GOV.UK overlays the native control with its label; click it instead
        locator.check(force=True)


def answer_visible_questions(
    page, text: str = "Recorded in the case file.", *, option: int = 0, skip_within: str | None = None
) -> None:
    """Choose option `option` (0 = the best) of every unanswered radio group, the first box of every unticked
    checkbox group, and fill every empty text box (except inside `skip_within`); repeat while answers reveal
    more questions."""
    outside = f":not({skip_within} *)" if skip_within else ""
    for _ in range(5):
        changed = False
        for name in page.locator("input[type=radio]:visible").evaluate_all(NAMES_JS):
            group = page.locator(f"input[type=radio][name='{name}']")
            if not group.evaluate_all("els => els.some(e => e.checked)"):
                count = group.count()
                _check(group.nth(min(option, count - 1)))
                changed = True
        for name in page.locator("input[type=checkbox]:visible").evaluate_all(NAMES_JS):
            group = page.locator(f"input[type=checkbox][name='{name}']")
            if not group.evaluate_all("els => els.some(e => e.checked)"):
                _check(group.first)
                changed = True
        boxes = page.locator(
            ", ".join(
                f"{kind}{outside}:visible"
                for kind in ("textarea", "input[type=text]", "input[type=number]", "input:not([type])")
            )
        )
        for index in range(boxes.count()):
            box = boxes.nth(index)
            if box.input_value():
                continue
            name = f"{box.get_attribute('name') or ''} {box.get_attribute('id') or ''}"
            if re.search(r"-day\b", name):
                box.fill("5")
            elif re.search(r"-month\b", name):
                box.fill("11")
            elif re.search(r"-year\b", name):
                box.fill(str(date.today().year + 1))
            elif (box.get_attribute("inputmode") or "") == "numeric" or box.get_attribute("type") == "number":
                box.fill("3")
            else:
                box.fill(text)
            changed = True
        if not changed:
            return
