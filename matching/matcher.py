"""The match pipeline: derive facts → columnar eligibility → hybrid relevance → ranking → bundle.

Only measures the firm is eligible or possibly eligible for (plus near misses on
request) are scored for relevance, exactly, after filtering.
"""

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from matching import advice
from matching.benefit import Estimate, estimate, ranking_value
from matching.catalogue import CatalogueSnapshot
from matching.columnar import FirmColumns
from matching.eligibility import Outcome, Status, Verdict, verdict_of
from matching.embeddings import Encoder, Vectors
from matching.facts import apply_overrides, derive
from matching.profile import FirmProfile
from matching.ranking import Fusion, Weights, fuse, specificity, total, value_scores
from matching.verdicts import explain, find_near_misses
from matching.windows import TIMELINESS, WindowState, window_state
from policies import reference
from policies.vocabulary import Level, MeasureKind


class MatchOptions(BaseModel):
    as_of: dt.date
    kinds: list[MeasureKind] | None = None
    levels: list[Level] | None = None
    open_only: bool = False
    include_closed: bool = False
    closing_soon_days: int = 30
    near_misses: bool = False
    offset: int = 0
    limit: int = 10
    fusion: Fusion = Fusion.rrf


class ScoreParts(BaseModel):
    """Each part in [0, 1]; `score` is their weighted sum."""

    relevance: float
    dense: float
    bm25: float
    value: float
    timeliness: float
    specificity: float


class MatchItem(BaseModel):
    rank: int
    code: str
    title_en: str
    title_zh: str
    kind: MeasureKind
    level: Level
    authority: str
    verdict: Verdict | str = Field(description="eligible, possibly_eligible, or near_miss")
    failing: list[Outcome]
    missing: list[str]
    to_confirm: list[str]
    changes_needed: list[advice.Change] = []
    estimated_benefit: Estimate
    window: WindowState
    score: float
    parts: ScoreParts
    exclusivity_group: str | None
    conflicts_with: list[str]
    source_url: str | None


class Bundle(BaseModel):
    """The most valuable set of measures that can be combined (one per exclusivity group)."""

    codes: list[str]
    total_value: int


class MatchResult(BaseModel):
    as_of: dt.date
    catalogue_version: int
    total: int
    counts: dict[str, int]
    items: list[MatchItem]
    bundle: Bundle
    next_question: advice.NextQuestion | None


class QueryEncoder:
    """Encodes a firm's text once: repeat matches for the same profile reuse the vector."""

    def __init__(self, encoder: Encoder, size: int = 4096) -> None:
        self.encoder = encoder
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def __call__(self, text: str) -> Vectors:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self.encoder.encode_query(text)
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector


@dataclass(frozen=True)
class Matcher:
    """What a match needs besides the catalogue: the query encoder and the ranking weights."""

    encode: QueryEncoder
    weights: Weights


def query_text(profile: FirmProfile) -> str:
    """What the firm says it does and needs, plus the names of its industries."""
    industries = [name for code in profile.industries if (name := reference.industry_name(code))]
    return " ".join(part for part in (profile.description, profile.needs, "; ".join(industries)) if part)


def _passes_filters(view: Any, options: MatchOptions) -> bool:
    return (options.kinds is None or view.kind in options.kinds) and (
        options.levels is None or view.level in options.levels
    )


def match(
    snapshot: CatalogueSnapshot,
    encode: QueryEncoder,
    profile: FirmProfile,
    options: MatchOptions,
    weights: Weights,
    overrides: dict[str, Any] | None = None,
) -> MatchResult:
    """Rank the measures this firm qualifies for by what they are worth to it, with reasons."""
    effective = apply_overrides(profile, overrides or {})
    facts = derive(effective, options.as_of)
    worst = snapshot.compiled.evaluate(FirmColumns.from_facts([facts]), options.as_of)[:, 0]
    tiers: dict[int, str] = {}
    states: dict[int, WindowState] = {}
    ineligible: list[int] = []
    for index, view in enumerate(snapshot.measures):
        if not _passes_filters(view, options):
            continue
        state = window_state(view.window, view.effective_from, view.effective_to, options.as_of,
                             options.closing_soon_days)
        if state.status == "closed" and not options.include_closed:
            continue
        if options.open_only and state.status not in ("open", "closing_soon", "automatic"):
            continue
        verdict = verdict_of(Status(int(worst[index])))
        states[index] = state
        if verdict is Verdict.ineligible:
            ineligible.append(index)
        else:
            tiers[index] = verdict.value
    misses = {}
    if options.near_misses:
        for miss in find_near_misses(snapshot, effective, facts, ineligible):
            index = snapshot.index[miss.code]
            tiers[index] = "near_miss"
            misses[index] = miss
    candidates = np.array(sorted(tiers), dtype=np.int64)
    text = query_text(effective)
    if len(candidates) and text:
        dense = snapshot.vectors.scores(encode(text), candidates).astype(np.float64)
        bm25 = snapshot.lexical.scores(text)[candidates].astype(np.float64)
    else:
        dense = bm25 = np.zeros(len(candidates))
    relevance = fuse(dense, bm25, options.fusion)
    estimates = {int(i): estimate(snapshot.measures[int(i)].benefit, facts) for i in candidates}
    values = np.array([ranking_value(estimates[int(i)]) for i in candidates], dtype=np.float64)
    value = value_scores(values)
    timely = np.array([TIMELINESS[states[int(i)].status] for i in candidates], dtype=np.float64)
    specific = np.array([specificity(snapshot.measures[int(i)].level, snapshot.measures[int(i)].industries,
                                     facts.industries) for i in candidates], dtype=np.float64)
    scores = total(relevance, value, timely, specific, weights)
    tier_order = {"eligible": 0, "possibly_eligible": 1, "near_miss": 2}
    order = sorted(range(len(candidates)), key=lambda j: (
        tier_order[tiers[int(candidates[j])]], -round(float(scores[j]), 9), snapshot.measures[int(candidates[j])].code))
    bm25_top = float(bm25.max()) if len(bm25) and bm25.max() > 0 else 1.0
    groups: dict[str, list[str]] = {}
    for i in candidates:
        group = snapshot.measures[int(i)].exclusivity_group
        if group:
            groups.setdefault(group, []).append(snapshot.measures[int(i)].code)
    page = order[options.offset : options.offset + options.limit]
    # Reasons are worked out only for what is shown, and for the possibly eligible (the next question).
    shown = set(page)
    explained = {
        int(candidates[j]): explain(snapshot.measures[int(candidates[j])], facts)
        for j in range(len(candidates)) if j in shown or tiers[int(candidates[j])] == "possibly_eligible"
    }
    items: list[MatchItem] = []
    for position, j in enumerate(page, start=options.offset + 1):
        index = int(candidates[j])
        view, verdict = snapshot.measures[index], explained[index]
        items.append(MatchItem(
            rank=position, code=view.code, title_en=view.title_en, title_zh=view.title_zh, kind=view.kind,
            level=view.level, authority=view.authority, verdict=tiers[index], failing=verdict.failing,
            missing=verdict.missing, to_confirm=verdict.to_confirm,
            changes_needed=misses[index].changes if index in misses else [],
            estimated_benefit=verdict.estimated_benefit, window=states[index], score=round(float(scores[j]), 6),
            parts=ScoreParts(relevance=round(float(relevance[j]), 6), dense=round(float(dense[j]), 6),
                             bm25=round(float(bm25[j]) / bm25_top, 6), value=round(float(value[j]), 6),
                             timeliness=float(timely[j]), specificity=round(float(specific[j]), 6)),
            exclusivity_group=view.exclusivity_group,
            conflicts_with=[c for c in groups.get(view.exclusivity_group or "", []) if c != view.code],
            source_url=view.source_url,
        ))
    counts = {tier: sum(1 for t in tiers.values() if t == tier) for tier in tier_order}
    unknowns = {explained[i].code: explained[i].missing for i in explained if tiers[i] == "possibly_eligible"}
    worth = {snapshot.measures[int(i)].code: float(values[k]) for k, i in enumerate(candidates)}
    return MatchResult(
        as_of=options.as_of, catalogue_version=snapshot.version, total=len(candidates), counts=counts,
        items=items, bundle=best_bundle(snapshot, [int(i) for i in candidates if tiers[int(i)] != "near_miss"],
                                        worth),
        next_question=advice.next_question(unknowns, worth),
    )


def best_bundle(snapshot: CatalogueSnapshot, indices: list[int], worth: dict[str, float]) -> Bundle:
    """Take every ungrouped measure and the most valuable of each exclusivity group.

    Groups partition the measures, so choosing the best of each group is optimal.
    """
    best: dict[str, str] = {}
    chosen: list[str] = []
    for index in indices:
        view = snapshot.measures[index]
        if worth.get(view.code, 0.0) <= 0:
            continue
        if view.exclusivity_group is None:
            chosen.append(view.code)
        elif view.exclusivity_group not in best or worth[view.code] > worth[best[view.exclusivity_group]]:
            best[view.exclusivity_group] = view.code
    codes = sorted(chosen + list(best.values()), key=lambda code: (-worth[code], code))
    return Bundle(codes=codes, total_value=round(sum(worth[code] for code in codes)))
