"""Eligibility for one firm across the catalogue: verdicts, reasons, next question, near misses.

The columnar pass decides every measure at once; only the measures a person
will read are then explained by the scalar reference evaluator.
"""

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field

from matching.catalogue.coverage import Coverage
from matching.catalogue.shards import NodeStatuses
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.verdict import CLOSING_SOON_DAYS, MeasureVerdict, judge
from matching.catalogue.view import MeasureView
from matching.eligibility import advice
from matching.eligibility.advice import Change
from matching.eligibility.questions import NextQuestion, Prior, next_questions_columnar
from matching.eligibility.rules import Status, Verdict, evaluate, verdict_of
from matching.errors import UnknownMeasures
from matching.firm.facts import Facts, apply_overrides, derive
from matching.firm.profile import FirmProfile
from matching.ranking.benefit import Estimate, estimate, ranking_value
from policies import reference

NEAR_MISS_LIMIT = 10


class NearMiss(BaseModel):
    code: str
    title_en: str
    title_zh: str
    changes: list[Change]
    verdict_after: Verdict
    estimated_benefit: Estimate


class EligibilityReport(BaseModel):
    as_of: dt.date
    catalogue_version: int
    counts: dict[Verdict, int]
    results: list[MeasureVerdict]
    next_question: NextQuestion | None = Field(description="the first of next_questions")
    next_questions: list[NextQuestion] = Field(description="what to ask the firm next, best first")
    near_misses: list[NearMiss]
    coverage: Coverage


def _covers(measure: MeasureView, region: str) -> bool:
    return any(reference.region_within(region, area) for area in measure.jurisdiction)


def find_near_misses(
    snapshot: CatalogueSnapshot, profile: FirmProfile, facts: Facts, ineligible: list[int]
) -> list[NearMiss]:
    """The ineligible measures that one or two numeric changes, or one title, would open; smallest first."""
    numbers: dict[str, Any] = {field.value: value for field, value in facts.numbers.items()}
    held = [item.model_dump(mode="json") for item in profile.designations]
    found: list[tuple[float, NearMiss]] = []
    for index in ineligible:
        measure = snapshot.measures[index]
        if not _covers(measure, facts.region):
            continue  # another place's measure: no change to the profile helps
        _, outcomes = evaluate(measure.criteria, facts, measure.jurisdiction, measure.code)
        changes = advice.smallest_change(measure.rules, outcomes, numbers, list(facts.designations))
        if changes is None:
            continue
        changed = apply_overrides(profile, advice.apply_changes(changes, held))
        after, _ = evaluate(measure.criteria, derive(changed, facts.as_of), measure.jurisdiction, measure.code)
        if after is Verdict.ineligible:
            continue
        miss = NearMiss(code=measure.code, title_en=measure.title_en, title_zh=measure.title_zh, changes=changes,
                        verdict_after=after, estimated_benefit=estimate(measure.benefit, facts))
        found.append((advice.cost_of(changes), miss))
    found.sort(key=lambda pair: (pair[0], -ranking_value(pair[1].estimated_benefit), pair[1].code))
    return [miss for _, miss in found[:NEAR_MISS_LIMIT]]


def check(
    snapshot: CatalogueSnapshot,
    profile: FirmProfile,
    *,
    as_of: dt.date,
    codes: list[str] | None = None,
    overrides: dict[str, Any] | None = None,
    include_ineligible: bool = False,
    want_near_misses: bool = False,
    closing_soon_days: int = CLOSING_SOON_DAYS,
    prior: Prior | None = None,
) -> EligibilityReport:
    """Check a firm against the published catalogue (or the listed measures) as of a date.

    Raises:
        UnknownMeasures: a listed code is not a published measure.
        pydantic.ValidationError: the overrides make the profile invalid.
    """
    overrides = overrides or {}
    effective = apply_overrides(profile, overrides)
    facts = derive(effective, as_of)
    if codes is not None:
        missing = [code for code in codes if code not in snapshot.index]
        if missing:
            raise UnknownMeasures(missing)
        selected = [snapshot.index[code] for code in dict.fromkeys(codes)]
    else:
        selected = list(range(len(snapshot.measures)))
    nodes, statuses = snapshot.criteria.evaluate_nodes([facts], as_of)
    worst = statuses[:, 0]
    verdicts = {index: verdict_of(Status(int(worst[index]))) for index in selected}
    counts = Counter(verdicts.values())
    shown = [i for i in selected if include_ineligible or codes is not None or verdicts[i] is not Verdict.ineligible]
    results = [judge(snapshot.measures[i], facts, closing_soon_days) for i in shown]
    order = {Verdict.eligible: 0, Verdict.possibly_eligible: 1, Verdict.ineligible: 2}
    results.sort(key=lambda r: (order[r.verdict], -ranking_value(r.estimated_benefit), r.code))
    open_ = [r for r in results if r.verdict is Verdict.possibly_eligible]
    questions = ask_next(snapshot, nodes, np.array([snapshot.index[r.code] for r in open_], dtype=np.int64),
                         np.array([ranking_value(r.estimated_benefit) for r in open_]), prior or Prior.default())
    ineligible = [i for i in selected if verdicts[i] is Verdict.ineligible]
    return EligibilityReport(
        as_of=as_of,
        catalogue_version=snapshot.version,
        counts={verdict: counts.get(verdict, 0) for verdict in Verdict},
        results=results,
        next_question=questions[0] if questions else None, next_questions=questions,
        near_misses=find_near_misses(snapshot, effective, facts, ineligible) if want_near_misses else [],
        coverage=snapshot.coverage(effective.region),
    )


def ask_next(snapshot: CatalogueSnapshot, statuses: NodeStatuses, possibly: npt.NDArray[np.int64],
             worth: npt.NDArray[np.float64], prior: Prior, already: Collection[str] = ()) -> list[NextQuestion]:
    """The questions worth asking about the possibly-eligible measures (snapshot positions, with their values)."""
    values = np.zeros(len(snapshot.codes))
    values[possibly] = worth
    return next_questions_columnar(snapshot.criteria.blocking_nodes(statuses, possibly), values, prior,
                                   titles=_Titles(snapshot), already=already)


class _Titles(Mapping[str, tuple[str, str]]):
    """Measure titles read only for the few questions phrased, not for every measure that waits."""

    def __init__(self, snapshot: CatalogueSnapshot) -> None:
        self._snapshot = snapshot

    def __getitem__(self, code: str) -> tuple[str, str]:
        view = self._snapshot.measures[self._snapshot.index[code]]
        return view.title_en, view.title_zh

    def __iter__(self) -> Iterator[str]:
        return iter(self._snapshot.codes)

    def __len__(self) -> int:
        return len(self._snapshot.codes)
