"""The next questions: chosen by the money they are expected to settle, phrased for a person in both languages."""

import datetime as dt
import random
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.eligibility import wording
from matching.eligibility.columnar import CompiledCriteria, FirmColumns, tiers
from matching.eligibility.questions import (
    ATTESTATION_QUESTIONS,
    CONFIRMATION_PASS,
    FIELD_QUESTIONS,
    FLAG_TRUE,
    MIN_KNOWN,
    NUMERIC_PASS,
    Prior,
    default_pass,
    next_questions,
    next_questions_columnar,
    phrase,
)
from matching.eligibility.rules import evaluate_criterion
from matching.firm.facts import Facts, derive
from matching.firm.profile import FirmProfile
from matching.text.embeddings import HashingEncoder
from matching.text.vectors import VectorIndex
from matching.usecases.verdicts import ask_next
from policies.criteria import (
    AttestationCriterion,
    Criterion,
    DesignationCriterion,
    FlagCriterion,
    IndustryCriterion,
    ManualCriterion,
    NumericCriterion,
    Op,
    SizeClassCriterion,
)
from policies.importing.loader import read_directory
from policies.schemas import MeasureCreate
from policies.vocabulary import (
    DERIVED_FIELDS,
    DESIGNATION_NAMES_ZH,
    FRACTION_FIELDS,
    Attestation,
    Designation,
    FlagField,
    NumericField,
    SizeClass,
)
from tests.matching.strategies import CODES, DAYS, criteria, facts, numeric

ROOT = Path(__file__).resolve().parents[3]
AS_OF = dt.date(2026, 11, 22)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _numeric(field: str, op: str, value: float) -> NumericCriterion:
    return NumericCriterion(type="numeric", field=NumericField(field), op=Op(op), value=value)


def _declare(attestation: Attestation, scheme: str | None = None) -> AttestationCriterion:
    return AttestationCriterion(type="attestation", attestation=attestation, scheme=scheme)


REVENUE = _numeric("operating_revenue", "gte", 10_000_000)
PATENTS = _numeric("invention_patents", "gte", 5)
HONEST = _declare(Attestation.no_serious_violation_3y)
ON_LIST = ManualCriterion(type="manual", text="The project is on the provincial list", text_zh="项目列入省级项目清单")


def _readable(en: str, zh: str) -> None:
    assert en and en[0].isupper() and en.endswith("?"), en
    assert CJK.search(zh) and zh.endswith("？"), zh
    assert "_" not in en and "_" not in zh, (en, zh)


# --- phrasing -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", [*NumericField, *FlagField])
def test_every_field_has_a_question_in_both_languages(field: NumericField | FlagField) -> None:
    assert field.value in FIELD_QUESTIONS, f"add a question for {field.value} to FIELD_QUESTIONS"
    en, zh, answer = phrase(field.value)
    _readable(en, zh)
    if answer == "money":
        assert "yuan" in en and "元" in zh
    if answer == "share":
        assert ("percent" in en or "percentage" in en) and "百分之" in zh
    if isinstance(field, FlagField):
        assert answer == "yes_no" and "是否" in zh
    elif field in DERIVED_FIELDS:
        assert answer in ("money", "number", "date")  # asked through what it is derived from
    else:
        if field in FRACTION_FIELDS:
            assert answer == "share"
        # the unit the reasons print it in, where `wording` (a colleague's module) says one
        unit = getattr(wording, "unit_of", lambda _: None)(field.value)
        expected = {"yuan": "money", "share": "share"}.get(unit) if isinstance(unit, str) else None
        assert answer == (expected or answer) and answer in ("money", "share", "number")


@pytest.mark.parametrize("flag", list(FlagField))
def test_every_flag_has_a_documented_prior(flag: FlagField) -> None:
    assert flag in FLAG_TRUE, f"add {flag.value} to FLAG_TRUE, with where the number comes from"


def test_derived_fields_ask_for_what_they_come_from() -> None:
    assert phrase("age_years")[2] == "date"
    en, zh, _ = phrase("rd_ratio")
    assert "R&D" in en and "revenue" in en and "研发费用" in zh and "营业收入" in zh
    assert phrase("operating_revenue")[:2] == ("What was the firm's operating revenue last year, in yuan?",
                                               "企业上年度营业收入是多少元？")


@pytest.mark.parametrize("attestation", list(Attestation))
def test_every_declaration_is_a_natural_yes_no(attestation: Attestation) -> None:
    assert attestation.value in ATTESTATION_QUESTIONS
    en, zh, answer = phrase(f"attestations.{attestation.value}")
    _readable(en, zh)
    assert answer == "declare"


@pytest.mark.parametrize("designation", list(Designation))
def test_every_title_asks_its_award_date_by_its_chinese_name(designation: Designation) -> None:
    en, zh, answer = phrase(f"designations.{designation.value}.awarded")
    _readable(en, zh)
    assert answer == "date"
    assert DESIGNATION_NAMES_ZH[designation] in zh
    held_en, held_zh, held_answer = phrase(f"designations.{designation.value}")
    _readable(held_en, held_zh)
    assert held_answer == "yes_no"


def test_industries_and_size_are_asked_in_words() -> None:
    en, zh, answer = phrase("industries")
    _readable(en, zh)
    assert answer == "codes" and "GB/T 4754" in zh
    en, zh, _ = phrase("size_class")
    _readable(en, zh)
    assert "employ" in en and "从业人员" in zh


def test_a_confirmation_names_the_measure_and_quotes_the_condition() -> None:
    titles = {"ZJ-X": ("Zhejiang renovation subsidy", "浙江省技改补助")}
    en, zh, answer = phrase(f"confirmations.{ON_LIST.key}", ON_LIST, measure="ZJ-X", titles=titles)
    assert answer == "confirm"
    assert "Zhejiang renovation subsidy" in en and "on the provincial list" in en and en.endswith("?")
    assert "浙江省技改补助" in zh and "项目列入省级项目清单" in zh and zh.endswith("？")
    bare = ManualCriterion(type="manual", text="The nominee works full time for the firm.")
    en, zh, _ = phrase(f"confirmations.{bare.key}", bare, measure="ZJ-Y")
    assert "ZJ-Y" in en and "ZJ-Y" in zh and "works full time for the firm" in zh  # no title, no Chinese text


def test_a_field_without_a_question_falls_back_to_its_name() -> None:
    en, zh, answer = phrase("widgets_shipped")
    assert "widgets shipped" in en and en.endswith("?") and zh.endswith("？") and answer == "number"
    en, zh, answer = phrase("attestations.pays_suppliers_on_time")
    assert "pays suppliers on time" in en and answer == "declare" and zh.endswith("？")
    en, zh, answer = phrase("designations.provincial_gazelle.awarded")
    assert "provincial gazelle" in en and answer == "date"
    en, zh, answer = phrase("designations.provincial_gazelle")
    assert "provincial gazelle" in en and answer == "yes_no" and zh.endswith("？")
    # and such a label still makes a question
    found = next_questions({"M": [("widgets_shipped", REVENUE)]}, {"M": 100.0}, Prior.default())
    assert [q.field for q in found] == ["widgets_shipped"]


def test_a_vocabulary_member_missing_from_the_tables_still_gets_a_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """What happens the day someone adds a flag or a number to the vocabulary before a question for it."""
    for name in ("listed", "operating_revenue", "export_share", "employees"):
        monkeypatch.delitem(FIELD_QUESTIONS, name)
    en, zh, answer = phrase("listed")
    _readable(en, zh)
    assert answer == "yes_no" and "是否" in zh
    en, zh, answer = phrase("operating_revenue")
    _readable(en, zh)
    assert answer == "money" and "yuan" in en and "元" in zh
    en, zh, answer = phrase("export_share")
    _readable(en, zh)
    assert answer == "share" and "percent" in en and "百分之" in zh
    assert phrase("employees")[2] == "number"
    monkeypatch.delitem(FLAG_TRUE, FlagField.listed)
    assert default_pass(FlagCriterion(type="flag", field=FlagField.listed, value=True)) == 0.5


def test_the_fallback_survives_a_reshaped_wording_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(wording, "field_name")
    monkeypatch.setattr(wording, "unit_of", lambda field: 42)
    en, zh, answer = phrase("widgets_shipped")
    assert "widgets shipped" in en and "widgets shipped" in zh and answer == "number"
    monkeypatch.delattr(wording, "attestation_zh")
    en, zh, answer = phrase("attestations.pays_suppliers_on_time")
    assert "pays suppliers on time" in zh and answer == "declare"


# --- choosing by expected money -------------------------------------------------------------------------------


def test_the_commonest_field_is_not_the_best_question() -> None:
    # Five small measures wait on a declaration nearly everyone can make (and on something else);
    # one large measure waits on revenue, which half the firms miss.
    pending: dict[str, list[tuple[str, Criterion]]] = {
        f"SMALL-{i}": [("attestations.no_serious_violation_3y", HONEST), ("employees", _numeric("employees", "lte", 300))]
        for i in range(5)
    }
    pending["BIG"] = [("operating_revenue", REVENUE), ("invention_patents", PATENTS)]
    values = {f"SMALL-{i}": 100_000.0 for i in range(5)} | {"BIG": 1_000_000.0}
    found = next_questions(pending, values, Prior.default())
    assert found[0].field in ("operating_revenue", "invention_patents")
    assert found[0].expected_settled == round(1_000_000 * (1 - NUMERIC_PASS))
    declaration = next(q for q in found if q.field == "attestations.no_serious_violation_3y")
    assert declaration.measures == [f"SMALL-{i}" for i in range(5)]
    assert declaration.value_at_stake == 500_000
    assert declaration.expected_settled == round(500_000 * (1 - 0.9))
    assert found[0].expected_settled > declaration.expected_settled


def test_the_only_blocker_settles_the_whole_measure() -> None:
    pending: dict[str, list[tuple[str, Criterion]]] = {
        "ALONE": [("attestations.no_serious_violation_3y", HONEST)],
        "CROWDED": [("operating_revenue", REVENUE), ("invention_patents", PATENTS)],
    }
    values = {"ALONE": 1_000_000.0, "CROWDED": 1_000_000.0}
    found = next_questions(pending, values, Prior.default())
    assert found[0].field == "attestations.no_serious_violation_3y"
    assert found[0].expected_settled == 1_000_000  # fails it or passes it: decided either way
    # With a second open point, the same declaration only settles the 10% who cannot sign it.
    pending["ALONE"].append(("rd_staff", _numeric("rd_staff", "gte", 10)))
    found = next_questions(pending, values, Prior.default())
    assert found[0].field in ("operating_revenue", "invention_patents")
    assert next(q for q in found if q.field.startswith("attestations.")).expected_settled == 100_000


def test_one_field_in_two_criteria_of_a_measure_counts_both() -> None:
    band = [("operating_revenue", REVENUE), ("operating_revenue", _numeric("operating_revenue", "lte", 400_000_000))]
    alone = next_questions({"M": band}, {"M": 1_000.0}, Prior.default())
    assert alone[0].expected_settled == 1_000 and alone[0].measures == ["M"]
    crowded = next_questions({"M": [*band, ("invention_patents", PATENTS)]}, {"M": 1_000.0}, Prior.default())
    revenue = next(q for q in crowded if q.field == "operating_revenue")
    assert revenue.expected_settled == round(1_000 * (1 - NUMERIC_PASS**2))


def test_what_was_already_answered_is_not_asked() -> None:
    pending: dict[str, list[tuple[str, Criterion]]] = {
        "A": [("operating_revenue", REVENUE), ("attestations.not_previously_funded@A",
                                                 _declare(Attestation.not_previously_funded))],
        "B": [("attestations.not_previously_funded@B", _declare(Attestation.not_previously_funded)),
              (f"confirmations.{ON_LIST.key}", ON_LIST)],
        "C": [(f"confirmations.{ON_LIST.key}", ON_LIST)],
    }
    values = {"A": 10.0, "B": 10.0, "C": 10.0}
    every = {q.field for q in next_questions(pending, values, Prior.default(), limit=10)}
    assert every == {"operating_revenue", "attestations.not_previously_funded@A",
                     "attestations.not_previously_funded@B", f"confirmations.{ON_LIST.key}@B",
                     f"confirmations.{ON_LIST.key}@C"}
    fields = {q.field for q in next_questions(pending, values, Prior.default(), limit=10,
                                              already={"operating_revenue", f"confirmations.{ON_LIST.key}@C"})}
    assert fields == every - {"operating_revenue", f"confirmations.{ON_LIST.key}@C"}
    # A general declaration answers every scheme's; a condition's id answers it for every measure.
    fields = {q.field for q in next_questions(pending, values, Prior.default(), limit=10,
                                              already={"attestations.not_previously_funded",
                                                       f"confirmations.{ON_LIST.key}"})}
    assert fields == {"operating_revenue"}


def test_limit_and_nothing_to_settle() -> None:
    pending = {f"M{i}": [(f"designations.{d.value}.awarded",
                          DesignationCriterion(type="designation", designation=d, awarded_from=dt.date(2026, 1, 1)))]
               for i, d in enumerate(Designation)}
    values = {code: 1_000.0 * (i + 1) for i, code in enumerate(pending)}
    found = next_questions(pending, values, Prior.default(), limit=3)
    assert len(found) == 3 and [q.value_at_stake for q in found] == [12_000, 11_000, 10_000]
    assert next_questions(pending, values, Prior.default(), limit=0) == []
    assert next_questions({}, {}, Prior.default()) == []
    # Worth nothing, the question still decides a measure; it comes last but is asked.
    found = next_questions({"FREE": [("industries", IndustryCriterion(type="industry_in", codes=["C"]))]}, {},
                           Prior.default())
    assert [(q.field, q.expected_settled, q.answer) for q in found] == [("industries", 0, "codes")]


def test_order_is_deterministic() -> None:
    pending: dict[str, list[tuple[str, Criterion]]] = {
        "A": [("employees", _numeric("employees", "lte", 300)), ("rd_staff", _numeric("rd_staff", "gte", 10))],
        "B": [("total_assets", _numeric("total_assets", "gte", 1e6)), ("rd_staff", _numeric("rd_staff", "gte", 5))],
        "C": [("debt_ratio", _numeric("debt_ratio", "lte", 0.7)), ("employees", _numeric("employees", "gte", 10))],
    }
    values = {"A": 500.0, "B": 500.0, "C": 500.0}
    first = next_questions(pending, values, Prior.default(), limit=10)
    # equal money, stake and count: by name
    assert [q.field for q in first] == ["employees", "rd_staff", "debt_ratio", "total_assets"]
    shuffle = random.Random(7)
    for _ in range(20):
        codes = list(pending)
        shuffle.shuffle(codes)
        again = {code: shuffle.sample(pending[code], len(pending[code])) for code in codes}
        assert next_questions(again, values, Prior.default(), limit=10) == first


# --- per-scheme declarations ----------------------------------------------------------------------------------


def test_per_scheme_declarations_are_separate_questions_naming_the_scheme() -> None:
    funded = _declare(Attestation.not_previously_funded)
    criteria = [[funded], [funded], [_declare(Attestation.not_previously_funded, "ZJ-TECH-RENOVATION")],
                [_declare(Attestation.not_previously_funded, "ZJ-TECH-RENOVATION")]]
    codes = ["NB-TALENT", "NB-SMART", "NB-ROBOTS", "NB-LINES"]
    compiled = CompiledCriteria(criteria, codes)
    facts = derive(FirmProfile(name="测试企业", region="330212"), AS_OF)
    nodes, worst = compiled.evaluate_nodes(FirmColumns.from_facts([facts]), AS_OF)
    pending = {codes[i]: items for i, items in compiled.blocking(nodes, np.arange(len(codes))).items()}
    titles = {"NB-TALENT": ("Ningbo talent programme", "宁波市人才计划"),
              "NB-SMART": ("Ningbo smart factory subsidy", "宁波市智能工厂补助")}
    found = next_questions(pending, {"NB-TALENT": 3e5, "NB-SMART": 2e5, "NB-ROBOTS": 1e5, "NB-LINES": 1e5},
                           Prior.default(), titles=titles)
    by_field = {q.field: q for q in found}
    assert set(by_field) == {"attestations.not_previously_funded@NB-TALENT",
                             "attestations.not_previously_funded@NB-SMART",
                             "attestations.not_previously_funded@ZJ-TECH-RENOVATION"}
    talent = by_field["attestations.not_previously_funded@NB-TALENT"]
    assert "Ningbo talent programme" in talent.question_en and "宁波市人才计划" in talent.question_zh
    assert talent.answer == "declare" and talent.measures == ["NB-TALENT"] and talent.expected_settled == 300_000
    shared = by_field["attestations.not_previously_funded@ZJ-TECH-RENOVATION"]
    assert shared.measures == ["NB-LINES", "NB-ROBOTS"]  # one scheme, one question for both its measures
    assert "ZJ-TECH-RENOVATION" in shared.question_en and "ZJ-TECH-RENOVATION" in shared.question_zh
    assert found[0].field == "attestations.not_previously_funded@NB-TALENT"


# --- the prior --------------------------------------------------------------------------------------------------


def _undated(criterion: Criterion) -> Criterion:
    return criterion.model_copy(update={"effective_from": None, "effective_to": None})


def _leaf_criteria() -> st.SearchStrategy[Criterion]:
    ranged = st.builds(
        lambda d, start, end: DesignationCriterion(type="designation", designation=d, awarded_from=start,
                                                   awarded_to=end if start is None or end is None or end >= start
                                                   else None),
        st.sampled_from([Designation.innovative_sme, Designation.specialized_sme, Designation.little_giant]),
        st.none() | DAYS, st.none() | DAYS)
    return st.one_of(
        numeric().map(_undated),
        st.builds(lambda f, v: FlagCriterion(type="flag", field=f, value=v), st.sampled_from(list(FlagField)),
                  st.booleans()),
        st.builds(lambda c: SizeClassCriterion(type="size_class", classes=c),
                  st.lists(st.sampled_from(list(SizeClass)), min_size=1, max_size=3)),
        st.builds(lambda c, x: IndustryCriterion(type="industry_in", codes=c, exclude=x),
                  st.lists(st.sampled_from(["C", "C35", "C3581", "C34", "I65", "M73", "F"]), min_size=1, max_size=3),
                  st.booleans()),
        ranged,
    )


def _direct_share(criterion: Criterion, population: Sequence[Facts]) -> float | None:
    """Counted firm by firm with the scalar rules: passing firms among those it does not leave unknown."""
    statuses = [evaluate_criterion(criterion, one, "c").status for one in population]
    if isinstance(criterion, DesignationCriterion) and (criterion.awarded_from or criterion.awarded_to):
        # only a holder waits on its award date: count among holders
        statuses = [s for s, one in zip(statuses, population, strict=True) if criterion.designation in one.designations]
    known = [s for s in statuses if s in ("pass", "fail")]
    return sum(s == "pass" for s in known) / len(known) if known else None


@settings(max_examples=150, deadline=None)
@given(st.lists(facts(), min_size=1, max_size=40), st.lists(_leaf_criteria(), min_size=1, max_size=4))
def test_prior_from_columns_agrees_with_a_direct_count(population: list[Facts], criteria: list[Criterion]) -> None:
    prior = Prior.from_columns(FirmColumns.from_facts(population), min_known=1)
    for criterion in criteria:
        expected = _direct_share(criterion, population)
        observed = prior.observed(criterion)
        assert (observed is None) == (expected is None)
        if expected is not None:
            assert observed == pytest.approx(expected)
            assert prior.p_pass(criterion) == pytest.approx(expected)
            assert prior.observed(criterion) == observed  # cached, same answer


def _firms_with_revenue(revenues: list[float | None]) -> FirmColumns:
    return FirmColumns.from_facts([derive(FirmProfile(name="测试企业", region="330212",
                                                      operating_revenue=None if r is None else int(r)), AS_OF)
                                   for r in revenues])


def test_prior_falls_back_to_the_default_below_the_threshold() -> None:
    few = Prior.from_columns(_firms_with_revenue([20e6] * (MIN_KNOWN - 1) + [None] * 100))
    assert few.observed(REVENUE) is None and few.p_pass(REVENUE) == NUMERIC_PASS
    enough = Prior.from_columns(_firms_with_revenue([20e6] * MIN_KNOWN + [1e6] * MIN_KNOWN + [None] * 5))
    assert enough.p_pass(REVENUE) == pytest.approx(0.5)
    assert enough.p_pass(_numeric("operating_revenue", "gt", 20e6)) == pytest.approx(0.0)
    assert enough.p_pass(_numeric("operating_revenue", "gte", 20e6 * (1 + 1e-12))) == pytest.approx(0.5)
    assert enough.p_pass(_numeric("operating_revenue", "lte", 1e6)) == pytest.approx(0.5)
    # what a population cannot count stays the documented default
    assert enough.p_pass(ON_LIST) == CONFIRMATION_PASS == default_pass(ON_LIST)
    assert enough.p_pass(HONEST) == default_pass(HONEST) == 0.9
    assert Prior.default().p_pass(_declare(Attestation.not_previously_funded, "SCHEME-X")) == 0.8


def test_the_population_changes_the_choice() -> None:
    """Where every firm on file clears the revenue bar, asking revenue settles little; patents become the question."""
    pending: dict[str, list[tuple[str, Criterion]]] = {
        "R": [("operating_revenue", REVENUE), ("attestations.no_serious_violation_3y", HONEST)],
        "P": [("invention_patents", PATENTS), ("attestations.tax_compliant", _declare(Attestation.tax_compliant))],
    }
    values = {"R": 1_000.0, "P": 900.0}
    assert next_questions(pending, values, Prior.default())[0].field == "operating_revenue"
    rich = Prior.from_columns(_firms_with_revenue([50e6] * 100))
    assert rich.p_pass(REVENUE) == 1.0
    assert next_questions(pending, values, rich)[0].field == "invention_patents"


# --- different firms, different questions ---------------------------------------------------------------------


def _pending_for(compiled: CompiledCriteria, codes: list[str], profile: FirmProfile
                 ) -> dict[str, list[tuple[str, Criterion]]]:
    facts = derive(profile, AS_OF)
    nodes, worst = compiled.evaluate_nodes(FirmColumns.from_facts([facts]), AS_OF)
    possibly = np.flatnonzero(tiers(worst[:, 0]) == 1)
    return {codes[i]: items for i, items in compiled.blocking(nodes, possibly).items()}


def test_firms_with_different_profiles_get_different_first_questions() -> None:
    codes = ["RD-GRANT", "PATENT-AWARD", "EXPORT-LOAN", "INDUSTRY-ONLY"]
    compiled = CompiledCriteria([
        [_numeric("rd_ratio", "gte", 0.03), _numeric("employees", "lte", 500)],
        [PATENTS, HONEST],
        [_numeric("export_share", "gte", 0.2)],
        [IndustryCriterion(type="industry_in", codes=["C35"])],
    ], codes)
    values = {"RD-GRANT": 500_000.0, "PATENT-AWARD": 2_000_000.0, "EXPORT-LOAN": 300_000.0, "INDUSTRY-ONLY": 1e5}
    firms = {
        "patents unknown": FirmProfile(name="甲企业", region="330212", industries=["C3581"], employees=120,
                                       operating_revenue=60_000_000, rd_expense=3_000_000, export_share=0.3),
        "patents known": FirmProfile(name="乙企业", region="330212", industries=["C3581"], employees=120,
                                     invention_patents=8, attestations=[Attestation.no_serious_violation_3y]),
        "knows little": FirmProfile(name="丙企业", region="330212", invention_patents=2),
    }
    first = {name: next_questions(_pending_for(compiled, codes, profile), values, Prior.default())[0].field
             for name, profile in firms.items()}
    assert first == {"patents unknown": "invention_patents", "patents known": "rd_ratio",
                     "knows little": "export_share"}


@lru_cache(maxsize=1)
def _sample() -> CatalogueSnapshot:
    encoder = HashingEncoder()
    fields = set(MeasureCreate.model_fields)
    views = [MeasureView.from_record(MeasureCreate.model_validate({k: v for k, v in raw.items() if k in fields}))
             for raw in read_directory(ROOT / "policies" / "sample" / "catalogue")]
    vectors = encoder.encode_documents([view.dense_text for view in views])
    return CatalogueSnapshot.build(1, views, VectorIndex(np.ascontiguousarray(vectors, dtype=np.float32)))


README_FIRMS = ["ningbo-cmf-titanium", "zhejiang-broaching-machines", "chengdu-longtan-robotics",
                "chengdu-digital-twin", "chengdu-laser-tv-screen"]


def test_the_readme_firms_get_different_questions_on_the_sample_catalogue() -> None:
    snapshot = _sample()
    firsts: list[str] = []
    for slug in README_FIRMS:
        raw: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "firms" / f"{slug}.yaml").read_text(encoding="utf-8"))
        facts = derive(FirmProfile.model_validate(raw), AS_OF)
        nodes, worst = snapshot.criteria.evaluate_nodes([facts], AS_OF)
        possibly = np.flatnonzero(tiers(worst[:, 0]) == 1)
        values = snapshot.columns.values(facts, possibly)
        pending = {compiled.codes[int(m)] for compiled, leaves, _ in snapshot.criteria.blocking_nodes(nodes, possibly)
                   for m in compiled.node_measure[leaves]}
        found = ask_next(snapshot, nodes, possibly, values, Prior.default())  # what match asks
        assert found, slug
        assert [q.expected_settled for q in found] == sorted((q.expected_settled for q in found), reverse=True)
        for question in found:
            assert question.question_en.endswith("?") and question.question_zh.endswith("？")
            assert set(question.measures) <= set(pending)
        firsts.append(found[0].field)
    assert len(set(firsts)) == len(firsts), firsts


@settings(max_examples=200, deadline=None)
@given(catalogue=st.lists(st.lists(criteria(), max_size=4), min_size=1, max_size=8), firm=facts(),
       worth=st.lists(st.sampled_from([0.0, 1_000.0, 50_000.0, 1_500_000.0]), min_size=8, max_size=8),
       split=st.integers(min_value=0, max_value=8))
def test_the_numpy_tally_chooses_as_the_reference_does(catalogue: list[list[Criterion]], firm: Facts,
                                                        worth: list[float], split: int) -> None:
    """match tallies open points with numpy over shards; `next_questions` is the reference it must agree with."""
    codes = CODES[: len(catalogue)]
    shards = [(catalogue[:split], codes[:split], 0), (catalogue[split:], codes[split:], min(split, len(catalogue)))]
    values = np.array(worth[: len(catalogue)])
    parts, pending = [], {}
    for rules, names, offset in shards:
        if not rules:
            continue
        compiled = CompiledCriteria(rules, names)
        nodes, worst = compiled.evaluate_nodes(FirmColumns.from_facts([firm]), firm.as_of)
        possibly = np.flatnonzero((worst[:, 0] == 1) | (worst[:, 0] == 2))
        parts.append((compiled, compiled.blocking_nodes(nodes, possibly), np.arange(len(rules)) + offset))
        pending |= {names[i]: items for i, items in compiled.blocking(nodes, possibly).items()}
    prior = Prior.default()
    reference = next_questions(pending, {code: float(values[i]) for i, code in enumerate(codes)}, prior, limit=8)
    numpy_tally = next_questions_columnar(parts, values, prior, limit=8)
    assert numpy_tally == reference
