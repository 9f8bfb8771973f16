"""The ladder for one firm, and what climbing each rung would unlock in the catalogue.

"Unlock" is measured, not guessed: the firm is evaluated again with the title
added, and a measure counts when its verdict improves from ineligible.
"""

import datetime as dt

from pydantic import BaseModel

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.eligibility.rules import Status, Verdict, verdict_of
from matching.firm.facts import apply_overrides, derive
from matching.firm.profile import FirmProfile
from matching.ladder import Purpose, RungAssessment, assess_ladder, next_rung
from matching.ranking.benefit import Estimate, estimate, ranking_value


class Unlocked(BaseModel):
    code: str
    title_en: str
    title_zh: str
    verdict_after: Verdict
    estimated_benefit: Estimate


class RungReport(BaseModel):
    assessment: RungAssessment
    unlocks: list[Unlocked]
    unlock_value: int


class LadderReport(BaseModel):
    as_of: dt.date
    purpose: Purpose
    catalogue_version: int
    rungs: list[RungReport]
    next_rung: str | None


def unlocked_by(snapshot: CatalogueSnapshot, profile: FirmProfile, assessment: RungAssessment,
                as_of: dt.date) -> list[Unlocked]:
    """Measures the firm is ineligible for today and would not be with this rung's title."""
    if assessment.held:
        return []
    titles = [item.model_dump() for item in profile.designations]
    climbed = apply_overrides(profile, {"designations": [*titles, {"designation": assessment.designation,
                                                                   "awarded": as_of}]})
    now, then = derive(profile, as_of), derive(climbed, as_of)
    worst = snapshot.criteria.evaluate([now, then], as_of)
    found: list[Unlocked] = []
    for index in range(len(snapshot.measures)):
        before, after = Status(int(worst[index, 0])), Status(int(worst[index, 1]))
        if before is Status.fail and after is not Status.fail:
            measure = snapshot.measures[index]
            found.append(Unlocked(code=measure.code, title_en=measure.title_en, title_zh=measure.title_zh,
                                  verdict_after=verdict_of(after), estimated_benefit=estimate(measure.benefit, then)))
    found.sort(key=lambda u: (-ranking_value(u.estimated_benefit), u.code))
    return found


def assess(snapshot: CatalogueSnapshot, profile: FirmProfile, *, as_of: dt.date, purpose: Purpose) -> LadderReport:
    """Every rung under the regime in force, with the gap to the next and what each would unlock."""
    rungs = []
    assessments = assess_ladder(profile, as_of, purpose)
    for assessment in assessments:
        unlocks = unlocked_by(snapshot, profile, assessment, as_of)
        value = round(sum(ranking_value(u.estimated_benefit) for u in unlocks))
        rungs.append(RungReport(assessment=assessment, unlocks=unlocks, unlock_value=value))
    target = next_rung(assessments)
    return LadderReport(as_of=as_of, purpose=purpose, catalogue_version=snapshot.version, rungs=rungs,
                        next_rung=target.rung if target else None)
