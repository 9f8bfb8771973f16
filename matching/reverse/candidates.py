"""Reverse matching: which stored firms qualify for a measure, and a drafting sandbox for new ones.

One measure's rules compile to a handful of arrays and run against every stored
firm at once (the columnar evaluator, with firms as the batch axis).
"""

import datetime as dt
from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field, ValidationError

from matching.catalogue.columns import BASE_FIELDS, MeasureColumns, firm_inputs
from matching.catalogue.verdict import ToConfirm, judge
from matching.catalogue.view import MeasureView
from matching.eligibility.columnar import CompiledCriteria, FirmColumns, tiers
from matching.eligibility.rules import Status, Verdict
from matching.errors import InvalidSweep
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.messages import MESSAGES
from matching.ranking.benefit import Estimate
from matching.reverse.population import Population
from policies.criteria import NumericCriterion
from policies.i18n import OneLanguage
from policies.vocabulary import Designation

TIERS = {Verdict.eligible: 0, Verdict.possibly_eligible: 1, Verdict.ineligible: 2}  # the order results come in


class Candidate(OneLanguage):
    firm_id: int
    external_ref: str | None
    name: str
    region: str
    verdict: Verdict
    reasons: list[str]
    reasons_zh: list[str]
    missing: list[str]
    to_confirm: list[ToConfirm]
    estimated_benefit: Estimate
    relevance: float


class CandidateList(BaseModel):
    code: str
    as_of: dt.date
    firms_version: int
    counts: dict[Verdict, int]
    total: int
    offset: int
    limit: int
    items: list[Candidate]


def verdicts_for(view: MeasureView, columns: FirmColumns, as_of: dt.date) -> npt.NDArray[np.int8]:
    """Worst status of the measure's rules for every firm in the batch."""
    if columns.count == 0:
        return np.zeros(0, dtype=np.int8)
    worst: npt.NDArray[np.int8] = CompiledCriteria([view.rules], [view.code]).evaluate(columns, as_of)[0]
    return worst


def firm_values(view: MeasureView, columns: FirmColumns) -> npt.NDArray[np.float64]:
    """The measure's ranking value for every firm, as `ranking_value(estimate(...))` gives it for one."""
    high_tech = columns.held[:, list(Designation).index(Designation.high_tech_enterprise)]
    return MeasureColumns.from_views([view]).firm_values(
        0, firm_inputs(columns.numbers_of(BASE_FIELDS), high_tech, columns.size))


RELEVANCE_DECIMALS = 6  # relevance is rounded before it orders firms, so equal texts tie exactly


def _contenders(
    tier: npt.NDArray[np.int8], value: npt.NDArray[np.float64], wanted: int | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Positions that can reach the first `wanted` places: those ahead on (tier, value), and those tied with the last.

    Relevance, which orders the tied, then needs computing only for these: a national measure that
    suits most of a million firms is ranked by one selection instead of a million dot products and a sort.
    """
    everyone = np.arange(len(tier))
    if wanted is None or wanted >= len(tier):
        return everyone, everyone[:0]
    ceiling = float(value.max(initial=0.0)) + 1.0
    key = tier * 2 * ceiling + (ceiling - value)  # ascending in tier, then descending in value; exact for yuan
    boundary = key.min()
    # Most often the best (tier, value) alone fills the page: a national measure whose cap most firms reach.
    # np.partition is slowest exactly then (130 ms for 765,000 equal keys among a million, against 2 ms for this).
    if np.count_nonzero(key == boundary) < wanted:
        boundary = np.partition(key, wanted - 1)[wanted - 1]
    return everyone[key < boundary], everyone[key == boundary]


def candidates(
    view: MeasureView,
    measure_vector: npt.NDArray[np.float32],
    population: Population,
    profiles: Callable[[list[int]], dict[int, FirmProfile]],
    *,
    tenant: str | None,
    verdicts: list[Verdict] | None,
    offset: int,
    limit: int | None,
) -> CandidateList:
    """Firms eligible or possibly eligible for the measure, ranked by estimated benefit, then relevance.

    Every firm is ranked column-wise; only the page shown is explained, from the
    profiles `profiles` reads (by firm id), so a million firms cost one sort.
    """
    status = verdicts_for(view, population.columns, population.as_of)
    visible = population.visible_to(tenant)
    tier = tiers(status)
    counts = {verdict: int(np.count_nonzero(visible & (tier == TIERS[verdict]))) for verdict in Verdict}
    shown = [TIERS[v] for v in (verdicts or [Verdict.eligible, Verdict.possibly_eligible])]
    chosen = np.flatnonzero(visible & np.isin(tier, shown))
    value = firm_values(view, population.columns)[chosen]
    wanted = None if limit is None else offset + limit
    ahead, tied = _contenders(tier[chosen], value, wanted)
    if wanted is not None and len(tied):  # only the most relevant of the tied can reach the page
        margin = 2 * 10.0 ** -RELEVANCE_DECIMALS  # faiss's scores and ours differ in the last float bits
        tied = np.searchsorted(chosen, population.vectors.contenders(chosen[tied], measure_vector,
                                                                     wanted - len(ahead), margin))
    contenders = np.concatenate([ahead, tied])
    rows, value = chosen[contenders], value[contenders]
    relevance = np.round(population.vectors.scores(rows, measure_vector), RELEVANCE_DECIMALS)
    order = np.lexsort((population.ids[rows], -relevance, -value, tier[rows]))
    shown_at = order[offset:] if limit is None else order[offset : offset + limit]
    page, page_relevance = rows[shown_at], relevance[shown_at]
    found = profiles([int(population.ids[row]) for row in page])
    items = []
    for row, row_relevance in zip(page.tolist(), page_relevance.tolist(), strict=True):
        profile = found.get(int(population.ids[row]))
        if profile is None:  # deleted since the population was built
            continue
        judged = judge(view, derive(profile, population.as_of))
        items.append(Candidate(
            firm_id=int(population.ids[row]), external_ref=population.external_refs[row],
            name=profile.name, region=profile.region, verdict=judged.verdict, reasons=judged.reasons,
            reasons_zh=judged.reasons_zh,
            missing=judged.missing, to_confirm=judged.to_confirm,
            estimated_benefit=judged.estimated_benefit, relevance=row_relevance,
        ))
    return CandidateList(code=view.code, as_of=population.as_of, firms_version=population.version, counts=counts,
                         total=len(chosen), offset=offset, limit=limit or len(chosen), items=items)


class Sweep(BaseModel):
    """Try other bounds for one numeric criterion of the draft, e.g. employees ≤ 300 → ≤ 500."""

    path: int = Field(ge=0, description="index of a numeric criterion in the draft's criteria list")
    bound: Literal["value", "min", "max"] = "value"
    values: list[float] = Field(min_length=1, max_length=20)


class SweepPoint(BaseModel):
    value: float
    eligible: int
    possibly_eligible: int
    change: int  # eligible plus possibly eligible, against the draft as written


class Preview(BaseModel):
    firms: int
    counts: dict[Verdict, int]
    excluded_by: list[dict[str, object]]
    total_payout: int
    sweep: list[SweepPoint]


def preview(view: MeasureView, population: Population, sweep: Sweep | None) -> Preview:
    """What a draft would do if published: who qualifies, what keeps firms out, what it would cost."""
    status = verdicts_for(view, population.columns, population.as_of)
    tier = tiers(status)
    counts = {verdict: int(np.count_nonzero(tier == TIERS[verdict])) for verdict in Verdict}
    rules = view.rules
    offset = len(rules) - len(view.criteria)  # the jurisdiction rule, when there is one
    excluded: list[dict[str, object]] = []
    for position, rule in enumerate(rules):
        alone = CompiledCriteria([[rule]], [view.code]).evaluate(population.columns, population.as_of)[0]
        path = "jurisdiction" if position < offset else f"criteria[{position - offset}]"
        excluded.append({"path": path, "type": rule.type, "fails": int(np.count_nonzero(alone == 0))})
    excluded.sort(key=lambda item: -int(str(item["fails"])))
    payout = float(firm_values(view, population.columns)[tier == 0].sum())
    qualifying = int(np.count_nonzero(status >= Status.unknown))
    points = []
    if sweep is not None:
        if sweep.path >= len(view.criteria):
            raise InvalidSweep(MESSAGES.say("en", "the draft has no criteria[{path}]", path=sweep.path))
        target = view.criteria[sweep.path]
        if not isinstance(target, NumericCriterion):
            raise InvalidSweep(MESSAGES.say("en", "criteria[{path}] is a {type} criterion, not numeric", path=sweep.path,
                                            type=target.type))
        for value in sweep.values:
            try:
                changed = NumericCriterion.model_validate(target.model_dump() | {sweep.bound: value})
            except ValidationError as exc:
                raise InvalidSweep(MESSAGES.say("en", "{bound} = {value}: {problem}", bound=sweep.bound,
                                                value=value, problem=exc.errors()[0]["msg"])) from exc
            criteria = [changed if i == sweep.path else c for i, c in enumerate(view.criteria)]
            moved = verdicts_for(MeasureView(**(vars(view) | {"criteria": criteria})), population.columns,
                                 population.as_of)
            moved_tier = tiers(moved)
            eligible = int(np.count_nonzero(moved_tier == 0))
            possible = int(np.count_nonzero(moved_tier == 1))
            points.append(SweepPoint(value=value, eligible=eligible, possibly_eligible=possible,
                                     change=eligible + possible - qualifying))
    return Preview(firms=len(status), counts=counts, excluded_by=excluded,
                   total_payout=round(payout), sweep=points)
