"""Rater agreement between the agencies that audited the same cases (pure functions, no database).

Ratings are given as ``{unit: {rater: value}}``: a unit is whatever several agencies rated (one
question of one case, or for round figures a (case, question) pair), a rater is an agency and a
value a number on an ordinal scale. Missing and "not applicable" ratings are simply absent (or
None): they neither agree nor disagree.

Everything but the drift is worked out from a `Tally`: how many pairable units (rated by two or more agencies)
gave each multiset of ratings. A round's units repeat a handful of multisets (three agencies saying Yes, Yes,
Partly), so each is worked out once, however many units gave it; tallies add up, so a round's pooled figures are
the sum of its questions' tallies. Alpha is Krippendorff's, at the ordinal level, from the coincidence matrix
(Krippendorff 2011, "Computing Krippendorff's alpha-reliability"); the tests check it against the `krippendorff`
package.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Hashable, Iterable, Mapping

Ratings = Mapping[Hashable, Mapping[Hashable, float | int | None]]
# A sorted tuple of one unit's ratings -> how many pairable units gave exactly those ratings.
Tally = Counter

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


def _present(values: Iterable[float | int | None]) -> list[float]:
    return [float(v) for v in values if v is not None and v == v]  # (NaN is the one value not equal to itself)


def unit_key(values: Iterable[float | int | None]) -> tuple[float, ...] | None:
    """What one unit adds to a tally: its present ratings, sorted; None when fewer than two."""
    present = _present(values)
    return tuple(sorted(present)) if len(present) >= 2 else None


def tally(ratings: Ratings) -> Tally:
    """How many pairable units gave each multiset of ratings."""
    counted: Tally = Counter()
    for by_rater in ratings.values():
        key = unit_key(by_rater.values())
        if key is not None:
            counted[key] += 1
    return counted


@lru_cache(maxsize=4096)
def _spread(values: tuple[float, ...]) -> tuple[tuple[float, int], ...]:
    """Each distinct rating of a tally entry, with how many times it was given. Entries repeat across a round's
    questions and across rounds, so each is counted once."""
    return tuple(Counter(values).items())


def _pairs(counted: Tally) -> tuple[int, int]:
    """(pairs of ratings within units, of which agreeing)."""
    pairs = agreeing = 0
    for values, units in counted.items():
        m = len(values)
        pairs += units * m * (m - 1) // 2
        agreeing += units * sum(n * (n - 1) // 2 for _value, n in _spread(values))
    return pairs, agreeing


def alpha_of(counted: Tally) -> float | None:
    """Krippendorff's alpha at the ordinal level from a tally, or None where it is undefined.

    It is undefined without pairable units, and when every pairable rating has the same value (no variation to
    agree about)."""
    coincidences: dict[tuple[float, float], float] = {}
    for values, units in counted.items():
        if len(values) < 2:  # (a unit rated once says nothing about agreement; tally() leaves it out)
            continue
        per_value = _spread(values)
        weight = units / (len(values) - 1)
        for a, n_a in per_value:
            for b, n_b in per_value:
                coincidences[a, b] = coincidences.get((a, b), 0.0) + weight * n_a * (n_b - (a == b))
    domain = sorted({a for a, _b in coincidences})
    if len(domain) < 2:
        return None
    marginal = {a: 0.0 for a in domain}
    for (a, _b), o in coincidences.items():
        marginal[a] += o
    total = sum(marginal.values())
    below = 0.0  # sum of the marginals of the values below the current one
    cumulative = {}
    for value in domain:
        cumulative[value] = below
        below += marginal[value]

    def distance(a: float, b: float) -> float:  # the ordinal metric's squared distance
        low, high = (a, b) if a <= b else (b, a)
        between = cumulative[high] + marginal[high] - cumulative[low]
        return (between - (marginal[low] + marginal[high]) / 2) ** 2

    observed = sum(o * distance(a, b) for (a, b), o in coincidences.items())
    expected = sum(
        (marginal[a] * marginal[b] - (marginal[a] if a == b else 0.0)) * distance(a, b) for a in domain for b in domain
    ) / (total - 1)
    return 1.0 - observed / expected


def alpha_ordinal(ratings: Ratings) -> float | None:
    """Krippendorff's alpha at the ordinal level, or None where it is undefined (see alpha_of)."""
    return alpha_of(tally(ratings))


def agreement_of(counted: Tally) -> Agreement:
    pairs, agreeing = _pairs(counted)
    return Agreement(
        percent=100.0 * agreeing / pairs if pairs else None,
        alpha=alpha_of(counted),
        units=sum(units for values, units in counted.items() if len(values) >= 2),
        pairs=pairs,
    )


def agreement(ratings: Ratings) -> Agreement:
    return agreement_of(tally(ratings))


def drift(ratings: Ratings, agreed: Mapping[Hashable, float | int | None]) -> dict[Hashable, Drift]:
    """Per rater: how many of its ratings differ from the agreed rating of the same unit."""
    compared: dict[Hashable, int] = {}
    differed: dict[Hashable, int] = {}
    for unit, target in agreed.items():
        by_rater = ratings.get(unit)
        if target is None or not by_rater:
            continue
        for rater, value in by_rater.items():
            if value is None:
                continue
            compared[rater] = compared.get(rater, 0) + 1
            differed[rater] = differed.get(rater, 0) + (value != target)  # (2 == 2.0: no conversion needed)
    return {rater: Drift(rater=rater, compared=n, differed=differed[rater]) for rater, n in compared.items()}
