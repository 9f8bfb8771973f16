"""Grounded answers for chatbots: the measures a question is about, with verdicts a bot can relay.

Nothing here is generated free-form: every verdict, reason and figure comes from
the catalogue and the eligibility engine, so a chatbot quotes instead of guessing.
"""

import datetime as dt
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from pydantic import Field

from matching.catalogue.coverage import Coverage
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.verdict import ToConfirm, judge
from matching.eligibility.questions import NextQuestion, Prior
from matching.eligibility.rules import Verdict
from matching.firm.facts import Facts, derive
from matching.firm.profile import FirmProfile
from matching.messages import MESSAGES
from matching.ranking.benefit import Estimate, ranking_value
from matching.ranking.fusion import Fusion
from matching.usecases.search import SearchFilters, search
from matching.usecases.verdicts import ask_next
from policies import describe
from policies.i18n import N_, OneLanguage

INSTRUCTIONS = N_(
    "Relay each measure's verdict and reasons as given; do not judge eligibility for measures not listed. "
    "Quote amounts as estimates and cite source_url. When next_question is set, ask it before concluding; "
    "next_questions holds the rest, best first, in the language of the answer."
)
# Without a profile, the firm's basics: where it is registered (unless the question named the place),
# its trade, its size and its revenue.
_PLACE = N_("Which city or district is the firm registered in?")
_BASICS = N_("What is its main business, how many employees does it have, and what was last year's operating revenue "
             "in yuan?")


class Answer(OneLanguage):
    """One measure the question is about, told in sentences a bot can relay, and judged when there is a firm."""

    __records__: ClassVar[frozenset[str]] = frozenset({"title"})

    code: str
    title_en: str
    title_zh: str
    who_qualifies: str
    who_qualifies_zh: str
    benefit: str
    benefit_zh: str
    window: str
    window_zh: str
    window_status: str
    source_url: str | None
    verdict: Verdict | None
    reasons: list[str]
    reasons_zh: list[str]
    missing: list[str]
    to_confirm: list[ToConfirm]
    estimated_benefit: Estimate | None


class AskResult(OneLanguage):
    question: str
    regions: list[str]
    catalogue_version: int
    answers: list[Answer]
    next_question: str | None
    next_question_zh: str | None
    next_question_field: str | None
    next_questions: list[NextQuestion]
    coverage: Coverage | None
    instructions: str = INSTRUCTIONS
    instructions_zh: str = Field(default_factory=lambda: MESSAGES.say("zh", INSTRUCTIONS))


def ask(
    snapshot: CatalogueSnapshot,
    question: str,
    query_vector: npt.NDArray[np.float32] | None,
    profile: FirmProfile | None,
    *,
    as_of: dt.date,
    limit: int = 5,
    prior: Prior | None = None,
    fusion: Fusion = Fusion.rrf,
) -> AskResult:
    """The measures the question is about (within the firm's region when a profile is given), explained."""
    filters = SearchFilters(as_of=as_of, region=profile.region if profile else None)
    found = search(snapshot, question, query_vector, filters, limit=max(limit * 3, 15), fusion=fusion)
    facts = derive(profile, as_of) if profile else None
    answers: list[Answer] = []
    for hit in found.hits:
        view = snapshot.measures[snapshot.index[hit.code]]
        verdict = judge(view, facts) if facts else None
        answers.append(Answer(
            code=view.code, title_en=view.title_en, title_zh=view.title_zh,
            who_qualifies=describe.who_qualifies(view.criteria),
            who_qualifies_zh=describe.who_qualifies(view.criteria, "zh"),
            benefit=describe.benefit_text(view.benefit), benefit_zh=describe.benefit_text(view.benefit, "zh"),
            window=describe.window_text(view.window), window_zh=describe.window_text(view.window, "zh"),
            window_status=hit.window_status, source_url=view.source_url,
            verdict=verdict.verdict if verdict else None,
            reasons=verdict.reasons if verdict else [], reasons_zh=verdict.reasons_zh if verdict else [],
            missing=verdict.missing if verdict else [], to_confirm=verdict.to_confirm if verdict else [],
            estimated_benefit=verdict.estimated_benefit if verdict else None,
        ))
    if facts is not None:
        order = {Verdict.eligible: 0, Verdict.possibly_eligible: 1, Verdict.ineligible: 2}
        answers.sort(key=lambda a: order[a.verdict] if a.verdict else 3)  # stable: search order within a verdict
    answers = answers[:limit]
    questions = _follow_up(snapshot, answers, facts, prior or Prior.default()) if facts else [
        _profile_question(named_place=bool(found.regions))]
    place = profile.region if profile else (found.regions[0] if len(found.regions) == 1 else None)
    first = questions[0] if questions else None
    return AskResult(question=question, regions=found.regions, catalogue_version=snapshot.version, answers=answers,
                     next_question=first.question_en if first else None,
                     next_question_zh=first.question_zh if first else None,
                     next_question_field=first.field if first else None, next_questions=questions,
                     coverage=snapshot.coverage(place) if place else None)


def _profile_question(*, named_place: bool) -> NextQuestion:
    """Ask for the firm's basics, leaving out the place when the question already named it."""
    parts = [_BASICS] if named_place else [_PLACE, _BASICS]
    return NextQuestion(field="profile", question_en=" ".join(MESSAGES.say("en", part) for part in parts),
                        question_zh="".join(MESSAGES.say("zh", part) for part in parts), answer="codes", measures=[],
                        value_at_stake=0, expected_settled=0)


def _follow_up(snapshot: CatalogueSnapshot, answers: list[Answer], facts: Facts, prior: Prior) -> list[NextQuestion]:
    """What to ask next about the answered measures still undecided: the same choice match makes."""
    open_ = [a for a in answers if a.verdict is Verdict.possibly_eligible]
    nodes, _ = snapshot.criteria.evaluate_nodes([facts], facts.as_of)
    worth = [ranking_value(a.estimated_benefit) if a.estimated_benefit else 0.0 for a in open_]
    return ask_next(snapshot, nodes, np.array([snapshot.index[a.code] for a in open_], dtype=np.int64),
                    np.array(worth, dtype=np.float64), prior)
