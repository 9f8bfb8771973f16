"""The match pipeline: derive facts → columnar eligibility → hybrid relevance → ranking → bundle.

Only measures the firm is eligible or possibly eligible for (plus near misses on
request) are scored for relevance, exactly, after filtering.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field

from matching.catalogue.columns import KINDS, LEVELS, WINDOW_CODES
from matching.catalogue.coverage import Coverage
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.verdict import ToConfirm, judge
from matching.eligibility import advice
from matching.eligibility.columnar import FAIL, tiers
from matching.eligibility.questions import NextQuestion, Prior
from matching.eligibility.rules import Outcome, Verdict
from matching.firm.facts import apply_overrides, derive
from matching.firm.profile import FirmProfile, query_text
from matching.messages import MESSAGES
from matching.ranking.benefit import Estimate
from matching.ranking.evidence import MeasureEvidence
from matching.ranking.fusion import Fusion, Weights, fuse, redundancy, total, value_scores
from matching.ranking.windows import TIMELINESS, WindowState
from matching.text.embeddings import Vectors
from matching.text.queries import QueryEncoder
from matching.usecases.verdicts import NearMiss, ask_next, find_near_misses
from policies.i18n import OneLanguage
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
    fusion: Fusion = Fusion.bm25


class ScoreParts(BaseModel):
    """Each part in [0, 1]; `score` is their weighted sum."""

    relevance: float
    dense: float
    bm25: float
    value: float
    timeliness: float
    specificity: float
    redundant: float = Field(description="1 when a measure of the same scheme or exclusivity group ranks ahead")


class MatchItem(OneLanguage):
    """One ranked measure. Titles are kept in both languages, as the catalogue holds them; the issuing body
    and every sentence are the reader's."""

    __records__: ClassVar[frozenset[str]] = frozenset({"title"})
    rank: int
    code: str
    title_en: str
    title_zh: str
    kind: MeasureKind
    level: Level
    authority: str
    authority_zh: str
    verdict: Verdict | str = Field(description="eligible, possibly_eligible, or near_miss")
    failing: list[Outcome]
    missing: list[str]
    to_confirm: list[ToConfirm]
    changes_needed: list[advice.Change] = []
    estimated_benefit: Estimate
    window: WindowState
    score: float
    parts: ScoreParts
    exclusivity_group: str | None
    conflicts_with: list[str]
    source_url: str | None
    evidence: MeasureEvidence | None = Field(
        default=None, description="what firms on file got from this measure, overall and among firms like this one; "
                                  "null until enough have applied")


class LeftOut(OneLanguage):
    """An eligible measure the bundle does not count, and the one it counts instead."""

    code: str
    instead: str
    reason: str
    reason_zh: str


class Bundle(BaseModel):
    """What the firm can bank on: the eligible measures that combine, each scheme and exclusivity group once.

    `total_value` sums their expected values; possibly-eligible measures are not
    counted until settled (`pending`).
    """

    codes: list[str]
    total_value: int
    left_out: list[LeftOut]
    pending: int = Field(description="possibly-eligible measures worth something, not counted until settled")
    pending_value: int


class MatchResult(BaseModel):
    as_of: dt.date
    catalogue_version: int
    total: int
    counts: dict[str, int]
    items: list[MatchItem]
    bundle: Bundle
    next_question: NextQuestion | None = Field(description="the first of next_questions")
    next_questions: list[NextQuestion] = Field(description="what to ask the firm next, best first")
    coverage: Coverage


@dataclass(frozen=True)
class Matcher:
    """What a match needs besides the catalogue: the query encoder and the ranking weights."""

    encode: QueryEncoder
    weights: Weights
    fusion: Fusion = Fusion.bm25
    search_fusion: Fusion = Fusion.rrf
    closing_soon_days: int = 30
    prior: Prior = field(default_factory=Prior.default)

    def match(self, snapshot: CatalogueSnapshot, profile: FirmProfile, options: MatchOptions,
              overrides: dict[str, Any] | None = None) -> MatchResult:
        """`match` with this deployment's encoder, weights and prior for the next questions."""
        return match(snapshot, self.encode, profile, options, self.weights, overrides, self.prior)

    def query_vector(self, text: str) -> Vectors | None:
        """The text's vector when the model can read it; None, and BM25 ranks alone, when it cannot."""
        return self.encode(text) if self.encode.reads(text) else None

    @property
    def model_name(self) -> str:
        return self.encode.encoder.name


def _selectable(snapshot: CatalogueSnapshot, options: MatchOptions) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int8]]:
    """Which measures pass the request's filters, and each measure's window code."""
    columns = snapshot.columns
    windows = columns.window_codes(options.as_of.toordinal(), options.closing_soon_days)
    keep = np.ones(len(snapshot.measures), dtype=bool)
    if options.kinds is not None:
        keep &= np.isin(columns.kind, [KINDS.index(kind) for kind in options.kinds])
    if options.levels is not None:
        keep &= np.isin(columns.level, [LEVELS.index(level) for level in options.levels])
    if not options.include_closed:
        keep &= windows != WINDOW_CODES.index("closed")
    if options.open_only:
        keep &= np.isin(windows, [WINDOW_CODES.index(s) for s in ("open", "closing_soon", "automatic")])
    return keep, windows


def match(
    snapshot: CatalogueSnapshot,
    encode: QueryEncoder,
    profile: FirmProfile,
    options: MatchOptions,
    weights: Weights,
    overrides: dict[str, Any] | None = None,
    prior: Prior | None = None,
) -> MatchResult:
    """Rank the measures this firm qualifies for by what they are worth to it, with reasons."""
    effective = apply_overrides(profile, overrides or {})
    facts = derive(effective, options.as_of)
    nodes, worst = snapshot.criteria.evaluate_nodes([facts], options.as_of)
    status = worst[:, 0]
    keep, windows = _selectable(snapshot, options)
    tier = np.full(len(snapshot.measures), -1, dtype=np.int8)
    verdicts = tiers(status)
    tier[keep & (verdicts == 0)] = 0
    tier[keep & (verdicts == 1)] = 1
    misses: dict[int, NearMiss] = {}
    if options.near_misses:
        ineligible = np.flatnonzero(keep & (status == FAIL)).tolist()
        for miss in find_near_misses(snapshot, effective, facts, ineligible):
            index = snapshot.index[miss.code]
            tier[index] = 2
            misses[index] = miss
    candidates = np.flatnonzero(tier >= 0)
    text = query_text(effective)
    own_words = " ".join(part for part in (effective.description, effective.needs) if part)
    # A firm that describes itself only in Chinese gives an English-only model nothing
    # but its industry names to read; BM25 then ranks alone.
    dense_usable = encode.reads(own_words)
    fusion = options.fusion if dense_usable or options.fusion is Fusion.dense else Fusion.bm25
    if len(candidates) and text:
        dense = snapshot.vectors.scores(encode(text), candidates).astype(np.float64)
        bm25 = snapshot.lexical.scores(text, candidates).astype(np.float64)
    else:
        dense = bm25 = np.zeros(len(candidates))
    relevance = fuse(dense, bm25, fusion)
    values, nothing = snapshot.columns.worth(facts, candidates)
    value = value_scores(values)
    timely = np.array([TIMELINESS[status_name] for status_name in WINDOW_CODES])[windows[candidates]]
    specific = snapshot.columns.specificity(facts.industries, candidates)
    columns = snapshot.columns
    chosen_tier, code_rank = tier[candidates], columns.code_rank[candidates]
    redundant = redundancy((columns.scheme[candidates], columns.group[candidates]), chosen_tier, values,
                           code_rank)
    scores = total(relevance, value, timely, specific, weights, redundant)
    # Tier first, then score (rounded, so float noise cannot reorder), then code: a stable, total order. An
    # eligible measure the firm's own facts put at nothing this year (tax relief for a loss-making firm) comes
    # after the possibly-eligible ones: certain, but nothing to bank on (advisors grade it 0).
    placed = 2 * chosen_tier + np.where((chosen_tier == 0) & nothing, 3, 0)
    order = np.lexsort((code_rank, -np.round(scores, 9), placed))
    page = order[options.offset : options.offset + options.limit]
    bm25_top = float(bm25.max()) if len(bm25) and bm25.max() > 0 else 1.0
    candidate_groups = columns.group[candidates]
    items: list[MatchItem] = []
    for position, j in enumerate(page, start=options.offset + 1):
        index = int(candidates[j])
        view, verdict = snapshot.measures[index], judge(snapshot.measures[index], facts, options.closing_soon_days)
        state = verdict.window
        items.append(MatchItem(
            rank=position, code=view.code, title_en=view.title_en, title_zh=view.title_zh, kind=view.kind,
            level=view.level, authority=view.authority,
            authority_zh=view.authority_zh or view.authority, verdict=verdict.verdict if tier[index] < 2 else TIER_NAMES[2],
            failing=verdict.failing, missing=verdict.missing, to_confirm=verdict.to_confirm,
            changes_needed=misses[index].changes if index in misses else [],
            estimated_benefit=verdict.estimated_benefit, window=state, score=round(float(scores[j]), 6),
            parts=ScoreParts(relevance=round(float(relevance[j]), 6), dense=round(float(dense[j]), 6),
                             bm25=round(float(bm25[j]) / bm25_top, 6), value=round(float(value[j]), 6),
                             timeliness=float(timely[j]), specificity=round(float(specific[j]), 6),
                             redundant=float(redundant[j])),
            exclusivity_group=view.exclusivity_group,
            conflicts_with=[] if columns.group[index] < 0 else [
                snapshot.codes[int(other)]
                for other in candidates[candidate_groups == columns.group[index]] if other != index
            ],
            source_url=view.source_url,
        ))
    waiting, eligible = chosen_tier == 1, chosen_tier == 0
    questions = ask_next(snapshot, nodes, candidates[waiting], values[waiting], prior or Prior.default())
    counts = {name: int(np.count_nonzero(chosen_tier == code)) for code, name in enumerate(TIER_NAMES)}
    return MatchResult(
        as_of=options.as_of, catalogue_version=snapshot.version, total=len(candidates), counts=counts,
        items=items, bundle=best_bundle(snapshot, candidates[eligible], values[eligible],
                                        values[waiting]),
        next_question=questions[0] if questions else None, next_questions=questions,
        coverage=snapshot.coverage(effective.region),
    )


TIER_NAMES = ("eligible", "possibly_eligible", "near_miss")



def best_bundle(snapshot: CatalogueSnapshot, eligible: npt.NDArray[np.int64], values: npt.NDArray[np.float64],
                possibly_values: npt.NDArray[np.float64]) -> Bundle:
    """Take every eligible measure worth something: of each scheme the most valuable, then of each
    exclusivity group the most valuable of those left.

    Groups partition the measures, so for groups alone this is the best choice; a scheme
    (a central facility and its provincial versions) keeps one measure before groups are
    applied, which on real catalogues takes what a measure-by-measure choice would.
    """
    columns = snapshot.columns
    worth = values > 0
    indices, values = eligible[worth], values[worth]
    order = np.lexsort((columns.code_rank[indices], -values))
    indices, values = indices[order], values[order]
    kept = np.ones(len(indices), dtype=bool)
    instead = np.full(len(indices), -1, dtype=np.int64)
    by_scheme = np.zeros(len(indices), dtype=bool)
    for key, scheme in ((columns.scheme[indices], True), (columns.group[indices], False)):
        rows = np.flatnonzero((key >= 0) & kept)  # in value order
        if not len(rows):
            continue
        _, first, which = np.unique(key[rows], return_index=True, return_inverse=True)
        winner = rows[first][which]
        lost = winner != rows
        kept[rows[lost]] = False
        instead[rows[lost]] = winner[lost]
        by_scheme[rows[lost]] = scheme
    left_out: list[LeftOut] = []
    for row in np.flatnonzero(~kept).tolist():
        view, other = snapshot.measures[int(indices[row])], snapshot.codes[int(indices[instead[row]])]
        if by_scheme[row]:
            reason, reason_zh = MESSAGES.pair("implements the same scheme ({scheme}) as {other}, which is worth more",
                                              scheme=view.implements, other=other)
        else:
            reason, reason_zh = MESSAGES.pair("cannot be combined with {other} (exclusivity group {group})",
                                              other=other, group=view.exclusivity_group)
        left_out.append(LeftOut(code=view.code, instead=other, reason=reason, reason_zh=reason_zh))
    pending = possibly_values[possibly_values > 0]
    return Bundle(codes=snapshot.code_array[indices[kept]].tolist(), total_value=round(float(values[kept].sum())),
                  left_out=left_out, pending=len(pending), pending_value=round(float(pending.sum())))
