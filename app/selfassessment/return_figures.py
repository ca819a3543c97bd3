"""One return's figures per standard and theme, worked out from its rated criteria (pure: no database), in the
compact form app/selfassessment/tallies.py keeps them in: one list of small whole numbers placed by the campaign's
layout (its instrument's standards and themes, which never change for a published version), stored as 16-bit
integers (`pack`), so that reading hundreds of returns' figures copies numbers, not thousands of keyed objects
(unpacking a return's numbers takes a tenth of the time decoding the same list from JSON does, and that a third of
the same figures keyed by standard and theme).

Scores: 2 Green, 1 Amber, 0 Red, NO_SCORE (-2) for none (no criterion rated); SCORE_RAG-style lookups read it
as no rating."""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from app.questionnaire import Catalogue

RAG_SCORE = {"green": 2, "amber": 1, "red": 0}  # the lowest rating is the lowest score
RAG_ORDER = ("green", "amber", "red")
ABSENT = -1  # a standard none of the return's criteria belongs to
NO_SCORE = -2  # no lowest rating: none of the criteria rated
_FORMAT = "list 3"  # how the figures are written (since "list 3", with the re-rated criteria): part of the layout's key
_RAG_PAIRS = tuple((rag, agreed) for rag in RAG_ORDER for agreed in RAG_ORDER)


@dataclass(frozen=True)
class Layout:
    """Where each figure sits in a return's values: per standard [lowest self-assessed score, lowest agreed score]
    (ABSENT, ABSENT where it has no criterion); per theme of scored questions [criteria rated, rated Green by the
    organisation, agreed Green]; per theme of any question [lowest self-assessed score, lowest agreed score of
    rated criteria, criteria rated Green, Amber and Red by the organisation]; then the rated criteria per
    self-assessed and agreed RAG (green/green, green/amber, … red/red). A theme with no rated criterion has
    zeros and no scores."""

    sections: tuple[str, ...]
    scored_themes: tuple[str, ...]
    tagged_themes: tuple[str, ...]
    section_of: dict[str, int] = field(compare=False)  # stored key -> its section's number
    scored_of: dict[str, tuple[int, ...]] = field(compare=False)  # stored key -> its scored themes' numbers
    tagged_of: dict[str, tuple[int, ...]] = field(compare=False)  # stored key -> every theme's number

    @cached_property
    def key(self) -> str:
        """Names this layout: figures kept under another (an instrument read differently) are not read."""
        text = json.dumps([_FORMAT, self.sections, self.scored_themes, self.tagged_themes, _RAG_PAIRS])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def section_places(self, sections) -> list[tuple[str, int]]:
        """(standard, where its two figures start) of the `sections` among every standard; the first is ABSENT
        when the return has no criterion of it."""
        return [(section, 2 * number) for number, section in enumerate(self.sections) if section in sections]

    def scored_theme_places(self, themes) -> list[tuple[str, int]]:
        """(theme, where its three figures start) of the `themes` among the themes of scored questions; the first
        (criteria rated) is 0 when none is."""
        start = 2 * len(self.sections)
        return [(theme, start + 3 * number) for number, theme in enumerate(self.scored_themes) if theme in themes]

    def rated_theme_places(self, themes) -> list[tuple[str, int]]:
        """(theme, where its figures start) of the `themes` among every theme: for `rated_at`."""
        start = 2 * len(self.sections) + 3 * len(self.scored_themes)
        return [(theme, start + 5 * number) for number, theme in enumerate(self.tagged_themes) if theme in themes]

    @staticmethod
    def rated_at(values: list, at: int) -> tuple | None:
        """(lowest self-assessed score, lowest agreed score, Green, Amber, Red) of the theme whose figures start at
        `at` (rated_theme_places), or None when none of its criteria is rated. (Its scores are never NO_SCORE.)"""
        figures = tuple(values[at : at + 5])
        return figures if figures[2] or figures[3] or figures[4] else None

    def rags(self, values: list) -> Iterator[tuple[str, str, int]]:
        """(self-assessed RAG, agreed RAG, criteria) of the rated criteria."""
        start = len(values) - len(_RAG_PAIRS)
        for number, (rag, agreed) in enumerate(_RAG_PAIRS):
            if values[start + number]:
                yield rag, agreed, values[start + number]


_layouts: dict[int, tuple[Catalogue, Layout]] = {}  # id(catalogue) -> (that catalogue, its layout)


def layout_of(catalogue: Catalogue) -> Layout:
    """The layout of the figures of returns to the instrument of `catalogue`. Catalogues are built once per set of
    published versions and shared (app.questionnaire.catalogue), so each one's layout is kept with it."""
    kept = _layouts.get(id(catalogue))
    if kept is not None and kept[0] is catalogue:
        return kept[1]
    if len(_layouts) >= 64:
        _layouts.clear()
    layout = _layout(catalogue)
    _layouts[id(catalogue)] = (catalogue, layout)
    return layout


def _layout(catalogue: Catalogue) -> Layout:
    sections = sorted({section for _key, section in catalogue.section_rows()})
    scored = sorted({theme for _key, theme in catalogue.theme_rows()})
    tagged = sorted({theme for _key, theme in catalogue.theme_rows(scored_only=False)})
    scored_of: dict[str, tuple[int, ...]] = {}
    tagged_of: dict[str, tuple[int, ...]] = {}
    for key, theme in catalogue.theme_rows():
        scored_of[key] = scored_of.get(key, ()) + (scored.index(theme),)
    for key, theme in catalogue.theme_rows(scored_only=False):
        tagged_of[key] = tagged_of.get(key, ()) + (tagged.index(theme),)
    return Layout(
        tuple(sections),
        tuple(scored),
        tuple(tagged),
        {key: sections.index(section) for key, section in catalogue.section_rows()},
        scored_of,
        tagged_of,
    )


def figures(layout: Layout, answers: Iterable[tuple[str, str | None, str | None]], rerated=()) -> dict:
    """{"layout": layout.key, "values": [2, 1, …]} of one return, from its criteria not excluded as (stored
    question key, self-assessed RAG, agreed RAG); with "rerated": [[stored question key, rating at submission,
    current rating], …] in order when some of its criteria were re-rated during the year (`rerated`, each
    criterion's latest re-rating)."""
    n_sections, n_scored = len(layout.sections), len(layout.scored_themes)
    scored_at, tagged_at = 2 * n_sections, 2 * n_sections + 3 * n_scored
    rags_at = tagged_at + 5 * len(layout.tagged_themes)
    values: list = [ABSENT] * scored_at + [0] * (3 * n_scored)
    for _theme in layout.tagged_themes:
        values += [None, None, 0, 0, 0]
    values += [0] * len(_RAG_PAIRS)
    for key, rag, agreed in answers:
        self_score, agreed_score = RAG_SCORE.get(rag), RAG_SCORE.get(agreed)
        number = layout.section_of.get(key)
        if number is not None:
            at = 2 * number
            if values[at] == ABSENT:
                values[at], values[at + 1] = self_score, agreed_score
            else:
                values[at], values[at + 1] = _lower(values[at], self_score), _lower(values[at + 1], agreed_score)
        if rag is None:
            continue
        values[rags_at + _RAG_PAIRS.index((rag, agreed))] += 1
        for number in layout.scored_of.get(key, ()):
            at = scored_at + 3 * number
            values[at] += 1
            values[at + 1] += rag == "green"
            values[at + 2] += agreed == "green"
        for number in layout.tagged_of.get(key, ()):
            at = tagged_at + 5 * number
            values[at], values[at + 1] = _lower(values[at], self_score), _lower(values[at + 1], agreed_score)
            values[at + 2 + RAG_ORDER.index(rag)] += 1
    found = {"layout": layout.key, "values": [NO_SCORE if v is None else v for v in values]}
    if rerated:
        found["rerated"] = sorted([key, submitted, current] for key, submitted, current in rerated)
    return found


def pack(values: list[int]) -> bytes:
    """A return's values as stored: 16-bit signed integers, little-endian (a count past 32,767 cannot be stored,
    and raises OverflowError)."""
    numbers = array("h", values)
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tobytes()


def unpack(stored: bytes) -> list[int]:
    """The values `pack` stored."""
    numbers = array("h", stored)
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tolist()


def _lower(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)
