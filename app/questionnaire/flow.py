"""How a questionnaire's section pages follow one another, and the optimistic-locking rule of every save.

Pure: the flow knows section keys, not URLs, requests or the database. Each feature turns a `Step` into its own
pages with `Step.url`, so a destination is always one of that feature's pages (never an address from the request).

- Sections come in the instrument's order, limited to those that apply to the organisation type.
- After a save: "save and come back later" goes to the task list; a save reached from check your answers (the
  Change links carry `return_to=check`, and the section page keeps it in a hidden field) goes back there as soon
  as the section is valid; otherwise the next section, or the end (check your answers) after the last one.
  A section that is not valid yet stays on its page, showing what to correct.
- `check_version` refuses a save made from an out-of-date page, and one that does not say which version it was
  made from: a form from an old tab must never overwrite someone else's work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from app.errors import StaleEdit

RETURN_TO = "return_to"
FROM_CHECK = "check"
LATER = "later"
STALE_MESSAGE = (
    "Someone else saved changes after you opened this page, so your changes have not been saved. "
    "Check the latest version, then make your changes again."
)


@dataclass(frozen=True)
class Step:
    """Where a section page leads: another section, the end of the questionnaire (check your answers, or the page a
    questionnaire without one ends on), the task list, or nowhere: the page is shown again with its problems."""

    kind: Literal["section", "end", "task_list", "stay"]
    section_key: str | None = None

    @property
    def stays(self) -> bool:
        return self.kind == "stay"

    def url(self, *, end: str, section: Callable[[str], str] | None = None, task_list: str | None = None) -> str:
        """The feature's own address for this step: `section(key)` builds a section page's."""
        if self.kind == "section" and section is not None:
            return section(self.section_key)
        if self.kind == "end":
            return end
        if self.kind == "task_list" and task_list is not None:
            return task_list
        raise ValueError(f"no page for the step {self.kind!r}")


STAY = Step("stay")
END = Step("end")
TASK_LIST = Step("task_list")


def return_marker(value: str | None) -> str | None:
    """The `return_to` marker a request carries, if it is one the flow knows; anything else is ignored."""
    return FROM_CHECK if value == FROM_CHECK else None


def from_check(url: str) -> str:
    """`url` (a section page's) with the marker that brings the user back to check your answers after saving."""
    parts = urlsplit(url)
    query = f"{parts.query}&{RETURN_TO}={FROM_CHECK}" if parts.query else f"{RETURN_TO}={FROM_CHECK}"
    return urlunsplit(parts._replace(query=query))


class SectionFlow:
    """The ordered sections one organisation answers, and where each section page leads."""

    def __init__(self, section_keys: Sequence[str]):
        self.keys: tuple[str, ...] = tuple(section_keys)

    @classmethod
    def of(cls, instrument, org_type: str | None) -> SectionFlow:
        return cls([s.key for s in instrument.sections_for(org_type)])

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def __len__(self) -> int:
        return len(self.keys)

    def number(self, key: str) -> int:
        """The section's position, counting from 1 ("section 2 of 5")."""
        return self.keys.index(key) + 1

    def after(self, key: str) -> str | None:
        """The section that follows `key`, or None after the last one."""
        index = self.keys.index(key)
        return self.keys[index + 1] if index + 1 < len(self.keys) else None

    def after_save(
        self, key: str, *, action: str | None = None, valid: bool = True, return_to: str | None = None
    ) -> Step:
        """Where to go once section `key` is saved: `action` is the button pressed ("later" for save and come back
        later), `valid` whether the section is complete and correct, `return_to` the marker the page carried."""
        if key not in self.keys:
            raise KeyError(key)
        if action == LATER:
            return TASK_LIST
        if not valid:
            return STAY
        if return_marker(return_to) == FROM_CHECK:
            return END
        following = self.after(key)
        return Step("section", following) if following is not None else END

    def after_all(self) -> Step:
        """Where a questionnaire answered on one page (every section at once) leads once it is saved: its end."""
        return END


def check_version(posted, current: int | str, message: str = STALE_MESSAGE) -> None:
    """Refuse (StaleEdit with `message`) unless the version a page posted back is the record's `current` one.

    `current` is a version counter (int) or a fingerprint of the content (str). A missing, empty or malformed
    posted version is stale too: a save that cannot say what it was made from must not overwrite anything.
    """
    if not _same_version(posted, current):
        raise StaleEdit(message)


def _same_version(posted, current: int | str) -> bool:
    if posted is None or isinstance(posted, bool):
        return False
    if isinstance(current, bool) or not isinstance(current, int | str):
        raise TypeError("a version is a counter or a fingerprint")
    if isinstance(current, int):
        if isinstance(posted, int):
            return posted == current
        text = str(posted).strip()
        return text.isascii() and text.isdigit() and int(text) == current
    return isinstance(posted, str) and posted != "" and posted == current
