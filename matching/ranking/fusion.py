"""Pure ranking arithmetic: fuse dense and BM25 relevance, then weigh relevance, value, timeliness and specificity.

Every part is scaled to [0, 1] among the candidates of one request, so the
weights mean what they say; each part is returned beside the total, so a portal
can show why one measure outranks another.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from policies import reference
from policies.vocabulary import Level

Floats = npt.NDArray[np.float64]

RRF_K = 60  # Cormack et al. 2009; the usual constant


class Fusion(StrEnum):
    rrf = "rrf"  # reciprocal rank fusion
    dense = "dense"
    bm25 = "bm25"
    linear = "linear"  # mean of max-scaled dense and BM25 scores


@dataclass(frozen=True)
class Weights:
    relevance: float
    value: float
    timeliness: float
    specificity: float
    redundancy: float = 0.0  # taken off a measure another of its scheme or exclusivity group outranks


LEVEL_SPECIFICITY: dict[Level, float] = {
    Level.district: 1.0,
    Level.municipal: 0.75,
    Level.provincial: 0.5,
    Level.national: 0.25,
}


def _ranks(scores: Floats) -> Floats:
    """1-based rank of each score, ties broken by position; zero scores rank last."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def _max_scaled(scores: Floats) -> Floats:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def fuse(dense: Floats, bm25: Floats, method: Fusion) -> Floats:
    """Relevance in [0, 1] for each candidate."""
    if len(dense) == 0:
        return dense
    if method is Fusion.dense:
        return np.clip(dense, 0.0, 1.0)
    if method is Fusion.bm25:
        return _max_scaled(bm25)
    if method is Fusion.linear:
        return (_max_scaled(np.clip(dense, 0.0, None)) + _max_scaled(bm25)) / 2
    fused = 1.0 / (RRF_K + _ranks(dense))
    fused += np.where(bm25 > 0, 1.0 / (RRF_K + _ranks(bm25)), 0.0)
    return _max_scaled(fused)


def value_scores(values: Floats) -> Floats:
    """Log-scaled value: 1 for the most valuable candidate, so a 10× bigger award is a fixed step up."""
    return _max_scaled(np.log1p(np.clip(values, 0.0, None)))


def specificity(level: Level, measure_industries: tuple[str, ...], firm_industries: tuple[str, ...]) -> float:
    """A district measure for the firm's own industry beats a generic national one."""
    score = LEVEL_SPECIFICITY[level]
    matched = [
        len(code) for code in measure_industries for own in firm_industries if reference.industry_within(own, code)
    ]
    if matched:
        score += 0.25 if max(matched) >= 3 else 0.1  # a division or finer, versus a whole section
    return score / 1.25


def total(relevance: Floats, value: Floats, timeliness: Floats, specific: Floats, weights: Weights,
          redundant: Floats | None = None) -> Floats:
    score = (
        weights.relevance * relevance
        + weights.value * value
        + weights.timeliness * timeliness
        + weights.specificity * specific
    )
    return score if redundant is None else score - weights.redundancy * redundant


def redundancy(keys: Sequence[npt.NDArray[np.int64]], tier: npt.NDArray[np.int8], values: Floats,
               code_rank: npt.NDArray[np.int64]) -> Floats:
    """1.0 for a candidate that another with the same key (scheme, exclusivity group; -1 for none) outranks:
    a better verdict, else more value, else an earlier code. A firm gets one of them, so the rest add nothing."""
    found = np.zeros(len(tier))
    for key in keys:
        rows = np.flatnonzero(key >= 0)
        if not len(rows):
            continue
        order = rows[np.lexsort((code_rank[rows], -values[rows], tier[rows], key[rows]))]
        ordered = key[order]
        found[order[1:][ordered[1:] == ordered[:-1]]] = 1.0
    return found
