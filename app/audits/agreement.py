"""Rater agreement between the agencies that audited the same cases (pure functions, no database).

Ratings are given as ``{unit: {rater: value}}``: a unit is whatever several agencies rated (one
question of one case, or for round figures a (case, question) pair), a rater is an agency and a
value a number on an ordinal scale. Missing and "not applicable" ratings are simply absent (or
None): they neither agree nor disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Hashable, Mapping

import krippendorff
import numpy as np

Ratings = Mapping[Hashable, Mapping[Hashable, float | int | None]]

# Below this many cases rated by two or more agencies, alpha is shown with a warning rather than read as a measure of
# reliability. Alpha is estimated from the disagreements observed, and the ratings within one case are not
# independent: an agency that reads a case file one way tends to rate all its criteria that way, so pooling more
# criteria does not make up for few cases. With fewer than ten, one case more or less can move alpha across 0.667,
# the level usually taken as the least reliable enough to draw conclusions from, so the figure cannot tell a
# reliable round from an unreliable one. Ten is a rule of thumb, not a significance test: a round of six to eight
# cases, common in multi-agency audits, falls below it and its pages say so.
MIN_CASES_FOR_ALPHA = 10


@dataclass(frozen=True)
class Agreement:
    percent: float | None  # pairwise percentage agreement, 0–100
    alpha: float | None  # Krippendorff's alpha (ordinal); None when it cannot be calculated
    units: int  # units rated by at least two agencies (what the figures rest on)
    pairs: int  # pairs of ratings compared for the percentage

    @property
    def alpha_note(self) -> str | None:
        if self.alpha is not None:
            return None
        if self.units == 0:
            return "Not enough cases rated by two or more agencies"
        return "Cannot be calculated: every rating was the same"


@dataclass(frozen=True)
class Drift:
    rater: Hashable
    compared: int  # ratings that had an agreed (moderated) rating to compare with
    differed: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.differed / self.compared if self.compared else None


def too_few_cases(cases: int) -> bool:
    """Whether alpha rests on too few cases to be read as a measure (see MIN_CASES_FOR_ALPHA)."""
    return cases < MIN_CASES_FOR_ALPHA


def _present(values: Mapping[Hashable, float | int | None]) -> list[float]:
    return [float(v) for v in values.values() if v is not None and not (isinstance(v, float) and math.isnan(v))]


def pairable_units(ratings: Ratings) -> dict[Hashable, list[float]]:
    """Units with at least two ratings: only these say anything about agreement."""
    result = {}
    for unit, by_rater in ratings.items():
        values = _present(by_rater)
        if len(values) >= 2:
            result[unit] = values
    return result


def percent_agreement(
    ratings: Ratings, units: dict[Hashable, list[float]] | None = None
) -> tuple[float | None, int, int]:
    """(percentage of agreeing pairs, units, pairs): every pair of agencies that rated the same unit counts once.
    `units`: pairable_units(ratings), when the caller has them already."""
    units = pairable_units(ratings) if units is None else units
    pairs = agreeing = 0
    for values in units.values():
        for a, b in combinations(values, 2):
            pairs += 1
            agreeing += a == b
    return (100.0 * agreeing / pairs if pairs else None), len(units), pairs


def alpha_ordinal(ratings: Ratings, units: dict[Hashable, list[float]] | None = None) -> float | None:
    """Krippendorff's alpha at the ordinal level, or None where it is undefined.

    It is undefined without pairable units, and when every pairable rating has the same value
    (no variation to agree about). `units`: pairable_units(ratings), when the caller has them already.
    """
    units = pairable_units(ratings) if units is None else units
    if not units or len({v for values in units.values() for v in values}) < 2:
        return None
    raters = sorted({r for by_rater in ratings.values() for r in by_rater}, key=repr)
    row_of = {rater: row for row, rater in enumerate(raters)}
    matrix = np.full((len(raters), len(units)), np.nan)
    for column, unit in enumerate(units):
        for rater, value in ratings[unit].items():
            if value is not None:
                matrix[row_of[rater], column] = float(value)
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal"))


def agreement(ratings: Ratings) -> Agreement:
    units = pairable_units(ratings)
    percent, count, pairs = percent_agreement(ratings, units)
    return Agreement(percent=percent, alpha=alpha_ordinal(ratings, units), units=count, pairs=pairs)


def drift(ratings: Ratings, agreed: Mapping[Hashable, float | int | None]) -> dict[Hashable, Drift]:
    """Per rater: how many of its ratings differ from the agreed rating of the same unit."""
    compared: dict[Hashable, int] = {}
    differed: dict[Hashable, int] = {}
    for unit, by_rater in ratings.items():
        target = agreed.get(unit)
        if target is None:
            continue
        for rater, value in by_rater.items():
            if value is None:
                continue
            compared[rater] = compared.get(rater, 0) + 1
            differed[rater] = differed.get(rater, 0) + (float(value) != float(target))
    return {rater: Drift(rater=rater, compared=n, differed=differed[rater]) for rater, n in compared.items()}
