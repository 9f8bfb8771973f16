"""Reverse matching: which stored firms qualify for a measure, and a drafting sandbox for new ones.

One measure's rules compile to a handful of arrays and run against every stored
firm at once (the columnar evaluator, with firms as the batch axis).
"""

import datetime as dt
from collections import Counter
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field, ValidationError

from matching.benefit import Estimate, estimate, ranking_value
from matching.catalogue_view import MeasureView
from matching.columnar import CompiledCriteria, FirmColumns
from matching.eligibility import Status, Verdict, decisive, evaluate
from matching.errors import InvalidSweep
from matching.population import Population
from policies.criteria import NumericCriterion

VERDICT_NAMES = {Status.fail: Verdict.ineligible, Status.unknown: Verdict.possibly_eligible,
                 Status.confirm: Verdict.eligible, Status.passed: Verdict.eligible}


class Candidate(BaseModel):
    firm_id: int
    external_ref: str | None
    name: str
    region: str
    verdict: Verdict
    missing: list[str]
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
    return CompiledCriteria([view.rules]).evaluate(columns, as_of)[0]


def candidates(
    view: MeasureView,
    measure_vector: npt.NDArray[np.float32],
    population: Population,
    *,
    tenant: str | None,
    verdicts: list[Verdict] | None,
    offset: int,
    limit: int | None,
) -> CandidateList:
    """Firms eligible or possibly eligible for the measure, ranked by estimated benefit, then relevance."""
    status = verdicts_for(view, population.columns, population.as_of)
    visible = np.ones(len(status), dtype=bool) if tenant is None else np.array(
        [t == tenant for t in population.tenants], dtype=bool)
    wanted = set(verdicts) if verdicts else {Verdict.eligible, Verdict.possibly_eligible}
    per_firm = np.array([VERDICT_NAMES[Status(int(s))].value for s in status]) if len(status) else np.array([])
    counts = {v: int(np.count_nonzero(visible & (per_firm == v.value))) for v in Verdict}
    chosen = np.flatnonzero(visible & np.isin(per_firm, [v.value for v in wanted]))
    relevance = np.where(population.has_text[chosen], population.vectors[chosen] @ measure_vector.reshape(-1), 0.0)
    items = []
    for row, score in zip(chosen, relevance, strict=True):
        facts = population.facts[row]
        verdict, outcomes = evaluate(view.criteria, facts, view.jurisdiction)
        items.append(Candidate(
            firm_id=int(population.ids[row]), external_ref=population.external_refs[row],
            name=population.profiles[row].name, region=population.profiles[row].region, verdict=verdict,
            missing=sorted({o.field for o in decisive(outcomes, "unknown") if o.field}),
            estimated_benefit=estimate(view.benefit, facts), relevance=round(float(score), 6),
        ))
    order = {Verdict.eligible: 0, Verdict.possibly_eligible: 1, Verdict.ineligible: 2}
    items.sort(key=lambda c: (order[c.verdict], -ranking_value(c.estimated_benefit), -c.relevance, c.firm_id))
    page = items[offset:] if limit is None else items[offset : offset + limit]
    return CandidateList(code=view.code, as_of=population.as_of, firms_version=population.version, counts=counts,
                         total=len(items), offset=offset, limit=limit or len(items), items=page)


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
    counts = Counter(VERDICT_NAMES[Status(int(s))] for s in status)
    rules = view.rules
    offset = len(rules) - len(view.criteria)  # the jurisdiction rule, when there is one
    excluded: list[dict[str, object]] = []
    for position, rule in enumerate(rules):
        alone = CompiledCriteria([[rule]]).evaluate(population.columns, population.as_of)[0]
        path = "jurisdiction" if position < offset else f"criteria[{position - offset}]"
        excluded.append({"path": path, "type": rule.type, "fails": int(np.count_nonzero(alone == 0))})
    excluded.sort(key=lambda item: -int(str(item["fails"])))
    eligible_rows = np.flatnonzero(status >= Status.confirm)
    payout = sum(ranking_value(estimate(view.benefit, population.facts[row])) for row in eligible_rows)
    qualifying = int(np.count_nonzero(status >= Status.unknown))
    points = []
    if sweep is not None:
        if sweep.path >= len(view.criteria):
            raise InvalidSweep(f"the draft has no criteria[{sweep.path}]")
        target = view.criteria[sweep.path]
        if not isinstance(target, NumericCriterion):
            raise InvalidSweep(f"criteria[{sweep.path}] is a {target.type} criterion, not numeric")
        for value in sweep.values:
            try:
                changed = NumericCriterion.model_validate(target.model_dump() | {sweep.bound: value})
            except ValidationError as exc:
                raise InvalidSweep(f"{sweep.bound} = {value}: {exc.errors()[0]['msg']}") from exc
            criteria = [changed if i == sweep.path else c for i, c in enumerate(view.criteria)]
            moved = verdicts_for(MeasureView(**(vars(view) | {"criteria": criteria})), population.columns,
                                 population.as_of)
            eligible = int(np.count_nonzero(moved >= Status.confirm))
            possible = int(np.count_nonzero(moved == Status.unknown))
            points.append(SweepPoint(value=value, eligible=eligible, possibly_eligible=possible,
                                     change=eligible + possible - qualifying))
    return Preview(firms=len(status), counts={v: counts.get(v, 0) for v in Verdict}, excluded_by=excluded,
                   total_payout=round(payout), sweep=points)
