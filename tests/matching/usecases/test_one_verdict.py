"""One verdict everywhere: every surface reports the same verdict, window status and reasons for (firm, measure, date).

Firms are the example firms, varied by hypothesis (facts dropped or scaled, titles added
or taken away, conditions confirmed, per-scheme declarations made), checked against the
sample catalogue on several dates. `judge` is the reference; match (the portal's and
MCP's `match_firm`), the eligibility report (the route's and MCP's `check_eligibility`),
ask, reverse matching (counts and the candidates page) and the columnar pass that
webhook fan-out uses must all agree with it.
"""

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.verdict import MeasureVerdict, judge
from matching.catalogue.view import MeasureView
from matching.eligibility.columnar import CompiledCriteria, FirmColumns, tiers
from matching.eligibility.rules import Outcome, Verdict
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.ranking.fusion import Weights
from matching.reverse.candidates import candidates
from matching.reverse.population import Population
from matching.text.embeddings import HashingEncoder
from matching.text.queries import QueryEncoder
from matching.text.vectors import VectorIndex
from matching.usecases.ask import ask
from matching.usecases.match import Matcher, MatchOptions
from matching.usecases.verdicts import check
from policies.criteria import AllOfCriterion, AnyOfCriterion, AttestationCriterion, Criterion, ManualCriterion
from policies.importing.loader import read_directory
from policies.schemas import MeasureCreate
from policies.vocabulary import Designation

ROOT = Path(__file__).resolve().parents[3]
ENCODER = HashingEncoder()
DATES = [dt.date(2026, 3, 15), dt.date(2026, 6, 30), dt.date(2026, 11, 22), dt.date(2027, 2, 1)]
TIER_OF = {Verdict.eligible: 0, Verdict.possibly_eligible: 1, Verdict.ineligible: 2}


@lru_cache(maxsize=1)
def sample() -> CatalogueSnapshot:
    fields = set(MeasureCreate.model_fields)
    views = [MeasureView.from_record(MeasureCreate.model_validate({k: v for k, v in raw.items() if k in fields}))
             for raw in read_directory(ROOT / "policies" / "sample" / "catalogue")]
    vectors = ENCODER.encode_documents([view.dense_text for view in views])
    return CatalogueSnapshot.build(1, views, VectorIndex(np.ascontiguousarray(vectors, dtype=np.float32)))


@lru_cache(maxsize=1)
def example_firms() -> list[dict[str, Any]]:
    return [yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((ROOT / "examples" / "firms").glob("*.yaml"))]


def _leaves(criteria: list[Criterion]) -> list[Criterion]:
    found: list[Criterion] = []
    for criterion in criteria:
        if isinstance(criterion, AnyOfCriterion | AllOfCriterion):
            found += _leaves(criterion.criteria)
        else:
            found.append(criterion)
    return found


@lru_cache(maxsize=1)
def hand_checked() -> list[tuple[str, str]]:
    """Every (measure, condition) a firm could confirm, and every per-scheme declaration it could make."""
    found = []
    for view in sample().measures:
        for leaf in _leaves(view.criteria):
            if isinstance(leaf, ManualCriterion):
                found.append((view.code, leaf.key))
    return found


@lru_cache(maxsize=1)
def schemes() -> list[str]:
    return sorted({scheme for view in sample().measures for leaf in _leaves(view.criteria)
                   if isinstance(leaf, AttestationCriterion) and (scheme := leaf.scheme_for(view.code))})


NUMBERS = ["employees", "operating_revenue", "total_assets", "rd_expense", "rd_expense_prev", "rd_staff",
           "invention_patents", "ip_class1", "ip_class2"]


@st.composite
def firms(draw: st.DrawFn) -> FirmProfile:
    profile = dict(draw(st.sampled_from(example_firms())))
    for field in NUMBERS:
        if profile.get(field) is not None:
            change = draw(st.sampled_from(["keep", "keep", "drop", "half", "double"]))
            if change == "drop":
                profile[field] = None
            elif change != "keep":
                profile[field] = int(profile[field] * (0.5 if change == "half" else 2))
    for field in ("main_business_share", "export_share", "founded", "industries", "description"):
        if field in profile and draw(st.booleans()) and draw(st.booleans()):
            profile.pop(field)
    titles = draw(st.lists(st.sampled_from(list(Designation)), max_size=3, unique=True))
    awarded = draw(st.sampled_from([None, "2022-06-01", "2024-07-15", "2026-01-10"]))
    if titles:
        profile["designations"] = [{"designation": title.value, "awarded": awarded} for title in titles]
    elif draw(st.booleans()):
        profile["designations"] = []
    if draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(hand_checked()), max_size=12, unique=True))
        profile["confirmations"] = [{"measure": code, "condition": key, "confirmed_by": "advisor",
                                     "confirmed_on": "2026-01-01"} for code, key in chosen]
    if draw(st.booleans()) and schemes():
        chosen_schemes = draw(st.lists(st.sampled_from(schemes()), max_size=6, unique=True))
        profile["scheme_attestations"] = [{"attestation": "not_previously_funded", "scheme": scheme}
                                          for scheme in chosen_schemes]
    return FirmProfile.model_validate(profile)


def _outcome_leaves(outcomes: list[Outcome]) -> list[Outcome]:
    """Leaves that decide: a passing any_of is decided by its passing branch alone."""
    found: list[Outcome] = []
    for outcome in outcomes:
        if outcome.parts:
            parts = [p for p in outcome.parts if p.status == "pass"] if outcome.type == "any_of" else outcome.parts
            found += _outcome_leaves(parts[:1] if outcome.type == "any_of" else parts)
        else:
            found.append(outcome)
    return found


def _same(judged: MeasureVerdict, verdict: object, window: str, failing: object, missing: object,
          to_confirm: object) -> None:
    assert (verdict, window) == (judged.verdict, judged.window.status), judged.code
    assert failing == judged.failing and missing == judged.missing and to_confirm == judged.to_confirm, judged.code


def test_the_sample_catalogue_loads() -> None:
    assert len(sample().measures) > 100 and hand_checked()  # built once, outside the property test


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(profile=firms(), as_of=st.sampled_from(DATES))
def test_every_surface_reports_the_verdict_judge_gives(profile: FirmProfile, as_of: dt.date) -> None:
    snapshot = sample()
    facts = derive(profile, as_of)
    judged = {view.code: judge(view, facts) for view in snapshot.measures}
    for verdict in judged.values():  # "eligible" means nothing is left unchecked
        if verdict.verdict is Verdict.eligible:
            assert not verdict.missing and not verdict.to_confirm and not verdict.failing, verdict.code
            assert all(leaf.status == "pass" for leaf in _outcome_leaves(verdict.outcomes)), verdict.code

    # Match (the portal and MCP's match_firm): every measure that is not ineligible, with the same reasons.
    matcher = Matcher(encode=QueryEncoder(ENCODER), weights=Weights(relevance=0.5, value=0.2, timeliness=0.1,
                                                                     specificity=0.2))
    matched = matcher.match(snapshot, profile, MatchOptions(as_of=as_of, include_closed=True, limit=1000))
    assert {item.code for item in matched.items} == {c for c, j in judged.items() if j.verdict is not Verdict.ineligible}
    for item in matched.items:
        _same(judged[item.code], item.verdict, item.window.status, item.failing, item.missing, item.to_confirm)

    # The eligibility report (the route and MCP's check_eligibility).
    report = check(snapshot, profile, as_of=as_of, include_ineligible=True)
    assert len(report.results) == len(judged)
    for result in report.results:
        _same(judged[result.code], result.verdict, result.window.status, result.failing, result.missing,
              result.to_confirm)
    assert report.counts == {verdict: sum(j.verdict is verdict for j in judged.values()) for verdict in Verdict}

    # Ask: a chatbot asking about measures by name hears the same verdict, window and reasons.
    for code in list(judged)[:: max(1, len(judged) // 6)]:
        view = snapshot.measures[snapshot.index[code]]
        for answer in ask(snapshot, view.title_zh, None, profile, as_of=as_of, limit=20).answers:
            reference = judged[answer.code]
            assert (answer.verdict, answer.window_status) == (reference.verdict, reference.window.status)
            assert answer.reasons == reference.reasons and answer.to_confirm == reference.to_confirm

    # Reverse matching and webhook fan-out: the columnar pass over a population, per measure.
    population = Population.of(version=1, as_of=as_of, ids=[7], tenants=["t"], external_refs=[None],
                               profiles=[profile], vectors=np.zeros((1, ENCODER.dimension), dtype=np.float32),
                               has_text=[False])
    columns = FirmColumns.from_facts([facts])
    for view in snapshot.measures:
        expected = TIER_OF[judged[view.code].verdict]
        assert int(tiers(CompiledCriteria([view.rules], [view.code]).evaluate(columns, as_of)[0])[0]) == expected
        found = candidates(view, np.zeros(ENCODER.dimension, dtype=np.float32), population, lambda ids: {7: profile},
                           tenant=None, verdicts=list(Verdict), offset=0, limit=None)
        assert found.counts[judged[view.code].verdict] == 1
        (item,) = found.items
        assert item.verdict is judged[view.code].verdict and item.reasons == judged[view.code].reasons
        assert item.missing == judged[view.code].missing and item.to_confirm == judged[view.code].to_confirm
